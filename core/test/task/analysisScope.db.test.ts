// An analysis scope narrows every analysis to a date range and order filters, and merges small
// segments into "Other", on the task's own connection; checked on a hand-made shop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import type { AnalysisScope } from '../../src/api/views.ts';
import { arrowFromBytes } from '../../src/db/arrow.ts';
import { queryRows } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { applyAnalysisScope } from '../../src/task/analysisScope.ts';
import { insertOrders } from '../helpers/fixtures.ts';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from '../retention/fixtureCore.ts';
import { SCOPE_SHOP } from './scopeShop.ts';

const FEB_MAR: AnalysisScope = { from: '2024-02-01', to: '2024-03-31' };

describe('analysis scope', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openFixtureCore(SCOPE_SHOP);
  });
  afterAll(async () => t.close());

  it('judges churn on the range as if it were the whole export', async () => {
    // Whole shop, as of Apr 5 10:00 with a 30-day window: only c3 (last Feb 3, 62 days) churned.
    const all = await t.client.churnSummary({ windowDays: 30 });
    expect([all.customers, all.churned, all.rule.asOf]).toEqual([6, 1, '2024-04-05T10:00:00.000Z']);
    // Feb 1 - Mar 31: orders 2, 3, 6, 7, 8, 9, so customers c1, c3, c4, c5; the data ends at c5's
    // Mar 31 23:30 order. c3: 57 days since Feb 3 -> churned; c1 (16), c4 (11), c5 (0) are not.
    const scoped = await t.client.churnSummary({ windowDays: 30, scope: FEB_MAR });
    expect([scoped.customers, scoped.churned, scoped.rule.asOf]).toEqual([4, 1, '2024-03-31T23:30:00.000Z']);
  });

  it('starts cohorts at the first order in range, not before it', async () => {
    const all = await t.client.cohortRetention({ period: 'month' });
    const sizes = (result: typeof all) => result.matrices[0]!.cohorts.map((row) => [row.cohort.slice(0, 7), row.size]);
    expect(sizes(all)).toEqual([['2024-01', 2], ['2024-02', 1], ['2024-03', 2], ['2024-04', 1]]);
    // In range c1's first order is Feb 10, so Feb holds c1 and c3, March c4 and c5.
    const scoped = await t.client.cohortRetention({ period: 'month', scope: FEB_MAR });
    expect(sizes(scoped)).toEqual([['2024-02', 2], ['2024-03', 2]]);
    // Of Feb's two, c1 buys again in March: 1/2 at k = 1.
    expect(scoped.matrices[0]!.cohorts[0]!.rates[1]).toBe(0.5);
  });

  it('keeps only the orders a filter names, and the tickets of their customers', async () => {
    // North orders: c1, c3, c6; data ends at c6's Apr 5 order; c3 churned (62 days).
    const north = await t.client.churnSummary({ windowDays: 30, scope: { where: [{ column: 'region', values: ['North'] }] } });
    expect([north.customers, north.churned]).toEqual([3, 1]);
    // Complaint rate: customers with a ticket / customers. Whole shop 2/6; Feb-Mar only t2 (c3) is dated in range: 1/4.
    const rate = (result: Awaited<ReturnType<typeof t.client.kpis>>) => result.kpis.find((kpi) => kpi.key === 'complaintRate');
    expect(rate(await t.client.kpis({ windowDays: 30 }))).toMatchObject({ numerator: 2, denominator: 6 });
    expect(rate(await t.client.kpis({ windowDays: 30, scope: FEB_MAR }))).toMatchObject({ numerator: 1, denominator: 4 });
    // South only: c2, whose Jan 25 ticket is dated outside Feb-Mar; with both, c2 has no order in range at all
    await expect(t.client.kpis({ windowDays: 30, scope: { ...FEB_MAR, where: [{ column: 'region', values: ['South'] }] } })).rejects.toMatchObject({
      code: 'E_NO_DATA',
      details: { reason: 'empty_scope' },
    });
  });

  it('merges segments beyond the top N, and groups under the minimum size, into one Other group computed on its customers', async () => {
    // Customers by region: North 3 (c1, c3, c6), South, West, East 1 each.
    const top1 = await t.client.survival({ windowDays: 30, segment: 'region', scope: { segmentTop: 1 } });
    expect(top1.curves.map((curve) => [curve.group, curve.subjects])).toEqual([['North', 3], ['Other', 3]]);
    const minTwo = await t.client.cohortRetention({ period: 'month', segment: 'region', scope: { minGroupSize: 2, otherLabel: '其他' } });
    expect(minTwo.matrices.map((matrix) => [matrix.segment, matrix.customers])).toEqual([['North', 3], ['其他', 3]]);
    // Other's curve is its own customers' (c2, c4, c5: churned none of them at 30 days as of Apr 5), not a sum of curves
    const other = top1.curves.find((curve) => curve.group === 'Other')!;
    expect(other.points.every((point) => point.survival === 1)).toBe(true);
    // Ranked within the range: Feb-Mar customers North 2 (c1, c3), West 1, East 1 -> top 2 keeps North and East (ties by name)
    const ranged = await t.client.survival({ windowDays: 30, segment: 'region', scope: { ...FEB_MAR, segmentTop: 2 } });
    expect(ranged.curves.map((curve) => [curve.group, curve.subjects])).toEqual([['North', 2], ['East', 1], ['Other', 1]]);
  });

  it('lists the customers of an Other cell like any group', async () => {
    // top 1 region: Other holds c2 (South), c4 (West) and c5 (East); of them, c2 starts in January and c4, c5 in March
    const members = async (cohort: string) =>
      arrowFromBytes(await t.client.cohortMembers({ cohort, k: 0, segment: 'region', segmentValue: 'Other', scope: { segmentTop: 1 } }))
        .toArray()
        .map((row) => String(row.customer_id))
        .sort();
    expect(await members('2024-01-01')).toEqual(['c2']);
    expect(await members('2024-03-01')).toEqual(['c4', 'c5']);
  });

  it('never changes the stored ticket reasons from a scoped run', async () => {
    await t.client.churnReasons({ windowDays: 30 });
    const before = await t.client.classifyTickets({});
    await t.client.churnReasons({ windowDays: 30, scope: FEB_MAR });
    const after = await t.client.classifyTickets({});
    // both tickets keep their stored rows: nothing is classified again and none was deleted
    expect(after.tickets).toBe(2);
    expect(after.classified).toBe(0);
    expect(after.perReason).toEqual(before.perReason);
  });

  it('refuses a range that ends before it starts, and a day that does not exist', async () => {
    await expect(t.client.kpis({ scope: { from: '2024-03-01', to: '2024-02-01' } })).rejects.toThrow(/scope\.to must not end before it starts/);
    await expect(t.client.kpis({ scope: { from: '2024-02-30' } })).rejects.toThrow(/scope\.from must be a day as YYYY-MM-DD/);
    await expect(t.client.kpis({ scope: { segmentTop: 0 } })).rejects.toBeInstanceOf(CoreError);
  });
});

describe('scope shadows on one connection', () => {
  it('DuckDB reads the temporary shadow first, also inside the workspace view customers, and only on that connection', async () => {
    const workspace = await Workspace.open(':memory:', { threads: 1 });
    try {
      await workspace.withConnection((connection) => insertOrders(connection, SCOPE_SHOP.orders));
      const scoped = await workspace.connect();
      try {
        await applyAnalysisScope(scoped, FEB_MAR);
        const count = (connection: typeof scoped, sql: string) => queryRows(connection, sql).then((rows) => rows[0]!.n);
        expect(await count(scoped, 'SELECT count(*) AS n FROM orders')).toBe(6);
        // customers is a view of the workspace over orders: it sees the shadow, c1 c3 c4 c5
        expect(await count(scoped, 'SELECT count(*) AS n FROM customers')).toBe(4);
        await workspace.withConnection(async (other) => {
          expect(await count(other, 'SELECT count(*) AS n FROM orders')).toBe(10);
          expect(await count(other, 'SELECT count(*) AS n FROM customers')).toBe(6);
        });
      } finally {
        workspace.release(scoped);
      }
    } finally {
      await workspace.close();
    }
  });
});
