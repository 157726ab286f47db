// Activity and churn status: DOMAIN.md section 1 in one place, for every analysis to build on.
//
// An order counts as activity when its status is in `statuses` (default: completed only;
// cancelled, refunded and pending orders are not purchases the customer kept). The data's end
// is the last order timestamp of any status, or the user's `asOf`. A customer has churned when
// no activity follows their last activity for more than `windowDays` before the end; a customer
// whose last activity lies within the window is censored: too recent to judge, neither
// retained nor churned.
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { ORDER_STATUSES, type OrderStatus } from '../db/schema.ts';
import { queryOne } from '../db/sql.ts';
import { SUMMARY_STATUS, customerRevenuesSql, customerSpansSql, gapCountsSql, revenueRanksSql, summariesAnswer } from '../db/summaries.ts';

export interface ChurnRuleOptions {
  /** Inactivity window in days. Default: P90 of repeat customers' gaps between purchase days, rounded up. */
  windowDays?: number;
  /** Judge churn as of this ISO date-time; later orders are ignored. Default: the data's end. */
  asOf?: string;
  /** Order statuses that count as activity. Default: ['completed']. */
  statuses?: OrderStatus[];
}

/** The rule actually applied, as every result reports it. */
export interface ChurnRule {
  windowDays: number;
  /** 'user' when given, 'p90' when derived from the data's gaps. */
  windowSource: 'user' | 'p90';
  /** ISO timestamp of the evaluation date. */
  asOf: string;
  statuses: OrderStatus[];
  /** Repeat customers whose gaps the default window was derived from (null when the user chose it). */
  repeatCustomers: number | null;
}

export const DEFAULT_ACTIVITY_STATUSES: OrderStatus[] = [SUMMARY_STATUS];

/** Parameters every activity CTE binds; merge them into the query's own parameters. */
export function activityParams(rule: Pick<ChurnRule, 'statuses' | 'asOf'>): Record<string, DuckDBValue> {
  return { activity_statuses: listValue(rule.statuses), activity_as_of: rule.asOf };
}

/**
 * SQL of the orders that count as activity up to the evaluation date, one row per order:
 * customer_id, order_id, ordered_at, day, amount, channel, region, category (the segment columns),
 * discount, items (DuckDB reads only the columns a query uses). Binds $activity_statuses and $activity_as_of.
 */
export const ACTIVITY_ORDERS_SQL = `
  SELECT customer_id, order_id, ordered_at, CAST(ordered_at AS DATE) AS day, coalesce(amount, 0) AS amount, channel, region, category, discount, items
  FROM orders
  WHERE list_contains($activity_statuses, status) AND ordered_at <= CAST($activity_as_of AS TIMESTAMP)`;

/**
 * Where an analysis reads the activity from: relations (SQL in parentheses) of activity rows by
 * customer and day (`days`, summaries.ts's customerDaysSql columns: one row per purchase day, or
 * per order, so readers sum orders and revenue and count distinct days), one row per customer
 * (`customers`, its customerSummarySql columns), the gaps in days between a customer's consecutive
 * purchase days (`gaps`: customer_id, gap), and the same grouped so that their size no
 * longer grows with the customers (summaries.ts's aggregates): `spans` (customerSpansSql),
 * `revenues` (customerRevenuesSql) and the same ranked (`revenueRanks`, revenueRanksSql),
 * `gapCounts` (gapCountsSql: the gaps in days between a
 * customer's consecutive purchase days) and, from the summaries only, `cohortMonths` (the
 * cohort_months summary; null: group the days by month instead). Binds the activity parameters.
 */
export interface ActivityRelations {
  days: string;
  customers: string;
  gaps: string;
  spans: string;
  revenues: string;
  revenueRanks: string;
  gapCounts: string;
  cohortMonths: string | null;
  /** Read from the summaries the import keeps, rather than from every order. */
  fromSummaries: boolean;
}

const ORDER_GAPS = `(SELECT customer_id, gap FROM (SELECT customer_id, date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day), day) AS gap
  FROM (SELECT DISTINCT customer_id, day FROM (${ACTIVITY_ORDERS_SQL}))) WHERE gap IS NOT NULL)`;

/**
 * The activity of any rule, read from the orders, each aggregated once: going through one row per
 * day first, as the summaries do, grouped the orders twice and made these rules twice as slow.
 * The first order's segment values break ties as the summaries do (earliest time, then order id).
 */
const ORDER_CUSTOMERS = `(SELECT customer_id, min(ordered_at) AS first_at, max(ordered_at) AS last_at, min(day) AS first_day, max(day) AS last_day,
      count(*) AS orders, count(DISTINCT day) AS purchase_days, sum(amount) AS revenue, arg_min(channel, (ordered_at, order_id)) AS channel,
      arg_min(region, (ordered_at, order_id)) AS region, arg_min(category, (ordered_at, order_id)) AS category
    FROM (${ACTIVITY_ORDERS_SQL}) GROUP BY customer_id)`;

const ORDER_ACTIVITY: ActivityRelations = {
  days: `(SELECT customer_id, day, 1 AS orders, amount AS revenue, ordered_at AS first_at, ordered_at AS last_at, channel, region, category FROM (${ACTIVITY_ORDERS_SQL}))`,
  customers: ORDER_CUSTOMERS,
  gaps: ORDER_GAPS,
  spans: `(${customerSpansSql(ORDER_CUSTOMERS)})`,
  revenues: `(${customerRevenuesSql(ORDER_CUSTOMERS)})`,
  revenueRanks: `(${revenueRanksSql(`(${customerRevenuesSql(ORDER_CUSTOMERS)})`)})`,
  gapCounts: `(${gapCountsSql(ORDER_GAPS)})`,
  cohortMonths: null,
  fromSummaries: false,
};

// The summaries hold exactly the default rule's activity. Their filter restates the condition under
// which they answer (always true when they are read), so both ways bind the same parameters.
const SUMMARY_RULE = `list_contains($activity_statuses, '${SUMMARY_STATUS}') AND last_at <= CAST($activity_as_of AS TIMESTAMP)`;
// The aggregates keep no time to compare: they restate the statuses, and bind the evaluation date unread
const AGGREGATE_RULE = `list_contains($activity_statuses, '${SUMMARY_STATUS}') AND CAST($activity_as_of AS TIMESTAMP) IS NOT NULL`;

/** The activity of the default rule, read from the summaries. */
const SUMMARY_ACTIVITY: ActivityRelations = {
  days: `(SELECT * FROM customer_days WHERE ${SUMMARY_RULE})`,
  customers: `(SELECT * FROM customer_summary WHERE ${SUMMARY_RULE})`,
  gaps: `(SELECT customer_id, date_diff('day', previous_day, day) AS gap FROM customer_days WHERE previous_day IS NOT NULL AND ${SUMMARY_RULE})`,
  spans: `(SELECT * FROM customer_spans WHERE ${AGGREGATE_RULE})`,
  revenues: `(SELECT * FROM customer_revenues WHERE ${AGGREGATE_RULE})`,
  revenueRanks: `(SELECT * FROM revenue_ranks WHERE ${AGGREGATE_RULE})`,
  gapCounts: `(SELECT * FROM gap_counts WHERE ${AGGREGATE_RULE})`,
  cohortMonths: `(SELECT * FROM cohort_months WHERE ${AGGREGATE_RULE})`,
  fromSummaries: true,
};

/**
 * The summaries when they hold this rule's activity (the default statuses, an evaluation date not
 * before their last activity, `asOf` null when it is the data's end), else the orders.
 */
export async function activityRelations(connection: DuckDBConnection, statuses: readonly OrderStatus[], asOf: string | null): Promise<ActivityRelations> {
  const defaultStatuses = statuses.length === 1 && statuses[0] === SUMMARY_STATUS;
  return defaultStatuses && (await summariesAnswer(connection, asOf)) ? SUMMARY_ACTIVITY : ORDER_ACTIVITY;
}

/**
 * SQL of one row per customer with activity: customer_id, first_at, last_at, orders,
 * purchase_days, revenue, days_since_last, churned (boolean), churn_at (last_at + window, when
 * churned), and the first order's channel, region and category, from `customers` (an
 * ActivityRelations' customers). Binds the activity parameters and $churn_window_days.
 */
export function customerStatusSql(customers: string): string {
  return `
  SELECT customer_id, first_at, last_at, orders, purchase_days, revenue, channel, region, category,
         date_diff('day', last_day, CAST($activity_as_of AS DATE)) AS days_since_last,
         date_diff('day', last_day, CAST($activity_as_of AS DATE)) > $churn_window_days AS churned,
         CASE WHEN date_diff('day', last_day, CAST($activity_as_of AS DATE)) > $churn_window_days
              THEN last_day + to_days(CAST($churn_window_days AS INTEGER)) END AS churn_at
  FROM ${customers}`;
}

/**
 * SQL of customerStatusSql's verdicts for the customers of `spans` (an ActivityRelations' spans),
 * grouped as there: first_day, last_day, customers, repeaters, orders, revenue, churned, churn_day.
 * Binds the activity parameters and $churn_window_days.
 */
export function spanStatusSql(spans: string): string {
  return `
  SELECT first_day, last_day, customers, repeaters, orders, revenue,
         date_diff('day', last_day, CAST($activity_as_of AS DATE)) > $churn_window_days AS churned,
         last_day + to_days(CAST($churn_window_days AS INTEGER)) AS churn_day
  FROM ${spans}`;
}

/** customerStatusSql over the orders, for analyses that read them for other columns too. */
export const CUSTOMER_STATUS_SQL = customerStatusSql(ORDER_ACTIVITY.customers);

/** Parameters of CUSTOMER_STATUS_SQL. */
export function customerStatusParams(rule: ChurnRule): Record<string, DuckDBValue> {
  return { ...activityParams(rule), churn_window_days: rule.windowDays };
}

/** The activity part of the rule (statuses, evaluation date), checked and filled in; for analyses that need no window. */
export async function resolveActivity(
  connection: DuckDBConnection,
  options: Pick<ChurnRuleOptions, 'asOf' | 'statuses'> = {},
): Promise<Pick<ChurnRule, 'asOf' | 'statuses'>> {
  const statuses = options.statuses ?? DEFAULT_ACTIVITY_STATUSES;
  const unknown = statuses.filter((status) => !(ORDER_STATUSES as readonly string[]).includes(status));
  if (statuses.length === 0 || unknown.length > 0) {
    throw new CoreError('E_ARGS', `statuses must be a non-empty subset of ${ORDER_STATUSES.join(', ')}; got ${unknown.join(', ') || 'none'}`);
  }
  const asOf = options.asOf ?? (await dataEnd(connection));
  if (Number.isNaN(Date.parse(asOf))) throw new CoreError('E_ARGS', `asOf is not a date: ${asOf}`);
  return { asOf, statuses };
}

/** Checks the options and fills in the data-derived defaults. */
export async function resolveChurnRule(connection: DuckDBConnection, options: ChurnRuleOptions = {}): Promise<ChurnRule> {
  if (options.windowDays !== undefined && !(Number.isInteger(options.windowDays) && options.windowDays > 0)) {
    throw new CoreError('E_ARGS', `windowDays must be a positive whole number of days, got ${options.windowDays}`);
  }
  const { asOf, statuses } = await resolveActivity(connection, options);
  if (options.windowDays !== undefined) {
    return { windowDays: options.windowDays, windowSource: 'user', asOf, statuses, repeatCustomers: null };
  }
  // quantile_cont over the gaps' counts: the values at ranks floor and ceil of (n - 1) * 0.9 (from 0),
  // interpolated, as DuckDB's quantile_cont does over the gaps themselves. round() before ceil():
  // interpolation leaves float noise (48.000000000000007) that ceil lifts to 49.
  const relations = await activityRelations(connection, statuses, options.asOf ?? null);
  const gaps = await queryOne<{ p90: number | null; customers: number | null }>(
    connection,
    `WITH counted AS (SELECT gap, sum(gaps) OVER (ORDER BY gap ROWS UNBOUNDED PRECEDING) AS through, sum(gaps) OVER () AS n FROM ${relations.gapCounts}),
          position AS (SELECT (max(n) - 1) * 0.9 AS h FROM counted),
          ranks AS (SELECT h, (SELECT min(gap) FROM counted WHERE through > floor(h)) AS lower, (SELECT min(gap) FROM counted WHERE through > ceil(h)) AS upper FROM position)
     SELECT ceil(round(lower + (h - floor(h)) * (upper - lower), 6)) AS p90, (SELECT CAST(sum(repeaters) AS BIGINT) FROM ${relations.spans}) AS customers FROM ranks`,
    activityParams({ statuses, asOf }),
  );
  if (gaps.p90 === null) {
    throw new CoreError('E_NO_DATA', 'no customer bought on two different days, so no churn window can be derived; choose windowDays', { reason: 'no_repeat_buyers' });
  }
  return { windowDays: gaps.p90, windowSource: 'p90', asOf, statuses, repeatCustomers: Number(gaps.customers ?? 0) };
}

const noOrders = () => new CoreError('E_NO_DATA', 'the workspace has no orders; import an orders export first', { reason: 'no_orders' });

/** The last order timestamp of any status, as an ISO string. */
export async function dataEnd(connection: DuckDBConnection): Promise<string> {
  const row = await queryOne<{ end: string | null }>(connection, 'SELECT max(ordered_at) AS "end" FROM orders');
  if (row.end === null) throw noOrders();
  return row.end;
}

/** Fails as dataEnd does when there is no order, at once: for work that would otherwise find out only after a long step. */
export async function requireOrders(connection: DuckDBConnection): Promise<void> {
  const row = await queryOne<{ any: boolean }>(connection, 'SELECT EXISTS (SELECT 1 FROM orders) AS "any"');
  if (!row.any) throw noOrders();
}

/** Customers with the default activity statuses, over every order: what `info` and an import report. */
export async function countCustomers(connection: DuckDBConnection): Promise<number> {
  const rule = { statuses: DEFAULT_ACTIVITY_STATUSES, asOf: '9999-12-31' };
  const relations = await activityRelations(connection, rule.statuses, rule.asOf);
  const { customers } = await queryOne<{ customers: number | null }>(connection, `SELECT sum(customers) AS customers FROM ${relations.spans}`, activityParams(rule));
  return Number(customers ?? 0);
}
