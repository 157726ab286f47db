// Customer value (DOMAIN.md section 5): BG/NBD + Gamma-Gamma fits, P(alive), expected purchases, CLV, at-risk list, holdout check.
//
// DuckDB builds one row per customer (x = distinct purchase days after the first, t_x and T in
// the chosen unit, mean repeat spend), and the grouped (x, t_x, T) rows go to the JavaScript
// fits. The model's per-customer formulas then run back in SQL: P(alive) is closed-form, and the
// hypergeometric part of the expectations depends on (x, T) only, so JavaScript evaluates it once
// per distinct pair and DuckDB joins it in. Months are 30 days.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { DOUBLE, LIST, listValue } from '@duckdb/node-api';
import { MIN_P_ALIVE_SPREAD, type CustomerValueResult, type HoldoutBucket, type HoldoutCheck, type TimeUnit, type ValueFitIssue, type ValueFitQuality } from '../api/customers.ts';
import { CoreError } from '../api/errors.ts';
import { queryArrow } from '../db/arrow.ts';
import type { OrderStatus } from '../db/schema.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { bgNbdExpectedPurchasesIfAlive, fitBgNbd, type BgNbdFit, type BgNbdParameters } from '../stats/bgnbd.ts';
import { fitGammaGamma, type GammaGammaFit } from '../stats/gammaGamma.ts';
import { DEFAULT_ACTIVITY_STATUSES, activityParams, activityRelations, dataEnd, resolveChurnRule } from './activity.ts';
import { RESULT_TABLES, answerOnce, storeRun } from './customerResults.ts';

export interface CustomerValueOptions {
  /** Time unit of frequency, recency, T and alpha. Default 'week'. */
  unit?: TimeUnit;
  /** Calibration cut-off (ISO date): purchases after it form the holdout. Default: the data's end. */
  until?: string;
  /** Horizon of expected purchases and CLV in 30-day months. Default 12. */
  horizonMonths?: number;
  /** Monthly discount rate of CLV. Default 0.01. */
  monthlyDiscountRate?: number;
  /** Statuses that count as purchases. Default ['completed']. */
  statuses?: OrderStatus[];
  /** A per-customer CSV (lifetimes/BTYD layout) to fit instead of the workspace's orders. */
  summaryFile?: string;
  /** Rows in the at-risk list. Default 100. */
  atRiskLimit?: number;
}

export type CustomerValueAnalysisResult = CustomerValueResult;

const DAYS_PER_UNIT: Record<TimeUnit, number> = { day: 1, week: 7 };
const DAYS_PER_MONTH = 30;
/** Gamma-Gamma is not fitted on fewer repeat customers than this: three parameters need some data. */
const MIN_SPEND_CUSTOMERS = 10;
const INPUT = 'clv_input';

interface Settings {
  unit: TimeUnit;
  horizonMonths: number;
  monthlyDiscountRate: number;
  atRiskLimit: number;
}

function checkOptions(options: CustomerValueOptions): Settings {
  const unit = options.unit ?? 'week';
  if (unit !== 'day' && unit !== 'week') throw new CoreError('E_ARGS', `unit must be 'day' or 'week', got ${String(unit)}`);
  const horizonMonths = options.horizonMonths ?? 12;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1 || horizonMonths > 120) throw new CoreError('E_ARGS', `horizonMonths must be a whole number 1..120, got ${horizonMonths}`);
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  if (!(monthlyDiscountRate >= 0 && monthlyDiscountRate < 1)) throw new CoreError('E_ARGS', `monthlyDiscountRate must be in [0, 1), got ${monthlyDiscountRate}`);
  const atRiskLimit = options.atRiskLimit ?? 100;
  if (!Number.isInteger(atRiskLimit) || atRiskLimit < 1 || atRiskLimit > 100_000) throw new CoreError('E_ARGS', `atRiskLimit must be 1..100000, got ${atRiskLimit}`);
  if (options.until !== undefined && Number.isNaN(Date.parse(options.until))) throw new CoreError('E_ARGS', `until is not a date: ${options.until}`);
  return { unit, horizonMonths, monthlyDiscountRate, atRiskLimit };
}

/**
 * Fills the temporary input table from the activity (the summaries' purchase days when they hold
 * it, else the orders): one row per customer whose first purchase is on
 * or before the cut-off, with the holdout purchases (distinct days after it) alongside.
 */
async function inputFromOrders(connection: DuckDBConnection, options: CustomerValueOptions, unit: TimeUnit): Promise<{ until: string; end: string }> {
  const end = await dataEnd(connection);
  const rule = await resolveChurnRule(connection, { windowDays: 1, asOf: end, ...(options.statuses ? { statuses: options.statuses } : {}) });
  const until = options.until ?? end;
  // The rule's end is the data's end, for which the summaries hold one row per customer and purchase day already
  const relations = await activityRelations(connection, rule.statuses, null);
  const days = relations.fromSummaries
    ? `SELECT customer_id, day, revenue AS amount FROM ${relations.days}`
    : `SELECT customer_id, day, sum(revenue) AS amount FROM ${relations.days} GROUP BY customer_id, day`;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${INPUT} AS
     WITH days AS (${days}), calibration AS (
       SELECT customer_id, min(day) AS first_purchase, max(day) AS last_purchase, count(*) AS purchase_days,
              sum(amount) AS revenue, arg_min(amount, day) AS first_amount
       FROM days WHERE day <= CAST($until AS DATE) GROUP BY customer_id
     ), holdout AS (
       SELECT customer_id, count(*) AS purchases FROM days WHERE day > CAST($until AS DATE) GROUP BY customer_id
     )
     SELECT c.customer_id,
            CAST(c.purchase_days - 1 AS DOUBLE) AS x,
            date_diff('day', c.first_purchase, c.last_purchase) / $unit_days AS t_x,
            date_diff('day', c.first_purchase, CAST($until AS DATE)) / $unit_days AS "T",
            CASE WHEN c.purchase_days > 1 THEN (c.revenue - c.first_amount) / (c.purchase_days - 1) END AS m,
            c.revenue, c.first_purchase, c.last_purchase,
            CAST(coalesce(h.purchases, 0) AS DOUBLE) AS holdout_purchases
     FROM calibration c LEFT JOIN holdout h ON h.customer_id = c.customer_id`,
    { ...activityParams(rule), until, unit_days: DAYS_PER_UNIT[unit] },
  );
  return { until, end };
}

const SUMMARY_COLUMNS = {
  x: ['frequency', 'x'],
  t_x: ['recency', 't_x'],
  T: ['T', 't'],
  m: ['monetary_value', 'zbar', 'monetary'],
  id: ['ID', 'id', 'customer_id', 'customer'],
} as const;

/** Fills the input table from a lifetimes/BTYD-style per-customer CSV; returns whether it has spend. */
async function inputFromSummary(connection: DuckDBConnection, file: string): Promise<boolean> {
  let names: string[];
  try {
    const described = await queryRows<{ column_name: string }>(connection, 'DESCRIBE SELECT * FROM read_csv($file, header = true)', { file });
    names = described.map((row) => row.column_name);
  } catch (error) {
    throw new CoreError('E_FILE', `${file}: cannot read as CSV (${(error as Error).message.split('\n')[0]})`, { file });
  }
  const pick = (candidates: readonly string[]) => candidates.map((c) => names.find((name) => name === c) ?? names.find((name) => name.toLowerCase() === c.toLowerCase())).find((name) => name !== undefined);
  const [x, tx, T, m, id] = [pick(SUMMARY_COLUMNS.x), pick(SUMMARY_COLUMNS.t_x), pick(SUMMARY_COLUMNS.T), pick(SUMMARY_COLUMNS.m), pick(SUMMARY_COLUMNS.id)];
  if (!x || !tx || !T) {
    throw new CoreError('E_MAPPING', `${file}: needs columns frequency (or x), recency (or t_x) and T; found ${names.join(', ')}`, { file, columns: names });
  }
  const number = (column: string) => `TRY_CAST(${quoteIdent(column)} AS DOUBLE)`;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${INPUT} AS
     SELECT ${id ? `CAST(${quoteIdent(id)} AS VARCHAR)` : 'CAST(row_number() OVER () AS VARCHAR)'} AS customer_id,
            ${number(x)} AS x, ${number(tx)} AS t_x, ${number(T)} AS "T", ${m ? number(m) : 'CAST(NULL AS DOUBLE)'} AS m,
            CAST(NULL AS DOUBLE) AS revenue, CAST(NULL AS DATE) AS first_purchase, CAST(NULL AS DATE) AS last_purchase,
            CAST(NULL AS DOUBLE) AS holdout_purchases
     FROM read_csv($file, header = true)`,
    { file },
  );
  const bad = await queryRows<{ customer_id: string; x: number | null; t_x: number | null; T: number | null }>(
    connection,
    `SELECT customer_id, x, t_x, "T" FROM ${INPUT}
     WHERE NOT coalesce(x >= 0 AND x = floor(x) AND t_x >= 0 AND "T" >= t_x AND (x = 0 OR t_x > 0), false) LIMIT 1`,
  );
  const row = bad[0];
  if (row) {
    throw new CoreError('E_VALUE', `${file} customer ${row.customer_id}: frequency=${row.x}, recency=${row.t_x}, T=${row.T} is not a valid (x, t_x, T): x must be a whole number >= 0, 0 <= t_x <= T, and t_x > 0 when x > 0`, { file, customer: row.customer_id });
  }
  return m !== undefined;
}

async function bgNbdData(connection: DuckDBConnection) {
  const reader = await connection.runAndReadAll(`SELECT x, t_x, "T", CAST(count(*) AS DOUBLE) AS n FROM ${INPUT} GROUP BY x, t_x, "T" ORDER BY x, t_x, "T"`);
  const [x, tx, T, n] = reader.getColumnsJS() as number[][];
  return { x: Float64Array.from(x!), tx: Float64Array.from(tx!), T: Float64Array.from(T!), weight: Float64Array.from(n!) };
}

/** The Gamma-Gamma fit on the repeat customers with a positive mean spend; `excluded` repeat customers have none. */
async function fitSpend(connection: DuckDBConnection, excluded: number): Promise<{ fit: GammaGammaFit | null; skipped: string | null; excluded: number }> {
  const reader = await connection.runAndReadAll(`SELECT x, m, CAST(count(*) AS DOUBLE) AS n FROM ${INPUT} WHERE x > 0 AND m > 0 GROUP BY x, m ORDER BY x, m`);
  const [x, m, n] = reader.getColumnsJS() as number[][];
  const customers = n!.reduce((sum, count) => sum + count, 0);
  if (customers < MIN_SPEND_CUSTOMERS) {
    return { fit: null, skipped: `only ${customers} repeat customers with a positive mean spend; Gamma-Gamma needs ${MIN_SPEND_CUSTOMERS}`, excluded };
  }
  return { fit: fitGammaGamma({ x: Float64Array.from(x!), m: Float64Array.from(m!), weight: Float64Array.from(n!) }), skipped: null, excluded };
}

/**
 * Per distinct (x, T): expected purchases over the horizon and in the holdout for a customer
 * alive at T, and the discounted sum of monthly expected purchases that CLV multiplies by spend.
 */
async function expectationsByXT(connection: DuckDBConnection, params: BgNbdParameters, settings: Settings, holdoutLength: number | null) {
  const reader = await connection.runAndReadAll(`SELECT DISTINCT x, "T" FROM ${INPUT}`);
  const [xs, Ts] = reader.getColumnsJS() as number[][];
  const monthLength = DAYS_PER_MONTH / DAYS_PER_UNIT[settings.unit];
  const horizon: number[] = [];
  const discounted: number[] = [];
  const holdout: number[] = [];
  xs!.forEach((x, i) => {
    const T = Ts![i]!;
    let previous = 0;
    let sum = 0;
    for (let month = 1; month <= settings.horizonMonths; month++) {
      const cumulative = bgNbdExpectedPurchasesIfAlive(params, x, T, month * monthLength);
      sum += (cumulative - previous) / (1 + settings.monthlyDiscountRate) ** month;
      previous = cumulative;
    }
    horizon.push(previous);
    discounted.push(sum);
    holdout.push(holdoutLength === null ? 0 : bgNbdExpectedPurchasesIfAlive(params, x, T, holdoutLength));
  });
  return { x: listValue(xs!), T: listValue(Ts!), horizon: listValue(horizon), discounted: listValue(discounted), holdout: listValue(holdout) };
}

/** Bind types of the expectation lists: left to inference, a list whose first item is whole binds as INTEGER[] and rejects the fractions after it. */
const EXPECTATION_LIST_TYPES = { x: LIST(DOUBLE), T: LIST(DOUBLE), horizon: LIST(DOUBLE), discounted: LIST(DOUBLE), holdout: LIST(DOUBLE) };

function modelResult<F extends BgNbdFit | GammaGammaFit>(fit: F): Omit<F, 'gradientNorm'> {
  const { gradientNorm: _gradientNorm, ...rest } = fit;
  return rest;
}

/**
 * Fits both models and stores the value table; the same options on the same orders are answered
 * from the stored run (customerResults.ts's answerOnce), its at-risk rows read again from the table.
 */
export async function customerValue(connection: DuckDBConnection, options: CustomerValueOptions = {}): Promise<CustomerValueAnalysisResult> {
  const settings = checkOptions(options);
  // a summary file may change between two requests under the same name
  if (options.summaryFile) return fitAndStore(connection, options, settings);
  const request = {
    unit: settings.unit,
    until: options.until ?? (await dataEnd(connection)),
    horizonMonths: settings.horizonMonths,
    monthlyDiscountRate: settings.monthlyDiscountRate,
    statuses: options.statuses ?? DEFAULT_ACTIVITY_STATUSES,
  };
  return answerOnce(connection, 'value', request, () => fitAndStore(connection, options, settings), {
    // the at-risk rows as asked (base64 of their Arrow bytes): sorting 10M stored rows again for them took 0.56 s of CPU
    keep: ({ atRisk, ...kept }) => ({ ...kept, atRiskLimit: settings.atRiskLimit, atRisk: Buffer.from(atRisk).toString('base64') }),
    restore: async ({ atRiskLimit, atRisk, ...kept }) => ({
      ...kept,
      atRisk: atRiskLimit === settings.atRiskLimit ? new Uint8Array(Buffer.from(atRisk, 'base64')) : await atRiskRows(connection, settings.atRiskLimit),
    }),
  });
}

/** The first rows of the stored value table by value at risk, as Arrow. */
function atRiskRows(connection: DuckDBConnection, limit: number): Promise<Uint8Array> {
  return queryArrow(connection, `SELECT * FROM ${RESULT_TABLES.value} ORDER BY value_at_risk DESC NULLS LAST, p_alive ASC, customer_id LIMIT $limit`, { limit });
}

async function fitAndStore(connection: DuckDBConnection, options: CustomerValueOptions, settings: Settings): Promise<CustomerValueAnalysisResult> {
  const source = options.summaryFile ? 'summary' : 'orders';
  let range: { until: string; end: string } | null = null;
  let hasSpend = true;
  if (options.summaryFile) hasSpend = await inputFromSummary(connection, options.summaryFile);
  else range = await inputFromOrders(connection, options, settings.unit);
  // one pass over the input for the counts (10M customers: each pass about 0.2 s of CPU)
  const { customers, repeat, excluded } = await queryOne<{ customers: number; repeat: number; excluded: number }>(
    connection,
    `SELECT count(*) AS customers, count(*) FILTER (WHERE x > 0) AS repeat, count(*) FILTER (WHERE x > 0 AND NOT coalesce(m > 0, false)) AS excluded FROM ${INPUT}`,
  );
  if (customers === 0) {
    throw new CoreError('E_NO_DATA', range ? `no customer bought on or before ${range.until}` : `${options.summaryFile} has no rows`, range ? { reason: 'no_customers_until', until: range.until.slice(0, 10) } : undefined);
  }
  if (repeat === 0) throw new CoreError('E_NO_DATA', 'no customer bought on two different days, so BG/NBD cannot be fitted', { reason: 'no_repeat_buyers_value' });

  const bgnbd = fitBgNbd(await bgNbdData(connection));
  const spend = hasSpend ? await fitSpend(connection, excluded) : { fit: null, skipped: 'the summary file has no monetary_value (or zbar) column', excluded: 0 };
  const holdoutDays = range ? await queryOne<{ days: number }>(connection, 'SELECT date_diff(\'day\', CAST($until AS DATE), CAST($end AS DATE)) AS days', range) : null;
  const holdoutLength = holdoutDays && holdoutDays.days > 0 ? holdoutDays.days / DAYS_PER_UNIT[settings.unit] : null;
  const expectations = await expectationsByXT(connection, bgnbd, settings, holdoutLength);

  const gg = spend.fit;
  const params: Record<string, DuckDBValue> = {
    ...expectations,
    r: bgnbd.r,
    alpha: bgnbd.alpha,
    a: bgnbd.a,
    b: bgnbd.b,
    p: gg?.p ?? null,
    q: gg?.q ?? null,
    v: gg?.v ?? null,
  };
  // Expected spend per purchase (Gamma-Gamma); NULL without a spend model or when q <= 1 leaves the mean undefined
  const expectedSpendSql = 'CASE WHEN $q > 1 THEN $p * (x * greatest(coalesce(m, 0), 0) + $v) / ($p * x + $q - 1) END';
  const createSql = `
    CREATE OR REPLACE TABLE ${RESULT_TABLES.value} AS
    WITH xt AS (
      SELECT unnest($x::DOUBLE[]) AS x, unnest($T::DOUBLE[]) AS "T", unnest($horizon::DOUBLE[]) AS horizon,
             unnest($discounted::DOUBLE[]) AS discounted, unnest($holdout::DOUBLE[]) AS holdout
    ), odds AS (
      SELECT i.*, xt.horizon, xt.discounted, xt.holdout,
             CASE WHEN i.x > 0 THEN ln($a) - ln($b + i.x - 1) + ($r + i.x) * (ln($alpha + i."T") - ln($alpha + i.t_x)) END AS log_odds
      FROM ${INPUT} i JOIN xt ON xt.x = i.x AND xt."T" = i."T"
    ), alive AS (
      SELECT *, CASE WHEN log_odds IS NULL THEN 1.0
                     WHEN log_odds > 0 THEN exp(-log_odds) / (1 + exp(-log_odds))
                     ELSE 1 / (1 + exp(log_odds)) END AS p_alive,
             ${expectedSpendSql} AS expected_spend
      FROM odds
    )
    SELECT customer_id, x AS frequency, t_x AS recency, "T", m AS monetary_value, revenue, first_purchase, last_purchase,
           p_alive, p_alive * horizon AS expected_purchases, expected_spend,
           expected_spend * p_alive * discounted AS clv,
           expected_spend * (1 - p_alive) * discounted AS value_at_risk,
           holdout_purchases, ${holdoutLength === null ? 'CAST(NULL AS DOUBLE)' : 'p_alive * holdout'} AS holdout_predicted
    FROM alive`;
  const used = {
    unit: settings.unit,
    until: range ? range.until : null,
    horizonMonths: settings.horizonMonths,
    monthlyDiscountRate: settings.monthlyDiscountRate,
    statuses: source === 'orders' ? (options.statuses ?? ['completed']) : null,
    source,
    summaryFile: options.summaryFile ?? null,
  } as const;
  const resultId = await storeRun(connection, 'value', createSql, params, { ...used, bgnbd: modelResult(bgnbd), gammaGamma: gg ? modelResult(gg) : null }, EXPECTATION_LIST_TYPES);
  const totals = await queryOne<{ alive: number; mean: number; purchases: number; clv: number | null; risk: number | null }>(
    connection,
    `SELECT sum(p_alive) AS alive, avg(p_alive) AS mean, sum(expected_purchases) AS purchases, sum(clv) AS clv, sum(value_at_risk) AS risk FROM ${RESULT_TABLES.value}`,
  );
  const fitQuality = await assessFit(connection, bgnbd, gg);
  return {
    resultId,
    options: used,
    bgnbd: modelResult(bgnbd),
    gammaGamma: gg ? modelResult(gg) : null,
    gammaGammaSkipped: spend.skipped,
    summary: {
      customers,
      repeatCustomers: repeat,
      expectedAlive: totals.alive,
      meanPAlive: totals.mean,
      expectedPurchases: totals.purchases,
      totalClv: totals.clv,
      totalValueAtRisk: totals.risk,
      excludedFromSpend: spend.excluded,
    },
    holdout: range && holdoutLength !== null ? await holdoutCheck(connection, range, holdoutLength) : null,
    atRisk: await atRiskRows(connection, settings.atRiskLimit),
    warnings: fitQuality.issues.map(issueText),
    fitQuality,
  };
}

/** The issues that make the at-risk ranking meaningless (see ValueFitIssue), and the one-time buyers the model cannot judge. */
async function assessFit(connection: DuckDBConnection, bgnbd: BgNbdFit, gg: GammaGammaFit | null): Promise<ValueFitQuality> {
  // both percentiles from one sort of the repeat customers' P(alive)
  const spread = await queryOne<{ p10: number | null; p90: number | null; once: number }>(
    connection,
    `SELECT spread[1] AS p10, spread[2] AS p90, once
     FROM (SELECT quantile_cont(p_alive, [0.1, 0.9]) FILTER (WHERE frequency > 0) AS spread, count(*) FILTER (WHERE frequency = 0) AS once FROM ${RESULT_TABLES.value})`,
  );
  const issues: ValueFitIssue[] = [];
  if (bgnbd.atBound.length) issues.push({ code: 'parameter_on_bound', model: 'bgnbd', parameters: bgnbd.atBound });
  if (spread.p10 !== null && spread.p90 !== null && spread.p90 - spread.p10 < MIN_P_ALIVE_SPREAD) issues.push({ code: 'no_separation', p10: spread.p10, p90: spread.p90 });
  if (gg?.atBound.length) issues.push({ code: 'parameter_on_bound', model: 'gammaGamma', parameters: gg.atBound });
  if (gg && gg.q <= 1) issues.push({ code: 'spend_mean_undefined', q: gg.q });
  return { degenerate: issues.length > 0, issues, oneTimeBuyers: spread.once };
}

const MODEL_NAMES = { bgnbd: 'BG/NBD', gammaGamma: 'Gamma-Gamma' } as const;

/** An issue in English with what to do about it (the command line's wording; the UI has its own catalogues). */
export function issueText(issue: ValueFitIssue): string {
  switch (issue.code) {
    case 'parameter_on_bound':
      return `${MODEL_NAMES[issue.model]} parameter(s) ${issue.parameters.join(', ')} ended on their bound: the data do not pin them down, so the values are not a ranking of risk. Import more history (two years or more of orders) or use a longer calibration period`;
    case 'no_separation':
      return `P(alive) of repeat customers runs only from ${issue.p10.toFixed(2)} to ${issue.p90.toFixed(2)} (10th to 90th percentile): the model cannot tell who is leaving. Import more history or use a longer calibration period`;
    case 'spend_mean_undefined':
      return `Gamma-Gamma q = ${issue.q.toFixed(2)} <= 1: the mean spend is undefined, so expected spend, CLV and value at risk are left empty`;
  }
}

/** Mean predicted vs actual holdout purchases per calibration frequency 0..6 and 7+. */
async function holdoutCheck(connection: DuckDBConnection, range: { until: string; end: string }, length: number): Promise<HoldoutCheck> {
  const rows = await queryRows<{ bucket: number; customers: number; predicted: number; actual: number }>(
    connection,
    `SELECT least(frequency, 7) AS bucket, count(*) AS customers, avg(holdout_predicted) AS predicted, avg(holdout_purchases) AS actual
     FROM ${RESULT_TABLES.value} GROUP BY bucket ORDER BY bucket`,
  );
  const buckets: HoldoutBucket[] = rows.map((row) => ({
    frequency: row.bucket === 7 ? '7+' : String(row.bucket),
    customers: row.customers,
    predicted: row.predicted,
    actual: row.actual,
  }));
  return {
    from: range.until,
    to: range.end,
    length,
    buckets,
    totalPredicted: rows.reduce((sum, row) => sum + row.predicted * row.customers, 0),
    totalActual: rows.reduce((sum, row) => sum + row.actual * row.customers, 0),
  };
}
