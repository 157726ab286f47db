// Survival (DOMAIN.md section 2): Kaplan-Meier curves with log-log Greenwood bands, medians and the log-rank test.
//
// Subjects are customers (lifetime in days from the first activity to the churn date of the
// inactivity rule, censored at the evaluation date) or the rows of any workspace table with a
// duration and an event column. SQL counts events and censorings per (group, time); the product-
// limit estimate and the test run over those counts.
import upperGamma from '@stdlib/math-base-special-gammainc';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogRankTest, SegmentColumn, SurvivalCurve, SurvivalOptions, SurvivalPoint, SurvivalResult, SurvivalSource } from '../api/retention.ts';
import { CoreError } from '../api/errors.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { flagParams, flagSql, requireColumns } from './flagColumn.ts';
import { activityRelations, customerStatusParams, resolveChurnRule, type ActivityRelations } from './activity.ts';
import { groupBy, numberChoice, segmentChoice, segmentLabel } from './periods.ts';

export type { SurvivalOptions, SurvivalResult } from '../api/retention.ts';

export const SURVIVAL_DEFAULTS = { source: null, segment: null, confidence: 0.95 } as const;

/** More curves than this make neither a readable chart nor a meaningful test. */
export const MAX_SURVIVAL_GROUPS = 50;

/** Events and censorings at one time of one group, as the SQL gives them. */
export type TimeCounts = { group: string | null; time: number; events: number; censored: number };

export async function survival(connection: DuckDBConnection, options: SurvivalOptions = {}): Promise<SurvivalResult> {
  const confidence = numberChoice('confidence', options.confidence, SURVIVAL_DEFAULTS.confidence, { min: 0.5, max: 0.999 });
  const source = options.source ?? null;
  const segment = source === null ? segmentChoice(options.segment) : null;
  const input = source === null ? await customerLifetimes(connection, options, segment) : await sourceDurations(connection, source);
  const groups = [...groupBy(input.rows, (row) => segmentLabel(row.group)).entries()];
  if (groups.length > MAX_SURVIVAL_GROUPS) {
    throw new CoreError('E_ARGS', `${groups.length} groups: survival draws at most ${MAX_SURVIVAL_GROUPS} curves; choose a column with fewer values`);
  }
  const z = normalQuantile((1 + confidence) / 2, 0, 1);
  const curves = groups.map(([group, rows]) => kaplanMeier(group, rows, z)).sort((a, b) => b.subjects - a.subjects || String(a.group).localeCompare(String(b.group)));
  return {
    options: { source: source === null ? null : { ...source, groupColumn: source.groupColumn ?? null }, segment, confidence, ...input.activity },
    rule: input.rule,
    timeUnit: source === null ? 'day' : source.durationColumn,
    excludedRows: input.excluded,
    curves,
    logRank: curves.length >= 2 ? logRank(curves) : null,
  };
}

interface SurvivalInput {
  rows: TimeCounts[];
  rule: SurvivalResult['rule'];
  activity: Pick<SurvivalResult['options'], 'statuses' | 'asOf'>;
  excluded: number;
}

/**
 * Lifetimes counted per (segment, time), by activity.ts's churn rule on the last purchase day:
 * from one row per customer (an ActivityRelations' customers: first and last purchase day, the
 * first order's segment values) when split by a segment, else from its spans, where customers
 * sharing first and last day, and so one lifetime, are one row.
 */
export const CUSTOMER_LIFETIMES_SQL = (relations: Pick<ActivityRelations, 'customers' | 'spans'>, segment: SegmentColumn | null) => `
  WITH status AS (
    SELECT segment, first_day, customers,
           date_diff('day', last_day, CAST($activity_as_of AS DATE)) > $churn_window_days AS churned,
           last_day + to_days(CAST($churn_window_days AS INTEGER)) AS churn_at
    FROM ${
      segment === null
        ? `(SELECT NULL AS segment, first_day, last_day, customers FROM ${relations.spans})`
        : `(SELECT ${quoteIdent(segment)} AS segment, first_day, last_day, 1 AS customers FROM ${relations.customers})`
    })
  SELECT segment AS "group",
         date_diff('day', first_day, CASE WHEN churned THEN CAST(churn_at AS DATE) ELSE CAST($activity_as_of AS DATE) END) AS time,
         CAST(coalesce(sum(customers) FILTER (WHERE churned), 0) AS BIGINT) AS events, CAST(coalesce(sum(customers) FILTER (WHERE NOT churned), 0) AS BIGINT) AS censored
  FROM status
  GROUP BY ALL ORDER BY time`;

async function customerLifetimes(connection: DuckDBConnection, options: SurvivalOptions, segment: SegmentColumn | null): Promise<SurvivalInput> {
  const rule = await resolveChurnRule(connection, options);
  const relations = await activityRelations(connection, rule.statuses, options.asOf ?? null);
  const rows = await queryRows<TimeCounts>(connection, CUSTOMER_LIFETIMES_SQL(relations, segment), customerStatusParams(rule));
  return { rows, rule, activity: { statuses: rule.statuses, asOf: rule.asOf }, excluded: 0 };
}

async function sourceDurations(connection: DuckDBConnection, source: SurvivalSource): Promise<SurvivalInput> {
  if (source === null || typeof source !== 'object') throw new CoreError('E_ARGS', 'source.table must name a table of the workspace');
  // duration and event are required: String() turns a missing one into a name no table has
  await requireColumns(connection, 'source', source.table, {
    durationColumn: String(source.durationColumn),
    eventColumn: String(source.eventColumn),
    groupColumn: source.groupColumn,
  });
  const event = flagSql(source.eventColumn);
  const group = source.groupColumn ? `CAST(${quoteIdent(source.groupColumn)} AS VARCHAR)` : 'NULL';
  const subjects = `SELECT ${group} AS "group", try_cast(${quoteIdent(source.durationColumn)} AS DOUBLE) AS time, ${event} AS event FROM ${quoteIdent(source.table)}`;
  const params = flagParams();
  const rows = await queryRows<TimeCounts>(
    connection,
    `SELECT "group", time, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS censored
     FROM (${subjects}) WHERE time >= 0 AND event IS NOT NULL GROUP BY ALL ORDER BY time`,
    params,
  );
  const { excluded } = await queryOne<{ excluded: number }>(
    connection,
    `SELECT count(*) FILTER (WHERE NOT coalesce(time >= 0 AND event IS NOT NULL, false)) AS excluded FROM (${subjects})`,
    params,
  );
  return { rows, rule: null, activity: { statuses: null, asOf: null }, excluded };
}

/** Product-limit estimate over counts sorted by time, with log-log bands (Greenwood variance) at normal quantile z. */
export function kaplanMeier(group: string | null, rows: readonly TimeCounts[], z: number): SurvivalCurve {
  const subjects = rows.reduce((sum, row) => sum + row.events + row.censored, 0);
  let atRisk = subjects;
  let survival = 1;
  let greenwood = 0;
  let events = 0;
  const points: SurvivalPoint[] = [];
  for (const row of rows) {
    if (row.events > 0) {
      survival *= 1 - row.events / atRisk;
      greenwood += atRisk > row.events ? row.events / (atRisk * (atRisk - row.events)) : Number.POSITIVE_INFINITY;
      events += row.events;
    }
    // Bands of log(-log S): undefined before the first event (S = 1) and once S = 0
    const spread = survival > 0 && survival < 1 ? (z * Math.sqrt(greenwood)) / Math.abs(Math.log(survival)) : Number.NaN;
    const band = (sign: number) => (Number.isFinite(spread) ? survival ** Math.exp(sign * spread) : null);
    points.push({ time: row.time, atRisk, events: row.events, censored: row.censored, survival, lower: band(1), upper: band(-1) });
    atRisk -= row.events + row.censored;
  }
  const firstAtOrBelowHalf = (value: (point: SurvivalPoint) => number) => points.find((point) => value(point) <= 0.5)?.time ?? null;
  return {
    group,
    subjects,
    events,
    median: firstAtOrBelowHalf((point) => point.survival),
    // the lower band falls to one half first, so it gives the earlier limit (as R's survfit)
    medianLower: firstAtOrBelowHalf((point) => point.lower ?? point.survival),
    medianUpper: firstAtOrBelowHalf((point) => point.upper ?? point.survival),
    points,
  };
}

/**
 * Log-rank test across curves: (O - E)' V^-1 (O - E) over all groups but one, chi-square with
 * groups - 1 df; null when fewer than two groups have anyone at risk at an event time.
 */
export function logRank(curves: readonly SurvivalCurve[]): LogRankTest | null {
  const times = [...new Set(curves.flatMap((curve) => curve.points.filter((point) => point.events > 0).map((point) => point.time)))].sort((a, b) => a - b);
  const count = curves.length;
  const observed = new Array<number>(count).fill(0);
  const expected = new Array<number>(count).fill(0);
  const variance = Array.from({ length: count }, () => new Array<number>(count).fill(0));
  // At risk at time t in a group: its subjects minus everyone who left before t
  const cursors = curves.map(() => 0);
  const atRisk = curves.map((curve) => curve.subjects);
  for (const time of times) {
    const eventsAt = new Array<number>(count).fill(0);
    const riskAt = new Array<number>(count).fill(0);
    curves.forEach((curve, g) => {
      while (cursors[g]! < curve.points.length && curve.points[cursors[g]!]!.time < time) {
        const point = curve.points[cursors[g]!]!;
        atRisk[g]! -= point.events + point.censored;
        cursors[g]!++;
      }
      riskAt[g] = atRisk[g]!;
      const point = curve.points[cursors[g]!];
      if (point?.time === time) eventsAt[g] = point.events;
    });
    const n = riskAt.reduce((a, b) => a + b, 0);
    const d = eventsAt.reduce((a, b) => a + b, 0);
    for (let g = 0; g < count; g++) {
      observed[g]! += eventsAt[g]!;
      expected[g]! += (riskAt[g]! * d) / n;
      if (n <= 1) continue;
      const scale = (d * (n - d)) / (n - 1);
      for (let h = 0; h < count; h++) variance[g]![h]! += scale * (riskAt[g]! / n) * ((g === h ? 1 : 0) - riskAt[h]! / n);
    }
  }
  // Groups with no variance (no one at risk at any event time) carry no information; drop them, then one more (the covariance is singular)
  const informative = [...variance.keys()].filter((g) => variance[g]![g]! > 1e-12);
  const kept = informative.slice(0, -1);
  const difference = kept.map((g) => observed[g]! - expected[g]!);
  if (kept.length === 0) return null;
  const statistic = dotSolve(kept.map((g) => kept.map((h) => variance[g]![h]!)), difference);
  if (!Number.isFinite(statistic)) return null;
  const df = kept.length;
  return {
    statistic,
    df,
    // P(chi2_df > x) = Q(df / 2, x / 2), the regularised upper incomplete gamma: exact down to tiny p, unlike 1 - CDF
    pValue: upperGamma(statistic / 2, df / 2, true, true),
    groups: curves.map((curve, g) => ({ group: curve.group, observed: observed[g]!, expected: expected[g]! })),
  };
}

/** b' A^-1 b for a small symmetric positive definite A, by Gaussian elimination with partial pivoting. */
function dotSolve(matrix: number[][], vector: number[]): number {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++) if (Math.abs(a[row]![column]!) > Math.abs(a[pivot]![column]!)) pivot = row;
    [a[column], a[pivot]] = [a[pivot]!, a[column]!];
    for (let row = column + 1; row < n; row++) {
      const factor = a[row]![column]! / a[column]![column]!;
      for (let k = column; k <= n; k++) a[row]![k]! -= factor * a[column]![k]!;
    }
  }
  const solution = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * solution[k]!;
    solution[row] = sum / a[row]![row]!;
  }
  return solution.reduce((sum, x, i) => sum + x * vector[i]!, 0);
}
