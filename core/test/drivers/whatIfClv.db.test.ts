// The what-if values the customers it keeps at their group's mean CLV from the stored customer-value
// run, and says nothing of CLV when that run holds none for the group (its spend model was not fitted).
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_TABLES } from '../../src/analysis/customerResults.ts';
import { groupMeanClv } from '../../src/analysis/whatIf.ts';

describe('the what-if group mean CLV', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => instance.closeSync());

  it('averages the members, a member without a row counting 0, and is null when no member has a CLV', async () => {
    const connection = await instance.connect();
    const ids = ['a', 'b', 'c', 'd'];
    // no run stored yet
    expect(await groupMeanClv(connection, ids, [true, true, true, false])).toBeNull();
    await connection.run(`CREATE TABLE ${RESULT_TABLES.value} AS SELECT * FROM (VALUES ('a', 30.0), ('b', NULL), ('d', 100.0)) t(customer_id, clv)`);
    // a 30, b none, c absent: (30 + 0 + 0) / 3 = 10; d is not chosen
    expect(await groupMeanClv(connection, ids, [true, true, true, false])).toBe(10);
    // b and c only: no CLV at all, so no value rather than 0
    expect(await groupMeanClv(connection, ids, [false, true, true, false])).toBeNull();
    connection.closeSync();
  });
});
