// Churn summary (DOMAIN.md section 1): the inactivity rule's verdicts, churn rate and lifecycle counts per period.
//
// Per period p, for customers with activity: new (first active period is p), returning (active in
// p - 1 too), resurrected (active earlier, not in p - 1). From the rule of activity.ts: churned
// (the churn date, last activity + window, falls in p), and for the customers whose last activity
// falls in p, churnedAfter (judged churned) and censored (too recent to judge).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChurnPeriodRow, ChurnSummaryOptions, ChurnSummaryResult, Resolved } from '../api/retention.ts';
import { queryOne, queryRows } from '../db/sql.ts';
import { activityRelations, customerStatusParams, resolveChurnRule, spanStatusSql } from './activity.ts';
import { RETENTION_PERIODS, choice, evaluationDay, periodEnd, periodOrdinalSql, periodStart } from './periods.ts';

export type { ChurnSummaryOptions, ChurnSummaryResult } from '../api/retention.ts';

export const CHURN_SUMMARY_DEFAULTS = { period: 'month' } as const satisfies Omit<Resolved<ChurnSummaryOptions>, 'statuses' | 'asOf' | 'windowDays'>;

type PeriodCounts = {
  p: number;
  active: number;
  new: number;
  returning: number;
  resurrected: number;
  churned: number;
  churned_after: number;
  censored: number;
};

export async function churnSummary(connection: DuckDBConnection, options: ChurnSummaryOptions = {}): Promise<ChurnSummaryResult> {
  const rule = await resolveChurnRule(connection, options);
  const resolved: Resolved<Omit<ChurnSummaryOptions, 'windowDays'>> = {
    period: choice('period', options.period, RETENTION_PERIODS, CHURN_SUMMARY_DEFAULTS.period),
    statuses: rule.statuses,
    asOf: rule.asOf,
  };
  const ordinal = (day: string) => periodOrdinalSql(resolved.period, day);
  const params = customerStatusParams(rule);
  const end = periodEnd(resolved.period, await evaluationDay(connection, rule.asOf));
  const relations = await activityRelations(connection, rule.statuses, options.asOf ?? null);
  const status = spanStatusSql(relations.spans);
  const totals = await queryOne<{ customers: number | null; churned: number | null }>(
    connection,
    `SELECT sum(customers) AS customers, sum(customers) FILTER (WHERE churned) AS churned FROM (${status})`,
    params,
  );
  // The monthly counts the summaries keep; other periods fold each customer's active periods
  const lifecycle =
    relations.cohortMonths !== null && resolved.period === 'month'
      ? `SELECT p, sum(customers) AS active, sum(customers) FILTER (WHERE p = cohort) AS new,
                sum(customers) FILTER (WHERE previous_month_active) AS returning, sum(customers) FILTER (WHERE p <> cohort AND NOT previous_month_active) AS resurrected
         FROM ${relations.cohortMonths} GROUP BY p`
      : `SELECT p, count(*) AS active,
                count(*) FILTER (WHERE previous IS NULL) AS new,
                count(*) FILTER (WHERE previous = p - 1) AS returning,
                count(*) FILTER (WHERE previous < p - 1) AS resurrected
         FROM (SELECT p, lag(p) OVER (PARTITION BY customer_id ORDER BY p) AS previous
               FROM (SELECT DISTINCT customer_id, ${ordinal('day')} AS p FROM ${relations.days}))
         GROUP BY p`;
  const rows = await queryRows<PeriodCounts>(
    connection,
    `WITH lifecycle AS (${lifecycle}),
          status AS (${status}),
          endings AS (
            SELECT ${ordinal('last_day')} AS p,
                   sum(customers) FILTER (WHERE churned) AS churned_after, sum(customers) FILTER (WHERE NOT churned) AS censored
            FROM status GROUP BY p),
          churn_dates AS (SELECT ${ordinal('churn_day')} AS p, sum(customers) AS churned FROM status WHERE churned GROUP BY p)
     SELECT coalesce(l.p, e.p, c.p) AS p, coalesce(l.active, 0) AS active, coalesce(l.new, 0) AS new,
            coalesce(l.returning, 0) AS returning, coalesce(l.resurrected, 0) AS resurrected, coalesce(c.churned, 0) AS churned,
            coalesce(e.churned_after, 0) AS churned_after, coalesce(e.censored, 0) AS censored
     FROM lifecycle l FULL JOIN endings e ON e.p = l.p FULL JOIN churn_dates c ON c.p = coalesce(l.p, e.p)`,
    params,
  );
  const byOrdinal = new Map(rows.map((row) => [row.p, row]));
  const first = Math.min(...byOrdinal.keys());
  const periods: ChurnPeriodRow[] = [];
  for (let p = first; p <= end.ordinal; p++) {
    const row = byOrdinal.get(p);
    const active = row?.active ?? 0;
    const churnedAfter = row?.churned_after ?? 0;
    const censored = row?.censored ?? 0;
    periods.push({
      period: periodStart(resolved.period, p),
      partial: p === end.ordinal && end.partial,
      active,
      new: row?.new ?? 0,
      returning: row?.returning ?? 0,
      resurrected: row?.resurrected ?? 0,
      churned: row?.churned ?? 0,
      churnedAfter,
      censored,
      churnRate: censored === 0 && active > 0 ? churnedAfter / active : null,
    });
  }
  return {
    options: resolved,
    rule,
    customers: totals.customers ?? 0,
    churned: totals.churned ?? 0,
    censored: (totals.customers ?? 0) - (totals.churned ?? 0),
    periods,
  };
}
