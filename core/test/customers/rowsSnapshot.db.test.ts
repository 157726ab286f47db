// A page of stored customer results belongs to one run: a run stored while the page is being read
// (between its statements) changes neither the run id, nor the total, nor the rows it answers with.
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerRow, customerRows, storeRun } from '../../src/analysis/customerResults.ts';
import { arrowFromBytes } from '../../src/db/arrow.ts';
import { IN_MEMORY, Workspace } from '../../src/db/workspace.ts';

/** Stores an rfm run of `customers` customers c0.. with monetary 0, 1, ...; returns its result id. */
function storeCustomers(connection: DuckDBConnection, customers: number): Promise<string> {
  return storeRun(
    connection,
    'rfm',
    'CREATE OR REPLACE TABLE result_rfm AS SELECT \'c\' || i AS customer_id, i::DOUBLE AS monetary FROM range($n) t(i)',
    { n: customers },
    { customers },
  );
}

/**
 * `connection` as a reader sees it, except that once its first read has answered, `meanwhile` runs
 * (to completion) before the reader goes on: a write landing between two statements of the reader.
 */
function interleaved(connection: DuckDBConnection, meanwhile: () => Promise<unknown>): DuckDBConnection {
  let fired = false;
  return new Proxy(connection, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key !== 'runAndReadAll') return value.bind(target) as unknown;
      return async (...args: unknown[]) => {
        const result: unknown = await value.apply(target, args);
        if (!fired) {
          fired = true;
          await meanwhile();
        }
        return result;
      };
    },
  });
}

describe('customer result pages read one run', () => {
  let workspace: Workspace;
  let reader: DuckDBConnection;
  let writer: DuckDBConnection;
  beforeEach(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 1 });
    reader = await workspace.connect();
    writer = await workspace.connect();
  });
  afterEach(async () => {
    workspace.release(reader);
    workspace.release(writer);
    await workspace.close();
  });

  it('a run stored between the run-id read and the page read is not mixed into the page', async () => {
    const first = await storeCustomers(writer, 3);
    let second = '';
    const page = await customerRows(
      interleaved(reader, async () => (second = await storeCustomers(writer, 5))),
      { table: 'rfm', sort: [{ column: 'monetary' }] },
    );
    expect(second).not.toBe('');
    expect(page.resultId).toBe(first);
    expect(page.total).toBe(3);
    expect(arrowFromBytes(page.rows).toArray().map((row) => row.customer_id)).toEqual(['c0', 'c1', 'c2']);
    // the next read sees the new run whole
    const next = await customerRows(reader, { table: 'rfm' });
    expect(next).toMatchObject({ resultId: second, total: 5 });
  });

  it("one customer's row comes with the id of the run it belongs to", async () => {
    await storeCustomers(writer, 3);
    let second = '';
    const found = await customerRow(
      interleaved(reader, async () => (second = await storeCustomers(writer, 5))),
      'rfm',
      'c2',
    );
    expect(found?.run.resultId).toBe(second);
    expect(found?.run.options).toEqual({ customers: 5 });
    expect(found?.row).toEqual({ customer_id: 'c2', monetary: 2 });
  });
});
