// Customer value at scale: BG/NBD + Gamma-Gamma on `rows` simulated customers (`customerValue --summary`).
//
// Targets: 1M customers within 10 s, 10M within 30 s (`npm run bench -- --rows 10000000 customersValue`
// runs this half alone). Customers are simulated from the models themselves (known parameters, day
// resolution over two years), so the bench also shows the fit recovers them. Beside the verb: the
// plain DuckDB read and grouping of the same file the fits need, and the fits alone.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../src/host/core.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { fitBgNbd } from '../../src/stats/bgnbd.ts';
import { fitGammaGamma } from '../../src/stats/gammaGamma.ts';
import type { BenchArgs } from './run.ts';
import { seededRandom } from './synthetic.ts';
import { timingText } from './load.ts';
import { seconds, timed } from './measure.ts';

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
    let result: Awaited<ReturnType<typeof core.customerValue>> | undefined;
    const timing = await timed(async () => (result = await core.customerValue({ summaryFile: path, unit: 'week' })));
    const { bgnbd, gammaGamma } = result!;
    console.log(`customerValue --summary on ${bgnbd.customers.toLocaleString('en-US')} customers: ${timingText(timing)}, target ${customers > 1_000_000 ? 30 : 10} s, converged ${bgnbd.converged && gammaGamma?.converged}`);
    console.log(`  BG/NBD r ${bgnbd.r.toFixed(3)} alpha ${bgnbd.alpha.toFixed(3)} a ${bgnbd.a.toFixed(3)} b ${bgnbd.b.toFixed(3)} (simulated from ${Object.values(TRUE_BGNBD).join(', ')}), LL ${bgnbd.logLikelihood.toFixed(1)}, ${bgnbd.iterations} iterations over every row`);
    if (gammaGamma) console.log(`  Gamma-Gamma p ${gammaGamma.p.toFixed(3)} q ${gammaGamma.q.toFixed(3)} v ${gammaGamma.v.toFixed(3)} (simulated from ${Object.values(TRUE_GG).join(', ')}) on ${gammaGamma.customers.toLocaleString('en-US')} repeat customers`);
    console.log(`  total CLV ${result!.summary.totalClv?.toFixed(0)}, finite: ${Number.isFinite(result!.summary.totalClv ?? Number.NaN)}`);
  } finally {
    await core.close();
  }
  // the plain baseline: DuckDB reads the file and groups it as the fits need, then the fits alone
  const workspace = await Workspace.open(':memory:', { ...SETTINGS, tempDirectory: join(args.dir, 'spill') });
  try {
    await workspace.withConnection(async (connection) => {
      let grouped: number[][] = [];
      let spend: number[][] = [];
      const plain = await timed(async () => {
        await connection.run('CREATE TEMP TABLE summary AS SELECT frequency::DOUBLE AS x, recency::DOUBLE AS t_x, "T"::DOUBLE AS "T", monetary_value::DOUBLE AS m FROM read_csv($path)', { path });
        grouped = (await connection.runAndReadAll('SELECT x, t_x, "T", CAST(count(*) AS DOUBLE) FROM summary GROUP BY ALL ORDER BY ALL')).getColumnsJS() as number[][];
        spend = (await connection.runAndReadAll('SELECT x, m, CAST(count(*) AS DOUBLE) FROM summary WHERE x > 0 GROUP BY ALL ORDER BY ALL')).getColumnsJS() as number[][];
      });
      console.log(`  plain DuckDB read of the file and the two groupings: ${timingText(plain)}`);
      const [x, tx, T, n] = grouped;
      const [sx, m, sn] = spend;
      const bg = await timed(async () => fitBgNbd({ x: Float64Array.from(x!), tx: Float64Array.from(tx!), T: Float64Array.from(T!), weight: Float64Array.from(n!) }));
      const gg = await timed(async () => fitGammaGamma({ x: Float64Array.from(sx!), m: Float64Array.from(m!), weight: Float64Array.from(sn!) }));
      console.log(`  fits alone: BG/NBD ${seconds(bg.ms)} (CPU ${seconds(bg.cpuMs)}) on ${x!.length.toLocaleString('en-US')} distinct (x, t_x, T); Gamma-Gamma ${seconds(gg.ms)} (CPU ${seconds(gg.cpuMs)}) on ${sx!.length.toLocaleString('en-US')} rows`);
    });
  } finally {
    await workspace.close();
  }
}

export default async function customersValueBench(args: BenchArgs): Promise<void> {
  await valueBench(args);
}
