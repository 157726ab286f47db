// Cohort matrix and survival at scale: the app's analyses against a hand-written single SQL query on the same table.
//
// Orders: 10 x --rows (default 10M) seeded synthetic orders of 5 x --customers (default 1M)
// customers, imported once through the app's importFiles and cached in the bench folder. Both
// sides run on connections of one workspace instance (one DuckDB instance per file), warm,
// alternating; the median of three runs is reported. Target (issue 3): app / SQL <= 1.2.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { cohortRetention } from '../../src/analysis/cohorts.ts';
import { survival } from '../../src/analysis/survival.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { createCore } from '../../src/host/core.ts';
import type { BenchArgs } from './run.ts';
import { writeSyntheticOrders } from './synthetic.ts';
import { median, seconds } from './measure.ts';

const SEED = 20240105;
const SETTINGS = { memoryLimit: '8GB', threads: 2 };
const RUNS = 3;

/** What an analyst would write by hand: month of first completed order, months since, distinct customers. */
const HAND_WRITTEN_COHORTS = `
  WITH o AS (SELECT customer_id, date_trunc('month', ordered_at) AS month FROM orders WHERE status = 'completed'),
       f AS (SELECT customer_id, min(month) AS cohort FROM o GROUP BY customer_id)
  SELECT f.cohort, date_diff('month', f.cohort, o.month) AS k, count(DISTINCT o.customer_id) AS customers
  FROM o JOIN f USING (customer_id)
  GROUP BY ALL`;

/** Imports the synthetic orders once; later runs reuse the workspace. */
async function ensureWorkspace(args: BenchArgs, rows: number, customers: number): Promise<string> {
  const path = join(args.dir, `retention-${rows}-${customers}-${SEED}.duckdb`);
  if (existsSync(path)) return path;
  const csv = join(args.dir, `orders-${rows}-${customers}-${SEED}.csv`);
  if (!existsSync(csv)) {
    const started = performance.now();
    await writeSyntheticOrders(`${csv}.part`, { rows, customers, seed: SEED });
    renameSync(`${csv}.part`, csv);
    console.log(`generated ${csv} in ${seconds(performance.now() - started)}`);
  }
  const building = `${path}.part`;
  rmSync(building, { force: true });
  rmSync(`${building}.wal`, { force: true });
  const core = await createCore({ workspace: building, settings: { ...SETTINGS, tempDirectory: join(args.dir, 'retention.spill') } });
  try {
    const started = performance.now();
    const result = await core.importFiles({ kind: 'orders', files: [csv] });
    console.log(`imported ${result.rowsLoaded.toLocaleString('en-US')} orders of ${result.customers.toLocaleString('en-US')} customers in ${seconds(performance.now() - started)}`);
  } finally {
    await core.close();
  }
  renameSync(building, path);
  return path;
}

/** Times `work` once to warm up, then RUNS times; returns the median in ms. */
async function time(work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function compare(label: string, app: () => Promise<unknown>, sql: () => Promise<unknown>): Promise<void> {
  const sqlMs = await time(sql);
  const appMs = await time(app);
  const ratio = appMs / sqlMs;
  console.log(`${label}: app ${seconds(appMs)}, hand-written SQL ${seconds(sqlMs)}, ratio ${ratio.toFixed(2)} (target <= 1.2) ${ratio <= 1.2 ? 'ok' : 'OVER TARGET'}`);
}

export default async function retentionBench(args: BenchArgs): Promise<void> {
  const rows = args.rows * 10;
  const customers = args.customers * 5;
  console.log(`orders ${rows.toLocaleString('en-US')}, customers ${customers.toLocaleString('en-US')}`);
  const path = await ensureWorkspace(args, rows, customers);
  const workspace = await Workspace.open(path, { ...SETTINGS, tempDirectory: join(args.dir, 'retention.spill') });
  try {
    await workspace.withConnection(async (connection: DuckDBConnection) => {
      let cells = 0;
      await compare(
        'cohort matrix (month, customers, on)',
        async () => {
          const result = await cohortRetention(connection, {});
          cells = result.matrices[0]!.cohorts.reduce((sum, row) => sum + row.values.filter((value) => value !== null).length, 0);
        },
        () => connection.runAndReadAll(HAND_WRITTEN_COHORTS),
      );
      console.log(`  ${cells.toLocaleString('en-US')} observable cells`);
      for (const options of [{ period: 'week', mode: 'on-or-after' }, { metric: 'revenue', segment: 'channel' }] as const) {
        const ms = await time(() => cohortRetention(connection, options));
        console.log(`cohort matrix ${JSON.stringify(options)}: app ${seconds(ms)}`);
      }
      const window = await time(() => survival(connection, {}));
      const lifetimes = await survival(connection, {});
      console.log(
        `survival of ${lifetimes.curves[0]!.subjects.toLocaleString('en-US')} customers (window ${lifetimes.rule!.windowDays} days, P90 derived): ${seconds(window)}`,
      );
      const chosen = await time(() => survival(connection, { windowDays: lifetimes.rule!.windowDays, segment: 'region' }));
      console.log(`survival per region with log-rank (window given): ${seconds(chosen)}`);
    });
  } finally {
    await workspace.close();
  }
}
