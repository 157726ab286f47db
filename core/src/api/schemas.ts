// The contract's requests as zod schemas, one per verb. createCore checks every request against its
// verb's schema before a handler sees it, so every host (HTTP, the Electron worker, the CLI, tests)
// answers a wrongly typed argument with E_ARGS naming the field, never with E_INTERNAL from deep inside.
//
// Adding a verb: add its entry to REQUEST_SCHEMAS below. The compiler refuses the build until the
// entry exists, its output fits the verb's request type, and it names every field of that type.
//
// Schemas check shapes and types. Rules with their own validators and messages (taxonomies, segment
// rules, report models) are checked to be objects here and in depth by those validators.
import { z } from 'zod';
import type { CoreMethod, CoreRequest } from './contract.ts';
import { CoreError } from './errors.ts';
import type { CustomerTable, RfmRules, SegmentKeywords, ShopperRules, TimeUnit } from './customers.ts';
import type { ReasonMembersRequest, Taxonomy } from './reasons.ts';
import type { PaperSize, ReportArea, ReportBranding, ReportFormat, ReportLang, ReportModel } from './report.ts';
import type { OrderStatusName, RetentionBase, RetentionMetric, RetentionMode, RetentionPeriod, SegmentColumn } from './retention.ts';
import type { DriversSource } from './drivers.ts';
import type { EncodingName, ImportLimits, ImportOptions, ImportRequestKind } from './workspace.ts';
import { isCalendarDay, type AnalysisScope, type ScopeColumn } from './views.ts';

/** z.enum of every member of T (named explicitly), listed as a record's keys so a member left out or misspelt is a compile error. */
function everyOf<T extends string>(members: Record<T, true>) {
  return z.enum(Object.keys(members) as [T, ...T[]]);
}

/** An object whose inner shape a domain validator checks (with its own error code and messages). */
function checkedElsewhere<T>(what: string) {
  return z.custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), `expected ${what} (an object)`);
}

const taskId = z.string().optional();
const orderStatus = everyOf<OrderStatusName>({ completed: true, cancelled: true, refunded: true, pending: true });
const period = everyOf<RetentionPeriod>({ day: true, week: true, month: true, quarter: true });
const segment = everyOf<SegmentColumn>({ channel: true, region: true, category: true }).nullable().optional();
const mode = everyOf<RetentionMode>({ on: true, 'on-or-after': true }).optional();
const activity = { statuses: z.array(orderStatus).optional(), asOf: z.string().optional() };
const churnRule = { ...activity, windowDays: z.number().optional() };
const paging = { offset: z.number().optional(), limit: z.number().optional() };
const taxonomyChoice = { taxonomy: checkedElsewhere<Taxonomy>('a taxonomy').optional() };
const nothing = z.record(z.string(), z.never());

/** A calendar day as YYYY-MM-DD that exists (2025-02-30 does not). */
const day = z.string().refine(isCalendarDay, 'must be a day as YYYY-MM-DD');
const wholeAtLeastOne = z.number().int('must be a whole number').min(1, 'must be at least 1');
const scope = z
  .object({
    from: day.optional(),
    to: day.optional(),
    where: z.array(z.object({ column: everyOf<ScopeColumn>({ channel: true, region: true, category: true }), values: z.array(z.string()).min(1, 'must name at least one value') })).optional(),
    segmentTop: wholeAtLeastOne.optional(),
    minGroupSize: wholeAtLeastOne.optional(),
    otherLabel: z.string().min(1, 'must not be empty').optional(),
  } satisfies { [K in keyof Required<AnalysisScope>]: z.ZodType<AnalysisScope[K]> })
  .refine((value) => value.from === undefined || value.to === undefined || value.from <= value.to, { message: 'must not end before it starts', path: ['to'] });
/** The analysis scope every analysis verb takes (api/views.ts). */
const scoped = { scope: scope.optional() };
const viewSettings = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

const importOptions = {
  kind: everyOf<ImportRequestKind>({ orders: true, tickets: true, surveys: true, table: true }),
  table: z.string().optional(),
  files: z.array(z.string()),
  encoding: everyOf<EncodingName>({ 'utf-8': true, 'utf-16le': true, 'utf-16be': true, gb18030: true, gbk: true, big5: true, 'windows-1252': true }).optional(),
  mapping: z.record(z.string(), z.string()).optional(),
  sheet: z.string().optional(),
  mode: everyOf<NonNullable<ImportOptions['mode']>>({ append: true, replace: true }).optional(),
  creditNotes: everyOf<NonNullable<ImportOptions['creditNotes']>>({ refund: true, cancel: true }).optional(),
  datesFrom: z.string().optional(),
  datesTo: z.string().optional(),
  limits: z
    .object({
      maxLineBytes: z.number().optional(),
      maxColumns: z.number().optional(),
      maxJsonDepth: z.number().optional(),
      maxInflatedBytes: z.number().optional(),
      maxInflationRatio: z.number().optional(),
      maxFiles: z.number().optional(),
      partBytes: z.number().optional(),
    } satisfies { [K in keyof Required<ImportLimits>]: z.ZodType<ImportLimits[K]> })
    .optional(),
};

const churnReasonsOptions = {
  ...churnRule,
  ...scoped,
  ...taxonomyChoice,
  taskId,
  daysBeforeLastOrder: z.number().optional(),
  churnFlag: z.object({ table: z.string(), customerColumn: z.string(), eventColumn: z.string() }).nullable().optional(),
};

const segmentsBase = { asOf: z.string().optional(), statuses: z.array(z.string()).optional(), taskId, ...scoped };

const reportArea = everyOf<ReportArea>({ kpis: true, retention: true, churn: true, reasons: true, customers: true, drivers: true, satisfaction: true });

const driversOptions = {
  ...churnRule,
  ...taxonomyChoice,
  taskId,
  source: z.object({ table: z.string(), durationColumn: z.string(), eventColumn: z.string() } satisfies { [K in keyof DriversSource]: z.ZodType<DriversSource[K]> }).nullable().optional(),
  covariates: z.array(z.string()).optional(),
  reference: z.record(z.string(), z.string()).optional(),
  standardize: z.boolean().optional(),
  confidence: z.number().optional(),
};

/** Every verb's request schema; `satisfies` proves each fits its request type and none is missing. */
export const REQUEST_SCHEMAS = {
  // workspace
  openWorkspace: z.object({ path: z.string() }),
  saveWorkspaceAs: z.object({ path: z.string() }),
  describeWorkspace: nothing,
  previewImport: z.object({ ...importOptions, rows: z.number().optional() }),
  importFiles: z.object({ ...importOptions, taskId }),
  rejects: z.object({ sourceId: z.number().optional(), ...paging }),
  cancel: z.object({ taskId: z.string() }),
  // retention
  cohortRetention: z.object({
    ...activity,
    ...scoped,
    taskId,
    period: period.optional(),
    mode,
    metric: everyOf<RetentionMetric>({ customers: true, orders: true, revenue: true }).optional(),
    relativeTo: everyOf<RetentionBase>({ first: true, previous: true }).optional(),
    segment,
    trendK: z.number().optional(),
  }),
  cohortMembers: z.object({
    ...activity,
    ...scoped,
    ...paging,
    taskId,
    cohort: z.string(),
    k: z.number(),
    period: period.optional(),
    mode,
    segment,
    segmentValue: z.string().nullable().optional(),
  }),
  retentionForecast: z.object({ ...churnRule, ...scoped, taskId, period: period.optional(), horizon: z.number().optional(), fitPeriods: z.number().nullable().optional(), segment }),
  churnSummary: z.object({ ...churnRule, ...scoped, taskId, period: period.optional() }),
  survival: z.object({
    ...churnRule,
    ...scoped,
    taskId,
    source: z
      .object({ table: z.string(), durationColumn: z.string(), eventColumn: z.string(), groupColumn: z.string().nullable().optional() })
      .nullable()
      .optional(),
    segment,
    confidence: z.number().optional(),
  }),
  kpis: z.object({
    ...churnRule,
    ...scoped,
    taskId,
    period: period.optional(),
    paretoShare: z.number().optional(),
    lowRatingAtMost: z.number().optional(),
    lorenzPoints: z.number().optional(),
  }),
  // reasons
  getTaxonomy: nothing,
  setTaxonomy: z.object({ taxonomy: checkedElsewhere<Taxonomy>('a taxonomy').nullable() }),
  classifyText: z.object({
    text: z.string().optional(),
    fields: z
      .object({ category: z.string().optional(), refund_reason: z.string().optional(), subject: z.string().optional(), body: z.string().optional(), rating: z.number().optional() })
      .optional(),
    ...taxonomyChoice,
  }),
  classifyTexts: z.object({ texts: z.array(z.string()), ...taxonomyChoice }),
  classifyTickets: z.object({ taskId, ...taxonomyChoice, full: z.boolean().optional() }),
  ticketEvidence: z.object({ ticketId: z.string(), ...taxonomyChoice }),
  correctTicketReason: z.object({ ticketId: z.string(), reason: z.string().nullable() }),
  reasonCorrections: z.object(taxonomyChoice),
  churnReasons: z.object(churnReasonsOptions),
  reasonMembers: z.object({
    ...churnReasonsOptions,
    ...paging,
    key: z.string(),
    level: everyOf<NonNullable<ReasonMembersRequest['level']>>({ reason: true, churnType: true }).optional(),
    churnedOnly: z.boolean().optional(),
  }),
  // customers
  customerSegments: z.discriminatedUnion('scheme', [
    z.object({ ...segmentsBase, scheme: z.literal('rfm'), rules: checkedElsewhere<RfmRules>('RFM rules').optional() }),
    z.object({
      ...segmentsBase,
      scheme: z.literal('shopper'),
      rules: checkedElsewhere<ShopperRules>('shopper-type rules').optional(),
      keywords: checkedElsewhere<SegmentKeywords>('keyword lists').optional(),
    }),
  ]),
  customerValue: z.object({
    ...scoped,
    unit: everyOf<TimeUnit>({ day: true, week: true }).optional(),
    until: z.string().optional(),
    horizonMonths: z.number().optional(),
    monthlyDiscountRate: z.number().optional(),
    statuses: z.array(z.string()).optional(),
    summaryFile: z.string().optional(),
    atRiskLimit: z.number().optional(),
    taskId,
  }),
  customerRows: z.object({
    table: everyOf<CustomerTable>({ rfm: true, shopper: true, value: true }),
    resultId: z.string().optional(),
    ...paging,
    sort: z.array(z.object({ column: z.string(), descending: z.boolean().optional() })).optional(),
    filter: z.object({ column: z.string(), values: z.array(z.union([z.string(), z.number()])) }).optional(),
    search: z.string().optional(),
  }),
  explainCustomer: z.object({ customerId: z.string() }),
  // report
  defaultReport: z.object({
    lang: everyOf<ReportLang>({ 'zh-CN': true, en: true }),
    sections: z.array(reportArea).optional(),
    branding: checkedElsewhere<Partial<ReportBranding>>('report branding').optional(),
    currency: z.string().nullable().optional(),
    taskId,
    ...scoped,
    view: z.string().optional(),
  }),
  exportReport: z.object({
    report: checkedElsewhere<ReportModel>('a report model'),
    format: everyOf<ReportFormat>({ html: true, pdf: true, pptx: true, xlsx: true, csv: true, png: true, svg: true }),
    paper: everyOf<PaperSize>({ A4: true, Letter: true }).optional(),
    images: z.record(z.string(), z.object({ png: z.instanceof(Uint8Array).optional(), svg: z.string().optional() })).optional(),
    sectionId: z.string().optional(),
  }),
  displaySettings: nothing,
  saveDisplaySettings: z.object({ branding: checkedElsewhere<Partial<ReportBranding>>('report branding').optional(), currency: z.string().nullable().optional() }),
  // drivers and surveys
  churnDrivers: z.object({ ...driversOptions, ...scoped }),
  surveys: z.object({ ...churnRule, ...taxonomyChoice, ...scoped, taskId, period: period.optional() }),
  whatIf: z.object({
    ...churnRule,
    ...scoped,
    taskId,
    term: z.string(),
    level: z.string(),
    reduction: z.number().optional(),
    horizonMonths: z.number().optional(),
    drivers: z.object(driversOptions).optional(),
  }),
  // data in place
  readInPlace: z.object({ taskId, path: z.string(), kind: z.literal('orders'), mapping: z.record(z.string(), z.string()).optional() }),
  exportParquet: z.object({ taskId, out: z.string() }),
  // saved views
  listViews: nothing,
  saveView: z.object({ name: z.string().trim().min(1, 'must not be empty'), scope, settings: viewSettings.optional() }),
  deleteView: z.object({ name: z.string() }),
  scopeChoices: nothing,
} satisfies { [M in CoreMethod]: z.ZodType<CoreRequest<M>> };

// Compile-time proof that each schema names every field of its request type: a field left out
// would pass unchecked. (`satisfies` above proves the fields it names have the right types.)
type Unchecked = { [M in CoreMethod]: Exclude<keyof CoreRequest<M>, keyof z.output<(typeof REQUEST_SCHEMAS)[M]>> }[CoreMethod];
export const EVERY_FIELD_CHECKED: [Unchecked] extends [never] ? true : Unchecked = true;

/** A value as an error message shows it. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value);
}

/** Messages in the words the analyses' own checks use (`period must be one of day, week; got "year"`). */
const inHouseWords: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}; got ${shown(issue.input)}`;
  if (issue.code === 'invalid_type') return `must be ${issue.expected === 'array' ? 'a list' : /^[aeiou]/.test(issue.expected) ? `an ${issue.expected}` : `a ${issue.expected}`}; got ${shown(issue.input)}`;
  return undefined;
};

/** Throws E_ARGS naming each field of `request` that does not fit `method`'s request type. */
export function checkRequest(method: CoreMethod, request: unknown): void {
  const checked = REQUEST_SCHEMAS[method].safeParse(request, { error: inHouseWords });
  if (checked.success) return;
  const problems = checked.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));
  const described = problems.map(({ field, message }) => (field ? `${field} ${message}` : `the request ${message}`)).join('; ');
  throw new CoreError('E_ARGS', described, { method, fields: problems });
}
