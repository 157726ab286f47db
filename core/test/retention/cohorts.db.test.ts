// Cohort retention on the hand-checked shop (shop.ts): every option, computed by hand in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import type { CohortRetentionResult } from '../../src/api/retention.ts';
import { arrowFromBytes } from '../../src/db/arrow.ts';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from './fixtureCore.ts';
import { SHOP_ORDERS } from './shop.ts';

const rowsOf = (result: CohortRetentionResult, matrix = 0) =>
  result.matrices[matrix]!.cohorts.map(({ cohort, size, values, rates, partialK }) => ({ cohort, size, values, rates, partialK }));

describe('cohortRetention on the hand-checked shop', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openFixtureCore({ orders: SHOP_ORDERS });
  });
  afterAll(async () => t.close());

  it('counts active customers per month with unobservable cells null and April partial', async () => {
    const result = await t.client.cohortRetention({});
    expect(result.options).toEqual({
      period: 'month',
      mode: 'on',
      metric: 'customers',
      relativeTo: 'first',
      segment: null,
      trendK: 1,
      statuses: ['completed'],
      asOf: '2024-04-20T12:00:00.000Z',
    });
    // Jan..Apr: 4 columns. Jan {a,b,c}: Feb a, Mar c, Apr a (partial). Feb {d,e}: Mar d, Apr none
    // (partial, 0 not null: April is observed in part), k = 3 is May: null. Mar {f}: Apr f.
    expect(result.periods).toBe(4);
    expect(rowsOf(result)).toEqual([
      { cohort: '2024-01-01', size: 3, values: [3, 1, 1, 1], rates: [1, 1 / 3, 1 / 3, 1 / 3], partialK: 3 },
      { cohort: '2024-02-01', size: 2, values: [2, 1, 0, null], rates: [1, 0.5, 0, null], partialK: 2 },
      { cohort: '2024-03-01', size: 1, values: [1, 1, null, null], rates: [1, 1, null, null], partialK: 1 },
    ]);
  });

  it('averages complete cells only: weighted by cohort size and plain', async () => {
    const [matrix] = (await t.client.cohortRetention({})).matrices;
    // k=0: all three cohorts, rate 1. k=1: Jan 1/3 (3 customers) and Feb 1/2 (2); Mar's April cell is partial.
    //   weighted (3 * 1/3 + 2 * 1/2) / 5 = 0.4; plain (1/3 + 1/2) / 2 = 5/12.
    // k=2: Jan 1/3 only (Feb's April is partial). k=3: Jan's April is partial: no cohort, null.
    expect(matrix!.weightedMean).toEqual([
      { k: 0, rate: 1, cohorts: 3, customers: 6 },
      { k: 1, rate: 0.4, cohorts: 2, customers: 5 },
      { k: 2, rate: 1 / 3, cohorts: 1, customers: 3 },
      { k: 3, rate: null, cohorts: 0, customers: 0 },
    ]);
    const simple = matrix!.simpleMean.map((point) => point.rate);
    expect(simple[0]).toBe(1);
    expect(simple[1]).toBeCloseTo(5 / 12, 12);
    expect(simple.slice(2)).toEqual([1 / 3, null]);
    // Month-1 retention by cohort: Jan 1/3, Feb 1/2, Mar 1 (its month 1 is April: partial)
    expect(matrix!.trend).toEqual([
      { cohort: '2024-01-01', size: 3, rate: 1 / 3, partial: false },
      { cohort: '2024-02-01', size: 2, rate: 0.5, partial: false },
      { cohort: '2024-03-01', size: 1, rate: 1, partial: true },
    ]);
  });

  it('on-or-after counts customers active in k or any later period', async () => {
    const result = await t.client.cohortRetention({ mode: 'on-or-after' });
    // Last active month: a Apr (k3), b Jan (k0), c Mar (k2) -> Jan: k0 3, k1 {a,c} 2, k2 {a,c} 2, k3 {a} 1.
    // d Mar (k1), e Feb (k0) -> Feb: 2, 1, 0. f Apr (k1) -> Mar: 1, 1.
    expect(rowsOf(result).map((row) => row.values)).toEqual([
      [3, 2, 2, 1],
      [2, 1, 0, null],
      [1, 1, null, null],
    ]);
    expect(rowsOf(result)[0]!.rates).toEqual([1, 2 / 3, 2 / 3, 1 / 3]);
  });

  it('revenue relative to period 0 and to the previous period', async () => {
    // Jan cohort revenue: Jan a 10 + b 10 + 10 + c 10 = 40, Feb a 20, Mar c 40, Apr a 30.
    // Feb: 20, Mar d 10, Apr 0. Mar: f 10, Apr f 10.
    const first = await t.client.cohortRetention({ metric: 'revenue' });
    expect(rowsOf(first).map((row) => row.values)).toEqual([
      [40, 20, 40, 30],
      [20, 10, 0, null],
      [10, 10, null, null],
    ]);
    expect(rowsOf(first).map((row) => row.rates)).toEqual([
      [1, 0.5, 1, 0.75],
      [1, 0.5, 0, null],
      [1, 1, null, null],
    ]);
    // previous: Jan 20/40, 40/20, 30/40; Feb 10/20, 0/10; Mar 10/10
    const previous = await t.client.cohortRetention({ metric: 'revenue', relativeTo: 'previous' });
    expect(rowsOf(previous).map((row) => row.rates)).toEqual([
      [1, 0.5, 2, 0.75],
      [1, 0.5, 0, null],
      [1, 1, null, null],
    ]);
    // Weighted mean of the previous-period rates at k=2: Jan only (Feb's April is partial): 2
    expect(previous.matrices[0]!.weightedMean[2]!.rate).toBe(2);
  });

  it('orders, on and on-or-after', async () => {
    // Jan cohort orders: Jan 4 (a1, b1, b2, c1), Feb 1, Mar 1, Apr 1; on-or-after sums from k: 7, 3, 2, 1
    const on = await t.client.cohortRetention({ metric: 'orders' });
    expect(rowsOf(on)[0]!.values).toEqual([4, 1, 1, 1]);
    const after = await t.client.cohortRetention({ metric: 'orders', mode: 'on-or-after' });
    expect(rowsOf(after)[0]!.values).toEqual([7, 3, 2, 1]);
    expect(rowsOf(after)[0]!.rates).toEqual([1, 3 / 7, 2 / 7, 1 / 7]);
  });

  it('quarters: everyone starts in Q1, a and f come back in the partial Q2', async () => {
    const result = await t.client.cohortRetention({ period: 'quarter' });
    expect(rowsOf(result)).toEqual([{ cohort: '2024-01-01', size: 6, values: [6, 2], rates: [1, 1 / 3], partialK: 1 }]);
  });

  it('asOf cuts the data: up to Feb 29 00:00, e has not bought yet and February is complete', async () => {
    const result = await t.client.cohortRetention({ asOf: '2024-02-29' });
    expect(result.options.asOf).toBe('2024-02-29');
    expect(rowsOf(result)).toEqual([
      { cohort: '2024-01-01', size: 3, values: [3, 1], rates: [1, 1 / 3], partialK: null },
      { cohort: '2024-02-01', size: 1, values: [1, null], rates: [1, null], partialK: null },
    ]);
  });

  it('statuses: counting pending orders makes g an April cohort', async () => {
    const result = await t.client.cohortRetention({ statuses: ['completed', 'pending'] });
    expect(rowsOf(result).at(-1)).toEqual({ cohort: '2024-04-01', size: 1, values: [1, null, null, null], rates: [1, null, null, null], partialK: 0 });
  });

  it('segments by the first channel with a value: one matrix per value, largest first', async () => {
    const result = await t.client.cohortRetention({ segment: 'channel' });
    // web {a, c (first order has none, Mar 15 says web), d}; app {b, e}; none {f}
    expect(result.matrices.map((m) => [m.segment, m.customers])).toEqual([
      ['web', 3],
      ['app', 2],
      [null, 1],
    ]);
    expect(rowsOf(result, 0).map((row) => row.values)).toEqual([
      [2, 1, 1, 1], // a, c: Feb a, Mar c, Apr a
      [1, 1, 0, null], // d
    ]);
    expect(rowsOf(result, 1).map((row) => row.values)).toEqual([
      [1, 0, 0, 0], // b
      [1, 0, 0, null], // e
    ]);
    expect(rowsOf(result, 2)).toEqual([{ cohort: '2024-03-01', size: 1, values: [1, 1, null, null], rates: [1, 1, null, null], partialK: 1 }]);
  });

  it('cohortMembers lists the customers behind a cell as Arrow', async () => {
    const on = arrowFromBytes(await t.client.cohortMembers({ cohort: '2024-01-01', k: 1 })).toArray().map((row) => row.toJSON());
    // Jan cohort in February: only a (one order of 20); a's totals: 3 orders, 60
    expect(on).toEqual([
      { customer_id: 'a', first_at: Date.UTC(2024, 0, 5, 9), last_at: Date.UTC(2024, 3, 1, 9), cell_orders: 1, cell_revenue: 20, orders: 3, revenue: 60 },
    ]);
    // on-or-after k=1: a (Feb 20 + Apr 30 = 50, 2 orders) before c (Mar 40)
    const after = arrowFromBytes(await t.client.cohortMembers({ cohort: '2024-01-01', k: 1, mode: 'on-or-after' })).toArray();
    expect(after.map((row) => [row.customer_id, row.cell_orders, row.cell_revenue])).toEqual([
      ['a', 2, 50],
      ['c', 1, 40],
    ]);
    // the segment filter: web customers of January in period 0 are a and c (by cell revenue 10 each, then id)
    const web = arrowFromBytes(await t.client.cohortMembers({ cohort: '2024-01-01', k: 0, segment: 'channel', segmentValue: 'web' })).toArray();
    expect(web.map((row) => row.customer_id)).toEqual(['a', 'c']);
    const none = arrowFromBytes(await t.client.cohortMembers({ cohort: '2024-03-01', k: 0, segment: 'channel', segmentValue: null })).toArray();
    expect(none.map((row) => row.customer_id)).toEqual(['f']);
  });

  it('refuses unknown options with E_ARGS', async () => {
    for (const request of [{ period: 'year' }, { mode: 'after' }, { metric: 'profit' }, { relativeTo: 'last' }, { segment: 'sku' }, { trendK: -1 }]) {
      const error = await t.client.cohortRetention(request as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(request)).toBeInstanceOf(CoreError);
      expect((error as CoreError).code).toBe('E_ARGS');
    }
  });
});

describe('ISO weeks and days across a year boundary', () => {
  let t: TestCore;
  // Mon 2024-12-30 starts ISO week 2025-W01; Sun 2024-12-29 belongs to the week of Mon 2024-12-23.
  // p: Sun Dec 29, Mon Dec 30.  q: Mon Dec 30, Sun Jan 5 (same week).  r: Sun Jan 5, Mon Jan 6 (the last day).
  beforeAll(async () => {
    t = await openFixtureCore({
      orders: [
        { order_id: 'p1', customer_id: 'p', ordered_at: '2024-12-29 12:00:00' },
        { order_id: 'p2', customer_id: 'p', ordered_at: '2024-12-30 12:00:00' },
        { order_id: 'q1', customer_id: 'q', ordered_at: '2024-12-30 08:00:00' },
        { order_id: 'q2', customer_id: 'q', ordered_at: '2025-01-05 23:59:59' },
        { order_id: 'r1', customer_id: 'r', ordered_at: '2025-01-05 08:00:00' },
        { order_id: 'r2', customer_id: 'r', ordered_at: '2025-01-06 08:00:00' },
      ],
    });
  });
  afterAll(async () => t.close());

  it('weeks start on Monday and the week of the last day is partial', async () => {
    const result = await t.client.cohortRetention({ period: 'week' });
    // Week of Dec 23: {p}, p back in the week of Dec 30; the week of Jan 6 (partial) has nobody of it.
    // Week of Dec 30: {q, r}; in the week of Jan 6 (partial) r.
    expect(rowsOf(result)).toEqual([
      { cohort: '2024-12-23', size: 1, values: [1, 1, 0], rates: [1, 1, 0], partialK: 2 },
      { cohort: '2024-12-30', size: 2, values: [2, 1, null], rates: [1, 0.5, null], partialK: 1 },
    ]);
  });

  it('days: the last day counts as complete', async () => {
    const result = await t.client.cohortRetention({ period: 'day' });
    // Dec 29 to Jan 6 is 9 columns. p: Dec 29, k1 Dec 30. q: Dec 30, k6 Jan 5. r: Jan 5, k1 Jan 6.
    expect(result.periods).toBe(9);
    expect(rowsOf(result)).toEqual([
      { cohort: '2024-12-29', size: 1, values: [1, 1, 0, 0, 0, 0, 0, 0, 0], rates: [1, 1, 0, 0, 0, 0, 0, 0, 0], partialK: null },
      { cohort: '2024-12-30', size: 1, values: [1, 0, 0, 0, 0, 0, 1, 0, null], rates: [1, 0, 0, 0, 0, 0, 1, 0, null], partialK: null },
      { cohort: '2025-01-05', size: 1, values: [1, 1, null, null, null, null, null, null, null], rates: [1, 1, null, null, null, null, null, null, null], partialK: null },
    ]);
  });
});
