// The whole app at scale under a memory limit: `npm run bench -- --rows 100000000 --memory-limit 4GB scale`.
//
// --rows orders of --rows / 10 customers (the seeded synthetic export of the other benches), imported
// through the app's own importFiles at the limit (default 4GB) with spills in the bench folder, plus
// --rows / 100 synthetic tickets (10M tickets would take 10-25 minutes of classification alone on the
// 2-core machine, so the run classifies 1M at 100M orders). The workspace is cached, so a re-run skips
// the import. Then every screen's analysis runs once through the core's API, as the app calls it, each
// timed (wall and CPU, DuckDB's threads included) with the peak RSS it reached; afterwards, with the
// core closed (a workspace file opens in one DuckDB instance at a time), a plain DuckDB query computing
// the same numbers runs on the same workspace at the same limit. One run each: at 100M a step takes
// a minute, and the load average printed at start and end says what the machine was doing meanwhile.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Workspace, type WorkspaceSettings } from '../../src/db/workspace.ts';
import { createCore, type Core } from '../../src/host/core.ts';
import { resolveChurnRule } from '../../src/analysis/activity.ts';
import { chromiumRenderer } from '../../src/report/chromium.ts';
import { exportReport } from '../../src/report/exportReport.ts';
import { fitBgNbd } from '../../src/stats/bgnbd.ts';
import { fitGammaGamma } from '../../src/stats/gammaGamma.ts';
import { plainRfmSql, plainShopperAggregationSql } from './customersSegments.bench.ts';
import { gigabytes, peakMemory, resetPeakMemory, seconds, timed, type Timing } from './measure.ts';
import { insertSyntheticTickets } from './reasons.bench.ts';
import { HAND_WRITTEN_COHORTS, HAND_WRITTEN_REVENUE_BY_CHANNEL, HAND_WRITTEN_WEEKLY_ON_OR_AFTER, handWrittenLifetimes } from './retention.bench.ts';
import type { BenchArgs } from './run.ts';
import { writeSyntheticOrders } from './synthetic.ts';

const SEED = 20240105;
const DEFAULT_MEMORY_LIMIT = '4GB';
const PAGE = 100;

interface Measured extends Timing {
  /** Peak RSS of the process during this step alone (VmHWM reset before it), else the peak so far. */
  peak: number;
}

interface Step {
  label: string;
  app: Measured | null;
  baseline: Measured | null;
  note: string;
}

const load = () => loadavg().map((value) => value.toFixed(1)).join(', ');
const count = (value: number) => value.toLocaleString('en-US');

/** Times `work` and the peak RSS it reached: VmHWM is reset first where the kernel allows it, so each step shows its own peak. */
async function measured(work: () => Promise<unknown>): Promise<Measured> {
  resetPeakMemory();
  const timing = await timed(work);
  const peak = peakMemory();
  return { ...timing, peak: peak.vmHwm ?? peak.maxRss };
}

/** Byte size of DuckDB's memory setting ('4GB', '4 GiB'), to compare the peak with. */
function limitBytes(limit: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT])(i?)B$/i.exec(limit);
  if (!match) throw new Error(`cannot read the memory limit "${limit}"`);
  const power = 'KMGT'.indexOf(match[2]!.toUpperCase()) + 1;
  return Number(match[1]) * (match[3] ? 1024 : 1000) ** power;
}

/**
 * The cached workspace: --rows orders imported by the app at the limit, then the synthetic tickets.
 * Built as `.part` and renamed, so a killed run leaves nothing that looks finished.
 */
async function ensureWorkspace(args: BenchArgs, settings: WorkspaceSettings, steps: Step[]): Promise<string> {
  const orders = args.rows;
  const customers = Math.max(1, Math.ceil(orders / 10));
  const path = join(args.dir, `scale-${orders}-${customers}-${SEED}.duckdb`);
  if (existsSync(path)) {
    console.log(`workspace ${path} is cached: import not run`);
    return path;
  }
  const csv = join(args.dir, `orders-${orders}-${customers}-${SEED}.csv`);
  if (!existsSync(csv)) {
    const started = performance.now();
    await writeSyntheticOrders(`${csv}.part`, { rows: orders, customers, seed: SEED });
    renameSync(`${csv}.part`, csv);
    console.log(`generated ${csv} in ${seconds(performance.now() - started)}`);
  }
  const building = `${path}.part`;
  for (const stale of [building, `${building}.wal`]) rmSync(stale, { force: true });
  const core = await createCore({ workspace: building, settings });
  try {
    let note = '';
    const app = await measured(async () => {
      const result = await core.importFiles({ kind: 'orders', files: [csv] });
      note = `${count(result.rowsLoaded)} orders of ${count(result.customers)} customers`;
    });
    steps.push({ label: 'import (CSV to workspace, summaries included)', app, baseline: null, note });
    console.log(`import: ${seconds(app.ms)} (CPU ${seconds(app.cpuMs)}), peak RSS ${gigabytes(app.peak)}; ${note}`);
  } finally {
    await core.close();
  }
  const tickets = Math.max(1, Math.ceil(orders / 100));
  const workspace = await Workspace.open(building, settings);
  try {
    await workspace.withConnection((connection) => insertSyntheticTickets(connection, { rows: tickets, customers, seed: SEED, customerIdWidth: 8 }));
    await workspace.checkpoint();
  } finally {
    await workspace.close();
  }
  renameSync(building, path);
  return path;
}

/** What the app answered that the baselines need to compute the same numbers. */
interface AppFacts {
  windowDays: number;
  asOf: string;
  valueRows: number;
}

/** Every screen's analysis through the core's API, in the order a person would open the screens. */
async function appSteps(core: Core, record: (label: string, work: () => Promise<string | void>) => Promise<void>): Promise<AppFacts> {
  const facts: AppFacts = { windowDays: 0, asOf: '', valueRows: 0 };
  await record('retention: month, customers, on', async () => {
    const result = await core.cohortRetention({});
    return `${count(result.matrices[0]!.cohorts.length)} cohorts`;
  });
  await record('retention: week, customers, on-or-after', () => core.cohortRetention({ period: 'week', mode: 'on-or-after' }).then(() => undefined));
  await record('retention: month, revenue, per first channel', () => core.cohortRetention({ metric: 'revenue', segment: 'channel' }).then(() => undefined));
  await record('churn summary (window derived)', async () => {
    const result = await core.churnSummary({});
    facts.windowDays = result.rule.windowDays;
    facts.asOf = result.rule.asOf;
    return `${count(result.customers)} customers, ${count(result.churned)} churned, window ${result.rule.windowDays} days`;
  });
  await record('survival with bands (window given)', async () => {
    const result = await core.survival({ windowDays: facts.windowDays });
    return `${count(result.curves[0]!.subjects)} customers`;
  });
  await record('survival per region with log-rank', () => core.survival({ windowDays: facts.windowDays, segment: 'region' }).then(() => undefined));
  await record('KPIs', async () => `${(await core.kpis({ windowDays: facts.windowDays })).kpis.length} KPIs`);
  await record('RFM', async () => `${count((await core.customerSegments({ scheme: 'rfm' })).customers)} customers`);
  await record('shopper types', async () => `${count((await core.customerSegments({ scheme: 'shopper' })).customers)} customers`);
  let valueResult = '';
  await record('BG/NBD + Gamma-Gamma (customerValue)', async () => {
    const result = await core.customerValue({});
    valueResult = result.resultId;
    return `${count(result.bgnbd.customers)} customers, converged ${result.bgnbd.converged && (result.gammaGamma?.converged ?? false)}`;
  });
  await record(`Customers list: first page of ${PAGE}`, async () => {
    const page = await core.customerRows({ table: 'value', resultId: valueResult, offset: 0, limit: PAGE });
    facts.valueRows = page.total;
    return `of ${count(page.total)} rows`;
  });
  await record(`Customers list: last page of ${PAGE}`, async () => {
    const page = await core.customerRows({ table: 'value', resultId: valueResult, offset: Math.max(0, facts.valueRows - PAGE), limit: PAGE });
    return `offset ${count(page.offset)}`;
  });
  const renderer = chromiumRenderer();
  try {
    let report: Awaited<ReturnType<Core['defaultReport']>> | null = null;
    await record('default report (model)', async () => {
      report = await core.defaultReport({ lang: 'en' });
      return `${report.sections.length} sections`;
    });
    await record('default report PDF (charts drawn by Chromium)', async () => {
      // A report that failed to build leaves nothing to export: the step fails with that reason
      if (report === null) throw new Error('no report to export: building it failed');
      try {
        const file = await exportReport({ report, format: 'pdf', paper: 'A4' }, renderer);
        return `${count(file.bytes.length)} bytes`;
      } catch (error) {
        return `not exported: ${(error as Error).message.split('\n')[0]}`;
      }
    });
  } finally {
    await renderer.close();
  }
  await record('reasons: classify every ticket', async () => `${count((await core.classifyTickets({ full: true })).tickets)} tickets`);
  await record('reasons: churn reasons', async () => `${(await core.churnReasons({ windowDays: facts.windowDays })).reasons.length} rows`);
  return facts;
}

/** The plain DuckDB query of each step that has one, on the same workspace and limit; keyed by the app step's label. */
function baselines(facts: AppFacts): Map<string, (connection: DuckDBConnection) => Promise<unknown>> {
  const asOfDay = facts.asOf.slice(0, 10);
  const window = facts.windowDays;
  const sql = (text: string) => (connection: DuckDBConnection) => connection.runAndReadAll(text);
  return new Map<string, (connection: DuckDBConnection) => Promise<unknown>>([
    ['retention: month, customers, on', sql(HAND_WRITTEN_COHORTS)],
    ['retention: week, customers, on-or-after', sql(HAND_WRITTEN_WEEKLY_ON_OR_AFTER)],
    ['retention: month, revenue, per first channel', sql(HAND_WRITTEN_REVENUE_BY_CHANNEL)],
    // Per month: active, new, returning (active the month before), resurrected; churned by the month of last order + window
    [
      'churn summary (window derived)',
      sql(`
        WITH d AS (SELECT DISTINCT customer_id, date_trunc('month', ordered_at)::DATE AS month FROM orders WHERE status = 'completed' AND ordered_at <= TIMESTAMP '${facts.asOf.slice(0, 19).replace('T', ' ')}'),
             l AS (SELECT month, lag(month) OVER (PARTITION BY customer_id ORDER BY month) AS previous FROM d),
             a AS (SELECT month, count(*) AS active, count(*) FILTER (WHERE previous IS NULL) AS new,
                          count(*) FILTER (WHERE previous = month - INTERVAL 1 MONTH) AS returning,
                          count(*) FILTER (WHERE previous < month - INTERVAL 1 MONTH) AS resurrected FROM l GROUP BY month),
             c AS (SELECT date_trunc('month', max(ordered_at)::DATE + ${window})::DATE AS month FROM orders
                   WHERE status = 'completed' AND ordered_at <= TIMESTAMP '${facts.asOf.slice(0, 19).replace('T', ' ')}' GROUP BY customer_id)
        SELECT a.*, c.churned FROM a LEFT JOIN (SELECT month, count(*) AS churned FROM c GROUP BY month) c USING (month)`),
    ],
    ['survival with bands (window given)', sql(handWrittenLifetimes(window, facts.asOf, null))],
    ['survival per region with log-rank', sql(handWrittenLifetimes(window, facts.asOf, 'region'))],
    [
      'KPIs',
      sql(`
        WITH c AS (SELECT customer_id, count(*) AS orders, sum(amount) AS revenue FROM orders WHERE status = 'completed' GROUP BY customer_id),
             top AS (SELECT sum(revenue) AS revenue FROM (SELECT revenue FROM c ORDER BY revenue DESC LIMIT (SELECT CAST(ceil(count(*) * 0.2) AS BIGINT) FROM c)))
        SELECT count(*) AS customers, avg((orders > 1)::INT) AS repeat_rate, sum(revenue) / count(*) AS revenue_per_customer,
               sum(revenue) / sum(orders) AS order_value, (SELECT revenue FROM top) / sum(revenue) AS top_share,
               (SELECT avg((status = 'completed')::INT) FROM orders) AS completion,
               (SELECT avg((status = 'refunded')::INT) FROM orders) AS refund_rate
        FROM c`),
    ],
    ['RFM', sql(plainRfmSql(asOfDay))],
    ['shopper types', sql(plainShopperAggregationSql(asOfDay))],
    // The same grouping the fits need (one row per purchase day, weeks), then the same two fits
    [
      'BG/NBD + Gamma-Gamma (customerValue)',
      async (connection) => {
        await connection.run(`
          CREATE OR REPLACE TEMP TABLE plain_value AS
          WITH d AS (SELECT customer_id, ordered_at::DATE AS day, sum(amount) AS spend FROM orders WHERE status = 'completed' GROUP BY ALL)
          SELECT count(*) - 1 AS x, date_diff('day', min(day), max(day)) / 7 AS t_x, date_diff('day', min(day), DATE '${asOfDay}') / 7 AS "T",
                 (sum(spend) - arg_min(spend, day)) / nullif(count(*) - 1, 0) AS m
          FROM d GROUP BY customer_id`);
        const [x, tx, T, n] = (await connection.runAndReadAll('SELECT x::DOUBLE, t_x::DOUBLE, "T"::DOUBLE, count(*)::DOUBLE FROM plain_value GROUP BY ALL')).getColumnsJS() as number[][];
        const [sx, m, sn] = (await connection.runAndReadAll('SELECT x::DOUBLE, m::DOUBLE, count(*)::DOUBLE FROM plain_value WHERE x > 0 GROUP BY ALL')).getColumnsJS() as number[][];
        fitBgNbd({ x: Float64Array.from(x!), tx: Float64Array.from(tx!), T: Float64Array.from(T!), weight: Float64Array.from(n!) });
        fitGammaGamma({ x: Float64Array.from(sx!), m: Float64Array.from(m!), weight: Float64Array.from(sn!) });
      },
    ],
    [`Customers list: first page of ${PAGE}`, sql(`SELECT * FROM result_value ORDER BY value_at_risk DESC, customer_id LIMIT ${PAGE}`)],
    [`Customers list: last page of ${PAGE}`, sql(`SELECT * FROM result_value ORDER BY value_at_risk DESC, customer_id LIMIT ${PAGE} OFFSET ${Math.max(0, facts.valueRows - PAGE)}`)],
  ]);
}

/**
 * A one-sided run keeps its steps in `<stem>.<side>.json` and adds the other side's last figures,
 * so two runs (app and plain, on two copies of a workspace) print one table.
 */
function withOtherSide(stem: string, side: 'app' | 'plain', steps: Step[]): Step[] {
  writeFileSync(`${stem}.${side}.json`, JSON.stringify(steps));
  const other = `${stem}.${side === 'app' ? 'plain' : 'app'}.json`;
  if (!existsSync(other)) return steps;
  const theirs = JSON.parse(readFileSync(other, 'utf8')) as Step[];
  const merged = (side === 'app' ? steps : theirs).map((step) => ({ ...step }));
  for (const step of side === 'app' ? theirs : steps) {
    const same = merged.find((candidate) => candidate.label === step.label);
    if (same) same.baseline = step.baseline;
  }
  console.log(`(the ${side === 'app' ? 'plain' : 'app'} side's figures from ${other})`);
  return merged;
}

function printTable(steps: Step[]): void {
  const cell = (timing: Measured | null) => (timing ? `${seconds(timing.ms)} (CPU ${seconds(timing.cpuMs)})` : '-');
  const rows = steps.map((step) => [
    step.label,
    cell(step.app),
    cell(step.baseline),
    step.app && step.baseline ? (step.app.ms / step.baseline.ms).toFixed(2) : '-',
    step.app ? gigabytes(step.app.peak) : '-',
    step.baseline ? gigabytes(step.baseline.peak) : '-',
    step.note,
  ]);
  const header = ['step', 'app wall (CPU)', 'plain DuckDB wall (CPU)', 'app / plain', 'app peak RSS', 'plain peak RSS', 'result'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((text, column) => text.padEnd(widths[column]!)).join(' | '));
}

/** What the baselines need when the app side ran in another process: the rule the app derives, and the stored value table's size. */
async function factsOfWorkspace(connection: DuckDBConnection): Promise<AppFacts> {
  const rule = await resolveChurnRule(connection, {});
  const tables = await connection.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'result_value'`);
  const valueRows = Number(tables.getColumnsJS()[0]![0]) > 0 ? Number((await connection.runAndReadAll('SELECT count(*) FROM result_value')).getColumnsJS()[0]![0]) : 0;
  return { windowDays: rule.windowDays, asOf: rule.asOf, valueRows };
}

export default async function scaleBench(args: BenchArgs): Promise<void> {
  const memoryLimit = args.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
  // A spill folder per size: runs at two sizes at once must not share DuckDB's temporary files
  const settings: WorkspaceSettings = { memoryLimit, threads: 2, tempDirectory: join(args.dir, `scale-${args.rows}.spill`) };
  console.log(`orders ${count(args.rows)}, customers ${count(Math.ceil(args.rows / 10))}, tickets ${count(Math.ceil(args.rows / 100))}, memory limit ${memoryLimit}, 2 threads, side ${args.side}`);
  console.log(`load average (1, 5, 15 min) at start: ${load()}`);
  const steps: Step[] = [];
  const path = await ensureWorkspace(args, settings, steps);
  if (args.side === 'import') return;
  let facts: AppFacts | null = null;
  if (args.side !== 'plain') {
    const core = await createCore({ workspace: path, settings });
    try {
      facts = await appSteps(core, async (label, work) => {
        let note = '';
        try {
          const app = await measured(async () => (note = (await work()) ?? ''));
          steps.push({ label, app, baseline: null, note });
          console.log(`${label}: ${seconds(app.ms)} (CPU ${seconds(app.cpuMs)}), peak RSS ${gigabytes(app.peak)}${note ? `; ${note}` : ''}`);
        } catch (error) {
          // One failing step must not hide the others' figures: it is listed as failed
          steps.push({ label, app: null, baseline: null, note: `FAILED: ${(error as Error).message.split('\n')[0]}` });
          console.log(`${label}: FAILED ${(error as Error).message}`);
        }
      });
    } finally {
      await core.close();
    }
  }
  if (args.side !== 'app') {
    const workspace = await Workspace.open(path, settings);
    try {
      await workspace.withConnection(async (connection) => {
        const known = facts ?? (await factsOfWorkspace(connection));
        for (const [label, query] of baselines(known)) {
          let step = steps.find((candidate) => candidate.label === label);
          if (step && !step.app) continue;
          if (!step) steps.push((step = { label, app: null, baseline: null, note: '' }));
          if (label.startsWith('Customers list') && known.valueRows === 0) continue;
          try {
            step.baseline = await measured(() => query(connection));
            console.log(`  plain DuckDB for ${label}: ${seconds(step.baseline.ms)} (CPU ${seconds(step.baseline.cpuMs)}), peak RSS ${gigabytes(step.baseline.peak)}`);
          } catch (error) {
            step.note = `plain query FAILED: ${(error as Error).message.split('\n')[0]}`;
            console.log(`  plain DuckDB for ${label}: FAILED ${(error as Error).message}`);
          }
        }
      });
    } finally {
      await workspace.close();
    }
  }
  console.log(`load average at the end: ${load()}`);
  console.log('');
  printTable(args.side === 'both' ? steps : withOtherSide(join(args.dir, `scale-${args.rows}-${memoryLimit}`), args.side, steps));
  // Each step's peak is its own (VmHWM is reset before it, which resets maxRSS too), so the run's peak is the highest of them
  const ceiling = limitBytes(memoryLimit) * 1.5;
  const highest = Math.max(peakMemory().maxRss, ...steps.flatMap((step) => [step.app?.peak ?? 0, step.baseline?.peak ?? 0]));
  console.log(`peak RSS of the run ${gigabytes(highest)}; 1.5 x the ${memoryLimit} limit is ${gigabytes(ceiling)}: ${highest <= ceiling ? 'ok' : 'OVER'}`);
}
