// Each customer's order mix (customer_order_mix, kept by the import), by hand: what the drivers' shares
// of discounted and refunded orders, days to payment and the reasons' revenue at stake are read from,
// the stored table and the same SQL over the orders alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityParams } from '../../src/analysis/activity.ts';
import { driverSubjects } from '../../src/analysis/drivers.ts';
import { orderMixRelation } from '../../src/analysis/orderMix.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { queryRows } from '../../src/db/sql.ts';
import { IN_MEMORY, Workspace } from '../../src/db/workspace.ts';
import { rebuildSummaries } from '../../src/db/summaries.ts';
import { summariesAndOrders } from '../customers/bothWays.ts';

// x: last activity 2024-03-01 12:00, so its 12 months start after 2023-03-01 12:00: x2 at that very
//    time is out, x4 a second later is in. Orders 7; refunded x5 (status) and x6 (refund amount);
//    activity x1 x2 x3 x4 x6; discounted x1 x6; paid at or after ordering x1 (90 min) and x2 (1 day),
//    x4 paid before it was placed does not count; revenue of the 12 months x3 20 + x4 7 + x6 10 = 37.
// y: a pending order only, no activity: no row. z: one completed order without amount or payment.
const ORDERS = `
  INSERT INTO orders (order_id, customer_id, ordered_at, paid_at, amount, discount, refund_amount, status, source_id) VALUES
    ('x1', 'x', '2023-01-10 09:00:00', '2023-01-10 10:30:00', 100, 5, NULL, 'completed', 0),
    ('x2', 'x', '2023-03-01 12:00:00', '2023-03-02 12:00:00', 50, 0, NULL, 'completed', 0),
    ('x3', 'x', '2024-03-01 12:00:00', NULL, 20, NULL, NULL, 'completed', 0),
    ('x4', 'x', '2023-03-01 12:00:01', '2023-03-01 11:00:00', 7, NULL, NULL, 'completed', 0),
    ('x5', 'x', '2024-02-01 08:00:00', NULL, 30, NULL, NULL, 'refunded', 0),
    ('x6', 'x', '2023-06-01 08:00:00', NULL, 10, 2, 4, 'completed', 0),
    ('x7', 'x', '2024-04-01 08:00:00', NULL, 99, NULL, NULL, 'cancelled', 0),
    ('y1', 'y', '2024-02-01 08:00:00', NULL, 15, NULL, NULL, 'pending', 0),
    ('z1', 'z', '2024-01-01 08:00:00', NULL, NULL, NULL, NULL, 'completed', 0)`;

describe('the order mix of each customer', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 1, memoryLimit: '1GB' });
    await workspace.withConnection(async (connection) => {
      await connection.run(ORDERS);
      await rebuildSummaries(connection);
    });
  });
  afterAll(async () => workspace.close());

  const byHand = [
    { customer_id: 'x', orders: 7, refunded_orders: 2, activity_orders: 5, discounted_orders: 2, paid_orders: 2, paid_minutes: 1530, revenue_last_year: 37 },
    { customer_id: 'z', orders: 1, refunded_orders: 0, activity_orders: 1, discounted_orders: 0, paid_orders: 0, paid_minutes: null, revenue_last_year: 0 },
  ];

  it('is stored by hand, and the same SQL over the orders agrees', async () => {
    await workspace.withConnection(async (connection) => {
      expect(await queryRows(connection, 'SELECT * FROM customer_order_mix ORDER BY customer_id')).toEqual(byHand);
      const fromOrders = await queryRows(
        connection,
        `SELECT * FROM ${orderMixRelation(false, '(SELECT customer_id, last_at FROM customer_summary)')} ORDER BY customer_id`,
        activityParams({ statuses: ['completed'], asOf: '2024-04-01 08:00:00' }),
      );
      expect(fromOrders).toEqual(byHand);
    });
  });

  it('gives the drivers their shares and days to payment, from the summary and from the orders', async () => {
    await workspace.withConnection(async (connection) => {
      const runs = await summariesAndOrders(connection, () =>
        driverSubjects(connection, bundledTaxonomy(), { windowDays: 30, covariates: ['discountShare', 'refundShare', 'deliveryDays'] }),
      );
      for (const subjects of [runs.summaries, runs.orders]) {
        expect(subjects.customerIds).toEqual(['x', 'z']);
        expect(Array.from(subjects.values.get('discountShare') as Float64Array)).toEqual([2 / 5, 0]);
        expect(Array.from(subjects.values.get('refundShare') as Float64Array)).toEqual([2 / 7, 0]);
        expect(Array.from(subjects.values.get('deliveryDays') as Float64Array)).toEqual([1530 / 1440 / 2, Number.NaN]);
      }
    });
  });

  it('counts orders of any status up to an earlier evaluation date from the orders, not the stored mix', async () => {
    // as of 2024-03-15: x7 (cancelled, Apr 1) is not yet there, so x has 6 orders, 2 of them refunded
    const subjects = await workspace.withConnection((connection) =>
      driverSubjects(connection, bundledTaxonomy(), { windowDays: 30, asOf: '2024-03-15 00:00:00', covariates: ['refundShare'] }),
    );
    expect(Array.from(subjects.values.get('refundShare') as Float64Array)).toEqual([2 / 6, 0]);
  });
});
