// KPIs on the hand-checked shop (shop.ts): each value, numerator and denominator computed by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiKey, KpisResult } from '../../src/api/retention.ts';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from './fixtureCore.ts';
import { SHOP_ORDERS, SHOP_TICKETS } from './shop.ts';

describe('kpis on the hand-checked shop', () => {
  let t: TestCore;
  let result: KpisResult;
  beforeAll(async () => {
    t = await openFixtureCore({ orders: SHOP_ORDERS, tickets: SHOP_TICKETS });
    result = await t.client.kpis({ windowDays: 30, lorenzPoints: 3 });
  });
  afterAll(async () => t.close());
  const kpi = (key: KpiKey) => {
    const found = result.kpis.find((item) => item.key === key)!;
    return [found.numerator, found.denominator, found.value];
  };

  it('states the options and a formula for every KPI', () => {
    expect(result.options).toEqual({ period: 'month', paretoShare: 0.2, lowRatingAtMost: 2, lorenzPoints: 3, statuses: ['completed'], asOf: '2024-04-20T12:00:00.000Z' });
    expect(result.kpis.map((item) => item.key)).toEqual([
      'customers',
      'repeatPurchaseRate',
      'retentionRate',
      'churnRate',
      'orderCompletionRate',
      'refundRateOrders',
      'refundRateAmount',
      'complaintRate',
      'averageRating',
      'lowRatingShare',
      'revenuePerCustomer',
      'averageOrderValue',
      'topRevenueShare',
      'gini',
    ]);
    for (const item of result.kpis) expect(item.formula.length, item.key).toBeGreaterThan(20);
    // The evaluation time as a reader writes it, not as JSON does.
    expect(result.kpis.find((item) => item.key === 'orderCompletionRate')!.formula).toBe('orders with status completed / all orders up to 2024-04-20 12:00 (credit notes are not orders)');
  });

  it('customer rates', () => {
    // a b c d e f; all but e bought on 2+ different days
    expect(kpi('customers')).toEqual([6, null, 6]);
    expect(kpi('repeatPurchaseRate')).toEqual([5, 6, 5 / 6]);
    // last complete month March vs February: active in Feb {a, d, e}, of whom d is active in March
    expect(kpi('retentionRate')).toEqual([1, 3, 1 / 3]);
    // latest month whose customers can all be judged (30 days): March, 2 of 3 never came back (c, d)
    expect(kpi('churnRate')).toEqual([2, 3, 2 / 3]);
    expect(result.kpis.find((item) => item.key === 'churnRate')!.formula).toContain('2024-03-01');
  });

  it('order rates', () => {
    // 15 orders, 12 completed. Paid = completed + refunded = 13; refunded b3 and c2 (refund_amount 5): 2.
    // Amount: completed 60 + 20 + 50 + 20 + 10 + 20 = 180, plus the refunded 40 = 220; refunds 40 + 5 = 45.
    expect(kpi('orderCompletionRate')).toEqual([12, 15, 12 / 15]);
    expect(kpi('refundRateOrders')).toEqual([2, 13, 2 / 13]);
    expect(kpi('refundRateAmount')).toEqual([45, 220, 45 / 220]);
  });

  it('tickets: complaints of active customers, ratings up to the end', () => {
    // a and c wrote tickets (zzz is no customer, e's ticket comes after the end): 2 of 6
    expect(kpi('complaintRate')).toEqual([2, 6, 2 / 6]);
    // ratings 5, 1, 2 (t5 is after the end): mean 8/3, low (<= 2) 2 of 3
    expect(kpi('averageRating')).toEqual([8, 3, 8 / 3]);
    expect(kpi('lowRatingShare')).toEqual([2, 3, 2 / 3]);
  });

  it('revenue, Pareto and Lorenz', () => {
    // Revenue per customer: a 60, b 20, c 50, d 20, e 10, f 20 = 180 over 6
    expect(kpi('revenuePerCustomer')).toEqual([180, 6, 30]);
    // Average order value: 180 over the 12 completed orders (a 3, b 2, c 2, d 2, e 1, f 2)
    expect(kpi('averageOrderValue')).toEqual([180, 12, 15]);
    // top 20% of 6 = ceil(1.2) = 2 customers: a 60 + c 50 = 110
    expect(kpi('topRevenueShare')).toEqual([110, 180, 110 / 180]);
    // ascending e 10, b 20, d 20, f 20, c 50, a 60; Σ (2i - 7) x = -50 - 60 - 20 + 20 + 150 + 300 = 340, the
    // Gini 340 / (6 * 180). Stated as the average revenue gap between two customers (the 36 pairs' gaps
    // |x_i - x_j| add up to 680 = 2 * 340: 680 / 36 = 18.89) over twice the revenue per customer (60)
    const [gap, twiceRevenuePerCustomer, gini] = kpi('gini');
    expect(gap).toBeCloseTo(680 / 36, 12);
    expect(twiceRevenuePerCustomer).toBe(60);
    expect(gini).toBeCloseTo(340 / 1080, 12);
    // 3 points: ranks 2, 4, 6: cumulative 30, 70, 180
    expect(result.lorenz).toEqual([
      { customers: 0, revenue: 0 },
      { customers: 2 / 6, revenue: 30 / 180 },
      { customers: 4 / 6, revenue: 70 / 180 },
      { customers: 1, revenue: 1 },
    ]);
  });

  it('Lorenz points inside one revenue and more points than customers; the top group cut inside a revenue', async () => {
    // 10 points over 6 customers: ranks ceil(6j / 10) = 1, 2, 2, 3, 3, 4, 5, 5, 6, 6, so each rank once;
    // ranks 2-4 all spent 20 (b, d, f): cumulative 10, 30, 50, 70, 120, 180
    const fine = await t.client.kpis({ windowDays: 30, lorenzPoints: 10, paretoShare: 0.5 });
    expect(fine.lorenz).toEqual([0, 10, 30, 50, 70, 120, 180].map((revenue, rank) => ({ customers: rank / 6, revenue: revenue / 180 })));
    // top half: 3 customers, a 60 + c 50 and one of the three at 20; the 3 ranks below hold 10 + 20 + 20
    const top = fine.kpis.find((item) => item.key === 'topRevenueShare')!;
    expect([top.numerator, top.denominator]).toEqual([130, 180]);
    // every customer in the top group: nothing below it
    const all = await t.client.kpis({ windowDays: 30, lorenzPoints: 1, paretoShare: 0.99 });
    expect(all.kpis.find((item) => item.key === 'topRevenueShare')!.numerator).toBe(180);
    expect(all.lorenz).toEqual([
      { customers: 0, revenue: 0 },
      { customers: 1, revenue: 1 },
    ]);
  });
});

describe('kpis without tickets', () => {
  let t: TestCore;
  afterAll(async () => t?.close());

  it('leaves the complaint rate unknown, not 0%, and says what it needs', async () => {
    t = await openFixtureCore({ orders: SHOP_ORDERS });
    const result = await t.client.kpis({ windowDays: 30 });
    const complaints = result.kpis.find((item) => item.key === 'complaintRate')!;
    expect([complaints.numerator, complaints.denominator, complaints.value]).toEqual([null, 6, null]);
    expect(complaints.formula).toBe('needs tickets: the workspace has none up to the evaluation date; import a tickets export');
    expect(result.formulaTerms.tickets).toBe(0);
  });
});

describe('kpis with tickets that name no customer', () => {
  let t: TestCore;
  afterAll(async () => t?.close());

  it('leaves the complaint rate unknown, not 0%, and says the tickets need their customer column', async () => {
    t = await openFixtureCore({
      orders: SHOP_ORDERS,
      statements: [{ sql: `INSERT INTO tickets (ticket_id, customer_id, created_at, body, source_id) VALUES ('T1', NULL, TIMESTAMP '2024-01-10', '物流太慢', 0), ('T2', NULL, TIMESTAMP '2024-01-11', '质量差', 0)` }],
    });
    const result = await t.client.kpis({ windowDays: 30 });
    const complaints = result.kpis.find((item) => item.key === 'complaintRate')!;
    expect([complaints.numerator, complaints.denominator, complaints.value]).toEqual([null, 6, null]);
    expect(complaints.formula).toBe('needs tickets that name their customer: none of the 2 tickets does; import them again with their customer column mapped');
    expect([result.formulaTerms.tickets, result.formulaTerms.linkedTickets]).toEqual([2, 0]);
  });
});

describe('kpis when no churn window can be derived', () => {
  let t: TestCore;
  afterAll(async () => t?.close());

  it('leaves the churn rate unknown with the fix and computes every other KPI', async () => {
    // one order each (no customer buys on two days), one of them cancelled: no window from gaps
    t = await openFixtureCore({
      orders: [
        { order_id: 'o1', customer_id: 'a', ordered_at: '2024-01-05 10:00:00', amount: 30 },
        { order_id: 'o2', customer_id: 'b', ordered_at: '2024-02-10 10:00:00', amount: 50 },
        { order_id: 'o3', customer_id: 'c', ordered_at: '2024-03-15 10:00:00', amount: 20, status: 'cancelled' },
      ],
    });
    const result = await t.client.kpis({});
    const kpi = (key: KpiKey) => result.kpis.find((item) => item.key === key)!;
    expect(result.rule).toBeNull();
    expect([kpi('churnRate').value, kpi('churnRate').formula]).toEqual([
      null,
      'needs a churn window: no customer bought on two different days, so none can be derived from the gaps between purchases; choose one (--window-days, or the Churn window field)',
    ]);
    // a and b completed 2 of 3 orders; revenue 80 over 2 customers and 2 orders
    expect([kpi('customers').value, kpi('orderCompletionRate').value, kpi('averageOrderValue').value, kpi('repeatPurchaseRate').value]).toEqual([2, 2 / 3, 40, 0]);
    // a window given still judges churn
    expect((await t.client.kpis({ windowDays: 10 })).rule).toMatchObject({ windowDays: 10, windowSource: 'user' });
  });
});
