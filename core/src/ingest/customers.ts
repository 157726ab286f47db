// The derived `customers` table: one row per customer from orders and tickets, rebuilt inside every import's transaction.
//
// Rebuilt in full rather than patched: one GROUP BY over orders takes well under a second at
// 10M orders, and a full rebuild cannot drift from its sources. Revenue is what completed orders
// brought in, net of partial refunds; region and channel are those of the customer's latest order
// that names one.
import type { DuckDBConnection } from '@duckdb/node-api';

export const REFRESH_CUSTOMERS_SQL = `
  INSERT INTO customers (customer_id, first_order_at, last_order_at, orders, completed_orders, revenue, tickets, region, channel)
  WITH by_orders AS (
    SELECT customer_id,
           min(ordered_at) AS first_order_at,
           max(ordered_at) AS last_order_at,
           count(*) AS orders,
           count(*) FILTER (WHERE status = 'completed') AS completed_orders,
           coalesce(sum(coalesce(amount, 0) - coalesce(refund_amount, 0)) FILTER (WHERE status = 'completed'), 0) AS revenue,
           arg_max(region, ordered_at) FILTER (WHERE region IS NOT NULL) AS region,
           arg_max(channel, ordered_at) FILTER (WHERE channel IS NOT NULL) AS channel
    FROM orders
    GROUP BY customer_id
  ),
  by_tickets AS (
    SELECT customer_id, count(*) AS tickets FROM tickets WHERE customer_id IS NOT NULL GROUP BY customer_id
  )
  SELECT coalesce(o.customer_id, t.customer_id), o.first_order_at, o.last_order_at, coalesce(o.orders, 0), coalesce(o.completed_orders, 0),
         coalesce(o.revenue, 0), coalesce(t.tickets, 0), o.region, o.channel
  FROM by_orders o FULL OUTER JOIN by_tickets t ON t.customer_id = o.customer_id`;

/** Rebuilds `customers`; call inside the import's transaction. */
export async function refreshCustomers(connection: DuckDBConnection): Promise<void> {
  await connection.run('DELETE FROM customers');
  await connection.run(REFRESH_CUSTOMERS_SQL);
}
