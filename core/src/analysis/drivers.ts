// Churn drivers: a Cox proportional-hazards model of customer lifetime on covariates the analyst picks.
//
// Subjects are customers with the lifetimes `survival` uses (first activity to the churn date of
// the inactivity rule, censored at the evaluation date), or the rows of any workspace table with a
// duration and an event column. SQL builds one row per subject with every covariate; the model
// (core/src/stats/cox.ts) runs on those columns. Categorical covariates become one 0/1 column per
// level against a reference level (default the most frequent); numeric ones enter per unit or, on
// request, per sample standard deviation. Subjects missing a numeric covariate are left out (as R's
// na.omit does); a missing category is a level of its own, "(none)".
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type {
  DriverCoefficient,
  DriverHeadline,
  DriverLevel,
  DriversOptions,
  DriversResult,
  DriversSource,
  DriverTerm,
  DriverWarning,
  OrderDriver,
} from '../api/drivers.ts';
import { ORDER_DRIVERS } from '../api/drivers.ts';
import { CoreError } from '../api/errors.ts';
import { UNKNOWN_REASON, type Taxonomy } from '../api/reasons.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { fitCox, chiSquareUpper, type CoxFit } from '../stats/cox.ts';
import { activityParams, activityRelations, customerStatusParams, customerStatusSql, resolveChurnRule, type ChurnRule } from './activity.ts';
import { flagParams, flagSql, requireColumns } from './flagColumn.ts';
import { loadRfmRules, loadShopperRules } from './customerRules.ts';
import { numberChoice } from './periods.ts';
import { orderMixRelation } from './orderMix.ts';
import { UNDETERMINED } from './shopperTypes.ts';
import { taxonomyHash } from './reasonTaxonomy.ts';

export type { DriversOptions, DriversResult } from '../api/drivers.ts';

export const DRIVERS_DEFAULTS = { confidence: 0.95, standardize: false } as const;

/** Categorical levels beyond this many (by subjects) are pooled, so a model stays estimable and readable. */
export const MAX_LEVELS = 15;
/** Levels with fewer subjects are pooled too: a ratio over a handful of customers is noise (and often infinite). */
export const MIN_LEVEL_SUBJECTS = 10;
export const OTHER_LEVEL = '(other)';
export const MISSING_LEVEL = '(none)';
/** Levels that say "we do not know" rather than name a group: the headline never compares them. */
const UNCOMPARABLE_LEVELS: ReadonlySet<string> = new Set([UNDETERMINED, MISSING_LEVEL]);
/** Names of the levels the coding makes itself, in both languages. */
const MADE_LEVEL_NAMES: Record<string, { zh: string; en: string }> = {
  [OTHER_LEVEL]: { zh: '（其他）', en: OTHER_LEVEL },
  [MISSING_LEVEL]: { zh: '（缺失）', en: MISSING_LEVEL },
};
/** Customers without a ticket, for the reason covariate. */
export const NO_TICKET = 'none';
/**
 * The model of customer lifetimes is fitted on at most this many customers, a fixed pseudo-random
 * draw (the smallest hashes of the ids) when there are more: every subject is read into JavaScript
 * and the Cox fit costs rows x columns^2 per step, so 10M customers would need gigabytes of heap
 * and minutes, while ratios from 200,000 customers are already tight.
 */
export const MAX_DRIVER_SUBJECTS = 200_000;
/** A numeric order driver joins the default set when at least this share of customers has a value. */
const DEFAULT_COVERAGE = 0.8;
const SIGNIFICANCE = 0.05;

/** Order drivers' names in sentences. */
export const ORDER_DRIVER_NAMES: Record<OrderDriver, { zh: string; en: string }> = {
  reason: { zh: '主要流失原因', en: 'main churn reason' },
  shopperType: { zh: '购物者类型', en: 'shopper type' },
  rfmSegment: { zh: 'RFM 分群', en: 'RFM segment' },
  channel: { zh: '首单渠道', en: 'first-order channel' },
  region: { zh: '首单地区', en: 'first-order region' },
  category: { zh: '首单品类', en: 'first-order category' },
  discountShare: { zh: '折扣订单占比', en: 'share of discounted orders' },
  refundShare: { zh: '退款订单占比', en: 'share of refunded orders' },
  deliveryDays: { zh: '下单到付款平均天数', en: 'average days from order to payment' },
  rating: { zh: '平均评分', en: 'average rating' },
  surveyScore: { zh: '调查评分', en: 'survey score' },
};

const NUMERIC_DRIVERS: ReadonlySet<OrderDriver> = new Set(['discountShare', 'refundShare', 'deliveryDays', 'rating', 'surveyScore']);

/** One row per subject, column by column, as the model and the what-if read them. */
export interface SubjectColumns {
  time: Float64Array;
  event: Uint8Array;
  /** Per covariate: strings (categorical; null = missing) or numbers (NaN = missing). */
  values: Map<string, (string | null)[] | Float64Array>;
  /** Trailing 12-month revenue per subject when asked for (order workspace), else null. */
  revenue: Float64Array | null;
  /** Customer id per subject (order workspace), else null. */
  customerIds: string[] | null;
  /** Customers there were when the subjects are a draw of them (more than the bound); else null. */
  sampledFrom: number | null;
  rule: ChurnRule | null;
  timeUnit: string;
  /** Rows without a usable duration or event (already left out). */
  excluded: number;
  /** Display names of reason levels. */
  /** Display names of levels per term (reason keys, shopper types, RFM segments). */
  levelNames: Map<string, Map<string, { zh: string; en: string }>>;
  covariates: string[];
}

function termName(term: string): { zh: string; en: string } {
  return (ORDER_DRIVERS as readonly string[]).includes(term) ? ORDER_DRIVER_NAMES[term as OrderDriver] : { zh: term, en: term };
}

/** Reads a query's result column by column. */
async function readColumns(connection: DuckDBConnection, sql: string, params: Record<string, DuckDBValue>): Promise<Map<string, unknown[]>> {
  const reader = await connection.runAndReadAll(sql, params);
  const names = reader.columnNames();
  const columns = reader.getColumnsJS();
  return new Map(names.map((name, index) => [name, columns[index] ?? []]));
}

const numbers = (values: unknown[]) => Float64Array.from(values, (value) => (value === null || value === undefined ? Number.NaN : Number(value)));
const strings = (values: unknown[]) => values.map((value) => (value === null || value === undefined ? null : String(value)));

async function tableExists(connection: DuckDBConnection, table: string): Promise<boolean> {
  const rows = await queryRows(connection, `SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $table`, { table });
  return rows.length > 0;
}

/**
 * The SQL of each order driver (a CTE with customer_id and `value`) for the customers of the
 * query's `status` CTE (activity.ts's customerStatusSql: the first order's channel, region and
 * category are its columns), given what the workspace holds; drivers the data cannot give are
 * absent. The shares of discounted and refunded orders and the days to payment are ratios of the
 * query's `mix` CTE (orderMix.ts). Binds the activity parameters and $taxonomy_hash.
 */
async function orderDriverSql(connection: DuckDBConnection): Promise<Partial<Record<OrderDriver, string>>> {
  const first = (column: 'channel' | 'region' | 'category') => `SELECT customer_id, ${column} AS value FROM status`;
  const drawn = 'customer_id IN (SELECT customer_id FROM status)';
  const sql: Partial<Record<OrderDriver, string>> = {
    channel: first('channel'),
    region: first('region'),
    category: first('category'),
    discountShare: 'SELECT customer_id, discounted_orders / activity_orders AS value FROM mix',
    refundShare: 'SELECT customer_id, refunded_orders / orders AS value FROM mix',
    // the delay is measured to payment, the one later stage the orders carry (schema.ts)
    deliveryDays: 'SELECT customer_id, paid_minutes / 1440.0 / paid_orders AS value FROM mix',
    rating: `SELECT customer_id, avg(rating) AS value FROM tickets
             WHERE ${drawn} AND rating IS NOT NULL AND (created_at IS NULL OR created_at <= CAST($activity_as_of AS TIMESTAMP)) GROUP BY customer_id`,
    // The reason of most of the customer's tickets (ties: the first key); only unknown ones: unknown
    reason: `SELECT customer_id, CASE WHEN bool_or(reason <> '${UNKNOWN_REASON}') THEN arg_min(reason, (reason = '${UNKNOWN_REASON}', -tickets, reason)) ELSE '${UNKNOWN_REASON}' END AS value
             FROM (SELECT t.customer_id, r.reason, count(*) AS tickets FROM tickets t JOIN ticket_reasons r USING (ticket_id)
                   WHERE r.taxonomy_hash = $taxonomy_hash AND t.${drawn} AND (t.created_at IS NULL OR t.created_at <= CAST($activity_as_of AS TIMESTAMP))
                   GROUP BY ALL)
             GROUP BY customer_id`,
  };
  if (await tableExists(connection, 'surveys')) {
    sql.surveyScore = `SELECT customer_id, CASE WHEN (SELECT count(nps) FROM surveys) > 0 THEN avg(nps) ELSE avg(csat) END AS value FROM surveys
                       WHERE ${drawn} AND (responded_at IS NULL OR responded_at <= CAST($activity_as_of AS TIMESTAMP)) GROUP BY customer_id`;
  }
  if (await tableExists(connection, 'result_rfm')) sql.rfmSegment = 'SELECT customer_id, segment AS value FROM result_rfm';
  if (await tableExists(connection, 'result_shopper')) sql.shopperType = 'SELECT customer_id, primary_type AS value FROM result_shopper';
  return sql;
}

/**
 * SQL of the rows of `status` drawn: those of the `draw` smallest hashes of their ids, ties by id.
 * With `below` (a number), only rows whose hash is at most that are sorted: sorting every customer
 * (millions of rows, to keep a few hundred thousand) was most of the cost. Any such bound keeps the
 * smallest hashes, so the draw is the same whenever it keeps `draw` rows or more.
 */
function drawnSql(status: string, draw: number, below: number | null): string {
  // written into the SQL (checked numbers): DuckDB sorts less with a constant limit
  return `SELECT * FROM (${status}) ${below === null ? '' : `WHERE CAST(hash(customer_id) AS DOUBLE) <= ${below}`}
    ORDER BY hash(customer_id), customer_id LIMIT ${draw}`;
}

/**
 * The hash bound for drawing `draw` of `customers`: hashes are uniform over 64 bits, so the count
 * below it is binomial; 2% and 8 standard deviations more than the draw leave a shortfall (then
 * every customer is sorted) practically never.
 */
function drawBound(draw: number, customers: number): number {
  return Math.min(1, (1.02 * draw + 8 * Math.sqrt(draw)) / customers) * 2 ** 64;
}

/** Which customers driverSubjects reads, and what with. */
export interface SubjectReading {
  /** At most this many customers: a fixed draw of them when there are more. */
  maxSubjects?: number | null;
  /** Each customer's activity revenue of the 12 months before the evaluation date (what the what-if reads). */
  revenue?: boolean;
}

/**
 * Customer lifetimes with the chosen order drivers (default: those the data carries widely enough).
 * A draw is made first, so the covariates are computed for the customers drawn alone.
 */
async function customerSubjects(connection: DuckDBConnection, taxonomy: Taxonomy, options: DriversOptions, reading: SubjectReading): Promise<SubjectColumns> {
  const rule = await resolveChurnRule(connection, options);
  const relations = await activityRelations(connection, rule.statuses, options.asOf ?? null);
  const status = customerStatusSql(relations.customers);
  const maxSubjects = reading.maxSubjects ?? null;
  if (maxSubjects !== null && !(Number.isInteger(maxSubjects) && maxSubjects > 0)) throw new CoreError('E_ARGS', `maxSubjects must be a positive whole number, got ${maxSubjects}`);
  let sampledFrom: number | null = null;
  if (maxSubjects !== null) {
    const { customers } = await queryOne<{ customers: number }>(connection, `SELECT CAST(coalesce(sum(customers), 0) AS BIGINT) AS customers FROM ${relations.spans}`, activityParams(rule));
    if (customers > maxSubjects) sampledFrom = customers;
  }
  const available = await orderDriverSql(connection);
  const requested = options.covariates;
  if (requested) {
    for (const covariate of requested) {
      if (!(ORDER_DRIVERS as readonly string[]).includes(covariate)) {
        throw new CoreError('E_ARGS', `covariates: "${covariate}" is not an order driver (${ORDER_DRIVERS.join(', ')}); name a table with source to model its columns`);
      }
      if (!available[covariate as OrderDriver]) throw new CoreError('E_NO_DATA', `covariates: the workspace has no data for ${covariate}`);
    }
  }
  const candidates = (requested ?? ORDER_DRIVERS.filter((driver) => driver !== 'rfmSegment')).filter((driver): driver is OrderDriver => available[driver as OrderDriver] !== undefined);
  const ctes = candidates.map((driver, index) => `d${index} AS (${available[driver]})`);
  // The stored mix counts orders of every status up to the data's end: it answers the refund share only
  // when that is the evaluation date
  const mix = orderMixRelation(relations.fromSummaries && options.asOf === undefined, 'status');
  const subjectsSql = (below: number | null) => `
    WITH status AS MATERIALIZED (${sampledFrom === null ? status : drawnSql(status, maxSubjects!, below)}),
         mix AS MATERIALIZED (SELECT * FROM ${mix} WHERE customer_id IN (SELECT customer_id FROM status))
         ${reading.revenue ? `, revenue AS (
           SELECT customer_id, sum(coalesce(amount, 0)) AS revenue_12m FROM orders
           WHERE customer_id IN (SELECT customer_id FROM status) AND list_contains($activity_statuses, status)
             AND ordered_at <= CAST($activity_as_of AS TIMESTAMP) AND ordered_at > CAST($activity_as_of AS TIMESTAMP) - INTERVAL 12 MONTH
           GROUP BY customer_id)` : ''}
         ${ctes.map((cte) => `, ${cte}`).join('')}
    SELECT CAST(date_diff('day', CAST(s.first_at AS DATE), CASE WHEN s.churned THEN CAST(s.churn_at AS DATE) ELSE CAST($activity_as_of AS DATE) END) AS DOUBLE) AS time,
           s.churned AS event, s.customer_id ${reading.revenue ? ', coalesce(r.revenue_12m, 0) AS revenue_12m' : ''}
           ${candidates.map((driver, index) => `, ${driver === 'reason' ? `coalesce(d${index}.value, '${NO_TICKET}')` : `d${index}.value`} AS ${quoteIdent(driver)}`).join('')}
    FROM status s ${reading.revenue ? 'LEFT JOIN revenue r USING (customer_id)' : ''} ${candidates.map((_, index) => `LEFT JOIN d${index} USING (customer_id)`).join(' ')}
    ORDER BY s.customer_id`;
  // DuckDB refuses parameters a statement does not use
  const params = {
    ...customerStatusParams(rule),
    ...(candidates.includes('reason') ? { taxonomy_hash: taxonomyHash(taxonomy) } : {}),
  };
  let columns = await readColumns(connection, subjectsSql(sampledFrom === null ? null : drawBound(maxSubjects!, sampledFrom)), params);
  if (sampledFrom !== null && columns.get('time')!.length < maxSubjects!) columns = await readColumns(connection, subjectsSql(null), params);
  const n = columns.get('time')!.length;
  if (n === 0) throw new CoreError('E_NO_DATA', 'no customer has activity');
  const values = new Map<string, (string | null)[] | Float64Array>();
  for (const driver of candidates) {
    const raw = columns.get(driver)!;
    values.set(driver, NUMERIC_DRIVERS.has(driver) ? numbers(raw) : strings(raw));
  }
  const covariates = requested ? [...candidates] : candidates.filter((driver) => usableByDefault(values.get(driver)!, n));
  type Names = { zh: string; en: string };
  const levelNames = new Map<string, Map<string, Names>>([
    [
      'reason',
      new Map<string, Names>([
        ...taxonomy.reasons.map((reason) => [reason.key, { zh: reason.zh, en: reason.en }] as const),
        [UNKNOWN_REASON, { zh: '未知原因', en: 'Unknown reason' }],
        [NO_TICKET, { zh: '无工单', en: 'no ticket' }],
      ]),
    ],
    ['shopperType', new Map<string, Names>([...loadShopperRules().rules.types.map((type) => [type.key, type.label] as const), [UNDETERMINED, { zh: '未判定', en: 'Undetermined' }]])],
    ['rfmSegment', new Map<string, Names>(loadRfmRules().rules.segments.map((segment) => [segment.key, segment.label] as const))],
  ]);
  return {
    time: numbers(columns.get('time')!),
    event: Uint8Array.from(columns.get('event')!, (value) => (value ? 1 : 0)),
    values,
    revenue: reading.revenue ? numbers(columns.get('revenue_12m')!) : null,
    customerIds: strings(columns.get('customer_id')!).map(String),
    sampledFrom,
    rule,
    timeUnit: 'day',
    excluded: 0,
    levelNames,
    covariates,
  };
}

/** In the default set: a numeric driver most customers have, or a categorical one with two levels or more. */
function usableByDefault(values: (string | null)[] | Float64Array, n: number): boolean {
  if (values instanceof Float64Array) {
    const present = values.filter((value) => !Number.isNaN(value));
    return present.length >= DEFAULT_COVERAGE * n && new Set(present).size >= 2;
  }
  return new Set(values).size >= 2;
}

/** Rows of any table: the duration, the event and the named columns (numeric types stay numeric). */
async function tableSubjects(connection: DuckDBConnection, source: DriversSource, covariates: string[] | undefined): Promise<SubjectColumns> {
  if (source === null || typeof source !== 'object') throw new CoreError('E_ARGS', 'source.table must name a table of the workspace');
  if (!covariates || covariates.length === 0) throw new CoreError('E_ARGS', 'covariates: name the columns of the table to model');
  await requireColumns(connection, 'source', source.table, {
    durationColumn: String(source.durationColumn),
    eventColumn: String(source.eventColumn),
    ...Object.fromEntries(covariates.map((column, index) => [`covariates[${index}]`, column])),
  });
  const types = await queryRows<{ column_name: string; data_type: string }>(
    connection,
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $table`,
    { table: source.table },
  );
  const isNumeric = (column: string) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL)/.test(types.find((row) => row.column_name === column)?.data_type ?? '');
  const rows = `SELECT try_cast(${quoteIdent(source.durationColumn)} AS DOUBLE) AS time, ${flagSql(source.eventColumn)} AS event,
                       ${covariates.map((column, index) => `${isNumeric(column) ? `CAST(${quoteIdent(column)} AS DOUBLE)` : `CAST(${quoteIdent(column)} AS VARCHAR)`} AS c${index}`).join(', ')}
                FROM ${quoteIdent(source.table)}`;
  const columns = await readColumns(connection, `SELECT * FROM (${rows}) WHERE time >= 0 AND event IS NOT NULL`, flagParams());
  const [{ excluded }] = await queryRows<{ excluded: number }>(
    connection,
    `SELECT count(*) FILTER (WHERE NOT coalesce(time >= 0 AND event IS NOT NULL, false)) AS excluded FROM (${rows})`,
    flagParams(),
  ) as [{ excluded: number }];
  const values = new Map<string, (string | null)[] | Float64Array>();
  covariates.forEach((column, index) => {
    const raw = columns.get(`c${index}`)!;
    values.set(column, isNumeric(column) ? numbers(raw) : strings(raw));
  });
  return {
    time: numbers(columns.get('time')!),
    event: Uint8Array.from(columns.get('event')!, (value) => (value ? 1 : 0)),
    values,
    revenue: null,
    customerIds: null,
    sampledFrom: null,
    rule: null,
    timeUnit: source.durationColumn,
    excluded,
    levelNames: new Map(),
    covariates: [...covariates],
  };
}

/**
 * The subjects of a drivers request: customer lifetimes or a table's rows. `reading.maxSubjects`
 * bounds the customers (a fixed draw beyond it); the what-if leaves it unset, as it totals every
 * customer of a group, and asks for their revenue.
 */
export async function driverSubjects(connection: DuckDBConnection, taxonomy: Taxonomy, options: DriversOptions, reading: SubjectReading = {}): Promise<SubjectColumns> {
  if (options.covariates !== undefined && (!Array.isArray(options.covariates) || options.covariates.some((c) => typeof c !== 'string'))) {
    throw new CoreError('E_ARGS', 'covariates must be a list of names');
  }
  if (options.covariates && new Set(options.covariates).size !== options.covariates.length) throw new CoreError('E_ARGS', 'covariates: a name appears twice');
  return options.source ? tableSubjects(connection, options.source, options.covariates) : customerSubjects(connection, taxonomy, options, reading);
}

/** A categorical covariate's levels over the kept rows, pooled beyond MAX_LEVELS, with its reference. */
export interface CategoricalCoding {
  /** Level of each kept row after pooling. */
  rows: string[];
  levels: DriverLevel[];
  reference: string;
}

export function codeCategorical(term: string, values: (string | null)[], keep: Uint8Array, event: Uint8Array, reference: string | undefined, names: Map<string, { zh: string; en: string }>): CategoricalCoding {
  const counts = new Map<string, { subjects: number; events: number }>();
  values.forEach((value, i) => {
    if (!keep[i]) return;
    const level = value ?? MISSING_LEVEL;
    const count = counts.get(level) ?? { subjects: 0, events: 0 };
    count.subjects++;
    count.events += event[i]!;
    counts.set(level, count);
  });
  const bySize = [...counts].sort((a, b) => b[1].subjects - a[1].subjects || a[0].localeCompare(b[0]));
  const common = bySize.filter(([, count]) => count.subjects >= MIN_LEVEL_SUBJECTS);
  // Small data (fewer than two levels of MIN_LEVEL_SUBJECTS) keeps every level: pooling would leave nothing to compare
  const large = common.length >= 2 ? common : bySize;
  const pooling = large.length < bySize.length || large.length > MAX_LEVELS;
  // A reference the analyst named is never pooled away
  const kept = new Set([...large.slice(0, pooling ? MAX_LEVELS - 1 : MAX_LEVELS).map(([level]) => level), ...(reference !== undefined && counts.has(reference) ? [reference] : [])]);
  const pooled = new Map<string, { subjects: number; events: number }>();
  for (const [level, count] of bySize) {
    const target = kept.has(level) ? level : OTHER_LEVEL;
    const sum = pooled.get(target) ?? { subjects: 0, events: 0 };
    pooled.set(target, { subjects: sum.subjects + count.subjects, events: sum.events + count.events });
  }
  const levels = [...pooled].map(([level, count]) => ({ level, ...count, names: names.get(level) ?? MADE_LEVEL_NAMES[level] ?? null }));
  if (reference !== undefined && !pooled.has(reference)) {
    throw new CoreError('E_ARGS', `reference: ${term} has no level ${JSON.stringify(reference)}; levels: ${levels.map((l) => l.level).join(', ')}`);
  }
  const rows: string[] = [];
  values.forEach((value, i) => {
    if (!keep[i]) return;
    const level = value ?? MISSING_LEVEL;
    rows.push(kept.has(level) ? level : OTHER_LEVEL);
  });
  return { rows, levels, reference: reference ?? levels[0]!.level };
}

function sampleMeanSd(values: Float64Array): { mean: number; sd: number } {
  let mean = 0;
  for (const value of values) mean += value;
  mean /= values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / Math.max(1, values.length - 1)) };
}

export async function churnDrivers(connection: DuckDBConnection, taxonomy: Taxonomy, options: DriversOptions = {}, maxSubjects = MAX_DRIVER_SUBJECTS): Promise<DriversResult> {
  const confidence = numberChoice('confidence', options.confidence, DRIVERS_DEFAULTS.confidence, { min: 0.5, max: 0.999 });
  const standardize = options.standardize ?? DRIVERS_DEFAULTS.standardize;
  const subjects = await driverSubjects(connection, taxonomy, options, { maxSubjects });
  const { fit, model } = fitSubjects(subjects, options.reference ?? {}, standardize, confidence);
  const terms = model.terms.map((term): DriverTerm => ({
    ...term,
    proportionalHazards: fit.proportionalHazards.terms.find((test) => test.term === term.term) ?? null,
  }));
  const coefficients: DriverCoefficient[] = fit.coefficients.map((c, index) => {
    const { name: _name, term: _term, ...numbers } = c;
    return { term: model.columnTerms[index]!, level: model.columnLevels[index]!, ...numbers };
  });
  const warnings = driverWarnings(subjects, model.excluded, terms, coefficients, fit);
  const found = headline(terms, coefficients, fit);
  return {
    options: {
      source: options.source ?? null,
      covariates: subjects.covariates,
      reference: Object.fromEntries(terms.filter((t) => t.reference !== null).map((t) => [t.term, t.reference!])),
      standardize,
      confidence,
      statuses: subjects.rule?.statuses ?? null,
      asOf: subjects.rule?.asOf ?? null,
    },
    rule: subjects.rule,
    timeUnit: subjects.timeUnit,
    subjects: fit.subjects,
    events: fit.events,
    excludedRows: subjects.excluded + model.excluded,
    terms,
    coefficients,
    logLikelihood: fit.logLikelihood,
    likelihoodRatio: fit.likelihoodRatio,
    wald: fit.wald,
    score: fit.score,
    concordance: fit.concordance,
    proportionalHazardsGlobal: fit.proportionalHazards.global,
    iterations: fit.iterations,
    converged: fit.converged,
    headline: found,
    finding: driversFinding(found, terms, coefficients, fit.likelihoodRatio),
    warnings,
  };
}

/** The design matrix of the subjects and the Cox fit on it. */
export function fitSubjects(subjects: SubjectColumns, reference: Record<string, string>, standardize: boolean, confidence: number) {
  const n = subjects.time.length;
  const { covariates, values } = subjects;
  if (covariates.length === 0) throw new CoreError('E_NO_DATA', 'no covariate has data to model; name covariates the workspace carries');
  for (const term of Object.keys(reference)) {
    if (!covariates.includes(term)) throw new CoreError('E_ARGS', `reference: ${term} is not among the covariates (${covariates.join(', ')})`);
  }
  // Complete cases over the numeric covariates
  const keep = new Uint8Array(n).fill(1);
  for (const term of covariates) {
    const column = values.get(term)!;
    if (column instanceof Float64Array) column.forEach((value, i) => (keep[i] = keep[i]! && Number.isFinite(value) ? 1 : 0));
  }
  const kept = keep.reduce((sum, k) => sum + k, 0);
  const keepRows = <T extends Float64Array | Uint8Array>(array: T): T => array.filter((_, i) => keep[i]) as T;
  const time = keepRows(subjects.time);
  const event = keepRows(subjects.event);
  const columns: Float64Array[] = [];
  const names: string[] = [];
  const columnTerms: string[] = [];
  const columnLevels: (string | null)[] = [];
  const terms: Omit<DriverTerm, 'proportionalHazards'>[] = [];
  for (const term of covariates) {
    const column = values.get(term)!;
    if (column instanceof Float64Array) {
      const present = keepRows(column);
      const { mean, sd } = sampleMeanSd(present);
      const scaled = standardize && sd > 0 ? present.map((value) => (value - mean) / sd) : present;
      columns.push(scaled);
      names.push(term);
      columnTerms.push(term);
      columnLevels.push(null);
      terms.push({ term, kind: 'numeric', reference: null, levels: [], mean, sd, standardized: standardize && sd > 0 });
      continue;
    }
    if (reference[term] !== undefined && typeof reference[term] !== 'string') throw new CoreError('E_ARGS', `reference.${term} must be a level name`);
    const coding = codeCategorical(term, column, keep, subjects.event, reference[term], subjects.levelNames.get(term) ?? new Map());
    // One column per level but the reference, in level-name order (R's factor order)
    for (const level of coding.levels.map((l) => l.level).filter((level) => level !== coding.reference).sort()) {
      columns.push(Float64Array.from(coding.rows, (value) => (value === level ? 1 : 0)));
      names.push(`${term}: ${level}`);
      columnTerms.push(term);
      columnLevels.push(level);
    }
    terms.push({ term, kind: 'categorical', reference: coding.reference, levels: coding.levels, mean: null, sd: null, standardized: false });
  }
  if (kept === 0) throw new CoreError('E_NO_DATA', 'no subject has a value for every numeric covariate');
  if (columns.length === 0) throw new CoreError('E_NO_DATA', 'every covariate has a single level: nothing to compare');
  const fit = fitCox({ time, event, columns, names, terms: columnTerms }, { confidence });
  return { fit, model: { terms, columnTerms, columnLevels, excluded: n - kept } };
}

const format = (value: number, digits = 2) => (value >= 100 ? value.toFixed(0) : value.toPrecision(digits + 1).replace(/\.?0+$/, ''));
/** "p = 0.012", or "p < 0.001". */
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** A level's display name from the term's coding (reason keys and segment keys have names), else the level itself. */
export function levelName(term: Pick<DriverTerm, 'levels'>, level: string, lang: 'zh' | 'en'): string {
  return term.levels.find((entry) => entry.level === level)?.names?.[lang] ?? level;
}

/**
 * The strongest driver: the largest significant contrast. For a categorical term, between its
 * highest- and lowest-hazard levels (the reference counts as 0; the contrast's variance from the
 * covariance matrix); for a numeric term, per SD (so units do not decide the ranking).
 */
export function headline(terms: DriverTerm[], coefficients: DriverCoefficient[], fit: Pick<CoxFit, 'covariance'>): DriverHeadline | null {
  // The covariance matrix has a row per column the model kept (all but the aliased ones)
  const modelled = coefficients.map((c, column) => ({ c, column })).filter(({ c }) => c.coefficient !== null);
  const covariance = (a: number, b: number) => fit.covariance[modelled.findIndex((e) => e.column === a)]![modelled.findIndex((e) => e.column === b)]!;
  const estimated = modelled.filter(({ c }) => !c.infinite);
  let best: { strength: number; headline: DriverHeadline } | null = null;
  for (const term of terms) {
    const own = estimated.filter(({ c }) => c.term === term.term);
    if (own.length === 0) continue;
    const display = termName(term.term);
    if (term.kind === 'numeric') {
      const { c } = own[0]!;
      const perSd = term.standardized ? c.coefficient! : c.coefficient! * (term.sd ?? 0);
      if (c.pValue! >= SIGNIFICANCE || !(Math.abs(perSd) > 0)) continue;
      const factor = Math.exp(Math.abs(c.coefficient!));
      const direction: DriverHeadline['direction'] = c.coefficient! > 0 ? 'more' : 'less';
      const unit = term.standardized ? { en: 'standard deviation', zh: '个标准差' } : { en: 'unit', zh: '个单位' };
      const sentence = {
        en: `Each ${unit.en} ${direction} of ${display.en} makes customers leave ${format(factor)} times as fast.`,
        zh: `${display.zh}每${direction === 'more' ? '增加' : '减少'}一${unit.zh}，客户流失速度变为原来的 ${format(factor)} 倍。`,
      };
      const candidate = { strength: Math.abs(perSd), headline: { term: term.term, kind: 'numeric' as const, level: null, than: null, factor, direction, pValue: c.pValue!, sentence } };
      if (!best || candidate.strength > best.strength) best = candidate;
      continue;
    }
    // Levels with their log hazard against the reference (reference 0, column -1)
    // Customers no rule typed, or without a value, are not a group to compare with ("Undetermined" vs "Simple").
    const points = [{ level: term.reference!, value: 0, column: -1 }, ...own.map(({ c, column }) => ({ level: c.level!, value: c.coefficient!, column }))].filter(
      (point) => !UNCOMPARABLE_LEVELS.has(point.level),
    );
    // Every pair of levels, not only the highest against the lowest: the extremes are often small
    // levels with wide intervals, and passing over the term then hid a significant pair (UCI's
    // Routine shoppers against the reference, p = 0.005, behind a "no factor" sentence). Trying every
    // pair is as many tests: a pair counts at 5% after Bonferroni over the term's pairs, so that 105
    // pairs of 15 levels do not hand the headline to chance.
    const pairs = (points.length * (points.length - 1)) / 2;
    for (const high of points) {
      for (const low of points) {
        const contrast = high.value - low.value;
        if (!(contrast > 0) || (best && contrast <= best.strength)) continue;
        const variance = (high.column >= 0 ? covariance(high.column, high.column) : 0) + (low.column >= 0 ? covariance(low.column, low.column) : 0) - (high.column >= 0 && low.column >= 0 ? 2 * covariance(high.column, low.column) : 0);
        const pValue = chiSquareUpper(contrast ** 2 / variance, 1);
        if (!(pValue * pairs < SIGNIFICANCE)) continue;
        const factor = Math.exp(contrast);
        const sentence = {
          en: `Customers with ${display.en} "${levelName(term, high.level, 'en')}" leave ${format(factor)} times as fast as those with "${levelName(term, low.level, 'en')}".`,
          zh: `${display.zh}为「${levelName(term, high.level, 'zh')}」的客户，流失速度是「${levelName(term, low.level, 'zh')}」客户的 ${format(factor)} 倍。`,
        };
        best = { strength: contrast, headline: { term: term.term, kind: 'categorical' as const, level: high.level, than: low.level, factor, direction: null, pValue, sentence } };
      }
    }
  }
  return best?.headline ?? null;
}

/**
 * The model's finding in one sentence, for every surface: the headline when there is one, else
 * what the fit does show, so that "no factor" is said only when nothing is significant. Without a
 * headline, significant ratios can remain on levels that name no group (Undetermined, no value),
 * or the factors can matter together (the likelihood-ratio test) with no single pair significant.
 */
export function driversFinding(found: DriverHeadline | null, terms: DriverTerm[], coefficients: DriverCoefficient[], likelihoodRatio: { pValue: number }): { zh: string; en: string } {
  if (found) return found.sentence;
  const unnamed = coefficients.filter((c) => c.level !== null && UNCOMPARABLE_LEVELS.has(c.level) && !c.infinite && c.pValue !== null && c.pValue < SIGNIFICANCE);
  if (unnamed.length > 0) {
    const groups = (lang: 'zh' | 'en') =>
      unnamed
        .map((c) => {
          const term = terms.find((entry) => entry.term === c.term)!;
          const name = termName(c.term)[lang];
          return lang === 'en' ? `${name} "${levelName(term, c.level!, 'en')}"` : `${name}为「${levelName(term, c.level!, 'zh')}」`;
        })
        .join(lang === 'en' ? ', ' : '、');
    return {
      en: `Only customers with ${groups('en')} leave at a significantly different pace (see the table); they are customers without a value or a type, not a group to act on, and no two named groups differ at the 5% level.`,
      zh: `只有${groups('zh')}的客户流失速度显著不同（见表）：他们是缺少取值或未判定类型的客户，并非可采取行动的分组；在 5% 的显著性水平下，没有两个具名分组之间存在显著差异。`,
    };
  }
  if (likelihoodRatio.pValue < SIGNIFICANCE) {
    return {
      en: `Taken together the factors change how fast customers leave (likelihood-ratio test ${pText(likelihoodRatio.pValue)}), but no single comparison between groups is significant at the 5% level.`,
      zh: `这些因素合起来会改变客户流失速度（似然比检验 ${pText(likelihoodRatio.pValue)}），但在 5% 的显著性水平下，没有任何两组之间的单独比较是显著的。`,
    };
  }
  return { en: 'No factor changes how fast customers leave at the 5% level.', zh: '在 5% 的显著性水平下，没有哪个因素明显改变流失速度。' };
}

function driverWarnings(subjects: SubjectColumns, excludedForMissing: number, terms: DriverTerm[], coefficients: DriverCoefficient[], fit: CoxFit): DriverWarning[] {
  const warnings: DriverWarning[] = [];
  for (const term of terms) {
    const test = term.proportionalHazards;
    if (!test || test.pValue >= SIGNIFICANCE) continue;
    const name = termName(term.term);
    warnings.push({
      kind: 'proportionalHazards',
      term: term.term,
      pValue: test.pValue,
      sentence: {
        en: `The effect of ${name.en} changes over the customers' lifetime (proportional-hazards test ${pText(test.pValue)}): its hazard ratio is an average over time; compare its groups' survival curves before acting on it.`,
        zh: `「${name.zh}」的影响随客户生命周期而变化（比例风险检验 ${pText(test.pValue)}）：其风险比只是各时期的平均值，据此行动前请对比各组的生存曲线。`,
      },
    });
  }
  const global = fit.proportionalHazards.global;
  if (global.pValue < SIGNIFICANCE) {
    warnings.push({
      kind: 'proportionalHazardsGlobal',
      pValue: global.pValue,
      sentence: {
        en: `Taken together, the hazard ratios are not constant over time (global test ${pText(global.pValue)}); read them as averages.`,
        zh: `整体来看，风险比并非随时间恒定（总体检验 ${pText(global.pValue)}），请将其视为平均效应。`,
      },
    });
  }
  if (subjects.sampledFrom !== null) {
    const [drawn, of] = [subjects.time.length, subjects.sampledFrom].map((value) => value.toLocaleString('en-US'));
    warnings.push({
      kind: 'sampled',
      subjects: subjects.time.length,
      of: subjects.sampledFrom,
      sentence: {
        en: `The model was fitted on ${drawn} of the ${of} customers, drawn at random (the same draw each time): enough for steady ratios, at a bounded cost in time and memory.`,
        zh: `模型基于从 ${of} 位客户中随机抽取的 ${drawn} 位客户拟合（每次抽取相同）：足以得到稳定的风险比，且计算时间与内存可控。`,
      },
    });
  }
  const excluded = subjects.excluded + excludedForMissing;
  if (excluded > 0) {
    warnings.push({
      kind: 'excluded',
      rows: excluded,
      sentence: {
        en: `${excluded} subjects were left out: no usable duration or event, or a numeric covariate without a value.`,
        zh: `有 ${excluded} 个对象未纳入模型：缺少可用的时长或事件，或某个数值协变量没有取值。`,
      },
    });
  }
  const level = (c: DriverCoefficient, lang: 'zh' | 'en') => (c.level === null ? '' : levelName(terms.find((term) => term.term === c.term)!, c.level, lang));
  for (const c of coefficients.filter((c) => c.coefficient === null)) {
    const name = termName(c.term);
    const label = c.level === null ? '' : ` "${level(c, 'en')}"`;
    warnings.push({
      kind: 'aliased',
      term: c.term,
      level: c.level,
      sentence: {
        en: `${name.en}${label} duplicates other covariates (the same customers), so it has no ratio of its own.`,
        zh: `${name.zh}${c.level === null ? '' : `「${level(c, 'zh')}」`}与其他协变量重复（对应同一批客户），因此没有单独的风险比。`,
      },
    });
  }
  for (const c of coefficients.filter((c) => c.infinite)) {
    const name = termName(c.term);
    const none = c.hazardRatio! < 1;
    warnings.push({
      kind: 'infinite',
      term: c.term,
      level: c.level,
      sentence: {
        en: none
          ? `No customer with ${name.en} "${level(c, 'en')}" churned, so its ratio cannot be measured (it runs to 0).`
          : `Customers with ${name.en} "${level(c, 'en')}" all churned before the others, so its ratio cannot be measured (it runs to infinity).`,
        zh: none ? `${name.zh}为「${level(c, 'zh')}」的客户无一流失，其风险比无法估计（趋于 0）。` : `${name.zh}为「${level(c, 'zh')}」的客户全部先于其他客户流失，其风险比无法估计（趋于无穷大）。`,
      },
    });
  }
  if (subjects.covariates.includes('rfmSegment')) {
    warnings.push({
      kind: 'circular',
      term: 'rfmSegment',
      sentence: {
        en: 'RFM segments are built from recency, which also decides churn: their hazard ratios partly restate the churn rule.',
        zh: 'RFM 分群本身基于最近购买时间，而流失也由它判定：其风险比在一定程度上只是重复了流失规则。',
      },
    });
  }
  return warnings;
}
