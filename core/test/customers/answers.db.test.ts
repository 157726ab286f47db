// RFM, customer value and shopper types answer a request they answered before on the same orders from the stored
// run (customerResults.ts's answerOnce): the same result, the stored table not written again; an
// import (a new generation of the orders), other options, orders read in place or written behind the
// import's back make them compute again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerValue } from '../../src/analysis/clv.ts';
import { rfm } from '../../src/analysis/rfm.ts';
import { queryOne, queryRows } from '../../src/db/sql.ts';
import { defineSummariesInPlace, rebuildSummaries, refreshSummaries, summaryGeneration } from '../../src/db/summaries.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { createCore } from '../../src/host/core.ts';
import { expectSame } from './bothWays.ts';
import { GENERATED_ORDERS_SQL } from './seed.ts';

/** A mark on one stored row: a run that writes the table again wipes it out. */
async function markRow(connection: DuckDBConnection, table: string, column: string): Promise<void> {
  await connection.run(`UPDATE ${table} SET ${column} = 'marked' WHERE customer_id = (SELECT min(customer_id) FROM ${table})`);
}

async function marked(connection: DuckDBConnection, table: string, column: string): Promise<number> {
  return (await queryOne<{ n: number }>(connection, `SELECT count(*) AS n FROM ${table} WHERE ${column} = 'marked'`)).n;
}

function withoutRunId(result: object): Record<string, unknown> {
  const { resultId: _resultId, atRisk: _atRisk, ...rest } = result as Record<string, unknown>;
  return rest;
}

describe('customer results answered once per request and generation of the orders', () => {
  let dir: string;
  let path: string;
  let workspace: Workspace;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-answers-'));
    path = join(dir, 'answers.duckdb');
    workspace = await Workspace.open(path, { threads: 2, memoryLimit: '1GB' });
    await workspace.withConnection(async (connection) => {
      await connection.run(GENERATED_ORDERS_SQL);
      await rebuildSummaries(connection);
    });
  });
  afterAll(async () => {
    await workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('RFM: the same request is answered from the stored run; other statuses compute again', async () => {
    await workspace.withConnection(async (connection) => {
      const first = await rfm(connection);
      await markRow(connection, 'result_rfm', 'segment');
      const again = await rfm(connection);
      expect(again).toEqual(first);
      expect(await marked(connection, 'result_rfm', 'segment')).toBe(1);
      // an as-of date given as the data's end is the request the default resolves to
      expect((await rfm(connection, { asOf: first.options.asOf })).resultId).toBe(first.resultId);
      const refunded = await rfm(connection, { statuses: ['completed', 'refunded'] });
      expect(refunded.resultId).not.toBe(first.resultId);
      expect(refunded.customers).toBeGreaterThan(first.customers);
      // only the table's current run is kept: back to the default, it is computed again, to the same numbers
      const recomputed = await rfm(connection);
      expect(recomputed.resultId).not.toBe(first.resultId);
      expect(await marked(connection, 'result_rfm', 'segment')).toBe(0);
      expectSame(withoutRunId(recomputed), withoutRunId(first), 'rfm recomputed');
    });
  });

  it('customer value: the fits kept, the at-risk rows read again at the length asked', async () => {
    await workspace.withConnection(async (connection) => {
      const first = await customerValue(connection, {});
      const five = await customerValue(connection, { atRiskLimit: 5 });
      expect(five.resultId).toBe(first.resultId);
      expect(withoutRunId(five)).toEqual(withoutRunId(first));
      const rows = (bytes: Uint8Array) => tableFromIPC(bytes).toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
      expect(rows(five.atRisk)).toEqual(rows(first.atRisk).slice(0, 5));
      expect(Buffer.from((await customerValue(connection, {})).atRisk).equals(Buffer.from(first.atRisk))).toBe(true);
      // another horizon is another request
      const longer = await customerValue(connection, { horizonMonths: 24 });
      expect(longer.resultId).not.toBe(first.resultId);
      expect(longer.summary.expectedPurchases).toBeGreaterThan(first.summary.expectedPurchases);
    });
  });

  it('an import of orders starts a new generation: the same request is computed again, with the new orders', async () => {
    await workspace.withConnection(async (connection) => {
      const before = await rfm(connection);
      const generation = await summaryGeneration(connection);
      expect(generation).not.toBeNull();
      // what an appending import does: new orders under a new source, then the summaries refreshed
      await connection.run(
        `INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, source_id) VALUES ('n1', 'new-customer', TIMESTAMP '2024-05-01 10:00:00', 42, 'completed', 1)`,
      );
      await refreshSummaries(connection, 1);
      expect(await summaryGeneration(connection)).not.toBe(generation);
      const after = await rfm(connection);
      expect(after.resultId).not.toBe(before.resultId);
      expect(after.customers).toBe(before.customers + 1);
      await connection.run(`DELETE FROM orders WHERE order_id = 'n1'`);
      await rebuildSummaries(connection);
    });
  });

  it('keeps the answers in the workspace file: reopened, the same request reads the same run', async () => {
    const first = await workspace.withConnection((connection) => rfm(connection));
    await workspace.close();
    workspace = await Workspace.open(path, { threads: 2, memoryLimit: '1GB' });
    expect(await workspace.withConnection((connection) => rfm(connection))).toEqual(first);
  });

  it('computes every time where the generation cannot be told: summaries as views, orders written behind the import', async () => {
    await workspace.withConnection(async (connection) => {
      const stored = await rfm(connection);
      await defineSummariesInPlace(connection);
      expect(await summaryGeneration(connection)).toBeNull();
      const views = [await rfm(connection), await rfm(connection)];
      expect(new Set([stored.resultId, ...views.map((run) => run.resultId)]).size).toBe(3);
      await rebuildSummaries(connection);
      const rebuilt = await rfm(connection);
      await connection.run('DROP TABLE summary_state');
      expect(await summaryGeneration(connection)).toBeNull();
      const second = await rfm(connection);
      expect(second.resultId).not.toBe(rebuilt.resultId);
      expectSame(withoutRunId(second), withoutRunId(rebuilt), 'rfm from the orders');
      await rebuildSummaries(connection);
      expect(await queryRows(connection, 'SELECT count(*) AS n FROM result_answers')).toEqual([{ n: 2 }]);
    });
  });
});

describe('customer results across imports through the core', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-answers-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers again until an import adds orders, then computes with them', async () => {
    const csv = (name: string, lines: string[]) => {
      const file = join(dir, name);
      writeFileSync(file, ['order_id,customer_id,created_at,amount,status', ...lines, ''].join('\n'));
      return file;
    };
    const first = csv('first.csv', ['o1,a,2024-01-05 09:00,10,completed', 'o2,a,2024-02-10 09:00,20,completed', 'o3,b,2024-01-20 09:00,30,completed']);
    const second = csv('second.csv', ['o4,c,2024-03-01 09:00,40,completed']);
    const core = await createCore({ workspace: join(dir, 'imports.duckdb'), settings: { threads: 2, memoryLimit: '1GB', tempDirectory: join(dir, 'spill') } });
    try {
      await core.importFiles({ kind: 'orders', files: [first] });
      const before = await core.customerSegments({ scheme: 'rfm' });
      expect((await core.customerSegments({ scheme: 'rfm' })).resultId).toBe(before.resultId);
      await core.importFiles({ kind: 'orders', files: [second], mode: 'append' });
      const after = await core.customerSegments({ scheme: 'rfm' });
      expect(after.resultId).not.toBe(before.resultId);
      expect([before.customers, before.revenue, after.customers, after.revenue]).toEqual([2, 60, 3, 100]);
    } finally {
      await core.close();
    }
  });

  it('shopper types: answered again until tickets (their inquiry features) or the keywords change', async () => {
    const file = (name: string, header: string, lines: string[]) => {
      const path = join(dir, name);
      writeFileSync(path, [header, ...lines, ''].join('\n'));
      return path;
    };
    const orders = file('shopper-orders.csv', 'order_id,customer_id,created_at,amount,status', ['o1,a,2024-01-05 09:00,10,completed', 'o2,a,2024-02-10 09:00,20,completed', 'o3,b,2024-01-20 09:00,30,completed']);
    const tickets = file('shopper-tickets.csv', 'ticket_id,customer_id,created_at,body', ['t1,a,2024-01-06 10:00,请问有没有大号', 't2,b,2024-01-21 10:00,什么时候发货']);
    const core = await createCore({ workspace: join(dir, 'shopper.duckdb'), settings: { threads: 2, memoryLimit: '1GB', tempDirectory: join(dir, 'spill') } });
    try {
      await core.importFiles({ kind: 'orders', files: [orders] });
      const before = await core.customerSegments({ scheme: 'shopper' });
      const again = await core.customerSegments({ scheme: 'shopper' });
      expect(again).toEqual(before);
      await core.importFiles({ kind: 'tickets', files: [tickets] });
      const withTickets = await core.customerSegments({ scheme: 'shopper' });
      expect(withTickets.resultId).not.toBe(before.resultId);
      expect((await core.customerSegments({ scheme: 'shopper' })).resultId).toBe(withTickets.resultId);
      const stored = await core.customerRows({ table: 'shopper', offset: 0, limit: 10 });
      const ticketsOf = tableFromIPC(stored.rows)
        .toArray()
        .map((row: { customer_id: string; tickets: unknown }) => [row.customer_id, Number(row.tickets)])
        .sort();
      expect(ticketsOf).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
      // other keywords are another request
      const keywords = await core.customerSegments({ scheme: 'shopper', keywords: { version: 1, sportsEntertainment: [], presaleInquiry: ['大号'], business: [], crossBorder: [] } });
      expect(keywords.resultId).not.toBe(withTickets.resultId);
    } finally {
      await core.close();
    }
  });
});
