// Headline KPIs (DOMAIN.md section 2): repeat, retention and churn rates, completion, refunds, complaints, ratings, revenue and the Pareto view.
//
// Every KPI carries its numerator, denominator and formula in words, with the statuses, periods
// and thresholds that were used. Retention and churn rates come from the churn summary's
// lifecycle rows so that the two views can never disagree.
import type { DuckDBConnection } from '@duckdb/node-api';
import { kpiFormula, type KpiFormulaTerms } from '../api/kpiFormula.ts';
import { CoreError } from '../api/errors.ts';
import type { ChurnPeriodRow, ChurnSummaryResult, Kpi, KpiKey, KpisOptions, KpisResult, LorenzPoint, Resolved, RetentionPeriod } from '../api/retention.ts';
import { queryOne, queryRows } from '../db/sql.ts';
import { activityParams, activityRelations, type ActivityRelations, type ChurnRule } from './activity.ts';
import { REPEAT_PURCHASE_DAYS, orderFactsSql } from '../db/summaries.ts';
import { churnSummary } from './churn.ts';
import { RETENTION_PERIODS, choice, numberChoice } from './periods.ts';

export type { KpisOptions, KpisResult } from '../api/retention.ts';

// A repeat customer bought on at least REPEAT_PURCHASE_DAYS different days: two orders on one day are
// one visit (the churn window's gaps are between purchase days too). The summaries count them.
export { REPEAT_PURCHASE_DAYS } from '../db/summaries.ts';

export const KPIS_DEFAULTS = {
  period: 'month',
  paretoShare: 0.2,
  lowRatingAtMost: 2,
  lorenzPoints: 100,
} as const satisfies Omit<Resolved<KpisOptions>, 'statuses' | 'asOf' | 'windowDays'>;

type CustomerTotals = { customers: number; repeaters: number; revenue: number | null; orders: number };
type OrderTotals = {
  orders: number;
  completed: number;
  paid: number;
  refunded: number;
  paid_amount: number | null;
  refund_amount: number | null;
  credit_notes: number;
  credit_amount: number | null;
};
type TicketTotals = { tickets: number; linked: number; complainers: number; ratings: number; rating_sum: number | null; low_ratings: number };

export async function kpis(connection: DuckDBConnection, options: KpisOptions = {}): Promise<KpisResult> {
  const period = choice('period', options.period, RETENTION_PERIODS, KPIS_DEFAULTS.period);
  const { summary, rule } = await lifecycle(connection, { ...options, period });
  // the activity (statuses, evaluation date) is the summary's, whether or not a window applies
  const activity = summary.rule;
  const resolved: Resolved<Omit<KpisOptions, 'windowDays'>> = {
    period,
    paretoShare: numberChoice('paretoShare', options.paretoShare, KPIS_DEFAULTS.paretoShare, { min: 0.01, max: 0.99 }),
    lowRatingAtMost: numberChoice('lowRatingAtMost', options.lowRatingAtMost, KPIS_DEFAULTS.lowRatingAtMost, { min: 0, max: 100 }),
    lorenzPoints: numberChoice('lorenzPoints', options.lorenzPoints, KPIS_DEFAULTS.lorenzPoints, { min: 1, max: 10_000, whole: true }),
    statuses: activity.statuses,
    asOf: activity.asOf,
  };
  const params = activityParams(activity);
  const relations = await activityRelations(connection, activity.statuses, options.asOf ?? null);
  const customers = await queryOne<CustomerTotals>(
    connection,
    `SELECT coalesce(sum(customers), 0) AS customers, coalesce(sum(repeaters), 0) AS repeaters, sum(revenue) AS revenue, coalesce(sum(orders), 0) AS orders FROM ${relations.spans}`,
    params,
  );
  // The facts the import keeps hold every order: they answer when the evaluation date is the data's end
  const facts =
    relations.fromSummaries && options.asOf === undefined ? 'order_facts' : `(${orderFactsSql('(SELECT * FROM orders WHERE ordered_at <= CAST($as_of AS TIMESTAMP))')})`;
  const orders = await queryOne<OrderTotals>(
    connection,
    `SELECT orders, completed, paid, refunded, paid_amount, refund_amount,
            (SELECT count(*) FROM credit_notes WHERE issued_at <= CAST($as_of AS TIMESTAMP)) AS credit_notes,
            (SELECT sum(amount) FROM credit_notes WHERE issued_at <= CAST($as_of AS TIMESTAMP)) AS credit_amount
     FROM ${facts}`,
    { as_of: activity.asOf },
  );
  const tickets = await queryOne<TicketTotals>(
    connection,
    // the few ticket customers are looked up among the many active ones, not the other way round
    `WITH recent AS (SELECT * FROM tickets WHERE created_at IS NULL OR created_at <= CAST($activity_as_of AS TIMESTAMP))
     SELECT (SELECT count(*) FROM ${relations.customers} active JOIN (SELECT DISTINCT customer_id FROM recent) asked USING (customer_id)) AS complainers,
            count(*) AS tickets, count(customer_id) AS linked, count(rating) AS ratings, sum(rating) AS rating_sum, count(*) FILTER (WHERE rating <= $low) AS low_ratings
     FROM recent`,
    { ...params, low: resolved.lowRatingAtMost },
  );
  const pareto = await paretoView(connection, relations, params, customers.customers, resolved);
  const retention = lastRetention(summary.periods);
  const churn = rule === null ? undefined : summary.periods.findLast((row: ChurnPeriodRow) => row.churnRate !== null);
  const formulaTerms: KpiFormulaTerms = {
    statuses: activity.statuses,
    asOf: activity.asOf,
    period,
    retentionPeriod: retention?.previous.period ?? null,
    churnPeriod: churn?.period ?? null,
    windowDays: rule?.windowDays ?? null,
    windowSource: rule?.windowSource ?? null,
    repeatDays: REPEAT_PURCHASE_DAYS,
    creditNotes: orders.credit_notes,
    tickets: tickets.tickets,
    linkedTickets: tickets.linked,
    lowRatingAtMost: resolved.lowRatingAtMost,
    topShare: resolved.paretoShare,
    topCustomers: pareto.topCustomers,
  };
  const kpi = (key: KpiKey, numerator: number | null, denominator: number | null): Kpi => ({
    key,
    value: numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator,
    numerator,
    denominator,
    formula: kpiFormula(key, formulaTerms, 'en'),
  });
  const revenue = customers.revenue ?? 0;
  const list: Kpi[] = [
    { ...kpi('customers', customers.customers, null), value: customers.customers },
    kpi('repeatPurchaseRate', customers.repeaters, customers.customers),
    kpi('retentionRate', retention?.current.returning ?? null, retention?.previous.active ?? null),
    kpi('churnRate', churn?.churnedAfter ?? null, churn?.active ?? null),
    kpi('orderCompletionRate', orders.completed, orders.orders),
    kpi('refundRateOrders', orders.refunded + orders.credit_notes, orders.paid),
    kpi('refundRateAmount', (orders.refund_amount ?? 0) + (orders.credit_amount ?? 0), orders.paid_amount),
    // without tickets nobody can be said to have complained: unknown, not 0%
    kpi('complaintRate', tickets.linked === 0 ? null : tickets.complainers, customers.customers),
    kpi('averageRating', tickets.rating_sum, tickets.ratings),
    kpi('lowRatingShare', tickets.low_ratings, tickets.ratings),
    kpi('revenuePerCustomer', revenue, customers.customers),
    kpi('averageOrderValue', revenue, customers.orders),
    kpi('topRevenueShare', pareto.topRevenue, revenue),
    kpi('gini', pareto.meanRevenueGap, pareto.twiceRevenuePerCustomer),
  ];
  return { options: resolved, rule, kpis: list, lorenz: pareto.lorenz, formulaTerms };
}

/**
 * The churn summary the KPIs read, and the rule it applied; the rule is null when no window was
 * given and none can be derived (no customer bought on two different days). The summary is then
 * computed with a nominal window for its active and returning customers per period, which the
 * retention rate reads and no window changes; its churn counts are not read.
 */
async function lifecycle(connection: DuckDBConnection, options: KpisOptions & { period: RetentionPeriod }): Promise<{ summary: ChurnSummaryResult; rule: ChurnRule | null }> {
  try {
    const summary = await churnSummary(connection, options);
    return { summary, rule: summary.rule };
  } catch (error) {
    if (!(error instanceof CoreError && error.details?.reason === 'no_repeat_buyers')) throw error;
    return { summary: await churnSummary(connection, { ...options, windowDays: 1 }), rule: null };
  }
}

/** The last complete period and the one before it, from the lifecycle rows. */
function lastRetention(periods: ChurnPeriodRow[]): { previous: ChurnPeriodRow; current: ChurnPeriodRow } | null {
  const complete = periods.filter((row) => !row.partial);
  const current = complete.at(-1);
  const previous = complete.at(-2);
  return current && previous ? { previous, current } : null;
}

interface ParetoView {
  topCustomers: number;
  topRevenue: number | null;
  /**
   * The Gini as a ratio a reader can repeat: the average revenue gap between two customers (each
   * paired with every customer, itself included: 2 Σ (2i − n − 1) x_i / n² for x ascending) over
   * twice the revenue per customer (2 Σ x / n). Their quotient is Σ (2i − n − 1) x_i / (n Σ x), while
   * the raw sums of that formula run to billions that mean nothing on a page.
   */
  meanRevenueGap: number | null;
  twiceRevenuePerCustomer: number | null;
  lorenz: LorenzPoint[];
}

/**
 * Lorenz points, top share and Gini from customers ranked by revenue, ascending, read from the
 * customers per revenue with their ranks (revenueRanks): the customers of one revenue hold
 * consecutive ranks, so the cumulative revenue at a rank inside them and their terms of the Gini
 * sum follow from the ranks before them. Two scans, no sort: the totals, and the few revenues whose
 * ranks hold a wanted rank.
 */
async function paretoView(
  connection: DuckDBConnection,
  relations: ActivityRelations,
  params: ReturnType<typeof activityParams>,
  customers: number,
  options: Resolved<Omit<KpisOptions, 'windowDays'>>,
): Promise<ParetoView> {
  if (customers === 0) return { topCustomers: 0, topRevenue: null, meanRevenueGap: null, twiceRevenuePerCustomer: null, lorenz: [] };
  const topCustomers = Math.ceil(options.paretoShare * customers);
  const points = options.lorenzPoints;
  // Point j (1..points) sits at rank ceil(j n / points), so ranks up to r hold floor(r points / n) points
  const pointRanks = Array.from({ length: points }, (_, j) => Math.ceil(((j + 1) * customers) / points));
  const belowTop = customers - topCustomers;
  const totals = await queryOne<{ total: number | null; gini_sum: number | null }>(
    connection,
    // sum over ranks r from ranked_before + 1 to ranked_before + customers of (2r - n - 1)
    `SELECT sum(revenue * customers) AS total, sum(revenue * customers * (2 * ranked_before + customers - CAST($n AS BIGINT))) AS gini_sum FROM ${relations.revenueRanks}`,
    { ...params, n: customers },
  );
  const holding = await queryRows<{ ranked_before: number; customers: number; revenue: number; revenue_before: number }>(
    connection,
    `SELECT ranked_before, customers, revenue, revenue_before FROM ${relations.revenueRanks}
     WHERE (ranked_before + customers) * CAST($points AS BIGINT) // CAST($n AS BIGINT) > ranked_before * CAST($points AS BIGINT) // CAST($n AS BIGINT) OR ($below_top > ranked_before AND $below_top <= ranked_before + customers)`,
    { ...params, n: customers, points, below_top: belowTop },
  );
  const cumulativeAt = (rank: number): number | undefined => {
    const row = holding.find((candidate) => rank > candidate.ranked_before && rank <= candidate.ranked_before + candidate.customers);
    return row && row.revenue_before + (rank - row.ranked_before) * row.revenue;
  };
  const total = totals.total ?? 0;
  const lorenz: LorenzPoint[] = [{ customers: 0, revenue: 0 }];
  for (const rank of new Set(pointRanks)) lorenz.push({ customers: rank / customers, revenue: total > 0 ? (cumulativeAt(rank) ?? 0) / total : 0 });
  return {
    topCustomers,
    topRevenue: total - (cumulativeAt(belowTop) ?? 0),
    meanRevenueGap: totals.gini_sum === null ? null : (2 * totals.gini_sum) / (customers * customers),
    twiceRevenuePerCustomer: (2 * total) / customers,
    lorenz: total > 0 ? lorenz : [],
  };
}
