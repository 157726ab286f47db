// Cohort retention (DOMAIN.md section 2): matrices by first-activity period, mean curves, trends, and the customers behind a cell.
//
// One SQL query folds the activity orders into one row per (segment, cohort, k); JavaScript then
// lays those few rows out as matrices, marks what the data cannot observe yet, and averages.
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  CohortMatrix,
  CohortMembersRequest,
  CohortRetentionOptions,
  CohortRetentionResult,
  CohortRow,
  CurvePoint,
  RetentionBase,
  RetentionMetric,
  RetentionMode,
  RetentionPeriod,
  Resolved,
  SegmentColumn,
} from '../api/retention.ts';
import { queryArrow } from '../db/arrow.ts';
import { queryRows, quoteIdent } from '../db/sql.ts';
import { activityParams, activityRelations, resolveActivity, type ActivityRelations } from './activity.ts';
import {
  RETENTION_PERIODS,
  choice,
  groupBy,
  evaluationDay,
  numberChoice,
  periodEnd,
  periodOrdinal,
  periodOrdinalSql,
  periodStart,
  segmentChoice,
  segmentLabel,
  type PeriodEnd,
} from './periods.ts';

export type { CohortRetentionOptions, CohortRetentionResult } from '../api/retention.ts';

export const RETENTION_MODES: readonly RetentionMode[] = ['on', 'on-or-after'];
export const RETENTION_METRICS: readonly RetentionMetric[] = ['customers', 'orders', 'revenue'];
export const RETENTION_BASES: readonly RetentionBase[] = ['first', 'previous'];

/** The defaults of every option that has one that does not depend on the data. */
export const COHORT_RETENTION_DEFAULTS = {
  period: 'month',
  mode: 'on',
  metric: 'customers',
  relativeTo: 'first',
  segment: null,
  trendK: 1,
} as const satisfies Omit<Resolved<CohortRetentionOptions>, 'statuses' | 'asOf'>;

/**
 * CTEs of the activity per customer and period (`customer_periods`: customer_id, p, orders,
 * revenue) and per customer (`cohort_customers`: customer_id, cohort, last_p, first_at, last_at,
 * segment), from an ActivityRelations. Binds the activity parameters.
 */
function customerPeriodsSql(relations: ActivityRelations, period: RetentionPeriod, segment: SegmentColumn | null): string {
  return `
    customer_periods AS (
      SELECT customer_id, ${periodOrdinalSql(period, 'day')} AS p, sum(orders) AS orders, sum(revenue) AS revenue
      FROM ${relations.days} GROUP BY ALL),
    cohort_customers AS (
      SELECT customer_id, ${periodOrdinalSql(period, 'first_day')} AS cohort, ${periodOrdinalSql(period, 'last_day')} AS last_p, first_at, last_at,
             ${segment === null ? 'NULL' : quoteIdent(segment)} AS segment
      FROM ${relations.customers})`;
}

type CellRow = {
  segment: string | null;
  cohort: number;
  k: number;
  customers: number;
  orders: number;
  revenue: number;
  /** Customers whose last active period is this one: differences of the on-or-after curve. */
  last_active: number;
};

/** Every cell from the customers' periods, after customerPeriodsSql's CTEs. */
const CELLS_SQL = `
  SELECT c.segment, c.cohort, cp.p - c.cohort AS k, count(*) AS customers, sum(cp.orders) AS orders,
         sum(cp.revenue) AS revenue, count(*) FILTER (WHERE cp.p = c.last_p) AS last_active
  FROM customer_periods cp JOIN cohort_customers c USING (customer_id)
  GROUP BY ALL`;

/**
 * The cells on-or-after customers reads, from one row per customer: the cohort's size (customers
 * at k = 0) and last_active per k. A customer is active in k or later exactly when their last
 * active period is k or later, so no period in between needs reading; orders, revenue and the
 * customers of k > 0 are left at 0 (this matrix does not show them).
 */
const LAST_ACTIVE_CELLS_SQL = `
  SELECT segment, cohort, k, sum(size) AS customers, 0 AS orders, 0 AS revenue, sum(last) AS last_active
  FROM (SELECT segment, cohort, 0 AS k, 1 AS size, 0 AS last FROM cohort_customers
        UNION ALL SELECT segment, cohort, last_p - cohort, 0, 1 FROM cohort_customers)
  GROUP BY ALL`;

/** Every cell of the monthly matrix without segments, from the monthly summary (cohortMonths). */
const cohortMonthCellsSql = (cohortMonths: string) => `
  SELECT NULL AS segment, cohort, p - cohort AS k, sum(customers) AS customers, sum(orders) AS orders, sum(revenue) AS revenue, sum(last_active) AS last_active
  FROM ${cohortMonths} GROUP BY cohort, p`;

export async function cohortRetention(connection: DuckDBConnection, options: CohortRetentionOptions = {}): Promise<CohortRetentionResult> {
  const activity = await resolveActivity(connection, options);
  const resolved: Resolved<CohortRetentionOptions> = {
    period: choice('period', options.period, RETENTION_PERIODS, COHORT_RETENTION_DEFAULTS.period),
    mode: choice('mode', options.mode, RETENTION_MODES, COHORT_RETENTION_DEFAULTS.mode),
    metric: choice('metric', options.metric, RETENTION_METRICS, COHORT_RETENTION_DEFAULTS.metric),
    relativeTo: choice('relativeTo', options.relativeTo, RETENTION_BASES, COHORT_RETENTION_DEFAULTS.relativeTo),
    segment: segmentChoice(options.segment),
    trendK: numberChoice('trendK', options.trendK, COHORT_RETENTION_DEFAULTS.trendK, { min: 0, max: 100_000, whole: true }),
    ...activity,
  };
  const end = periodEnd(resolved.period, await evaluationDay(connection, resolved.asOf));
  const relations = await activityRelations(connection, resolved.statuses, options.asOf ?? null);
  const cellsSql = resolved.mode === 'on-or-after' && resolved.metric === 'customers' ? LAST_ACTIVE_CELLS_SQL : CELLS_SQL;
  const rows = await queryRows<CellRow>(
    connection,
    relations.cohortMonths !== null && resolved.period === 'month' && resolved.segment === null
      ? cohortMonthCellsSql(relations.cohortMonths)
      : `WITH ${customerPeriodsSql(relations, resolved.period, resolved.segment)} ${cellsSql}`,
    activityParams(resolved),
  );
  const firstCohort = Math.min(...rows.map((row) => row.cohort));
  const periods = rows.length === 0 ? 0 : end.ordinal - firstCohort + 1;
  const bySegment = groupBy(rows, (row) => segmentLabel(row.segment));
  const matrices = [...bySegment.entries()].map(([segment, cells]) => buildMatrix(segment, cells, periods, end, resolved));
  matrices.sort((a, b) => b.customers - a.customers || String(a.segment).localeCompare(String(b.segment)));
  return { options: resolved, periods, matrices };
}

function buildMatrix(segment: string | null, cells: CellRow[], periods: number, end: PeriodEnd, options: Resolved<CohortRetentionOptions>): CohortMatrix {
  const cohorts = [...groupBy(cells, (cell) => cell.cohort).entries()]
    .sort(([a], [b]) => a - b)
    .map(([cohort, cohortCells]) => buildRow(cohort, cohortCells, periods, end, options));
  return {
    segment,
    customers: cohorts.reduce((sum, row) => sum + row.size, 0),
    cohorts,
    weightedMean: meanCurve(cohorts, periods, true),
    simpleMean: meanCurve(cohorts, periods, false),
    trend: cohorts.map((row) => ({ cohort: row.cohort, size: row.size, rate: row.rates[options.trendK] ?? null, partial: row.partialK === options.trendK })),
  };
}

function buildRow(cohort: number, cells: CellRow[], periods: number, end: PeriodEnd, options: Resolved<CohortRetentionOptions>): CohortRow {
  const observed = end.ordinal - cohort + 1;
  const perPeriod = new Array<number>(observed).fill(0);
  for (const cell of cells) {
    perPeriod[cell.k] = options.metric === 'orders' ? cell.orders : options.metric === 'revenue' ? cell.revenue : options.mode === 'on' ? cell.customers : cell.last_active;
  }
  // on-or-after: what happens in k or later is the sum from k to the end (customers: those last active then)
  if (options.mode === 'on-or-after') for (let k = observed - 2; k >= 0; k--) perPeriod[k]! += perPeriod[k + 1]!;
  const values = Array.from({ length: periods }, (_, k) => (k < observed ? perPeriod[k]! : null));
  const rates = values.map((value, k) => {
    const base = k === 0 ? value : options.relativeTo === 'first' ? values[0] : values[k - 1];
    return value === null || base === null || base === undefined || base === 0 ? null : value / base;
  });
  return {
    cohort: periodStart(options.period, cohort),
    size: cells.find((cell) => cell.k === 0)?.customers ?? 0,
    values,
    rates,
    partialK: end.partial ? observed - 1 : null,
  };
}

/** Mean rate per k over cohorts whose cell k is complete; weighted by cohort size or plain. */
function meanCurve(cohorts: CohortRow[], periods: number, weighted: boolean): CurvePoint[] {
  return Array.from({ length: periods }, (_, k) => {
    let weightedSum = 0;
    let weights = 0;
    let count = 0;
    let customers = 0;
    for (const row of cohorts) {
      const rate = row.rates[k];
      if (rate === null || rate === undefined || row.partialK === k) continue;
      const weight = weighted ? row.size : 1;
      weightedSum += weight * rate;
      weights += weight;
      count++;
      customers += row.size;
    }
    return { k, rate: weights > 0 ? weightedSum / weights : null, cohorts: count, customers };
  });
}

/** The customers behind one cell, as Arrow IPC bytes, largest cell revenue first. */
export async function cohortMembers(connection: DuckDBConnection, request: CohortMembersRequest): Promise<Uint8Array> {
  const activity = await resolveActivity(connection, request);
  const period = choice('period', request.period, RETENTION_PERIODS, COHORT_RETENTION_DEFAULTS.period);
  const mode = choice('mode', request.mode, RETENTION_MODES, COHORT_RETENTION_DEFAULTS.mode);
  const segment = segmentChoice(request.segment);
  const k = numberChoice('k', request.k, undefined, { min: 0, max: 100_000, whole: true });
  const offset = numberChoice('offset', request.offset, 0, { min: 0, max: Number.MAX_SAFE_INTEGER, whole: true });
  const limit = numberChoice('limit', request.limit, 10_000, { min: 1, max: 1_000_000, whole: true });
  const cohort = periodOrdinal(period, request.cohort);
  const inCell = mode === 'on' ? 'cp.p = c.cohort + $k' : 'cp.p >= c.cohort + $k';
  const relations = await activityRelations(connection, activity.statuses, request.asOf ?? null);
  return queryArrow(
    connection,
    `WITH ${customerPeriodsSql(relations, period, segment)}
     SELECT c.customer_id, c.first_at, c.last_at,
            sum(cp.orders) FILTER (WHERE ${inCell}) AS cell_orders, sum(cp.revenue) FILTER (WHERE ${inCell}) AS cell_revenue,
            sum(cp.orders) AS orders, sum(cp.revenue) AS revenue
     FROM cohort_customers c JOIN customer_periods cp USING (customer_id)
     WHERE c.cohort = $cohort AND ($segmented = false OR c.segment IS NOT DISTINCT FROM $segment_value)
     GROUP BY ALL
     HAVING cell_orders > 0
     ORDER BY cell_revenue DESC, c.customer_id
     LIMIT $limit OFFSET $offset`,
    {
      ...activityParams(activity),
      k,
      cohort,
      segmented: segment !== null && request.segmentValue !== undefined,
      segment_value: request.segmentValue ?? null,
      limit,
      offset,
    },
  );
}
