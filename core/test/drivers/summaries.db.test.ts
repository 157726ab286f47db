// Drivers, surveys and churn reasons take each customer's churn status (and the drivers their first
// order's channel, region and category) from the import's summaries when they hold the rule's
// activity: every number is the same as when they read the orders, on generated orders with
// several on one day, ties in time, missing segment values and other statuses, with tickets and
// survey answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churnReasons } from '../../src/analysis/churnReasons.ts';
import { churnDrivers, driverSubjects } from '../../src/analysis/drivers.ts';
import { classifyTickets } from '../../src/analysis/reasonTickets.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { surveys } from '../../src/analysis/surveys.ts';
import { queryRows } from '../../src/db/sql.ts';
import { IN_MEMORY, Workspace } from '../../src/db/workspace.ts';
import { expectSame, summariesAndOrders } from '../customers/bothWays.ts';

/** 250 customers over a year; a quarter of the orders share their customer's day, a tenth share a second with another order. */
const ORDERS_SQL = `
  INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status, channel, region, category, source_id)
  SELECT 'o' || lpad(CAST(i AS VARCHAR), 4, '0'), 'c' || (hash(i, 1) % 250),
         TIMESTAMP '2023-06-01' + to_days(CAST(CASE WHEN hash(i, 2) % 4 = 0 THEN hash(hash(i, 1) % 250) % 365 ELSE hash(i, 3) % 365 END AS INTEGER))
           + to_minutes(CAST(CASE WHEN hash(i, 4) % 10 = 0 THEN 0 ELSE hash(i, 5) % 900 END AS INTEGER)),
         [9.9, 12.5, 20, 35.25, 80.1, 150][1 + CAST(hash(i, 6) % 6 AS INTEGER)],
         CASE WHEN hash(i, 7) % 3 = 0 THEN 5 ELSE 0 END,
         ['completed', 'completed', 'completed', 'completed', 'cancelled', 'completed', 'refunded', 'completed'][1 + CAST(hash(i, 8) % 8 AS INTEGER)],
         ['app', 'web', '小程序', NULL][1 + CAST(hash(i, 9) % 4 AS INTEGER)],
         ['广东', '浙江', NULL][1 + CAST(hash(i, 10) % 3 AS INTEGER)],
         ['服装', '数码', '家居', NULL][1 + CAST(hash(i, 11) % 4 AS INTEGER)],
         0
  FROM range(2000) t(i)`;

const TICKETS_SQL = `
  INSERT INTO tickets (ticket_id, customer_id, created_at, subject, rating, source_id)
  SELECT 't' || i, 'c' || (hash(i, 21) % 250), TIMESTAMP '2023-06-01' + to_days(CAST(hash(i, 22) % 380 AS INTEGER)),
         ['物流太慢了，一直没到', '质量很差，用了两天就坏了', '价格比别家贵', '客服态度不好', 'where is my parcel'][1 + CAST(hash(i, 23) % 5 AS INTEGER)],
         1 + CAST(hash(i, 24) % 5 AS INTEGER), 0
  FROM range(400) t(i)`;

const SURVEYS_SQL = `
  INSERT INTO surveys (survey_id, customer_id, responded_at, csat, nps, comment, source_id)
  SELECT 's' || i, 'c' || (hash(i, 31) % 250), TIMESTAMP '2023-06-01' + to_days(CAST(hash(i, 32) % 380 AS INTEGER)),
         1 + CAST(hash(i, 33) % 5 AS INTEGER), CAST(hash(i, 34) % 11 AS INTEGER), ['太贵了', '物流慢', NULL][1 + CAST(hash(i, 35) % 3 AS INTEGER)], 0
  FROM range(300) t(i)`;

describe('drivers, surveys and churn reasons from the summaries and from the orders', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 2, memoryLimit: '1GB' });
    await workspace.withConnection(async (connection) => {
      await connection.run(ORDERS_SQL);
      await connection.run(TICKETS_SQL);
      await connection.run(SURVEYS_SQL);
      await classifyTickets(connection, bundledTaxonomy());
    });
  });
  afterAll(async () => workspace.close());

  it('churn drivers: the same subjects, first-order segments and fit', async () => {
    await workspace.withConnection(async (connection) => {
      for (const options of [{}, { windowDays: 45, covariates: ['channel', 'region', 'category', 'discountShare'] }]) {
        const runs = await summariesAndOrders(connection, () => churnDrivers(connection, bundledTaxonomy(), options));
        expectSame(runs.summaries, runs.orders, `drivers ${JSON.stringify(options)}`);
        expect(runs.summaries.subjects).toBeGreaterThan(200);
      }
    });
  });

  it('churn drivers: a draw of 50 of about 240 customers is the 50 smallest hashes, from the summaries and from the orders', async () => {
    await workspace.withConnection(async (connection) => {
      // every customer sorted by (hash, id), independently of the bound the draw filters by first
      const smallest = (await queryRows<{ customer_id: string }>(connection, 'SELECT customer_id FROM customer_summary ORDER BY hash(customer_id), customer_id LIMIT 50'))
        .map((row) => row.customer_id)
        .sort();
      const options = { windowDays: 45, covariates: ['channel', 'discountShare', 'refundShare'] };
      const runs = await summariesAndOrders(connection, () => driverSubjects(connection, bundledTaxonomy(), options, { maxSubjects: 50 }));
      expect(runs.summaries.sampledFrom).toBeGreaterThan(200);
      expect(runs.summaries.customerIds).toEqual(smallest);
      expectSame(runs.summaries, runs.orders, 'drawn subjects');
    });
  });

  it('surveys: the same churn and survival by NPS group', async () => {
    await workspace.withConnection(async (connection) => {
      const runs = await summariesAndOrders(connection, () => surveys(connection, bundledTaxonomy(), { windowDays: 30 }));
      expectSame(runs.summaries, runs.orders, 'surveys');
      expect(runs.summaries.byNpsGroup.reduce((sum, group) => sum + group.churned, 0)).toBeGreaterThan(20);
    });
  });

  it('churn reasons: the same attribution of tickets to churned and retained customers', async () => {
    await workspace.withConnection(async (connection) => {
      const runs = await summariesAndOrders(connection, () => churnReasons(connection, bundledTaxonomy(), {}));
      expectSame(runs.summaries, runs.orders, 'churn reasons');
      expect(runs.summaries.judgedCustomers).toBeGreaterThan(200);
      expect(runs.summaries.churnedWithTickets).toBeGreaterThan(20);
    });
  });
});
