// Churn drivers at scale: the Cox model on 100,000 simulated customers with 20 covariates (issue 16: under 5 s).
//
// Customers are drawn from a known proportional-hazards model (exponential lifetimes, rate
// 0.01 * exp(x'beta)), censored at a uniform follow-up of up to 365 days, with times rounded to whole
// days so events tie as real lifetimes do; the bench prints the fit's time and how far the estimates
// are from the true coefficients. Beside it, a plain baseline: one pass that sums x x' over all
// customers (the least any Newton step over n * p^2 terms can cost), so the ratio says how many such
// passes the fit needs including sorting, concordance and the proportional-hazards test. Then the same
// size end to end through the churnDrivers verb on a workspace table (DuckDB read, coding, fit).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/db/workspace.ts';
import { createCore } from '../../src/host/core.ts';
import { fitCox, type CoxData } from '../../src/stats/cox.ts';
import type { BenchArgs } from './run.ts';
import { seededRandom } from './synthetic.ts';
import { median, seconds } from './measure.ts';

const CUSTOMERS = 100_000;
const COVARIATES = 20;
const ROUNDS = 3;

function simulate(): { data: CoxData; beta: number[] } {
  const random = seededRandom(16);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Half binary (like dummy columns of categories), half continuous; effects from -0.5 to 0.5
  const beta = Array.from({ length: COVARIATES }, (_, j) => -0.5 + j / (COVARIATES - 1));
  const columns = Array.from({ length: COVARIATES }, (_, j) => Float64Array.from({ length: CUSTOMERS }, () => (j % 2 === 0 ? (random() < 0.3 ? 1 : 0) : normal())));
  const time = new Float64Array(CUSTOMERS);
  const event = new Uint8Array(CUSTOMERS);
  for (let i = 0; i < CUSTOMERS; i++) {
    let eta = 0;
    for (let j = 0; j < COVARIATES; j++) eta += beta[j]! * columns[j]![i]!;
    const lifetime = -Math.log(1 - random()) / (0.01 * Math.exp(eta));
    const followUp = 1 + random() * 364;
    time[i] = Math.ceil(Math.min(lifetime, followUp));
    event[i] = lifetime <= followUp ? 1 : 0;
  }
  const names = columns.map((_, j) => `x${j + 1}`);
  return { data: { time, event, columns, names, terms: names }, beta };
}

/** Sum of x x' over every row: the n * p^2 floor of one Newton step, in plain loops. */
function crossProducts(columns: Float64Array[]): number {
  const p = columns.length;
  const n = columns[0]!.length;
  const rows = new Float64Array(n * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) rows[i * p + j] = columns[j]![i]!;
  const sums = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const row = i * p;
    for (let a = 0; a < p; a++) {
      const xa = rows[row + a]!;
      for (let b = 0; b <= a; b++) sums[a * p + b]! += xa * rows[row + b]!;
    }
  }
  return sums[0]!;
}

export default async function driversBench(args: BenchArgs): Promise<void> {
  const { data, beta } = simulate();
  const events = data.event.reduce((sum, e) => sum + e, 0);
  console.log(`cox: ${CUSTOMERS.toLocaleString('en-US')} customers, ${COVARIATES} covariates, ${events.toLocaleString('en-US')} events`);
  const fitTimes: number[] = [];
  const baselineTimes: number[] = [];
  let fit = fitCox(data);
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now();
    crossProducts(data.columns);
    baselineTimes.push(performance.now() - started);
    started = performance.now();
    fit = fitCox(data);
    fitTimes.push(performance.now() - started);
  }
  const worstError = Math.max(...fit.coefficients.map((c, j) => Math.abs(c.coefficient! - beta[j]!)));
  const fitMs = median(fitTimes);
  const baselineMs = median(baselineTimes);
  console.log(`cox fit (Efron, concordance, cox.zph): ${seconds(fitMs)} median of ${ROUNDS} (target < 5 s), ${fit.iterations} Newton steps; largest |beta - true| ${worstError.toFixed(3)}`);
  console.log(`baseline, one plain pass of x x' sums: ${seconds(baselineMs)}; fit / baseline ${(fitMs / baselineMs).toFixed(1)}x`);
  await verbBench(beta, args.dir);
}

/** The verb on a table of the same model, generated in SQL: half 0/1 columns, half normal (Box-Muller). */
async function verbBench(beta: number[], dir: string): Promise<void> {
  const path = join(dir, `drivers-${CUSTOMERS}x${COVARIATES}.duckdb`);
  rmSync(path, { force: true });
  const columns = beta.map((_, j) => (j % 2 === 0 ? `CAST(random() < 0.3 AS INTEGER) AS x${j + 1}` : `sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x${j + 1}`));
  const eta = beta.map((b, j) => `${b} * x${j + 1}`).join(' + ');
  const workspace = await Workspace.open(path, { threads: 2 });
  await workspace.withConnection((connection) =>
    connection.run(`CREATE TABLE sim AS
      SELECT *, ceil(least(lifetime, follow_up)) AS time, CAST(lifetime <= follow_up AS INTEGER) AS churned
      FROM (SELECT *, -ln(1 - random()) / (0.01 * exp(${eta})) AS lifetime, 1 + random() * 364 AS follow_up
            FROM (SELECT ${columns.join(', ')} FROM range(${CUSTOMERS})))`),
  );
  await workspace.close();
  const core = await createCore({ workspace: path, settings: { threads: 2, memoryLimit: '4GB' } });
  try {
    const request = { source: { table: 'sim', durationColumn: 'time', eventColumn: 'churned' }, covariates: beta.map((_, j) => `x${j + 1}`) };
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      await core.churnDrivers(request);
      times.push(performance.now() - started);
    }
    console.log(`churnDrivers verb on a ${CUSTOMERS.toLocaleString('en-US')}-row table, ${COVARIATES} covariates (read, coding, fit): ${seconds(median(times))} median of ${ROUNDS}`);
  } finally {
    await core.close();
    rmSync(path, { force: true });
  }
}
