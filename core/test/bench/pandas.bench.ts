// A peer: the pandas script an analyst would write for import + monthly cohort matrix, against the
// churnwb commands that do the same on the same CSV, start-up included on both sides.
//
// Runs where python3 with pandas is installed (Debian: apt-get install python3-pandas) and says
// so and skips where it is not. The pandas side reads the file, keeps completed orders, takes each
// customer's first month and counts distinct customers per (cohort, months since); the app side is
// `churnwb import` then `churnwb retention --csv` in fresh processes, as a person would run them.
// Both matrices are compared cell by cell, so the ratio is between two equal answers.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchArgs } from './run.ts';
import { SYNTHETIC_VERSION, writeSyntheticOrders } from './synthetic.ts';
import { seconds } from './measure.ts';

const run = promisify(execFile);
const SEED = 20240105;
const CHURNWB = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');

/** The synthetic export's statuses that mean a completed order (the app maps them through its status vocabulary). */
const COMPLETED = ['交易成功', 'completed', 'delivered'];

const PANDAS_SCRIPT = `
import json, resource, sys, time
import pandas as pd

path, out = sys.argv[1], sys.argv[2]
started = time.perf_counter()
orders = pd.read_csv(path)
read = time.perf_counter()
completed = orders[orders["status"].isin(${JSON.stringify(COMPLETED)})].copy()
completed["month"] = pd.to_datetime(completed["created_at"]).dt.to_period("M")
completed["cohort"] = completed.groupby("customer_id")["month"].transform("min")
completed["k"] = (completed["month"].dt.year - completed["cohort"].dt.year) * 12 + completed["month"].dt.month - completed["cohort"].dt.month
matrix = completed.groupby(["cohort", "k"])["customer_id"].nunique()
done = time.perf_counter()
matrix.rename("customers").reset_index().assign(cohort=lambda m: m["cohort"].dt.start_time.dt.strftime("%Y-%m-%d")).to_csv(out, index=False)
print(json.dumps({"read": read - started, "matrix": done - read, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

/** The first python3 on this machine that imports pandas, or null. */
function pandasPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

/** `cohort,k` -> customers from the pandas output and from `retention --csv` (observable cells only). */
function cells(csv: string, valueColumn: string): Map<string, number> {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const columns = (header ?? '').split(',');
  const at = (name: string) => columns.indexOf(name);
  const result = new Map<string, number>();
  for (const line of lines) {
    const fields = line.split(',');
    const value = fields[at(valueColumn)];
    if (value !== undefined && value !== '' && Number(value) > 0) result.set(`${fields[at('cohort')]},${fields[at('k')]}`, Number(value));
  }
  return result;
}

async function timedRun(command: string, args: string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const { stdout } = await run(command, args, { maxBuffer: 1 << 28 });
  return { ms: performance.now() - started, stdout };
}

export default async function pandasBench(args: BenchArgs): Promise<void> {
  const python = pandasPython();
  if (python === null) {
    console.log('skipped: no python3 with pandas on this machine (Debian: apt-get install -y python3-pandas)');
    return;
  }
  const csv = join(args.dir, `orders-${args.rows}-${args.customers}-${SEED}-v${SYNTHETIC_VERSION}.csv`);
  if (!existsSync(csv)) {
    const started = performance.now();
    await writeSyntheticOrders(`${csv}.part`, { rows: args.rows, customers: args.customers, seed: SEED });
    renameSync(`${csv}.part`, csv);
    console.log(`generated ${csv} in ${seconds(performance.now() - started)}`);
  }
  console.log(`file: ${(statSync(csv).size / 1024 / 1024).toFixed(0)} MB, ${args.rows.toLocaleString('en-US')} rows; ${python} with pandas ${spawnSync(python, ['-c', 'import pandas; print(pandas.__version__)']).stdout.toString().trim()}`);
  const script = join(args.dir, 'cohorts_pandas.py');
  const pandasOut = join(args.dir, 'cohorts_pandas.csv');
  writeFileSync(script, PANDAS_SCRIPT);
  const workspace = join(args.dir, 'pandas-peer.duckdb');

  const pandas = await timedRun(python, [script, csv, pandasOut]);
  const inside = JSON.parse(pandas.stdout) as { read: number; matrix: number; rss_mb: number };
  for (const file of [workspace, `${workspace}.wal`]) rmSync(file, { force: true });
  const imported = await timedRun(process.execPath, [CHURNWB, 'import', csv, '--kind', 'orders', '--workspace', workspace]);
  const retention = await timedRun(process.execPath, [CHURNWB, 'retention', '--csv', '--workspace', workspace]);

  const fromPandas = cells(readFileSync(pandasOut, 'utf8'), 'customers');
  const fromApp = cells(retention.stdout, 'value');
  const agree = [...fromPandas].filter(([cell, customers]) => fromApp.get(cell) === customers).length;
  console.log(`pandas: ${seconds(pandas.ms)} in all (read_csv ${inside.read.toFixed(2)} s, cohort matrix ${inside.matrix.toFixed(2)} s, peak RSS ${inside.rss_mb.toFixed(0)} MB)`);
  console.log(`app: churnwb import ${seconds(imported.ms)}, churnwb retention --csv ${seconds(retention.ms)} (each a fresh process, start-up included)`);
  console.log(`  the matrices agree in ${agree} of ${fromPandas.size} pandas cells (${fromApp.size} non-empty app cells)${agree === fromPandas.size && fromApp.size === fromPandas.size ? '' : ' MISMATCH'}`);
  console.log(`pandas / app: end to end ${(pandas.ms / (imported.ms + retention.ms)).toFixed(1)}x; cohort matrix ${(inside.matrix * 1000 / retention.ms).toFixed(1)}x (pandas' matrix step against the whole retention command)`);
  rmSync(workspace, { force: true });
}
