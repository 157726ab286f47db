// RFM scores, ties and segments on a hand-checked fixture, through the loopback wire.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RfmRules, RfmSegmentsResult } from '../../src/api/customers.ts';
import { CoreError } from '../../src/api/errors.ts';
import { arrowFromBytes } from '../../src/db/arrow.ts';
import type { TestCore } from '../helpers/core.ts';
import { insertOrders } from '../helpers/fixtures.ts';
import { openSeededCore } from './seed.ts';

// As of the data end, 2024-03-31 (G's cancelled order sets it; G bought nothing).
//   customer  purchases (amount)                                   R days  F  M
//   A         03-01 (50), 03-20 (50), 03-30 (100)                      1   3  200
//   B         02-01 (30), 03-25 (30)                                   6   2   60
//   C         03-25 (500)                                              6   1  500
//   D         2023-11-01, 2023-12-01, 01-05, 01-10 (20 each)          81   4   80
//   E         2023-12-31 (10)                                         91   1   10
//   F         02-15 (60); a refunded 03-28 order does not count       45   1   60
// score = 1 + floor(5 (rank - 1) / 6), rank = RANK() from worst, ties sharing the lowest rank:
//   R (days desc): E 91 r1, D 81 r2, F 45 r3, B 6 r4, C 6 r4, A 1 r6 -> E 1, D 1, F 2, B 3, C 3, A 5
//   F (orders asc): C,E,F r1, B r4, A r5, D r6                  -> C/E/F 1, B 3, A 4, D 5
//   M (amount asc): E r1, B,F r2, D r4, A r5, C r6              -> E 1, B/F 1, D 3, A 4, C 5
// Segments by (r, f) in rfm.json: A (5,4) champions, B (3,3) need_attention, C (3,1) about_to_sleep,
//   D (1,5) cant_lose, E (1,1) lost, F (2,1) hibernating.
const ORDERS = [
  { order_id: 'a1', customer_id: 'A', ordered_at: '2024-03-01 10:00:00', amount: 50 },
  { order_id: 'a2', customer_id: 'A', ordered_at: '2024-03-20 10:00:00', amount: 50 },
  { order_id: 'a3', customer_id: 'A', ordered_at: '2024-03-30 10:00:00', amount: 100 },
  { order_id: 'b1', customer_id: 'B', ordered_at: '2024-02-01 10:00:00', amount: 30 },
  { order_id: 'b2', customer_id: 'B', ordered_at: '2024-03-25 10:00:00', amount: 30 },
  { order_id: 'c1', customer_id: 'C', ordered_at: '2024-03-25 18:00:00', amount: 500 },
  { order_id: 'd1', customer_id: 'D', ordered_at: '2023-11-01 10:00:00', amount: 20 },
  { order_id: 'd2', customer_id: 'D', ordered_at: '2023-12-01 10:00:00', amount: 20 },
  { order_id: 'd3', customer_id: 'D', ordered_at: '2024-01-05 10:00:00', amount: 20 },
  { order_id: 'd4', customer_id: 'D', ordered_at: '2024-01-10 10:00:00', amount: 20 },
  { order_id: 'e1', customer_id: 'E', ordered_at: '2023-12-31 10:00:00', amount: 10 },
  { order_id: 'f1', customer_id: 'F', ordered_at: '2024-02-15 10:00:00', amount: 60 },
  { order_id: 'f2', customer_id: 'F', ordered_at: '2024-03-28 10:00:00', amount: 999, status: 'refunded' },
  { order_id: 'g1', customer_id: 'G', ordered_at: '2024-03-31 12:00:00', amount: 70, status: 'cancelled' },
];

describe('customerSegments scheme rfm', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await openSeededCore((c) => insertOrders(c, ORDERS));
  });
  afterEach(async () => t.close());

  it('scores quintiles with ties kept together and names the segments', async () => {
    const result = (await t.client.customerSegments({ scheme: 'rfm' })) as RfmSegmentsResult;
    expect(result).toMatchObject({ scheme: 'rfm', customers: 6, revenue: 910, options: { asOf: '2024-03-31T12:00:00.000Z', statuses: ['completed'], rulesSource: 'default' } });
    const page = await t.client.customerRows({ table: 'rfm', resultId: result.resultId, sort: [{ column: 'customer_id' }] });
    expect(page.total).toBe(6);
    const rows = arrowFromBytes(page.rows).toArray().map((row) => ({
      id: row.customer_id, segment: row.segment, r: row.r_score, f: row.f_score, m: row.m_score, days: row.recency_days, orders: row.frequency, amount: row.monetary,
    }));
    expect(rows).toEqual([
      { id: 'A', segment: 'champions', r: 5, f: 4, m: 4, days: 1, orders: 3, amount: 200 },
      { id: 'B', segment: 'need_attention', r: 3, f: 3, m: 1, days: 6, orders: 2, amount: 60 },
      { id: 'C', segment: 'about_to_sleep', r: 3, f: 1, m: 5, days: 6, orders: 1, amount: 500 },
      { id: 'D', segment: 'cant_lose', r: 1, f: 5, m: 3, days: 81, orders: 4, amount: 80 },
      { id: 'E', segment: 'lost', r: 1, f: 1, m: 1, days: 91, orders: 1, amount: 10 },
      { id: 'F', segment: 'hibernating', r: 2, f: 1, m: 1, days: 45, orders: 1, amount: 60 },
    ]);
  });

  it('summarises segments, the R-F grid and the score boundaries', async () => {
    const result = (await t.client.customerSegments({ scheme: 'rfm' })) as RfmSegmentsResult;
    const champions = result.segments.find((s) => s.key === 'champions')!;
    expect(champions).toMatchObject({ customers: 1, revenue: 200, meanRecencyDays: 1, meanFrequency: 3, meanMonetary: 200 });
    expect(champions.customerShare).toBeCloseTo(1 / 6, 12);
    expect(champions.revenueShare).toBeCloseTo(200 / 910, 12);
    expect(result.segments.find((s) => s.key === 'loyal')).toMatchObject({ customers: 0, revenue: 0, meanMonetary: null });
    expect(result.segments.map((s) => s.key)).toHaveLength(11);
    expect(result.grid).toHaveLength(25);
    expect(result.grid.find((c) => c.r === 3 && c.f === 1)).toEqual({ r: 3, f: 1, customers: 1, revenue: 500, segments: ['about_to_sleep'] });
    expect(result.grid.find((c) => c.r === 1 && c.f === 1)).toEqual({ r: 1, f: 1, customers: 1, revenue: 10, segments: ['lost'] });
    expect(result.grid.reduce((sum, c) => sum + c.customers, 0)).toBe(6);
    // recency score 3 is held by B and C (6 days); nobody has frequency scores 2
    expect(result.boundaries.recencyDays[2]).toEqual({ min: 6, max: 6 });
    expect(result.boundaries.frequency[1]).toBeNull();
    expect(result.boundaries.monetary[0]).toEqual({ min: 10, max: 60 });
  });

  it('honours as-of: later orders are ignored and recency counts to that day', async () => {
    const result = (await t.client.customerSegments({ scheme: 'rfm', asOf: '2024-01-31' })) as RfmSegmentsResult;
    // up to Jan 31 only D (4 orders, last Jan 10 -> 21 days) and E (Dec 31 -> 31 days) bought
    expect(result.customers).toBe(2);
    const rows = arrowFromBytes((await t.client.customerRows({ table: 'rfm', sort: [{ column: 'customer_id' }] })).rows).toArray();
    expect(rows.map((row) => [row.customer_id, row.recency_days, row.r_score, row.f_score])).toEqual([
      ['D', 21, 3, 3],
      ['E', 31, 1, 1],
    ]);
  });

  it('uses rules from the request and refuses rules that leave a score cell uncovered', async () => {
    const rules: RfmRules = {
      version: 1,
      segments: [
        { key: 'big', label: { en: 'Big', zh: '大' }, r: [1, 5], f: [1, 5], m: [4, 5] },
        { key: 'rest', label: { en: 'Rest', zh: '其他' }, r: [1, 5], f: [1, 5] },
      ],
    };
    const result = (await t.client.customerSegments({ scheme: 'rfm', rules })) as RfmSegmentsResult;
    expect(result.options.rulesSource).toBe('request');
    // monetary scores 4 and 5: A and C
    expect(result.segments.map((s) => [s.key, s.customers])).toEqual([
      ['big', 2],
      ['rest', 4],
    ]);
    const gap: RfmRules = { version: 1, segments: [{ key: 'x', label: { en: 'X', zh: 'X' }, r: [2, 5], f: [1, 5] }] };
    const error = await t.client.customerSegments({ scheme: 'rfm', rules: gap }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_TAXONOMY');
    expect((error as CoreError).message).toContain('r=1 f=1 m=1');
  });

  it('pages, sorts, filters and refuses stale result ids', async () => {
    const result = await t.client.customerSegments({ scheme: 'rfm' });
    const page = await t.client.customerRows({ table: 'rfm', offset: 1, limit: 2, sort: [{ column: 'monetary', descending: true }] });
    // by amount desc: C 500, A 200, D 80, B 60, F 60 (ties by id), E 10 -> rows 2-3 are A and D
    expect(arrowFromBytes(page.rows).toArray().map((row) => row.customer_id)).toEqual(['A', 'D']);
    expect(page).toMatchObject({ total: 6, offset: 1, resultId: result.resultId });
    const filtered = await t.client.customerRows({ table: 'rfm', filter: { column: 'm_score', values: [1] }, sort: [{ column: 'customer_id' }] });
    expect(arrowFromBytes(filtered.rows).toArray().map((row) => row.customer_id)).toEqual(['B', 'E', 'F']);
    const bad = await t.client.customerRows({ table: 'rfm', sort: [{ column: 'nope' }] }).catch((e: unknown) => e);
    expect((bad as CoreError).code).toBe('E_ARGS');
    // the same request on the same orders is answered from the stored run; other statuses are a new run
    expect((await t.client.customerSegments({ scheme: 'rfm' })).resultId).toBe(result.resultId);
    await t.client.customerSegments({ scheme: 'rfm', statuses: ['completed', 'refunded'] });
    const stale = await t.client.customerRows({ table: 'rfm', resultId: result.resultId }).catch((e: unknown) => e);
    expect((stale as CoreError).code).toBe('E_NOT_FOUND');
  });

  it('runs concurrent segmentations one after another instead of failing on a write-write conflict', async () => {
    // Two screens asking at once: each replaces a stored result table in a transaction of its own.
    const results = await Promise.all([
      t.client.customerSegments({ scheme: 'rfm' }),
      t.client.customerSegments({ scheme: 'rfm', asOf: '2024-03-15' }),
      t.client.customerSegments({ scheme: 'rfm' }),
    ]);
    expect(results.map((result) => (result as RfmSegmentsResult).customers)).toEqual([6, 5, 6]);
    // the last one asked is the one stored
    const rows = await t.client.customerRows({ table: 'rfm', limit: 10 });
    expect(rows.resultId).toBe(results[2]!.resultId);
  });

  it('explains a customer from the stored run', async () => {
    await t.client.customerSegments({ scheme: 'rfm' });
    const explanation = await t.client.explainCustomer({ customerId: 'B' });
    expect(explanation.rfm).toMatchObject({ recencyDays: 6, frequency: 2, monetary: 60, r: 3, f: 3, m: 1, segment: 'need_attention', rule: { r: [3, 3], f: [3, 3] } });
    expect(explanation.missing).toEqual(['shopper', 'value']);
    const unknown = await t.client.explainCustomer({ customerId: 'nobody' }).catch((e: unknown) => e);
    expect((unknown as CoreError).code).toBe('E_NOT_FOUND');
  });
});
