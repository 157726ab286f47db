// RFM scores from quintile boundaries equal, cell by cell, the rank formula they replaced, at every
// customer count up to 60 and a few larger, on values with heavy ties.
//
// The reference is the earlier SQL itself: 1 + floor(5 (RANK() - 1) / n) over the stored per-customer
// values, RANK() ordering recency descending and frequency and amount ascending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/db/workspace.ts';
import { queryOne, queryRows } from '../../src/db/sql.ts';
import { rfm } from '../../src/analysis/rfm.ts';

const RANK_REFERENCE_SQL = `
  SELECT customer_id,
         CAST(1 + floor(5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / count(*) OVER ()) AS INTEGER) AS r_score,
         CAST(1 + floor(5 * (rank() OVER (ORDER BY frequency) - 1) / count(*) OVER ()) AS INTEGER) AS f_score,
         CAST(1 + floor(5 * (rank() OVER (ORDER BY monetary) - 1) / count(*) OVER ()) AS INTEGER) AS m_score
  FROM result_rfm`;

/** Customers 0..n-1 with 1-4 orders each over a few days and a few amounts, so most values tie. */
const SEED_ORDERS_SQL = `
  INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, source_id)
  SELECT 'o' || c || '-' || k, 'c' || c, TIMESTAMP '2024-01-01' + to_days(CAST(hash(c, k, $seed) % 9 AS INTEGER)),
         [5.5, 10, 10, 20.25][1 + CAST(hash(c, k, $seed, 1) % 4 AS INTEGER)], 'completed', 0
  FROM range($n) a(c), range(4) b(k)
  WHERE k = 0 OR hash(c, k, $seed, 2) % 3 = 0`;

describe('RFM scores by quintile boundaries', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(':memory:', { threads: 2, memoryLimit: '1GB' });
  });
  afterAll(async () => workspace.close());

  const sizes = [...Array.from({ length: 60 }, (_, i) => i + 1), 97, 250, 1001];
  it(`match the rank formula for every customer at ${sizes.length} customer counts`, async () => {
    await workspace.withConnection(async (connection) => {
      let differingScores = 0;
      for (const n of sizes) {
        await connection.run('DELETE FROM orders');
        await connection.run(SEED_ORDERS_SQL, { n, seed: n * 7 });
        await rfm(connection, { asOf: '2024-01-20' });
        const mismatches = await queryRows(
          connection,
          `SELECT s.customer_id, s.r_score, s.f_score, s.m_score, ref.r_score AS ref_r, ref.f_score AS ref_f, ref.m_score AS ref_m
           FROM result_rfm s FULL JOIN (${RANK_REFERENCE_SQL}) ref USING (customer_id)
           WHERE s.r_score IS DISTINCT FROM ref.r_score OR s.f_score IS DISTINCT FROM ref.f_score OR s.m_score IS DISTINCT FROM ref.m_score`,
        );
        expect({ n, mismatches }).toEqual({ n, mismatches: [] });
        const spread = await queryOne<{ r: number; f: number; m: number; customers: number }>(
          connection,
          'SELECT count(DISTINCT r_score) AS r, count(DISTINCT f_score) AS f, count(DISTINCT m_score) AS m, count(*) AS customers FROM result_rfm',
        );
        expect(spread.customers).toBe(n);
        if (spread.r > 1 && spread.f > 1 && spread.m > 1) differingScores++;
      }
      // the comparison is only worth something where scores differ between customers
      expect(differingScores).toBeGreaterThan(50);
    });
  });
});
