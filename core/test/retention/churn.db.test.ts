// Churn summary on the hand-checked shop (shop.ts) with a 30-day window, and the P90 default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from './fixtureCore.ts';
import { SHOP_ORDERS } from './shop.ts';

describe('churnSummary on the hand-checked shop', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openFixtureCore({ orders: SHOP_ORDERS });
  });
  afterAll(async () => t.close());

  it('derives the default window from the P90 of repeat gaps and reports it', async () => {
    // Gaps between purchase days: a 36 (Jan 5-Feb 10), 51 (Feb 10-Apr 1); b 5; c 44; d 29; f 15.
    // Sorted 5 15 29 36 44 51: position 0.9 * 5 = 4.5 -> 44 + 0.5 * 7 = 47.5 -> 48 days, from 5 repeat customers.
    const result = await t.client.churnSummary({});
    expect(result.rule).toEqual({ windowDays: 48, windowSource: 'p90', asOf: '2024-04-20T12:00:00.000Z', statuses: ['completed'], repeatCustomers: 5 });
    expect(result.options).toEqual({ period: 'month', statuses: ['completed'], asOf: '2024-04-20T12:00:00.000Z' });
  });

  it('judges customers and counts the lifecycle per month', async () => {
    // Window 30 days, judged on Apr 20. Days since the last purchase and churn date (last + 30):
    //   a Apr 1: 19 -> censored.  b Jan 25: 86 -> churned Feb 24.  c Mar 15: 36 -> churned Apr 14.
    //   d Mar 1: 50 -> churned Mar 31.  e Feb 29: 51 -> churned Mar 30.  f Apr 15: 5 -> censored.
    const result = await t.client.churnSummary({ windowDays: 30 });
    expect([result.customers, result.churned, result.censored]).toEqual([6, 4, 2]);
    expect(result.rule.windowSource).toBe('user');
    expect(result.periods).toEqual([
      // Jan: a b c new; b's last purchase is here and b churned: 1/3
      { period: '2024-01-01', partial: false, active: 3, new: 3, returning: 0, resurrected: 0, churned: 0, churnedAfter: 1, censored: 0, churnRate: 1 / 3 },
      // Feb: d e new, a returning (Jan too); b's churn date Feb 24; e's last purchase, churned
      { period: '2024-02-01', partial: false, active: 3, new: 2, returning: 1, resurrected: 0, churned: 1, churnedAfter: 1, censored: 0, churnRate: 1 / 3 },
      // Mar: f new, d returning, c resurrected (Jan, not Feb); churn dates of e (Mar 30) and d (Mar 31); c, d last here, both churned
      { period: '2024-03-01', partial: false, active: 3, new: 1, returning: 1, resurrected: 1, churned: 2, churnedAfter: 2, censored: 0, churnRate: 2 / 3 },
      // Apr (partial): f returning, a resurrected (Feb, not Mar); c's churn date Apr 14; a and f last here, too recent: rate null
      { period: '2024-04-01', partial: true, active: 2, new: 0, returning: 1, resurrected: 1, churned: 1, churnedAfter: 0, censored: 2, churnRate: null },
    ]);
  });

  it('quarters: the whole shop starts in Q1', async () => {
    // Q1: active a b c d e f; last purchase in Q1: b c d e, all churned -> 4/6. Q2 (partial): a f, both censored.
    const result = await t.client.churnSummary({ windowDays: 30, period: 'quarter' });
    expect(result.periods.map((row) => [row.period, row.active, row.churnedAfter, row.censored, row.churnRate])).toEqual([
      ['2024-01-01', 6, 4, 0, 4 / 6],
      ['2024-04-01', 2, 0, 2, null],
    ]);
  });

  it('keeps weeks without activity as zero rows', async () => {
    // Weeks from Mon Jan 1 to the week of Apr 15 (partial): 16 rows. Nobody buys from Jan 6 to Jan 19:
    // the week of Jan 8 is all zeros and has no rate.
    const result = await t.client.churnSummary({ windowDays: 30, period: 'week' });
    expect(result.periods).toHaveLength(16);
    expect(result.periods[1]).toEqual({
      period: '2024-01-08', partial: false, active: 0, new: 0, returning: 0, resurrected: 0, churned: 0, churnedAfter: 0, censored: 0, churnRate: null,
    });
    // b's churn date Feb 24 (Saturday) is in the week of Feb 19
    expect(result.periods.find((row) => row.period === '2024-02-19')!.churned).toBe(1);
  });
});
