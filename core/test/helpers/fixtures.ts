// Builds tiny hand-checked workspaces by inserting canonical rows directly.
import type { DuckDBConnection } from '@duckdb/node-api';

export interface OrderRow {
  order_id: string;
  customer_id: string;
  ordered_at: string;
  amount?: number;
  status?: string;
  discount?: number;
  refund_amount?: number;
  channel?: string;
  region?: string;
  category?: string;
  items?: number;
}

/** Inserts orders (status default 'completed', amount default 10) with bound parameters. */
export async function insertOrders(connection: DuckDBConnection, rows: OrderRow[]): Promise<void> {
  for (const row of rows) {
    await connection.run(
      `INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, refund_amount, status, channel, region, category, items, source_id)
       VALUES ($order_id, $customer_id, CAST($ordered_at AS TIMESTAMP), $amount, $discount, $refund_amount, $status, $channel, $region, $category, $items, 0)`,
      {
        order_id: row.order_id,
        customer_id: row.customer_id,
        ordered_at: row.ordered_at,
        amount: row.amount ?? 10,
        discount: row.discount ?? null,
        refund_amount: row.refund_amount ?? null,
        status: row.status ?? 'completed',
        channel: row.channel ?? null,
        region: row.region ?? null,
        category: row.category ?? null,
        items: row.items ?? null,
      },
    );
  }
}
