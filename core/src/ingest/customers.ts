// The derived `customers` table: one row per customer from orders and tickets, brought up to date inside every import's transaction.
//
// Revenue is what completed orders brought in, net of partial refunds; region and channel are
// those of the customer's latest order that names one (arg_max skips NULL arguments).
//
// An import refreshes only the customers it touched: those of the rows it loaded and of the rows
// it replaced. Their rows are deleted and recomputed from all of their orders and tickets, so a
// touched customer's row is exactly what a full rebuild would give, and an untouched customer's
// orders and tickets did not change. Appending a small export to a workspace of millions of
// orders then aggregates only its customers' orders instead of all of them. A workspace holding
// nothing older than this import (the first import, or mode replace) is rebuilt whole, without
// the filter, and so is one whose customers rows no longer add up to its orders and tickets.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryOne } from '../db/sql.ts';

/** The table an import fills with the customers of the rows it replaces, before deleting them. */
export const REPLACED_CUSTOMERS_TABLE = 'cw_replaced_customers';

/** The customers touched by the import whose rows carry source ids from `$base` on, plus those of the rows it replaced. */
const TOUCHED_SQL = `
  SELECT customer_id FROM orders WHERE source_id >= $base
  UNION SELECT customer_id FROM tickets WHERE source_id >= $base AND customer_id IS NOT NULL
  UNION SELECT customer_id FROM ${REPLACED_CUSTOMERS_TABLE}`;

/** The customers rows of `orders` and `tickets`, each side limited by `restrict` (a join clause, or nothing for everyone). */
function customersSql(restrict: string): string {
  return `
  INSERT INTO customers (customer_id, first_order_at, last_order_at, orders, completed_orders, revenue, tickets, region, channel)
  WITH by_orders AS (
    SELECT customer_id,
           min(ordered_at) AS first_order_at,
           max(ordered_at) AS last_order_at,
           count(*) AS orders,
           count(*) FILTER (WHERE status = 'completed') AS completed_orders,
           coalesce(sum(coalesce(amount, 0) - coalesce(refund_amount, 0)) FILTER (WHERE status = 'completed'), 0) AS revenue,
           arg_max(region, ordered_at) AS region,
           arg_max(channel, ordered_at) AS channel
    FROM orders ${restrict}
    GROUP BY customer_id
  ),
  by_tickets AS (
    SELECT customer_id, count(*) AS tickets FROM tickets ${restrict} WHERE customer_id IS NOT NULL GROUP BY customer_id
  )
  SELECT coalesce(o.customer_id, t.customer_id), o.first_order_at, o.last_order_at, coalesce(o.orders, 0), coalesce(o.completed_orders, 0),
         coalesce(o.revenue, 0), coalesce(t.tickets, 0), o.region, o.channel
  FROM by_orders o FULL OUTER JOIN by_tickets t ON t.customer_id = o.customer_id`;
}

/** Rebuilds every customers row from all orders and tickets. */
export const REFRESH_CUSTOMERS_SQL = customersSql('');

/** Creates the (empty) table of replaced rows' customers; call inside the import's transaction, before rows are replaced. */
export async function trackReplacedCustomers(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${REPLACED_CUSTOMERS_TABLE} (customer_id VARCHAR)`);
}

/**
 * Brings `customers` up to date after an import whose rows carry source ids from `base` on;
 * call inside the import's transaction, after `trackReplacedCustomers` and the replacements.
 */
export async function refreshCustomers(connection: DuckDBConnection, base: number): Promise<void> {
  const { older } = await queryOne<{ older: boolean }>(
    connection,
    'SELECT EXISTS (SELECT 1 FROM orders WHERE source_id < $base) OR EXISTS (SELECT 1 FROM tickets WHERE source_id < $base) AS older',
    { base },
  );
  if (older) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE cw_touched_customers AS ${TOUCHED_SQL}`, { base });
    await connection.run('DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM cw_touched_customers)');
    await connection.run(customersSql('SEMI JOIN cw_touched_customers USING (customer_id)'));
    await connection.run('DROP TABLE cw_touched_customers');
  }
  // Nothing older (first import, mode replace), or rows changed outside imports: everyone.
  if (!older || !(await inStep(connection))) {
    await connection.run('DELETE FROM customers');
    await connection.run(REFRESH_CUSTOMERS_SQL);
  }
  await connection.run(`DROP TABLE ${REPLACED_CUSTOMERS_TABLE}`);
}

/**
 * Whether the customers rows account for every order and ticket: false when rows were written
 * to orders or tickets outside an import (tests, tools), which a refresh of the touched customers
 * alone would miss. Two sums over small columns, far cheaper than the rebuild they guard.
 */
async function inStep(connection: DuckDBConnection): Promise<boolean> {
  const { accounted } = await queryOne<{ accounted: boolean }>(
    connection,
    `SELECT (SELECT coalesce(sum(orders), 0) FROM customers) = (SELECT count(*) FROM orders)
        AND (SELECT coalesce(sum(tickets), 0) FROM customers) = (SELECT count(customer_id) FROM tickets) AS accounted`,
  );
  return accounted;
}
