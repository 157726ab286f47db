// A core whose workspace holds hand-made orders, tickets and extra tables, talked to through the loopback wire.
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { Workspace } from '../../src/db/workspace.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { insertOrders, type OrderRow } from '../helpers/fixtures.ts';

export interface TicketRow {
  ticket_id: string;
  customer_id: string | null;
  created_at: string | null;
  rating?: number | null;
}

export interface FixtureData {
  orders: OrderRow[];
  tickets?: TicketRow[];
  /** Extra statements run after the inserts (e.g. a table for survival on any columns), with bound parameters. */
  statements?: { sql: string; params?: Record<string, DuckDBValue> }[];
}

/** Writes the rows into a new workspace file (closed again, so another process may open it). */
export async function writeFixtureWorkspace(path: string, data: FixtureData): Promise<void> {
  const workspace = await Workspace.open(path, { threads: 1 });
  try {
    await workspace.withConnection(async (connection) => {
      await insertOrders(connection, data.orders);
      await insertTickets(connection, data.tickets ?? []);
      for (const statement of data.statements ?? []) await connection.run(statement.sql, statement.params);
    });
  } finally {
    await workspace.close();
  }
}

/** Writes the rows into a fresh workspace file and opens it in a test core. */
export async function openFixtureCore(data: FixtureData): Promise<TestCore> {
  const t = await openTestCore({ inMemory: true });
  const path = join(t.dir, 'fixture.duckdb');
  await writeFixtureWorkspace(path, data);
  await t.client.openWorkspace({ path });
  return t;
}

async function insertTickets(connection: DuckDBConnection, rows: TicketRow[]): Promise<void> {
  for (const row of rows) {
    await connection.run(
      `INSERT INTO tickets (ticket_id, customer_id, created_at, rating, source_id) VALUES ($id, $customer, CAST($created AS TIMESTAMP), $rating, 0)`,
      { id: row.ticket_id, customer: row.customer_id, created: row.created_at, rating: row.rating ?? null },
    );
  }
}
