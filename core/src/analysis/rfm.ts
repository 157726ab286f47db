// RFM segments (DOMAIN.md section 4): recency, frequency and monetary scores 1-5 and the named segments of rfm.json.
//
// Recency is days from the last purchase day to the as-of day, frequency the number of orders,
// monetary their total amount, all over the orders that count as activity (analysis/activity.ts):
// one row per customer, read from the import's customer summary when it holds the rule's activity.
// Scores are quintiles by rank with ties kept together (see SCORING).
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { RfmGridCell, RfmRules, RfmSegmentSize, RfmSegmentsResult, ScoreBoundaries, ValueRange } from '../api/customers.ts';
import type { OrderStatus } from '../db/schema.ts';
import { queryRows } from '../db/sql.ts';
import { activityParams, activityRelations, resolveChurnRule, type ChurnRule } from './activity.ts';
import { loadRfmRules } from './customerRules.ts';
import { RESULT_TABLES, answerOnce, segmentTotals, storeRun } from './customerResults.ts';

export interface RfmOptions {
  /** ISO date-time to judge as of; later orders are ignored. Default: the data's end. */
  asOf?: string;
  /** Statuses that count as purchases. Default ['completed']. */
  statuses?: OrderStatus[];
  /** Segment rules. Default: resources/segments/rfm.json. */
  rules?: RfmRules;
}

export type RfmResult = RfmSegmentsResult;

export const RFM_SCORING =
  'Each score is 1 + floor(5 x customers with a strictly worse value / all customers): quintiles by rank, where customers with equal values share the score of the lowest position among them (so heavy ties can leave a score empty). Worse means a longer recency, fewer orders, a lower total amount.';

/**
 * The quintile boundaries of a measure where larger is better: the values at sorted positions
 * ceil(k n / 5) - 1 for k = 1..4, which is what quantile_disc picks. The fractions are DECIMAL
 * literals, for which DuckDB computes the position in integer arithmetic (a DOUBLE 0.6 could land
 * one position off for some n).
 */
function boundariesSql(better: string): string {
  return `quantile_disc(${better}, [0.2, 0.4, 0.6, 0.8])`;
}

/**
 * score = 1 + floor(5 (rank - 1) / n) with RANK() giving ties their lowest position, without
 * ranking: rank - 1 is the count c of customers with a strictly worse value, and c >= ceil(k n / 5)
 * exactly when the value is above boundary k. So one selection per measure replaces three sorts
 * of every customer (the ranks cost about as much CPU as aggregating 10M orders into 1M customers).
 */
function scoreSql(better: string, boundaries: string): string {
  return `CAST(1 + ${[1, 2, 3, 4].map((k) => `(${better} > ${boundaries}[${k}])::INTEGER`).join(' + ')} AS INTEGER)`;
}

function segmentCaseSql(rules: RfmRules, params: Record<string, DuckDBValue>): string {
  const branches = rules.segments.map((segment, index) => {
    const m = segment.m ?? [1, 5];
    Object.assign(params, {
      [`s${index}_key`]: segment.key,
      [`s${index}_r0`]: segment.r[0],
      [`s${index}_r1`]: segment.r[1],
      [`s${index}_f0`]: segment.f[0],
      [`s${index}_f1`]: segment.f[1],
      [`s${index}_m0`]: m[0],
      [`s${index}_m1`]: m[1],
    });
    return `WHEN r_score BETWEEN $s${index}_r0 AND $s${index}_r1 AND f_score BETWEEN $s${index}_f0 AND $s${index}_f1 AND m_score BETWEEN $s${index}_m0 AND $s${index}_m1 THEN $s${index}_key`;
  });
  return `CASE ${branches.join(' ')} END`;
}

/**
 * Scores every customer and stores the table; the same rules, statuses and as-of date on the same
 * orders are answered from the stored run (customerResults.ts's answerOnce).
 */
export async function rfm(connection: DuckDBConnection, options: RfmOptions = {}): Promise<RfmResult> {
  const { rules, source } = loadRfmRules(options.rules);
  // Only the statuses and the as-of date of the shared rule matter here; a fixed window skips deriving one.
  const rule = await resolveChurnRule(connection, { windowDays: 1, ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.statuses ? { statuses: options.statuses } : {}) });
  const request = { asOf: rule.asOf, statuses: rule.statuses, rules };
  return answerOnce(connection, 'rfm', request, () => scoreCustomers(connection, options, rule, rules, source), {
    keep: (result) => result,
    restore: (kept: RfmResult) => Promise.resolve(kept),
  });
}

async function scoreCustomers(connection: DuckDBConnection, options: RfmOptions, rule: ChurnRule, rules: RfmRules, source: RfmResult['options']['rulesSource']): Promise<RfmResult> {
  const params: Record<string, DuckDBValue> = { ...activityParams(rule) };
  const createSql = `
    CREATE OR REPLACE TABLE ${RESULT_TABLES.rfm} AS
    WITH per_customer AS MATERIALIZED (
      SELECT customer_id, date_diff('day', last_day, CAST($activity_as_of AS DATE)) AS recency_days, orders AS frequency, revenue AS monetary,
             first_day AS first_purchase, last_day AS last_purchase
      FROM ${(await activityRelations(connection, rule.statuses, options.asOf ?? null)).customers}
    ), boundaries AS (
      -- recency is better when shorter: its boundaries are taken on the negated days
      SELECT ${boundariesSql('-recency_days')} AS r, ${boundariesSql('frequency')} AS f, ${boundariesSql('monetary')} AS m FROM per_customer
    ), scored AS (
      SELECT c.*, ${scoreSql('-c.recency_days', 'b.r')} AS r_score, ${scoreSql('c.frequency', 'b.f')} AS f_score, ${scoreSql('c.monetary', 'b.m')} AS m_score
      FROM per_customer c CROSS JOIN boundaries b
    )
    SELECT customer_id, ${segmentCaseSql(rules, params)} AS segment, r_score, f_score, m_score,
           recency_days, frequency, monetary, first_purchase, last_purchase
    FROM scored`;
  const resultId = await storeRun(connection, 'rfm', createSql, params, { asOf: rule.asOf, statuses: rule.statuses, rulesSource: source, rules });
  const { customers, revenue } = await segmentTotals(connection, 'rfm', 'monetary', rule);
  return {
    scheme: 'rfm',
    resultId,
    options: { asOf: rule.asOf, statuses: rule.statuses, rulesSource: source },
    customers,
    revenue,
    segments: await segmentSizes(connection, rules, customers, revenue),
    grid: await grid(connection),
    boundaries: await boundaries(connection),
    scoring: RFM_SCORING,
  };
}

async function segmentSizes(connection: DuckDBConnection, rules: RfmRules, customers: number, revenue: number): Promise<RfmSegmentSize[]> {
  const rows = await queryRows<{ segment: string; customers: number; revenue: number; recency: number; frequency: number; monetary: number }>(
    connection,
    `SELECT segment, count(*) AS customers, sum(monetary) AS revenue, avg(recency_days) AS recency, avg(frequency) AS frequency, avg(monetary) AS monetary
     FROM ${RESULT_TABLES.rfm} GROUP BY segment`,
  );
  const bySegment = new Map(rows.map((row) => [row.segment, row]));
  return rules.segments.map((rule) => {
    const row = bySegment.get(rule.key);
    return {
      key: rule.key,
      label: rule.label,
      rule,
      customers: row?.customers ?? 0,
      customerShare: (row?.customers ?? 0) / customers,
      revenue: row?.revenue ?? 0,
      revenueShare: revenue === 0 ? null : (row?.revenue ?? 0) / revenue,
      meanRecencyDays: row?.recency ?? null,
      meanFrequency: row?.frequency ?? null,
      meanMonetary: row?.monetary ?? null,
    };
  });
}

async function grid(connection: DuckDBConnection): Promise<RfmGridCell[]> {
  const rows = await queryRows<{ r: number; f: number; customers: number; revenue: number; segments: string }>(
    connection,
    `SELECT r_score AS r, f_score AS f, count(*) AS customers, sum(monetary) AS revenue, string_agg(DISTINCT segment, ',' ORDER BY segment) AS segments
     FROM ${RESULT_TABLES.rfm} GROUP BY r_score, f_score`,
  );
  const byCell = new Map(rows.map((row) => [`${row.r},${row.f}`, row]));
  const cells: RfmGridCell[] = [];
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      const row = byCell.get(`${r},${f}`);
      cells.push({ r, f, customers: row?.customers ?? 0, revenue: row?.revenue ?? 0, segments: row ? row.segments.split(',') : [] });
    }
  }
  return cells;
}

async function boundaries(connection: DuckDBConnection): Promise<ScoreBoundaries> {
  const rows = await queryRows<{ measure: string; score: number; low: number; high: number }>(
    connection,
    `SELECT 'recencyDays' AS measure, r_score AS score, min(recency_days) AS low, max(recency_days) AS high FROM ${RESULT_TABLES.rfm} GROUP BY r_score
     UNION ALL SELECT 'frequency', f_score, min(frequency), max(frequency) FROM ${RESULT_TABLES.rfm} GROUP BY f_score
     UNION ALL SELECT 'monetary', m_score, min(monetary), max(monetary) FROM ${RESULT_TABLES.rfm} GROUP BY m_score`,
  );
  const ranges = (measure: string): (ValueRange | null)[] =>
    [1, 2, 3, 4, 5].map((score) => {
      const row = rows.find((candidate) => candidate.measure === measure && candidate.score === score);
      return row ? { min: row.low, max: row.high } : null;
    });
  return { recencyDays: ranges('recencyDays'), frequency: ranges('frequency'), monetary: ranges('monetary') };
}
