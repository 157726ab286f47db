// Summaries of `orders` that the analyses read instead of every order: one row per customer and purchase day, one per customer.
//
// Each summary is one SQL text over unqualified relation names (`orders`, and summaries listed
// before it), so the same text serves three ways: materialised as a table (an import keeps it
// current, rebuilding only the customers the import touched, inside its transaction), as a view
// where `orders` is itself a view over files read in place (a table would go stale when the files
// change), and as a temporary view over a temporary `orders` of the same shape (a filtered scope):
// `for (const { name, sql } of SUMMARIES) CREATE TEMP VIEW name AS sql`.
//
// They hold the activity of the default rule only (completed orders, every order up to the data's
// end), the case every screen opens with. An analysis with other statuses, or an evaluation date
// before the last completed order, reads the orders instead (activity.ts's activityRelations);
// tests hold both ways to the same numbers.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { queryOne, queryRows, quoteIdent } from './sql.ts';

/** The one status the summaries count as activity: the default activity statuses. */
export const SUMMARY_STATUS = 'completed';

/**
 * SQL of one row per customer and purchase day of `activity` (a relation of activity orders with
 * customer_id, order_id, ordered_at, day, amount, channel, region, category): orders, revenue,
 * first_at, last_at, and the channel, region and category of the day's first order that names one
 * (earliest time, then order id, as every analysis breaks ties). Days of one customer never
 * overlap in time, so the first of these per customer is its first order's value.
 *
 * The day's first order is found by its time alone, a key DuckDB's grouping can spill to disk: with
 * the (time, order id) pair as the key the grouping ran out of memory at 100M orders even at 12 GB.
 * Only the days where two orders of the customer share a time, which are rare, are grouped again
 * with the pair, so ties still go to the lower order id.
 */
function customerDaysSql(activity: string): string {
  const firstOf = (key: string) => `arg_min(channel, ${key}) AS channel, arg_min(region, ${key}) AS region, arg_min(category, ${key}) AS category`;
  return `WITH activity AS ${activity},
    tied_days AS (
      SELECT DISTINCT customer_id, day FROM activity
      SEMI JOIN (SELECT customer_id, ordered_at FROM activity GROUP BY customer_id, ordered_at HAVING count(*) > 1) USING (customer_id, ordered_at)),
    tied_firsts AS (
      SELECT customer_id, day, ${firstOf('(ordered_at, order_id)')}
      FROM activity SEMI JOIN tied_days USING (customer_id, day) GROUP BY customer_id, day),
    days AS (
      SELECT customer_id, day, count(*) AS orders, sum(coalesce(amount, 0)) AS revenue, min(ordered_at) AS first_at, max(ordered_at) AS last_at,
             ${firstOf('ordered_at')}
      FROM activity GROUP BY customer_id, day)
    SELECT d.customer_id, d.day, d.orders, d.revenue, d.first_at, d.last_at,
           CASE WHEN t.customer_id IS NULL THEN d.channel ELSE t.channel END AS channel,
           CASE WHEN t.customer_id IS NULL THEN d.region ELSE t.region END AS region,
           CASE WHEN t.customer_id IS NULL THEN d.category ELSE t.category END AS category
    FROM days d LEFT JOIN tied_firsts t USING (customer_id, day)`;
}

/**
 * SQL of one row per customer of `days` (a relation shaped as customerDaysSql): first_at, last_at,
 * first_day, last_day, orders, purchase_days, revenue and the first order's channel, region and
 * category (arg_min skips days that name none).
 */
function customerSummarySql(days: string): string {
  return `SELECT customer_id, min(first_at) AS first_at, max(last_at) AS last_at, min(day) AS first_day, max(day) AS last_day,
           CAST(sum(orders) AS BIGINT) AS orders, count(*) AS purchase_days, sum(revenue) AS revenue,
           arg_min(channel, day) AS channel, arg_min(region, day) AS region, arg_min(category, day) AS category
    FROM ${days} GROUP BY customer_id`;
}

/** A repeat customer bought on at least this many different days (two orders on one day are one visit). */
export const REPEAT_PURCHASE_DAYS = 2;

/** SQL: the month ordinal (year * 12 + month - 1) of a DATE expression, as periods.ts's periodOrdinalSql('month') states it. */
const monthOrdinal = (day: string) => `(year(${day}) * 12 + month(${day}) - 1)`;

/**
 * SQL of the lifetimes of `customers` (a relation shaped as customerSummarySql) grouped by first
 * and last purchase day: customers, repeaters (REPEAT_PURCHASE_DAYS or more purchase days), orders,
 * revenue. Churn verdicts, lifetimes and customer totals depend on nothing else, and there are at
 * most days x days / 2 such rows however many customers there are.
 */
export function customerSpansSql(customers: string): string {
  return `SELECT first_day, last_day, count(*) AS customers, count(*) FILTER (WHERE purchase_days >= ${REPEAT_PURCHASE_DAYS}) AS repeaters,
           CAST(sum(orders) AS BIGINT) AS orders, sum(revenue) AS revenue
    FROM ${customers} GROUP BY first_day, last_day`;
}

/** SQL of the customers of `customers` per revenue: the ranking the Pareto view and Gini read, without one row per customer. */
export function customerRevenuesSql(customers: string): string {
  return `SELECT revenue, count(*) AS customers FROM ${customers} GROUP BY revenue`;
}

/** SQL of the gaps in days between consecutive purchase days of `gaps` (customer_id, gap) per length: what the default window's P90 reads. */
export function gapCountsSql(gaps: string): string {
  return `SELECT gap, count(*) AS gaps FROM ${gaps} GROUP BY gap`;
}

/**
 * SQL of `revenues` (a relation shaped as customerRevenuesSql) ranked by revenue, ascending: each
 * revenue's customers hold the consecutive ranks after `ranked_before`, and `revenue_before` is the
 * revenue of every customer ranked below them. The Pareto view and Gini need these running sums; a
 * window over millions of revenues (2.6M at 100M orders) costs more than a second, so the import
 * keeps them and a KPI request only scans them. The rank is a BIGINT, not the HUGEINT a sum gives:
 * a stored HUGEINT column took about 1 s of CPU to scan there, a BIGINT one 0.02 s.
 */
export function revenueRanksSql(revenues: string): string {
  return `SELECT revenue, customers, CAST(coalesce(sum(customers) OVER below, 0) AS BIGINT) AS ranked_before, coalesce(sum(revenue * customers) OVER below, 0) AS revenue_before
    FROM ${revenues} WINDOW below AS (ORDER BY revenue ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`;
}

/** The optional order columns whose presence the workspace description reports. */
export const OPTIONAL_ORDER_COLUMNS = ['paid_at', 'amount', 'discount', 'refund_amount', 'channel', 'region', 'category', 'items'] as const;

/**
 * SQL of one row of facts over the orders of `orders` (any status): the count, the first and last
 * order time, the order totals the KPIs read (completed, paid, refunded, paid and refunded
 * amounts) and the values each optional column holds (`filled_<column>`: a count).
 */
export function orderFactsSql(orders: string): string {
  return `SELECT count(*) AS orders, min(ordered_at) AS first_at, max(ordered_at) AS last_at,
           count(*) FILTER (WHERE status = '${SUMMARY_STATUS}') AS completed,
           count(*) FILTER (WHERE status IN ('completed', 'refunded')) AS paid,
           count(*) FILTER (WHERE status = 'refunded' OR refund_amount > 0) AS refunded,
           sum(amount) FILTER (WHERE status IN ('completed', 'refunded')) AS paid_amount,
           sum(CASE WHEN refund_amount > 0 THEN refund_amount WHEN status = 'refunded' THEN amount ELSE 0 END) AS refund_amount,
           ${OPTIONAL_ORDER_COLUMNS.map((column) => `count(${quoteIdent(column)}) AS ${quoteIdent(`filled_${column}`)}`).join(', ')}
    FROM ${orders}`;
}

// --- Per-customer order mix: what the Reasons and Drivers screens read per customer beyond activity ---

/**
 * SQL of one row per customer of both `orders` (a relation of orders, any status) and `customers`
 * (a relation of customer_id, last_at: the customer's last activity) with the counts and sums the
 * churn reasons and drivers read: orders of any status and those refunded (status refunded or a
 * refund amount); activity orders (`activity`: an SQL condition on an order's columns), those
 * discounted, those paid at or after they were placed and the minutes to that payment; and the
 * activity revenue of the 12 months up to the customer's last activity. Shares and means are
 * ratios of these, so the stored table and the same SQL over the orders answer alike.
 */
export function customerOrderMixSql(orders: string, customers: string, activity: string): string {
  return `SELECT customer_id, count(*) AS orders,
           count(*) FILTER (WHERE status = 'refunded' OR coalesce(refund_amount, 0) > 0) AS refunded_orders,
           count(*) FILTER (WHERE ${activity}) AS activity_orders,
           count(*) FILTER (WHERE ${activity} AND coalesce(discount, 0) > 0) AS discounted_orders,
           count(*) FILTER (WHERE ${activity} AND paid_at >= ordered_at) AS paid_orders,
           CAST(sum(date_diff('minute', ordered_at, paid_at)) FILTER (WHERE ${activity} AND paid_at >= ordered_at) AS DOUBLE) AS paid_minutes,
           sum(coalesce(amount, 0)) FILTER (WHERE ${activity} AND ordered_at > customer_last_at - INTERVAL 12 MONTH) AS revenue_last_year
    FROM (SELECT o.*, c.last_at AS customer_last_at FROM ${orders} o JOIN ${customers} c USING (customer_id))
    GROUP BY customer_id`;
}

/** The order mix as stored: every order, the default activity, last activity from customer_summary. */
const CUSTOMER_ORDER_MIX: Summary = {
  name: 'customer_order_mix',
  sql: customerOrderMixSql('orders', 'customer_summary', `status = '${SUMMARY_STATUS}'`),
};

/**
 * A summary: one SQL text over `orders` and the summaries before it. Without `groupedBy` it has
 * rows per customer (customer_id), which a refresh rebuilds for the customers an import touched.
 * With it, it is an aggregate over customers that reads only the per-customer summaries: its
 * columns other than `keys` are counts and sums, `count` the one that counts its members, so a refresh
 * subtracts the touched customers' old rows and adds their new ones (an aggregate never reads
 * `orders`, whose replaced rows are gone by then). `whole`: rebuilt in full by each refresh, after
 * the aggregates: one row over every order (orders an import replaced cannot be subtracted, and it
 * is one pass over a few columns), or a ranking of an aggregate (a rank moves with every row below it).
 */
export interface Summary {
  name: string;
  sql: string;
  groupedBy?: { keys: readonly string[]; count: string };
  whole?: true;
}

/** The summaries, in the order they are built: each reads `orders` and the ones before it. */
export const SUMMARIES: readonly Summary[] = [
  {
    // previous_day (the customer's purchase day before this one) makes the gaps between purchase
    // days, which the default churn window is derived from, a column instead of a window over every order
    name: 'customer_days',
    sql: `SELECT *, lag(day) OVER (PARTITION BY customer_id ORDER BY day) AS previous_day
    FROM (${customerDaysSql(`(SELECT customer_id, order_id, ordered_at, CAST(ordered_at AS DATE) AS day, amount, channel, region, category FROM orders WHERE status = '${SUMMARY_STATUS}')`)})`,
  },
  { name: 'customer_summary', sql: customerSummarySql('customer_days') },
  {
    // the rest of the customers with orders (none completed), so that counting every customer
    // (the `customers` view) never groups the orders
    name: 'other_customers',
    sql: `SELECT DISTINCT customer_id FROM orders WHERE status <> '${SUMMARY_STATUS}' AND customer_id NOT IN (SELECT customer_id FROM customer_summary)`,
  },
  {
    // The monthly cohort matrix and the monthly lifecycle counts, which every screen opens with, in
    // a few hundred rows: per cohort month and active month, the customers active then, their
    // orders and revenue, how many were last active then, and whether they were active the month
    // before (previous_month_active: returning; else new when p is the cohort, else resurrected). The month's first
    // purchase day's previous_day is the customer's last purchase day before the month.
    name: 'cohort_months',
    sql: `SELECT c.cohort, m.p, m.previous_month_active, count(*) AS customers, CAST(sum(m.orders) AS BIGINT) AS orders, sum(m.revenue) AS revenue,
           count(*) FILTER (WHERE m.p = c.last_p) AS last_active
    FROM (SELECT customer_id, ${monthOrdinal('day')} AS p, sum(orders) AS orders, sum(revenue) AS revenue,
                 coalesce(${monthOrdinal('arg_min(previous_day, day)')} = ${monthOrdinal('day')} - 1, false) AS previous_month_active
          FROM customer_days GROUP BY customer_id, p) m
    JOIN (SELECT customer_id, ${monthOrdinal('first_day')} AS cohort, ${monthOrdinal('last_day')} AS last_p FROM customer_summary) c USING (customer_id)
    GROUP BY c.cohort, m.p, m.previous_month_active`,
    groupedBy: { keys: ['cohort', 'p', 'previous_month_active'], count: 'customers' },
  },
  { name: 'customer_spans', sql: customerSpansSql('customer_summary'), groupedBy: { keys: ['first_day', 'last_day'], count: 'customers' } },
  { name: 'customer_revenues', sql: customerRevenuesSql('customer_summary'), groupedBy: { keys: ['revenue'], count: 'customers' } },
  {
    name: 'gap_counts',
    sql: gapCountsSql(`(SELECT customer_id, date_diff('day', previous_day, day) AS gap FROM customer_days WHERE previous_day IS NOT NULL)`),
    groupedBy: { keys: ['gap'], count: 'gaps' },
  },
  { name: 'order_facts', sql: orderFactsSql('orders'), whole: true },
  CUSTOMER_ORDER_MIX,
  // --- Ranked aggregates: rebuilt whole by each refresh from an aggregate above ---
  { name: 'revenue_ranks', sql: revenueRanksSql('customer_revenues'), whole: true },
];

/**
 * What the stored summaries were built from: the orders' row count then (a workspace whose orders
 * were written by other means than an import no longer matches, and is read from its orders) and
 * the last activity they hold (an evaluation date before it needs the orders themselves).
 */
const SUMMARY_STATE = 'summary_state';

/** How the summaries are held in a workspace. */
export type SummaryKind = 'table' | 'view' | 'missing';

/** Whether the summaries are tables, views (of this connection or the workspace) or not there at all. */
export async function summaryKind(connection: DuckDBConnection): Promise<SummaryKind> {
  // each summary as the connection resolves it (a temporary one first); a workspace of an earlier
  // version may lack the summaries added since, and is then 'missing' until rebuilt
  const rows = await queryRows<{ kind: string }>(
    connection,
    `SELECT arg_max(kind, temporary) AS kind FROM (SELECT view_name AS name, 'view' AS kind, temporary FROM duckdb_views() UNION ALL SELECT table_name, 'table', temporary FROM duckdb_tables())
     WHERE list_contains($names, name) GROUP BY name`,
    { names: listValue(SUMMARIES.map((summary) => summary.name)) },
  );
  if (rows.length < SUMMARIES.length) return 'missing';
  return rows.some((row) => row.kind === 'view') ? 'view' : 'table';
}

async function ordersIsView(connection: DuckDBConnection): Promise<boolean> {
  const [row] = await queryRows(connection, `SELECT 1 FROM duckdb_views() WHERE view_name = 'orders' AND schema_name = 'main' AND NOT temporary`);
  return row !== undefined;
}

async function dropSummaries(connection: DuckDBConnection): Promise<void> {
  const held = await queryRows<{ name: string; kind: string }>(
    connection,
    `SELECT view_name AS name, 'VIEW' AS kind FROM duckdb_views() WHERE schema_name = 'main' AND NOT temporary
     UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary`,
  );
  for (const name of [...SUMMARIES.map((summary) => summary.name)].reverse().concat(SUMMARY_STATE)) {
    // DROP VIEW refuses a table of that name and DROP TABLE a view: drop what is there
    for (const { kind } of held.filter((relation) => relation.name === name)) await connection.run(`DROP ${kind} ${quoteIdent(name)}`);
  }
}

/** Builds every summary from all of `orders`, as tables; the previous ones, tables or views, are replaced. */
export async function rebuildSummaries(connection: DuckDBConnection): Promise<void> {
  await dropSummaries(connection);
  for (const { name, sql } of SUMMARIES) await connection.run(`CREATE TABLE ${quoteIdent(name)} AS ${sql}`);
  await connection.run(`CREATE TABLE ${SUMMARY_STATE} (orders BIGINT NOT NULL, last_activity_at TIMESTAMP)`);
  await recordState(connection);
}

async function recordState(connection: DuckDBConnection): Promise<void> {
  await connection.run(`DELETE FROM ${SUMMARY_STATE}`);
  await connection.run(`INSERT INTO ${SUMMARY_STATE} SELECT (SELECT count(*) FROM orders), (SELECT max(last_at) FROM customer_summary)`);
  await newGeneration(connection);
}

/** Defines the summaries as views of their SQL: always current, and as costly as reading the orders. */
async function summaryViews(connection: DuckDBConnection): Promise<void> {
  await dropSummaries(connection);
  for (const { name, sql } of SUMMARIES) await connection.run(`CREATE VIEW ${quoteIdent(name)} AS ${sql}`);
}

/**
 * Makes the summaries fit the workspace's `orders`: views when orders is a view over files read in
 * place; tables otherwise, built when missing or out of step with the orders (a workspace made
 * before summaries existed, or written by other means than an import). Runs when a workspace opens.
 */
export async function ensureSummaries(connection: DuckDBConnection): Promise<void> {
  if (await ordersIsView(connection)) {
    if ((await summaryKind(connection)) !== 'view') await summaryViews(connection);
    return;
  }
  const kind = await summaryKind(connection);
  if ((kind === 'table' && (await storedSummariesCurrent(connection))) || (kind === 'missing' && (await addMissingSummaries(connection)))) {
    // a workspace of a version before the generation gets one, as after an import
    if ((await summaryGeneration(connection)) === null) await newGeneration(connection);
    return;
  }
  await rebuildSummaries(connection);
}

/**
 * Builds the summaries a workspace of an earlier version lacks, from the ones it holds, when those
 * are tables in step with the orders (at 100M orders a full rebuild takes minutes; a summary added
 * later, such as revenue_ranks, seconds). False when it cannot: then everything is rebuilt.
 */
async function addMissingSummaries(connection: DuckDBConnection): Promise<boolean> {
  if (!(await storedSummariesCurrent(connection))) return false;
  const held = await queryRows<{ name: string; kind: string }>(
    connection,
    `SELECT table_name AS name, 'table' AS kind FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary AND list_contains($names, table_name)
     UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE schema_name = 'main' AND list_contains($names, view_name)`,
    { names: listValue(SUMMARIES.map((summary) => summary.name)) },
  );
  if (held.some((relation) => relation.kind === 'view')) return false;
  const tables = new Set(held.map((relation) => relation.name));
  for (const { name, sql } of SUMMARIES) if (!tables.has(name)) await connection.run(`CREATE TABLE ${quoteIdent(name)} AS ${sql}`);
  return true;
}

/** Where orders are read in place (a view), the summaries become views over it. */
export async function defineSummariesInPlace(connection: DuckDBConnection): Promise<void> {
  await summaryViews(connection);
}

async function storedSummariesCurrent(connection: DuckDBConnection): Promise<boolean> {
  const [state] = await queryRows(connection, `SELECT 1 FROM duckdb_tables() WHERE table_name = '${SUMMARY_STATE}' AND NOT temporary`);
  if (!state) return false;
  const { current } = await queryOne<{ current: boolean | null }>(connection, `SELECT (SELECT count(*) FROM orders) = (SELECT max(orders) FROM ${SUMMARY_STATE}) AS current`);
  return current === true;
}

/**
 * Brings the summary tables up to date after an import added the orders with source ids from
 * `base` on (in the import's transaction): the rows of the customers those orders belong to are
 * rebuilt from all of their orders. Rebuilds everything when no earlier order is left (a first
 * import, or one that replaced the orders), and when earlier orders of other customers went away
 * (an import that replaced an order under another customer's id): the summaries then count more
 * completed orders than `orders` holds.
 */
export async function refreshSummaries(connection: DuckDBConnection, base: number): Promise<void> {
  if ((await summaryKind(connection)) !== 'table') return rebuildSummaries(connection);
  const { older } = await queryOne<{ older: number }>(connection, 'SELECT count(*) AS older FROM orders WHERE source_id < $base', { base });
  if (Number(older) === 0) return rebuildSummaries(connection);
  const touched = `cw_summary_customers_${base}`;
  const perCustomer = SUMMARIES.filter((summary) => summary.groupedBy === undefined && !summary.whole);
  const aggregates = SUMMARIES.flatMap(({ name, sql, groupedBy }) => (groupedBy === undefined ? [] : [{ name, sql, ...groupedBy, keyList: groupedBy.keys.map(quoteIdent).join(', ') }]));
  const delta = (name: string) => `cw_summary_delta_${name}`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${touched} AS SELECT DISTINCT customer_id FROM orders WHERE source_id >= $base`, { base });
  try {
    const ofTouched = (name: string) => `${quoteIdent(name)} AS (SELECT * FROM ${quoteIdent(name)} WHERE customer_id IN (SELECT customer_id FROM ${touched}))`;
    // Each summary's SQL reads orders and the per-customer summaries, here narrowed to the touched customers
    const narrowed = `WITH ${['orders', ...perCustomer.map((summary) => summary.name)].map(ofTouched).join(', ')}`;
    // the touched customers' share of each aggregate as it stands, negated: what their new rows replace
    for (const { name, sql, keyList: keys } of aggregates) {
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${delta(name)} AS ${narrowed} SELECT ${keys}, -COLUMNS(* EXCLUDE (${keys})) FROM (${sql})`);
    }
    for (const { name } of perCustomer) await connection.run(`DELETE FROM ${quoteIdent(name)} WHERE customer_id IN (SELECT customer_id FROM ${touched})`);
    for (const { name, sql } of perCustomer) await connection.run(`INSERT INTO ${quoteIdent(name)} ${narrowed} ${sql}`);
    for (const { name, sql, keyList: keys, count } of aggregates) {
      await connection.run(`INSERT INTO ${delta(name)} BY NAME ${narrowed} ${sql}`);
      // an aggregate holds a few thousand rows: summing it with the change and writing it back is cheaper than matching rows
      const merged = `SELECT ${keys}, sum(COLUMNS(* EXCLUDE (${keys}))) FROM (SELECT * FROM ${quoteIdent(name)} UNION ALL BY NAME SELECT * FROM ${delta(name)})
        GROUP BY ${keys} HAVING sum(${quoteIdent(count)}) <> 0`;
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${delta(name)} AS ${merged}`);
      await connection.run(`DELETE FROM ${quoteIdent(name)}`);
      await connection.run(`INSERT INTO ${quoteIdent(name)} BY NAME SELECT * FROM ${delta(name)}`);
    }
    for (const { name, sql } of SUMMARIES.filter((summary) => summary.whole)) {
      await connection.run(`DELETE FROM ${quoteIdent(name)}`);
      await connection.run(`INSERT INTO ${quoteIdent(name)} ${sql}`);
    }
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${touched}`);
    for (const { name } of aggregates) await connection.run(`DROP TABLE IF EXISTS ${delta(name)}`);
  }
  const { matches } = await queryOne<{ matches: boolean | null }>(
    connection,
    `SELECT (SELECT coalesce(sum(orders), 0) FROM customer_spans) = (SELECT completed FROM order_facts) AS matches`,
  );
  if (matches !== true) return rebuildSummaries(connection);
  await recordState(connection);
}

/**
 * Whether the summaries answer for the default activity rule up to `asOf` (an ISO date-time, or
 * null for the data's end): views do for the data's end (they are the orders' own SQL; checking a
 * given date against them would compute them, so that is read from the orders); tables do while
 * they match the orders and hold no activity after `asOf`.
 */
export async function summariesAnswer(connection: DuckDBConnection, asOf: string | null): Promise<boolean> {
  const kind = await summaryKind(connection);
  if (kind === 'view') return asOf === null;
  if (kind === 'missing' || !(await storedSummariesCurrent(connection))) return false;
  if (asOf === null) return true;
  const { covers } = await queryOne<{ covers: boolean | null }>(
    connection,
    `SELECT coalesce(CAST($as_of AS TIMESTAMP) >= max(last_activity_at), true) AS covers FROM ${SUMMARY_STATE}`,
    { as_of: asOf },
  );
  return covers === true;
}

/** orderFactsSql's row, as the workspace description reads it. */
export interface OrderFacts {
  orders: number;
  firstAt: string | null;
  lastAt: string | null;
  /** Optional order columns that hold a value in at least one order. */
  filledColumns: string[];
  /** Orders with an amount. */
  amounts: number;
}

/** The facts of every order: from the stored summary while it matches the orders, else computed now. */
export async function orderFacts(connection: DuckDBConnection): Promise<OrderFacts> {
  const source = (await summariesAnswer(connection, null)) ? 'order_facts' : `(${orderFactsSql('orders')})`;
  const row = await queryOne<Record<string, number | null> & { first_at: string | null; last_at: string | null }>(
    connection,
    `SELECT * EXCLUDE (first_at, last_at), strftime(first_at, '%Y-%m-%dT%H:%M:%S') AS first_at, strftime(last_at, '%Y-%m-%dT%H:%M:%S') AS last_at FROM ${source}`,
  );
  return {
    orders: Number(row.orders ?? 0),
    firstAt: row.first_at,
    lastAt: row.last_at,
    filledColumns: OPTIONAL_ORDER_COLUMNS.filter((column) => Number(row[`filled_${column}`] ?? 0) > 0),
    amounts: Number(row.filled_amount ?? 0),
  };
}

/** The customers that tickets name, and how many of them have orders (see ticketCustomers). */
export interface TicketCustomers {
  /** Tickets, with or without a customer. */
  tickets: number;
  /** Distinct customers the tickets name. */
  customers: number;
  /** Of those, the customers with an order of any status. */
  withOrders: number;
  /** Tickets whose customer has no order. */
  ticketsWithoutOrders: number;
}

/**
 * The customers of the tickets from source `since` on (all by default), looked up among the
 * customers with orders: the summaries hold those one row each (customer_summary and
 * other_customers, disjoint), so the join builds on the tickets' few customers and probes them;
 * probing every order took seconds at 100M orders. The Data screen's customer count and its
 * tickets-without-orders alert both read this one lookup.
 */
export async function ticketCustomers(connection: DuckDBConnection, since = 0): Promise<TicketCustomers> {
  const { any } = await queryOne<{ any: boolean }>(connection, 'SELECT EXISTS (SELECT 1 FROM tickets WHERE source_id >= $since) AS "any"', { since });
  if (!any) return { tickets: 0, customers: 0, withOrders: 0, ticketsWithoutOrders: 0 };
  const withOrders = (await summariesAnswer(connection, null)) ? '(SELECT customer_id FROM customer_summary UNION ALL SELECT customer_id FROM other_customers)' : 'orders';
  const row = await queryOne<{ tickets: number; customers: number; withOrders: number; ticketsWithoutOrders: number | null }>(
    connection,
    `WITH asked AS (SELECT customer_id, count(*) AS tickets FROM tickets WHERE source_id >= $since AND customer_id IS NOT NULL GROUP BY customer_id),
          known AS (SELECT DISTINCT o.customer_id FROM ${withOrders} o SEMI JOIN asked a ON a.customer_id = o.customer_id)
     SELECT (SELECT count(*) FROM tickets WHERE source_id >= $since) AS tickets, count(*) AS customers, count(k.customer_id) AS "withOrders",
            sum(a.tickets) FILTER (WHERE k.customer_id IS NULL) AS "ticketsWithoutOrders"
     FROM asked a LEFT JOIN known k USING (customer_id)`,
    { since },
  );
  return { tickets: Number(row.tickets), customers: Number(row.customers), withOrders: Number(row.withOrders), ticketsWithoutOrders: Number(row.ticketsWithoutOrders ?? 0) };
}

/**
 * Every known customer, as the customers view counts them (an id with an order of any status or a
 * ticket), from the summaries and the tickets' customers; null when the summaries do not answer.
 */
export async function countKnownCustomers(connection: DuckDBConnection, tickets: TicketCustomers): Promise<number | null> {
  if (!(await summariesAnswer(connection, null))) return null;
  const { customers } = await queryOne<{ customers: number }>(connection, 'SELECT (SELECT count(*) FROM customer_summary) + (SELECT count(*) FROM other_customers) AS customers');
  return Number(customers) + tickets.customers - tickets.withOrders;
}

// --- The orders' generation: what results computed from the orders are kept against ---

/** One row: an id drawn anew whenever the stored summaries are built or refreshed, that is at every import of orders. */
const SUMMARY_GENERATION = 'summary_generation';

async function newGeneration(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CREATE TABLE IF NOT EXISTS ${SUMMARY_GENERATION} (generation UUID NOT NULL)`);
  await connection.run(`DELETE FROM ${SUMMARY_GENERATION}`);
  await connection.run(`INSERT INTO ${SUMMARY_GENERATION} VALUES (uuid())`);
}

/**
 * The generation of the orders the stored summaries hold: equal ids mean the same orders, so a
 * result computed from them (by any rule) still holds. Null where that cannot be told: summaries
 * that are views (orders read in place, whose files may change; a scope's temporary views), out
 * of step with the orders, or from a version before the generation.
 */
export async function summaryGeneration(connection: DuckDBConnection): Promise<string | null> {
  if ((await summaryKind(connection)) !== 'table' || !(await storedSummariesCurrent(connection))) return null;
  const [held] = await queryRows(connection, `SELECT 1 FROM duckdb_tables() WHERE table_name = '${SUMMARY_GENERATION}' AND schema_name = 'main' AND NOT temporary`);
  if (!held) return null;
  const [row] = await queryRows<{ generation: string }>(connection, `SELECT CAST(generation AS VARCHAR) AS generation FROM ${SUMMARY_GENERATION}`);
  return row?.generation ?? null;
}
