// defaultReport: the report a consultant starts from, one or more sections per analysis with data.
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import type { LogEvent } from '../api/events.ts';
import { REPORT_AREAS, type DefaultReportRequest, type ReportArea, type ReportLang, type ReportModel, type ReportSection } from '../api/report.ts';
import { queryOne } from '../db/sql.ts';
import { orderFacts, summariesAnswer } from '../db/summaries.ts';
import { sectionsOrSkip } from './sections/common.ts';
import { kpis } from '../analysis/kpis.ts';
import { buildChurnSections } from './sections/churn.ts';
import { buildCustomerSections } from './sections/customers.ts';
import { buildDriversSections } from './sections/drivers.ts';
import { kpiSections } from './sections/kpis.ts';
import { buildReasonsSections } from './sections/reasons.ts';
import { buildRetentionSections } from './sections/retention.ts';
import { buildSurveySections } from './sections/surveys.ts';
import { checkBranding, checkCurrency, workspaceDisplaySettings } from './displaySettings.ts';
import { COMMON_TEXT } from './text.ts';

/** What a section builder gets: a connection on the workspace, the report's language, and the log. */
export interface SectionContext {
  connection: DuckDBConnection;
  lang: ReportLang;
  log: (event: LogEvent) => void;
  /** ISO 4217 code of money in headlines, or null. */
  currency: string | null;
}

/** Builds an area's sections from its analyses; [] when the workspace lacks the area's data (no tickets for reasons). */
export type SectionBuilder = (context: SectionContext) => Promise<ReportSection[]>;

/** The areas whose analyses exist, each with its section builder. */
export const SECTION_BUILDERS: Partial<Record<ReportArea, SectionBuilder>> = {
  kpis: async ({ connection, lang }) => kpiSections(await kpis(connection, {}), lang),
  retention: ({ connection, lang }) => buildRetentionSections(connection, lang),
  churn: ({ connection, lang }) => buildChurnSections(connection, lang),
  reasons: ({ connection, lang }) => buildReasonsSections(connection, lang),
  customers: ({ connection, lang, log, currency }) => buildCustomerSections(connection, lang, log, currency),
  drivers: ({ connection, lang }) => buildDriversSections(connection, lang),
  satisfaction: ({ connection, lang }) => buildSurveySections(connection, lang),
};

const LANGS: readonly ReportLang[] = ['zh-CN', 'en'];

export async function defaultReport(
  connection: DuckDBConnection,
  workspacePath: string,
  request: DefaultReportRequest,
  log: (event: LogEvent) => void,
): Promise<ReportModel> {
  const { lang } = request;
  if (!LANGS.includes(lang)) throw new CoreError('E_ARGS', `lang must be zh-CN or en, got "${String(lang)}"`);
  const wanted = request.sections ?? REPORT_AREAS;
  const unknown = wanted.filter((area) => !REPORT_AREAS.includes(area));
  if (unknown.length) throw new CoreError('E_ARGS', `sections must be among ${REPORT_AREAS.join(', ')}; unknown: ${unknown.join(', ')}`);
  const facts = await reportFacts(connection);
  if (facts.orders === 0 || facts.from === null || facts.to === null) {
    throw new CoreError('E_NO_DATA', 'the workspace has no orders; import an orders export before building a report');
  }
  const saved = await workspaceDisplaySettings(connection);
  const branding = request.branding === undefined ? saved.branding : checkBranding(request.branding, saved.branding);
  const currency = request.currency === undefined ? saved.currency : checkCurrency(request.currency);
  const sections: ReportSection[] = [];
  for (const area of REPORT_AREAS.filter((item) => wanted.includes(item))) {
    const build = SECTION_BUILDERS[area];
    if (!build) log({ type: 'log', level: 'warn', message: `report: no ${area} section: that analysis is not available in this build` });
    else sections.push(...(await sectionsOrSkip(area, () => build({ connection, lang, log, currency }), log)));
  }
  const text = COMMON_TEXT[lang];
  return {
    version: 1,
    lang,
    branding,
    currency,
    title: branding.title.trim() || text.reportTitle,
    subtitle: text.subtitle({
      workspace: branding.hideWorkspaceName ? null : basename(workspacePath),
      from: facts.from,
      to: facts.to,
      orders: facts.orders,
      customers: facts.customers,
    }),
    createdAt: new Date().toISOString(),
    summary: executiveSummary(sections),
    sections,
  };
}

/**
 * The cover's figures: every order's count, first and last day, and the customers with an order of
 * any status. From the summaries when they answer (the order facts; the customers with a completed
 * order and those with other orders only, one row each and disjoint): counting distinct customer
 * ids over every order took minutes and more memory than the analyses at 100M orders.
 */
async function reportFacts(connection: DuckDBConnection): Promise<{ orders: number; customers: number; from: string | null; to: string | null }> {
  const { orders, firstAt, lastAt } = await orderFacts(connection);
  const { customers } = await queryOne<{ customers: number }>(
    connection,
    (await summariesAnswer(connection, null))
      ? 'SELECT (SELECT count(*) FROM customer_summary) + (SELECT count(*) FROM other_customers) AS customers'
      : 'SELECT count(DISTINCT customer_id) AS customers FROM orders',
  );
  return { orders, customers: Number(customers), from: firstAt?.slice(0, 10) ?? null, to: lastAt?.slice(0, 10) ?? null };
}

/** Sections whose headline a client reads first, in this order; at most five make the summary. */
const SUMMARY_ORDER = ['churn.summary', 'kpis.overview', 'retention.cohorts', 'reasons.churn', 'customers.rfm', 'customers.value', 'churn.survival', 'customers.shopper'];
const SUMMARY_MAX = 5;

/** The cover's findings: the headlines (each already a sentence with its numbers) of the sections that matter most. */
export function executiveSummary(sections: readonly ReportSection[]): string[] {
  const rank = (section: ReportSection) => {
    const index = SUMMARY_ORDER.indexOf(section.id);
    return index === -1 ? SUMMARY_ORDER.length : index;
  };
  return [...sections]
    .filter((section) => section.headline.trim() !== '')
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, SUMMARY_MAX)
    .map((section) => section.headline);
}
