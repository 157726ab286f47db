// Test workspaces for the customers area: canonical rows inserted directly, then opened by a test core.
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Workspace } from '../../src/db/workspace.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';

export interface TicketRow {
  ticket_id: string;
  customer_id: string;
  created_at: string;
  subject?: string;
  body?: string;
  order_id?: string;
}

export interface LineRow {
  order_id: string;
  line_no: number;
  sku?: string;
  product?: string;
  category?: string;
  amount?: number;
}

export async function insertTickets(connection: DuckDBConnection, rows: TicketRow[]): Promise<void> {
  for (const row of rows) {
    await connection.run(
      `INSERT INTO tickets (ticket_id, customer_id, created_at, subject, body, order_id, source_id)
       VALUES ($ticket_id, $customer_id, CAST($created_at AS TIMESTAMP), $subject, $body, $order_id, 0)`,
      { ticket_id: row.ticket_id, customer_id: row.customer_id, created_at: row.created_at, subject: row.subject ?? null, body: row.body ?? null, order_id: row.order_id ?? null },
    );
  }
}

export async function insertLines(connection: DuckDBConnection, rows: LineRow[]): Promise<void> {
  for (const row of rows) {
    await connection.run(
      `INSERT INTO order_lines (order_id, line_no, sku, product, category, amount, source_id) VALUES ($order_id, $line_no, $sku, $product, $category, $amount, 0)`,
      { order_id: row.order_id, line_no: row.line_no, sku: row.sku ?? null, product: row.product ?? null, category: row.category ?? null, amount: row.amount ?? null },
    );
  }
}

/** A test core whose open workspace was filled by `seed` (rows inserted through a connection of its own). */
export async function openSeededCore(seed: (connection: DuckDBConnection) => Promise<void>): Promise<TestCore> {
  const t = await openTestCore({ inMemory: true });
  const path = join(t.dir, 'seeded.duckdb');
  const workspace = await Workspace.open(path, { threads: 1, memoryLimit: '1GB', tempDirectory: join(t.dir, 'spill') });
  try {
    await workspace.withConnection(seed);
  } finally {
    await workspace.close();
  }
  await t.client.openWorkspace({ path });
  return t;
}

/** 300 customers over a year, a third of the orders on a day the customer already bought, some without an amount, a fifth not completed. */
export const GENERATED_ORDERS_SQL = `
  INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, source_id)
  SELECT 'o' || i, 'c' || (hash(i, 1) % 300),
         TIMESTAMP '2023-06-01' + to_days(CAST(CASE WHEN hash(i, 2) % 3 = 0 THEN hash(hash(i, 1) % 300) % 365 ELSE hash(i, 3) % 365 END AS INTEGER))
           + to_minutes(CAST(hash(i, 4) % 900 AS INTEGER)),
         CASE WHEN hash(i, 5) % 11 = 0 THEN NULL ELSE [9.9, 12.5, 20, 35.25, 80.1, 150][1 + CAST(hash(i, 6) % 6 AS INTEGER)] END,
         ['completed', 'completed', 'completed', 'completed', 'cancelled', 'completed', 'refunded', 'completed', 'completed', 'pending'][1 + CAST(hash(i, 7) % 10 AS INTEGER)],
         0
  FROM range(2400) t(i)`;
