// Kills the CLI (SIGKILL and SIGINT) at several moments of a classification: the workspace reopens
// with its tickets' reasons as they were or wholly redone, never a mix, and nothing temporary left.
//
// The workspace starts classified by the bundled taxonomy; each run classifies it again by an edited
// taxonomy (`reasons --taxonomy`), which redoes every ticket. Its rows are told apart by the taxonomy
// hash each row carries, so a reopened workspace must hold exactly the rows of the first
// classification or exactly those of a run left to finish.
//
// Moments are told by the process itself, not by clocks: the CPU time it has used (read from
// /proc, a share of what an uninterrupted run uses past starting), the workspace file growing
// (DuckDB writes a large insert there before its commit) and the write-ahead log, which takes the
// commit (a share of its size at the end of an uninterrupted run); so each kill lands in the stage
// it names on a fast or a slow machine alike.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { queryOne } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');
/** Enough distinct texts that classifying them all takes seconds: room for kills in the middle. */
const TICKETS = 120_000;
const CUSTOMERS = 20_000;
/** /proc/PID/stat counts CPU time in clock ticks; 100 a second on Linux. */
const TICKS_PER_SECOND = 100;

/** Complaint, praise and question fragments, two or three per ticket (as in the reasons bench). */
const FRAGMENTS = [
  '物流太慢了', '包装破损', '发错货了', '质量太差', '与描述不符', '客服态度很差', '太贵了', '别家更便宜', '退款太难了', '支付失败', '没有质量问题', '很满意',
  'Late delivery', 'the parcel was damaged', 'wrong items', 'support was rude', 'too expensive', 'still waiting for my refund', 'the app keeps crashing', 'thank you',
];
const pick = (salt: number) => `1 + CAST(hash(range, ${salt}) % len($fragments) AS BIGINT)`;

/** What `ticket_reasons` holds: rows, tickets covered, the taxonomies they were made by, and a fingerprint of the rows. */
type Reasons = {
  rows: number;
  tickets: number;
  /** The distinct taxonomy hashes, comma-separated. */
  hashes: string;
  fingerprint: string;
};

async function readReasons(path: string): Promise<Reasons> {
  const workspace = await Workspace.open(path, { memoryLimit: '1GB', threads: 2 });
  try {
    return await workspace.withConnection((connection) =>
      queryOne<Reasons>(
        connection,
        `SELECT count(*) AS rows, count(DISTINCT ticket_id) AS tickets, coalesce(string_agg(DISTINCT taxonomy_hash, ',' ORDER BY taxonomy_hash), '') AS hashes,
                CAST(coalesce(bit_xor(hash(ticket_id, reason, taxonomy_hash, "primary")), 0) AS VARCHAR) AS fingerprint
         FROM ticket_reasons`,
      ),
    );
  } finally {
    await workspace.close();
  }
}

/** CPU seconds a live process has used, or null once it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

describe.skipIf(process.platform !== 'linux')('killed classifications leave the workspace whole', () => {
  let dir: string;
  let classified: string;
  let edited: string;
  let before: Reasons;
  /** The size of the classified workspace, each run's starting point. */
  let classifiedBytes = 0;
  let after: Reasons;
  /** CPU seconds of starting the CLI and opening the workspace (`info`), and of a whole classifying run: the scale of the moments. */
  let startCpu = 0;
  let wholeRunCpu = 0;
  /** The largest the write-ahead log grew in a whole run: it holds the stored rows by the end. */
  let wholeRunWal = 0;
  const place = () => join(dir, 'run');
  const workspace = () => join(place(), 'w.duckdb');
  const workspaceBytes = () => statSync(workspace(), { throwIfNoEntry: false })?.size ?? 0;
  const walSize = () => statSync(`${workspace()}.wal`, { throwIfNoEntry: false })?.size ?? 0;
  const cli = (...args: string[]) => [BIN, '--workspace', workspace(), '--memory-limit', '1GB', '--threads', '2', ...args];
  const classify = () => cli('reasons', '--window-days', '60', '--taxonomy', edited, '--json');

  /** A fresh copy of the classified workspace, alone in its folder. */
  function freshWorkspace(): void {
    rmSync(place(), { recursive: true, force: true });
    mkdirSync(place());
    copyFileSync(classified, workspace());
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-reasons-fault-'));
    classified = join(dir, 'classified.duckdb');
    const built = await Workspace.open(classified, { memoryLimit: '1GB', threads: 2 });
    try {
      await built.withConnection(async (connection) => {
        // Nearly every text distinct (an order number in each), two in five rated 1 or 2
        await connection.run(
          `INSERT INTO tickets (ticket_id, customer_id, created_at, body, rating, source_id)
           SELECT 'T' || range, 'C' || (hash(range, 1) % $customers), TIMESTAMP '2024-01-01' + to_minutes(CAST(hash(range, 2) % 400000 AS BIGINT)),
                  $fragments[${pick(3)}] || '，' || $fragments[${pick(4)}] || CASE WHEN hash(range, 5) % 2 = 0 THEN '. ' || $fragments[${pick(6)}] ELSE '' END || ' #' || range,
                  CAST(1 + hash(range, 7) % 5 AS DOUBLE), 0
           FROM range($tickets)`,
          { tickets: TICKETS, customers: CUSTOMERS, fragments: listValue(FRAGMENTS) },
        );
        // Two orders a customer, the second from days to months later, so some churn and some stay
        await connection.run(
          `INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, source_id)
           SELECT 'O' || range || '-' || n, 'C' || range, TIMESTAMP '2024-01-01' + to_days(CAST(hash(range, 8) % 200 AS BIGINT) + (n - 1) * CAST(hash(range, 9) % 150 AS BIGINT)),
                  10 + hash(range, 10) % 90, 'completed', 0
           FROM range($customers), (VALUES (1), (2)) AS t(n)`,
          { customers: CUSTOMERS },
        );
      });
      await built.checkpoint();
    } finally {
      await built.close();
    }
    rmSync(`${classified}.tmp`, { recursive: true, force: true });
    // The edited taxonomy: one more keyword, so its hash differs and every ticket is redone
    const taxonomy = bundledTaxonomy();
    edited = join(dir, 'edited-taxonomy.json');
    writeFileSync(edited, JSON.stringify({ ...taxonomy, reasons: taxonomy.reasons.map((reason, index) => (index === 0 ? { ...reason, keywords: { ...reason.keywords, en: [...reason.keywords.en, 'snail pace'] } } : reason)) }));
    // The starting point: classified by the bundled taxonomy
    freshWorkspace();
    const first = spawnSync(process.execPath, cli('reasons', '--window-days', '60', '--json'), { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    rmSync(classified);
    copyFileSync(workspace(), classified);
    before = await readReasons(classified);
    classifiedBytes = statSync(classified).size;
    expect(before.tickets).toBe(TICKETS);
    expect(before.hashes).toMatch(/^[0-9a-f]+$/);
    // A run left to finish, its CPU time read as it goes
    freshWorkspace();
    const whole = await interrupt('SIGKILL', () => false);
    expect(whole.code, whole.stderr).toBe(0);
    wholeRunCpu = whole.cpu;
    wholeRunWal = whole.walBytes;
    const started = await interrupt('SIGKILL', () => false, cli('info', '--json'));
    expect(started.code, started.stderr).toBe(0);
    startCpu = started.cpu;
    after = await readReasons(workspace());
    expect(after.tickets).toBe(TICKETS);
    expect(after.hashes).toMatch(/^[0-9a-f]+$/);
    expect(after.hashes).not.toEqual(before.hashes);
    // Else the moments between would not fall within the classification
    expect(wholeRunCpu).toBeGreaterThan(startCpu + 1);
    expect(wholeRunWal).toBeGreaterThan(1024 * 1024);
    process.stdout.write(`a whole classification of ${TICKETS} tickets: ${wholeRunCpu.toFixed(1)} s CPU, ${startCpu.toFixed(1)} s of it starting, write-ahead log up to ${(wholeRunWal / 1024 / 1024).toFixed(1)} MB; rows before ${before.rows}, after ${after.rows}\n`);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the classification, sends `signal` once `moment` holds (polled), and reports how the process ended and the CPU it had used. */
  async function interrupt(
    signal: 'SIGKILL' | 'SIGINT',
    moment: (cpu: number) => boolean,
    args = classify(),
  ): Promise<{ signalled: boolean; code: number | null; killedBy: NodeJS.Signals | null; stderr: string; cpu: number; walBytes: number }> {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, killedBy) => resolve([code, killedBy])));
    let running = true;
    void exited.then(() => (running = false));
    let signalled = false;
    let cpu = 0;
    let walBytes = 0;
    while (running) {
      cpu = cpuSeconds(child.pid!) ?? cpu;
      walBytes = Math.max(walBytes, walSize());
      if (moment(cpu)) {
        signalled = child.kill(signal);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [code, killedBy] = await exited;
    return { signalled, code, killedBy, stderr, cpu, walBytes };
  }

  /** interrupt on a fresh copy of the classified workspace. */
  async function freshInterrupt(signal: 'SIGKILL' | 'SIGINT', moment: (cpu: number) => boolean): ReturnType<typeof interrupt> {
    freshWorkspace();
    return interrupt(signal, moment);
  }

  /** Once the run has done `share` of the classifying, by the CPU time past starting. */
  const atCpuShare = (share: number) => (cpu: number) => cpu >= startCpu + share * (wholeRunCpu - startCpu);
  const moments: [string, 'SIGKILL' | 'SIGINT', (cpu: number) => boolean][] = [
    ['SIGKILL as the process starts', 'SIGKILL', () => true],
    ['SIGKILL as the workspace is first written (the write-ahead log appears, opening)', 'SIGKILL', () => walSize() > 0],
    ['SIGKILL a quarter of the way (by CPU time)', 'SIGKILL', atCpuShare(0.25)],
    ['SIGINT a quarter of the way', 'SIGINT', atCpuShare(0.25)],
    ['SIGKILL half way', 'SIGKILL', atCpuShare(0.5)],
    ['SIGKILL three quarters of the way', 'SIGKILL', atCpuShare(0.75)],
    // DuckDB writes large inserts into the file before their commit: the old rows are deleted by then, uncommitted
    ['SIGKILL as the workspace file grows (the new rows written, not yet committed)', 'SIGKILL', () => workspaceBytes() > classifiedBytes],
    ['SIGINT as the workspace file grows', 'SIGINT', () => workspaceBytes() > classifiedBytes],
    ['SIGKILL with half the stored rows in the write-ahead log (the commit)', 'SIGKILL', () => walSize() > wholeRunWal / 2],
    ['SIGINT with half the stored rows in the write-ahead log', 'SIGINT', () => walSize() > wholeRunWal / 2],
  ];

  for (const [name, signal, moment] of moments) {
    it(name, async () => {
      // The moment came while the classification ran (else this case would test nothing). A run's CPU
      // time varies with the machine's load (one ended before three quarters of the whole run's CPU
      // beside other work), so a run the moment missed is tried again, up to three times in all.
      let ended = await freshInterrupt(signal, moment);
      for (let tries = 1; !ended.signalled && ended.code === 0 && tries < 3; tries++) ended = await freshInterrupt(signal, moment);
      expect(ended.signalled, ended.stderr).toBe(true);
      if (signal === 'SIGINT' && ended.code !== 0) {
        // Ctrl-C: one line saying so, and the shell's code for an interrupted command.
        expect(ended.code, ended.stderr).toBe(130);
        expect(ended.stderr.trim().split('\n')).toEqual(['churnwb: interrupted; an unfinished import or classification leaves the workspace as it was']);
      }
      const left = readdirSync(place());
      // Reopened by the CLI as a user would, then read.
      const reopened = spawnSync(process.execPath, cli('info', '--json'), { encoding: 'utf8' });
      expect(reopened.status, reopened.stderr).toBe(0);
      const now = await readReasons(workspace());
      const outcome = now.fingerprint === before.fingerprint ? 'before' : 'after';
      expect(now).toEqual(outcome === 'before' ? before : after);
      expect(readdirSync(place())).toEqual(['w.duckdb']);
      process.stdout.write(`${name}: exit ${ended.code ?? ended.killedBy} at ${ended.cpu.toFixed(1)} s CPU, left ${left.join(' ')}, workspace ${outcome} the classification\n`);
    }, 240_000);
  }
});
