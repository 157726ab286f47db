// The shopper-type features from one aggregation per customer equal, cell by cell, those of the
// earlier query (a (customer, day) aggregation, a window over days, a join back to orders), kept
// in shopperFeaturesReference.ts, with the purchase-day gaps read from the orders and from the
// import's summaries. Generated orders with several orders on one day, missing
// discounts and categories, business and cross-border channels, sale days, tickets and lines.
//
// Whole numbers and text must match exactly; fractions to 1e-12 relative, because a sum of doubles
// taken in another order (per day first, or gaps in another sequence) may differ in its last bit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { SHOPPER_FEATURES } from '../../src/api/customers.ts';
import { rebuildSummaries } from '../../src/db/summaries.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { queryOne, queryRows, quoteIdent } from '../../src/db/sql.ts';
import { activityParams, activityRelations, resolveChurnRule } from '../../src/analysis/activity.ts';
import { loadKeywords, loadShopperRules } from '../../src/analysis/customerRules.ts';
import { CATEGORY_COUNTS_MAX, featuresSql, inputColumns, promotionDays } from '../../src/analysis/shopperTypesFeatures.ts';
import { referenceFeaturesSql } from './shopperFeaturesReference.ts';

/** About 3 orders per customer over half a year, a quarter of them on a day the customer already bought. */
const SEED_ORDERS_SQL = `
  INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status, channel, region, category, items, source_id)
  SELECT 'o' || i, 'c' || (hash(i, 1) % 400),
         TIMESTAMP '2023-10-01' + to_days(CAST(CASE WHEN hash(i, 2) % 4 = 0 THEN hash(hash(i, 1) % 400) % 180 ELSE hash(i, 3) % 180 END AS INTEGER))
           + to_minutes(CAST(hash(i, 4) % 600 AS INTEGER)),
         [12.5, 20, 20, 35.25, 80, 150][1 + CAST(hash(i, 5) % 6 AS INTEGER)],
         CASE hash(i, 6) % 5 WHEN 0 THEN NULL WHEN 1 THEN 5 ELSE 0 END,
         ['completed', 'completed', 'completed', 'completed', 'cancelled'][1 + CAST(hash(i, 7) % 5 AS INTEGER)],
         ['app', 'web', '批发', '跨境', NULL][1 + CAST(hash(i, 8) % 5 AS INTEGER)],
         ['广东', '浙江', 'Hong Kong', NULL][1 + CAST(hash(i, 9) % 4 AS INTEGER)],
         ['服装', '运动户外', 'books', 'sports', '数码', NULL][1 + CAST(hash(i, 10) % 6 AS INTEGER)],
         CASE WHEN hash(i, 11) % 7 = 0 THEN NULL ELSE 1 + hash(i, 11) % 12 END, 0
  FROM range(1200) t(i)`;

const SEED_TICKETS_SQL = `
  INSERT INTO tickets (ticket_id, customer_id, created_at, subject, order_id, source_id)
  SELECT 't' || i, 'c' || (hash(i, 21) % 450), TIMESTAMP '2023-09-15' + to_days(CAST(hash(i, 22) % 200 AS INTEGER)),
         ['请问有货吗', '物流太慢了', 'is this in stock before I buy?', 'broken'][1 + CAST(hash(i, 23) % 4 AS INTEGER)],
         CASE WHEN hash(i, 24) % 2 = 0 THEN 'o' || (hash(i, 25) % 1200) END, 0
  FROM range(300) t(i)`;

const SEED_LINES_SQL = `
  INSERT INTO order_lines (order_id, line_no, sku, category, amount, quantity, unit_price, source_id)
  SELECT 'o' || i, n, 'sku' || (hash(i, n, 31) % 15), ['服装', 'sports', 'books', NULL][1 + CAST(hash(i, n, 32) % 4 AS INTEGER)],
         CASE WHEN hash(i, n, 33) % 3 = 0 THEN NULL ELSE 5 + hash(i, n, 34) % 20 END, 2, 7.5, 0
  FROM range(1200) t(i), range(1, 4) l(n) WHERE hash(i, n, 35) % 3 > 0`;

type BuildFeatures = (...args: Parameters<typeof referenceFeaturesSql>) => Promise<string>;

async function features(connection: DuckDBConnection, build: BuildFeatures, table: string): Promise<void> {
  const rule = await resolveChurnRule(connection, { windowDays: 1 });
  const params: Record<string, DuckDBValue> = { ...activityParams(rule) };
  const rules = loadShopperRules(undefined).rules;
  const keywords = loadKeywords(undefined).rules;
  const columns = await inputColumns(connection);
  const days = await promotionDays(connection, rules, params);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${await build(connection, columns, rules, keywords, days, params)}`, params);
}

const COLUMNS = ['revenue', 'customer_group', ...SHOPPER_FEATURES];

/**
 * Cells of the current query that differ from the reference (at most 5 each way shown), after
 * checking both have the same customers: with the gaps read from the orders (the summaries out of
 * step with them) and from the summaries the import keeps.
 */
async function differences(connection: DuckDBConnection): Promise<unknown[]> {
  const found: unknown[] = [];
  for (const fromSummaries of [false, true]) {
    if (fromSummaries) await rebuildSummaries(connection);
    else await connection.run('DROP TABLE IF EXISTS summary_state');
    const relations = await activityRelations(connection, ['completed'], null);
    expect(relations.fromSummaries).toBe(fromSummaries);
    await features(connection, (...args) => featuresSql(...args, relations), 'current_features');
    await features(connection, referenceFeaturesSql, 'reference_features');
    const same = (column: string) => {
      const [a, b] = [`c.${quoteIdent(column)}`, `r.${quoteIdent(column)}`];
      return column === 'customer_group' ? `${a} IS NOT DISTINCT FROM ${b}` : `(${a} IS NOT DISTINCT FROM ${b} OR abs(${a} - ${b}) <= 1e-12 * greatest(abs(${a}), abs(${b})))`;
    };
    const rows = await queryRows(
      connection,
      `SELECT customer_id, ${COLUMNS.map((column) => `CASE WHEN NOT ${same(column)} THEN CAST(c.${quoteIdent(column)} AS VARCHAR) || ' vs ' || CAST(r.${quoteIdent(column)} AS VARCHAR) END AS ${quoteIdent(column)}`).join(', ')}
       FROM current_features c FULL JOIN reference_features r USING (customer_id)
       WHERE c.customer_id IS NULL OR r.customer_id IS NULL OR NOT (${COLUMNS.map(same).join(' AND ')})
       LIMIT 5`,
    );
    found.push(...rows.map((row) => ({ fromSummaries, ...row })));
  }
  return found;
}

/** How many customers have a value of each feature, so a comparison of empty columns cannot pass unnoticed. */
async function filled(connection: DuckDBConnection): Promise<Record<string, number>> {
  const row = await queryOne(connection, `SELECT count(*) AS customers, ${SHOPPER_FEATURES.map((f) => `count(${quoteIdent(f)}) AS ${quoteIdent(f)}`).join(', ')} FROM current_features`);
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

describe('shopper-type features from one aggregation per customer', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await Workspace.open(':memory:', { threads: 2, memoryLimit: '1GB' });
    await workspace.withConnection(async (connection) => {
      await connection.run(SEED_ORDERS_SQL);
      await connection.run(SEED_TICKETS_SQL);
    });
  });
  afterEach(async () => workspace.close());

  it('match the reference with categories, discounts, groups and tickets on the orders', async () => {
    await workspace.withConnection(async (connection) => {
      expect(await differences(connection)).toEqual([]);
      const counts = await filled(connection);
      expect(counts.customers).toBeGreaterThan(350);
      // every feature the data can give is there for many customers (repeat items need lines)
      expect(counts.gap_cv).toBeGreaterThan(100);
      expect(counts.category_entropy).toBeGreaterThan(300);
      expect(counts.discount_order_share).toBeGreaterThan(300);
      expect(counts.repeat_item_share).toBe(0);
      const varied = await queryOne<{ presale: number; promotion: number; groups: number; sameDay: number }>(
        connection,
        `SELECT count(*) FILTER (WHERE presale_inquiries > 0) AS presale, count(*) FILTER (WHERE promotion_day_share > 0) AS promotion,
                count(DISTINCT customer_group) AS groups, count(*) FILTER (WHERE purchase_days < orders) AS "sameDay"
         FROM current_features`,
      );
      expect(varied.presale).toBeGreaterThan(10);
      expect(varied.promotion).toBeGreaterThan(5);
      expect(varied.groups).toBe(3);
      expect(varied.sameDay).toBeGreaterThan(50);
    });
  });

  it('match the reference with more order categories than are counted one by one (counted per customer and category instead)', async () => {
    await workspace.withConnection(async (connection) => {
      // 24 categories, every third a sports one, some orders without
      await connection.run(`UPDATE orders SET category = CASE WHEN hash(order_id, 41) % 25 = 0 THEN NULL
                              WHEN hash(order_id, 42) % 3 = 0 THEN 'sports ' || (hash(order_id, 43) % 8) ELSE '服装' || (hash(order_id, 44) % 16) END`);
      const { categories } = await queryOne<{ categories: number }>(connection, 'SELECT count(DISTINCT category) AS categories FROM orders');
      expect(Number(categories)).toBeGreaterThan(CATEGORY_COUNTS_MAX);
      expect(await differences(connection)).toEqual([]);
      const counts = await filled(connection);
      expect(counts.category_entropy).toBeGreaterThan(300);
      expect(counts.sports_share).toBeGreaterThan(300);
    });
  });

  it('match the reference with categories and items from order lines', async () => {
    await workspace.withConnection(async (connection) => {
      await connection.run(SEED_LINES_SQL);
      expect(await differences(connection)).toEqual([]);
      const counts = await filled(connection);
      expect(counts.repeat_item_share).toBeGreaterThan(100);
      expect(counts.sports_share).toBeGreaterThan(300);
    });
  });

  it('match the reference with an odd and an even number of orders (the median order value between two amounts)', async () => {
    await workspace.withConnection(async (connection) => {
      for (const [parity, median] of [[0, 50.05], [1, 80.1]] as const) {
        // one completed order fewer when the count does not have this parity
        await connection.run(
          `DELETE FROM orders WHERE order_id = (SELECT max(order_id) FROM orders WHERE status = 'completed')
             AND (SELECT count(*) FROM orders WHERE status = 'completed') % 2 <> $parity`,
          { parity },
        );
        // the first half of the completed orders at 20, the rest at 80.1: an even count has its median between the two
        await connection.run(
          `UPDATE orders SET amount = CASE WHEN order_id IN (SELECT order_id FROM orders WHERE status = 'completed' ORDER BY order_id
                                                             LIMIT (SELECT count(*) // 2 FROM orders WHERE status = 'completed')) THEN 20 ELSE 80.1 END
           WHERE status = 'completed'`,
        );
        const check = await queryOne<{ n: number; median: number }>(connection, `SELECT count(*) AS n, median(amount) AS median FROM orders WHERE status = 'completed'`);
        expect([Number(check.n) % 2, check.median]).toEqual([parity, median]);
        expect(await differences(connection)).toEqual([]);
      }
    });
  });

  it('match the reference when the optional columns are empty', async () => {
    await workspace.withConnection(async (connection) => {
      await connection.run('UPDATE orders SET category = NULL, discount = NULL, channel = NULL, region = NULL, items = NULL');
      await connection.run('DELETE FROM tickets');
      expect(await differences(connection)).toEqual([]);
      const counts = await filled(connection);
      expect([counts.category_entropy, counts.discount_order_share, counts.tickets]).toEqual([0, 0, 0]);
      expect(counts.gap_cv).toBeGreaterThan(100);
    });
  });
});
