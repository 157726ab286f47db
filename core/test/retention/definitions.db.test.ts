// README "How the numbers are defined", one hand-computed fixture per definition: customer, order,
// activity, repeat, churn (calendar days), censoring, credit notes, every KPI, the on-or-after base.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiKey, KpisResult } from '../../src/api/retention.ts';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from './fixtureCore.ts';

// a: two orders on Jan 10 (one purchase day: not a repeat customer)
// b: Jan 5 and Feb 5 (two purchase days: a repeat customer); a credit note of 5 on Feb 20
// c: only a cancelled order (not a customer)
// d: Mar 1 23:30, 40 with a partial refund of 10; 30 calendar days before the data's end (Mar 31)
// e: only a credit note of 15 (not a customer); f: only a ticket (not a customer)
// h: only a refunded order of 25 (not a customer)
// g: a pending order on Mar 31 12:00, the data's last order: the evaluation time
const ORDERS = [
  { order_id: 'a1', customer_id: 'a', ordered_at: '2024-01-10 09:00:00', amount: 10 },
  { order_id: 'a2', customer_id: 'a', ordered_at: '2024-01-10 18:00:00', amount: 20 },
  { order_id: 'b1', customer_id: 'b', ordered_at: '2024-01-05 09:00:00', amount: 30 },
  { order_id: 'b2', customer_id: 'b', ordered_at: '2024-02-05 09:00:00', amount: 10 },
  { order_id: 'c1', customer_id: 'c', ordered_at: '2024-01-20 09:00:00', amount: 50, status: 'cancelled' as const },
  { order_id: 'd1', customer_id: 'd', ordered_at: '2024-03-01 23:30:00', amount: 40, refund_amount: 10 },
  { order_id: 'h1', customer_id: 'h', ordered_at: '2024-01-31 23:00:00', amount: 25, status: 'refunded' as const },
  { order_id: 'g1', customer_id: 'g', ordered_at: '2024-03-31 12:00:00', amount: 60, status: 'pending' as const },
];
const CREDIT_NOTES = `INSERT INTO credit_notes VALUES ('C1', 'b', '2024-02-20 10:00:00', 5, 0), ('C2', 'e', '2024-02-10 10:00:00', 15, 0)`;

describe('how the numbers are defined', () => {
  let t: TestCore;
  let result: KpisResult;
  const kpi = (key: KpiKey) => {
    const found = result.kpis.find((item) => item.key === key)!;
    return [found.numerator, found.denominator, found.value];
  };
  beforeAll(async () => {
    t = await openFixtureCore({ orders: ORDERS, tickets: [{ ticket_id: 't1', customer_id: 'f', created_at: '2024-02-01 10:00:00' }], statements: [{ sql: CREDIT_NOTES }] });
    result = await t.client.kpis({ windowDays: 30 });
  });
  afterAll(async () => t.close());

  it('a customer is an id with a completed order: info and the analyses count the same 3 (a, b, d)', async () => {
    expect(kpi('customers')).toEqual([3, null, 3]);
    expect((await t.client.describeWorkspace({})).customers).toBe(3);
    expect((await t.client.churnSummary({ windowDays: 30 })).customers).toBe(3);
  });

  it('the evaluation time is the last order of any status (g\'s pending order), or --as-of; activity is completed orders up to it', async () => {
    expect(result.options.asOf).toBe('2024-03-31T12:00:00.000Z');
    // As of Feb 1: a and b have completed orders by then; d's comes later
    const early = await t.client.kpis({ windowDays: 30, asOf: '2024-02-01' });
    expect(early.kpis.find((item) => item.key === 'customers')!.value).toBe(2);
    // Counting refunded orders as activity too makes h a customer
    const withRefunds = await t.client.kpis({ windowDays: 30, statuses: ['completed', 'refunded'] });
    expect(withRefunds.kpis.find((item) => item.key === 'customers')!.value).toBe(4);
  });

  it('a repeat customer bought on 2 or more different days: a (two orders, one day) is not, b is', () => {
    expect(kpi('repeatPurchaseRate')).toEqual([1, 3, 1 / 3]);
  });

  it('churn counts calendar days from the day of the last activity: d (Mar 1 23:30, 30 days) is censored at 30 and churned at 29', async () => {
    const at30 = await t.client.churnSummary({ windowDays: 30 });
    expect([at30.churned, at30.censored]).toEqual([2, 1]); // a, b churned; d too recent to judge
    const at29 = await t.client.churnSummary({ windowDays: 29 });
    expect([at29.churned, at29.censored]).toEqual([3, 0]);
  });

  it('the churn rate is per period (the latest whose customers can all be judged), not the churned share', () => {
    // Jan: a and b active, a's last month (churned): 1 of 2. Feb: b active and churned: 1 of 1. Mar: d censored, no rate.
    expect(kpi('churnRate')).toEqual([1, 1, 1]);
    expect(result.kpis.find((item) => item.key === 'churnRate')!.formula).toContain('2024-02-01');
    expect(result.kpis.find((item) => item.key === 'churnRate')!.formula).toContain('30 calendar days');
  });

  it('orders: credit notes are not orders; refunds count refunded orders, partial refunds and credit notes', () => {
    // orders a1 a2 b1 b2 c1 d1 h1 g1 = 8, completed a1 a2 b1 b2 d1 = 5
    expect(kpi('orderCompletionRate')).toEqual([5, 8, 5 / 8]);
    // refunds: h1, d1 and credit notes C1, C2 = 4; paid (completed or refunded) = 6
    expect(kpi('refundRateOrders')).toEqual([4, 6, 4 / 6]);
    // money back: d1 10 + h1 25 (whole) + 5 + 15 = 55; paid amount 10 + 20 + 30 + 10 + 40 + 25 = 135
    expect(kpi('refundRateAmount')).toEqual([55, 135, 55 / 135]);
  });

  it('revenue is the amount of completed orders; per customer and per order', () => {
    expect(kpi('revenuePerCustomer')).toEqual([110, 3, 110 / 3]);
    expect(kpi('averageOrderValue')).toEqual([110, 5, 22]);
  });

  it('complaints are customers with a ticket: f wrote one but is no customer', () => {
    expect(kpi('complaintRate')).toEqual([0, 3, 0]);
  });

  it('on-or-after revenue is relative to the cohort revenue to date (its period 0 or later)', async () => {
    const cohorts = await t.client.cohortRetention({ mode: 'on-or-after', metric: 'revenue' });
    const january = cohorts.matrices[0]!.cohorts.find((row) => row.cohort === '2024-01-01')!;
    // a 10 + 20 and b 30 in January, b 10 in February, nothing in March: 70, 10, 0
    expect(january.values).toEqual([70, 10, 0]);
    expect(january.rates).toEqual([1, 10 / 70, 0]);
    // Partial periods are judged by calendar day: the data ends on March 31 (at 12:00), March's last day, so March is complete
    expect(january.partialK).toBeNull();
    const earlier = await t.client.cohortRetention({ mode: 'on-or-after', metric: 'revenue', asOf: '2024-03-30 23:59:59' });
    expect(earlier.matrices[0]!.cohorts.find((row) => row.cohort === '2024-01-01')!.partialK).toBe(2);
  });
});
