// An orders import into a workspace that reads its orders in place is refused with its own reason,
// before anything is read; tickets still import there (they go to their own table).
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { FIXTURES } from './harness.ts';

/** The error a call ends with, as code, reason and message; 'resolved' when it did not fail. */
function failure(promise: Promise<unknown>): Promise<string | { code: string; reason: unknown; message: string }> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof CoreError ? { code: error.code, reason: error.details?.reason, message: error.message } : String(error)),
  );
}

describe('importing into a workspace that reads its orders in place', () => {
  let t: TestCore;
  let parquet: string;
  beforeAll(async () => {
    t = await openTestCore();
    parquet = join(t.dir, 'orders.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT 'O' || i AS order_id, 'C' || (i % 3) AS customer_id, TIMESTAMP '2024-01-01' + INTERVAL (i) DAY AS ordered_at, 10.0 * i AS amount FROM range(1, 7) r(i))
       TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    await t.client.readInPlace({ path: parquet, kind: 'orders' });
  }, 60_000);
  afterAll(async () => t.close());

  it('refuses an orders import and its preview with E_WORKSPACE, naming the source and both ways out', async () => {
    const files = [join(FIXTURES, 'orders_a.csv')];
    for (const call of [() => t.client.importFiles({ kind: 'orders', files }), () => t.client.previewImport({ kind: 'orders', files })]) {
      const error = await failure(call());
      expect(error).toMatchObject({ code: 'E_WORKSPACE', reason: 'orders_in_place' });
      const message = typeof error === 'string' ? error : error.message;
      expect(message).toContain(parquet);
      expect(message).toMatch(/import into a new workspace, or register the folder again with read-in-place/);
    }
    // Nothing changed: the view still reads the six Parquet rows.
    expect((await t.client.describeWorkspace({})).orders).toBe(6);
  }, 60_000);

  it('registering the folder again, the way out the error names, works', async () => {
    const again = await t.client.readInPlace({ path: parquet, kind: 'orders' });
    expect(again.rowsLoaded).toBe(6);
    const info = await t.client.describeWorkspace({});
    expect(info.orders).toBe(6);
    // one source for the one view, not one per registration
    expect(info.sources.map((source) => source.format)).toEqual(['parquet-in-place']);
  }, 60_000);

  it('still imports tickets, which have a table of their own', async () => {
    const result = await t.client.importFiles({ kind: 'tickets', files: [join(FIXTURES, 'zendesk_tickets.csv')] });
    expect(result).toMatchObject({ rowsLoaded: 3, tickets: 3 });
    expect((await t.client.describeWorkspace({})).orders).toBe(6);
  }, 60_000);
});
