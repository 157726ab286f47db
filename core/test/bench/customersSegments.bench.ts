// Customer segments at scale: RFM and shopper types on 10 x `rows` orders (10M by default) with tickets.
//
// Targets: RFM within 3 s and shopper types within 6 s on 10M orders. Orders are generated in SQL
// straight into a workspace (no import), with tickets alongside, and kept in `dir` between runs.
// Each verb is printed beside a plain DuckDB query on the same table: for RFM the same three scores
// (one aggregation, then quintile boundaries); for shopper types the one aggregation of the orders
// per customer its features start from, with nothing computed from it.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../src/host/core.ts';
import { Workspace } from '../../src/db/workspace.ts';
import type { BenchArgs } from './run.ts';
import { timingText } from './load.ts';
import { seconds, timed } from './measure.ts';

const SETTINGS = { memoryLimit: '8GB', threads: 2 };

/** Fills a workspace with `orders` synthetic orders and orders / 10 tickets, in SQL; kept in `dir` between runs. */
async function ordersWorkspace(args: BenchArgs, orders: number): Promise<string> {
  const path = join(args.dir, `customers-orders-${orders}.duckdb`);
  if (existsSync(path)) return path;
  const started = performance.now();
  const workspace = await Workspace.open(`${path}.part`, { ...SETTINGS, tempDirectory: join(args.dir, 'spill') });
  try {
    await workspace.withConnection(async (connection) => {
      await connection.run(
        `INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status, channel, region, category, items, source_id)
         SELECT 'o' || i, 'c' || (hash(i, 1) % $customers),
                TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i, 2) % (730 * 86400) AS BIGINT)),
                round(5 + (hash(i, 3) % 50000) / 100.0, 2),
                CASE WHEN hash(i, 4) % 10 < 3 THEN round((hash(i, 5) % 2000) / 100.0, 2) ELSE 0 END,
                ['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'cancelled', 'refunded', 'pending'][1 + CAST(hash(i, 6) % 10 AS BIGINT)],
                ['app', 'web', '小程序', '批发', '跨境'][1 + CAST(hash(i, 7) % 5 AS BIGINT)],
                ['广东', '浙江', '江苏', '上海', 'Hong Kong'][1 + CAST(hash(i, 8) % 5 AS BIGINT)],
                ['服装', '美妆', '数码', '家居', '食品', 'sports', 'books', '母婴', 'toys', '运动户外'][1 + CAST(hash(i, 9) % 10 AS BIGINT)],
                1 + hash(i, 10) % 5, 0
         FROM range($orders) t(i)`,
        { orders, customers: Math.ceil(orders / 10) },
      );
      await connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, subject, order_id, source_id)
         SELECT 't' || i, 'c' || (hash(i, 11) % $customers),
                TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i, 12) % (730 * 86400) AS BIGINT)),
                ['请问有货吗', '物流太慢了', 'where is my parcel', 'is this in stock before I buy?'][1 + CAST(hash(i, 13) % 4 AS BIGINT)],
                CASE WHEN hash(i, 14) % 2 = 0 THEN 'o' || i END, 0
         FROM range($tickets) t(i)`,
        { tickets: Math.ceil(orders / 10), customers: Math.ceil(orders / 10) },
      );
    });
  } finally {
    await workspace.close();
  }
  renameSync(`${path}.part`, path);
  console.log(`generated ${orders.toLocaleString('en-US')} orders in SQL in ${seconds(performance.now() - started)}`);
  return path;
}

async function plain(path: string, args: BenchArgs, label: string, sql: string): Promise<void> {
  const workspace = await Workspace.open(path, { ...SETTINGS, tempDirectory: join(args.dir, 'spill') });
  try {
    const timing = await timed(() => workspace.withConnection((connection) => connection.run(sql)));
    console.log(`  ${label}: ${timingText(timing)}`);
  } finally {
    await workspace.close();
  }
}

// Each plain query stores its rows in a temporary table, as the verbs store theirs: a count over a
// subquery would let DuckDB drop the aggregates nobody reads.
const activity = (asOf: string) => `SELECT customer_id, CAST(ordered_at AS DATE) AS day, ordered_at, coalesce(amount, 0) AS amount, discount, items, channel, category
                  FROM orders WHERE status = 'completed' AND ordered_at <= TIMESTAMP '${asOf}'`;

/** The plain RFM scores of the completed orders up to `asOf` (an ISO date): one aggregation, quintile boundaries, scores. */
export const plainRfmSql = (asOf: string) => `CREATE OR REPLACE TEMP TABLE plain_rfm AS
       WITH c AS MATERIALIZED (SELECT customer_id, -date_diff('day', max(day), DATE '${asOf}') AS r, count(*) AS f, sum(amount) AS m FROM (${activity(asOf)}) GROUP BY customer_id),
            q AS (SELECT quantile_disc(r, [0.2, 0.4, 0.6, 0.8]) AS qr, quantile_disc(f, [0.2, 0.4, 0.6, 0.8]) AS qf, quantile_disc(m, [0.2, 0.4, 0.6, 0.8]) AS qm FROM c)
       SELECT 1 + (r > qr[1])::INT + (r > qr[2])::INT + (r > qr[3])::INT + (r > qr[4])::INT,
              1 + (f > qf[1])::INT + (f > qf[2])::INT + (f > qf[3])::INT + (f > qf[4])::INT,
              1 + (m > qm[1])::INT + (m > qm[2])::INT + (m > qm[3])::INT + (m > qm[4])::INT FROM c, q`;

/** The one per-customer aggregation of the completed orders up to `asOf` that shopper types' features start from. */
export const plainShopperAggregationSql = (asOf: string) => `CREATE OR REPLACE TEMP TABLE plain_shopper AS
       SELECT customer_id, count(*), sum(amount), min(ordered_at), count(*) FILTER (WHERE discount > 0), sum(items), count(*) FILTER (WHERE channel = '批发'), list_sort(list(day))
       FROM (${activity(asOf)}) GROUP BY customer_id`;

export default async function customersSegmentsBench(args: BenchArgs): Promise<void> {
  const orders = args.rows * 10;
  const path = await ordersWorkspace(args, orders);
  const core = await createCore({ workspace: path, settings: { ...SETTINGS, tempDirectory: join(args.dir, 'spill') } });
  try {
    let customers = 0;
    const rfm = await timed(async () => (customers = (await core.customerSegments({ scheme: 'rfm' })).customers));
    let total = 0;
    const page = await timed(async () => (total = (await core.customerRows({ table: 'rfm', offset: Math.floor(customers / 2), limit: 100, sort: [{ column: 'recency_days' }] })).total));
    const shopper = await timed(() => core.customerSegments({ scheme: 'shopper' }));
    console.log(`RFM on ${orders.toLocaleString('en-US')} orders (${customers.toLocaleString('en-US')} customers): ${timingText(rfm)}; a sorted page from the middle: ${seconds(page.ms)} (${total.toLocaleString('en-US')} rows)`);
    console.log(`shopper types on the same orders and ${Math.ceil(orders / 10).toLocaleString('en-US')} tickets: ${timingText(shopper)}`);
  } finally {
    await core.close();
  }
  await plain(path, args, 'plain DuckDB RFM scores on the same table (aggregation, quintile boundaries, scores)', plainRfmSql('2025-01-01'));
  await plain(
    path,
    args,
    'plain DuckDB aggregation of the same orders per customer (orders, revenue, first order, discounted, items, channels, sorted days)',
    plainShopperAggregationSql('2025-01-01'),
  );
}
