// Runs an analysis from the summaries the import keeps and again from the orders, for tests that hold both ways to the same numbers.
import type { DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import { activityRelations } from '../../src/analysis/activity.ts';
import { queryRows } from '../../src/db/sql.ts';
import { rebuildSummaries } from '../../src/db/summaries.ts';

/** Equal, numbers to `tolerance` relative (1e-9: a sum of per-day sums may round apart from a sum of the orders). */
export function expectSame(actual: unknown, expected: unknown, path = 'result', tolerance = 1e-9): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    expect(actual.length, `${path}.length`).toBe(expected.length);
    expected.forEach((item, index) => expectSame(actual[index], item, `${path}[${index}]`, tolerance));
  } else if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object' && !(expected instanceof Uint8Array)) {
    expect(Object.keys(actual).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) expectSame((actual as Record<string, unknown>)[key], value, `${path}.${key}`, tolerance);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/**
 * `analysis` run on the stored summaries, then on the orders (the summaries' state dropped, so
 * activity.ts finds them out of step with the orders, as after a write by other means than an
 * import), then the summaries rebuilt. Checks that each run took the way it names.
 */
export async function summariesAndOrders<T>(connection: DuckDBConnection, analysis: () => Promise<T>): Promise<{ summaries: T; orders: T }> {
  await rebuildSummaries(connection);
  expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(true);
  const summaries = await analysis();
  await connection.run('DROP TABLE summary_state');
  expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(false);
  const orders = await analysis();
  await rebuildSummaries(connection);
  return { summaries, orders };
}

/** Every row of a table, sorted by customer, for comparing two runs cell by cell. */
export function tableRows(connection: DuckDBConnection, table: string): Promise<Record<string, unknown>[]> {
  return queryRows(connection, `SELECT * FROM ${table} ORDER BY customer_id`);
}
