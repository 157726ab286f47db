// Customers area at scale: BG/NBD + Gamma-Gamma on `rows` simulated customers, RFM and shopper types on 10 x `rows` orders.
//
// Targets (issue 5): the fits converge on 1M customers within 10 s without overflow; RFM and
// shopper types run on 10M orders. Customers are simulated from the models themselves (known
// parameters, day resolution over two years), so the bench also shows the fit recovers them.
// Orders are generated in SQL straight into a workspace (no import), with tickets alongside.
// RFM is compared with a bare DuckDB query of the same scores on the same table.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../src/host/core.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { fitBgNbd } from '../../src/stats/bgnbd.ts';
import { fitGammaGamma } from '../../src/stats/gammaGamma.ts';
import type { BenchArgs } from './run.ts';
import { seededRandom } from './synthetic.ts';
import { seconds } from './measure.ts';

const TRUE_BGNBD = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
const TRUE_GG = { p: 6, q: 4, v: 15 };
const WEEKS = 104;
const SETTINGS = { memoryLimit: '8GB', threads: 2 };

/** Marsaglia-Tsang gamma variate with shape k and rate 1. */
function gammaSampler(random: () => number) {
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const sample = (shape: number): number => {
    if (shape < 1) return sample(shape + 1) * (1 - random()) ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v > 0 && Math.log(1 - random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return sample;
}

/** Writes a lifetimes-style summary CSV of customers simulated from BG/NBD and Gamma-Gamma at day resolution. */
function writeSimulatedSummary(path: string, customers: number): void {
  const random = seededRandom(5);
  const gamma = gammaSampler(random);
  const lines = ['ID,frequency,recency,T,monetary_value'];
  for (let id = 1; id <= customers; id++) {
    const lambda = gamma(TRUE_BGNBD.r) / TRUE_BGNBD.alpha;
    const g1 = gamma(TRUE_BGNBD.a);
    const dropout = g1 / (g1 + gamma(TRUE_BGNBD.b));
    const nu = gamma(TRUE_GG.q) / TRUE_GG.v;
    const days = 1 + Math.floor(random() * WEEKS * 7);
    const purchaseDays = new Set<number>();
    let time = 0;
    let spend = 0;
    // after every repeat purchase the customer drops out with probability p (FHL 2005: (1-p)^x survives x of them)
    for (;;) {
      time += -Math.log(1 - random()) / lambda;
      const day = Math.floor(time * 7);
      if (day >= days) break;
      if (day > 0 && !purchaseDays.has(day)) {
        purchaseDays.add(day);
        spend += gamma(TRUE_GG.p) / nu;
      }
      if (random() < dropout) break;
    }
    const x = purchaseDays.size;
    const last = x ? Math.max(...purchaseDays) : 0;
    lines.push(`${id},${x},${(last / 7).toFixed(6)},${(days / 7).toFixed(6)},${x ? (spend / x).toFixed(4) : 0}`);
    if (lines.length === 100_000) {
      writeFileSync(path, `${lines.join('\n')}\n`, { flag: id <= 100_000 ? 'w' : 'a' });
      lines.length = 0;
    }
  }
  if (lines.length) writeFileSync(path, `${lines.join('\n')}\n`, { flag: 'a' });
}

export async function valueBench(args: BenchArgs): Promise<void> {
  // --rows sets the customers here (default 1M, the target size); --customers is for the import bench
  const customers = args.rows;
  const path = join(args.dir, `customers-summary-${customers}.csv`);
  if (!existsSync(path)) {
    const started = performance.now();
    writeSimulatedSummary(`${path}.part`, customers);
    renameSync(`${path}.part`, path);
    console.log(`simulated ${customers.toLocaleString('en-US')} customers in ${seconds(performance.now() - started)}`);
  }
  const core = await createCore({ settings: { ...SETTINGS, tempDirectory: join(args.dir, 'spill') } });
  try {
    const started = performance.now();
    const result = await core.customerValue({ summaryFile: path, unit: 'week' });
    const elapsed = performance.now() - started;
    const { bgnbd, gammaGamma } = result;
    console.log(`customerValue --summary on ${bgnbd.customers.toLocaleString('en-US')} customers: ${seconds(elapsed)} (target <= 10 s), converged ${bgnbd.converged && gammaGamma?.converged}`);
    console.log(`  BG/NBD r ${bgnbd.r.toFixed(3)} alpha ${bgnbd.alpha.toFixed(3)} a ${bgnbd.a.toFixed(3)} b ${bgnbd.b.toFixed(3)} (simulated from ${Object.values(TRUE_BGNBD).join(', ')}), LL ${bgnbd.logLikelihood.toFixed(1)}, ${bgnbd.iterations} iterations`);
    if (gammaGamma) console.log(`  Gamma-Gamma p ${gammaGamma.p.toFixed(3)} q ${gammaGamma.q.toFixed(3)} v ${gammaGamma.v.toFixed(3)} (simulated from ${Object.values(TRUE_GG).join(', ')}) on ${gammaGamma.customers.toLocaleString('en-US')} repeat customers`);
    console.log(`  total CLV ${result.summary.totalClv?.toFixed(0)}, finite: ${Number.isFinite(result.summary.totalClv ?? Number.NaN)}`);
  } finally {
    await core.close();
  }
  // the fits alone, on the grouped rows the analysis hands them
  const workspace = await Workspace.open(':memory:', { ...SETTINGS, tempDirectory: join(args.dir, 'spill') });
  try {
    await workspace.withConnection(async (connection) => {
      const grouped = await connection.runAndReadAll(`SELECT frequency::DOUBLE, recency::DOUBLE, "T"::DOUBLE, CAST(count(*) AS DOUBLE) FROM read_csv($path) GROUP BY ALL`, { path });
      const [x, tx, T, n] = grouped.getColumnsJS() as number[][];
      const spend = await connection.runAndReadAll(`SELECT frequency::DOUBLE, monetary_value::DOUBLE, CAST(count(*) AS DOUBLE) FROM read_csv($path) WHERE frequency > 0 GROUP BY ALL`, { path });
      const [sx, m, sn] = spend.getColumnsJS() as number[][];
      let started = performance.now();
      fitBgNbd({ x: Float64Array.from(x!), tx: Float64Array.from(tx!), T: Float64Array.from(T!), weight: Float64Array.from(n!) });
      const bgTime = performance.now() - started;
      started = performance.now();
      fitGammaGamma({ x: Float64Array.from(sx!), m: Float64Array.from(m!), weight: Float64Array.from(sn!) });
      console.log(`  fits alone: BG/NBD ${seconds(bgTime)} on ${x!.length.toLocaleString('en-US')} distinct (x, t_x, T); Gamma-Gamma ${seconds(performance.now() - started)} on ${sx!.length.toLocaleString('en-US')} rows`);
    });
  } finally {
    await workspace.close();
  }
}

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

async function segmentsBench(args: BenchArgs): Promise<void> {
  const orders = args.rows * 10;
  const path = await ordersWorkspace(args, orders);
  const core = await createCore({ workspace: path, settings: { ...SETTINGS, tempDirectory: join(args.dir, 'spill') } });
  try {
    let started = performance.now();
    const rfm = await core.customerSegments({ scheme: 'rfm' });
    const rfmTime = performance.now() - started;
    started = performance.now();
    const page = await core.customerRows({ table: 'rfm', offset: Math.floor(rfm.customers / 2), limit: 100, sort: [{ column: 'recency_days' }] });
    const pageTime = performance.now() - started;
    started = performance.now();
    const shopper = await core.customerSegments({ scheme: 'shopper' });
    const shopperTime = performance.now() - started;
    console.log(`RFM on ${orders.toLocaleString('en-US')} orders (${rfm.customers.toLocaleString('en-US')} customers): ${seconds(rfmTime)}; a sorted page from the middle: ${seconds(pageTime)} (${page.total.toLocaleString('en-US')} rows)`);
    console.log(`shopper types on the same orders and ${Math.ceil(orders / 10).toLocaleString('en-US')} tickets: ${seconds(shopperTime)}`);
  } finally {
    await core.close();
  }
  // the bare query: the same three scores without segments, summaries or storing the per-customer table
  const workspace = await Workspace.open(path, { ...SETTINGS, tempDirectory: join(args.dir, 'spill') });
  try {
    const started = performance.now();
    await workspace.withConnection((connection) =>
      connection.run(
        `SELECT count(*) FROM (
           SELECT rank() OVER (ORDER BY r DESC), rank() OVER (ORDER BY f), rank() OVER (ORDER BY m)
           FROM (SELECT customer_id, date_diff('day', max(ordered_at)::DATE, DATE '2025-01-01') AS r, count(*) AS f, sum(amount) AS m
                 FROM orders WHERE status = 'completed' GROUP BY customer_id))`,
      ),
    );
    console.log(`  raw DuckDB RFM ranks on the same table: ${seconds(performance.now() - started)}`);
  } finally {
    await workspace.close();
  }
}

export default async function customersBench(args: BenchArgs): Promise<void> {
  await valueBench(args);
  await segmentsBench(args);
}
