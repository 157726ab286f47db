import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { CUSTOMER_STATUS_SQL, customerStatusParams, resolveChurnRule } from '../../src/analysis/activity.ts';
import { queryRows } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { insertOrders } from '../helpers/fixtures.ts';

describe('activity and churn status', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await Workspace.open(':memory:', { threads: 1 });
    await workspace.withConnection((c) =>
      insertOrders(c, [
        // c1: purchase days Jan 1, Jan 11, Jan 31 -> gaps 10 and 20
        { order_id: '1', customer_id: 'c1', ordered_at: '2024-01-01 09:00:00' },
        { order_id: '2', customer_id: 'c1', ordered_at: '2024-01-11 09:00:00' },
        { order_id: '3', customer_id: 'c1', ordered_at: '2024-01-31 18:00:00' },
        // c2: Jan 5 and Mar 5 -> gap 60; the cancelled Mar 20 order is not activity but sets the data's end
        { order_id: '4', customer_id: 'c2', ordered_at: '2024-01-05 10:00:00' },
        { order_id: '5', customer_id: 'c2', ordered_at: '2024-03-05 10:00:00' },
        { order_id: '6', customer_id: 'c2', ordered_at: '2024-03-20 12:00:00', status: 'cancelled' },
        // c3: one purchase
        { order_id: '7', customer_id: 'c3', ordered_at: '2024-02-01 08:00:00' },
        // c4: two orders on Mar 1 count as one purchase day, then Mar 4 -> gap 3
        { order_id: '8', customer_id: 'c4', ordered_at: '2024-03-01 08:00:00' },
        { order_id: '9', customer_id: 'c4', ordered_at: '2024-03-01 20:00:00' },
        { order_id: '10', customer_id: 'c4', ordered_at: '2024-03-04 08:00:00' },
      ]),
    );
  });
  afterEach(async () => workspace.close());

  it('derives the default window as the rounded-up P90 of repeat gaps', async () => {
    // gaps sorted 3, 10, 20, 60; quantile_cont position 0.9 * 3 = 2.7 -> 20 + 0.7 * 40 = 48
    const rule = await workspace.withConnection((c) => resolveChurnRule(c));
    expect(rule).toEqual({ windowDays: 48, windowSource: 'p90', asOf: '2024-03-20T12:00:00.000Z', statuses: ['completed'], repeatCustomers: 3 });
  });

  it('marks churned only beyond the window and censors the rest', async () => {
    const rows = await workspace.withConnection(async (c) => {
      const rule = await resolveChurnRule(c);
      return queryRows(c, `SELECT customer_id, orders, purchase_days, days_since_last, churned, churn_at FROM (${CUSTOMER_STATUS_SQL}) ORDER BY customer_id`, customerStatusParams(rule));
    });
    // as of Mar 20: c1 last Jan 31 -> 49 days > 48 churned on Jan 31 + 48 = Mar 19; c3 exactly 48 -> censored
    expect(rows).toEqual([
      { customer_id: 'c1', orders: 3, purchase_days: 3, days_since_last: 49, churned: true, churn_at: '2024-03-19T00:00:00.000Z' },
      { customer_id: 'c2', orders: 2, purchase_days: 2, days_since_last: 15, churned: false, churn_at: null },
      { customer_id: 'c3', orders: 1, purchase_days: 1, days_since_last: 48, churned: false, churn_at: null },
      { customer_id: 'c4', orders: 3, purchase_days: 2, days_since_last: 16, churned: false, churn_at: null },
    ]);
  });

  it('honours a chosen window, date and statuses', async () => {
    const rule = await workspace.withConnection((c) => resolveChurnRule(c, { windowDays: 10, asOf: '2024-02-15', statuses: ['completed', 'cancelled'] }));
    expect(rule).toMatchObject({ windowDays: 10, windowSource: 'user', asOf: '2024-02-15', repeatCustomers: null });
    const rows = await workspace.withConnection((c) =>
      queryRows(c, `SELECT customer_id, churned FROM (${CUSTOMER_STATUS_SQL}) ORDER BY customer_id`, customerStatusParams(rule)),
    );
    // as of Feb 15 only orders up to then count: c1 (15 days) churned, c2 (41) churned, c3 (14) churned; c4 has none yet
    expect(rows).toEqual([
      { customer_id: 'c1', churned: true },
      { customer_id: 'c2', churned: true },
      { customer_id: 'c3', churned: true },
    ]);
  });

  it('refuses bad options with E_ARGS', async () => {
    const error = await workspace.withConnection((c) => resolveChurnRule(c, { windowDays: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_ARGS');
  });
});
