// Kills the CLI (SIGKILL and SIGINT) at a dozen moments of a plain and a GB18030 import: the workspace reopens whole, with no half import and no temporary files.
//
// Moments are told by what the import leaves on disk as it goes (its temporary folder, the part
// files of the parallel GB18030 decode and their growth, the workspace file growing: for the plain
// file that is the commit, for the GB18030 one the load), not by
// clocks, so each kill lands in the stage it names on a fast or a slow machine alike; a kill
// that arrives after the import finished must find the whole import, never a part of it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedOrders, generateExport, writeExport } from './formatsExport.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');
const BASE_ROWS = 50;
const PLAIN_ROWS = 150_000;
const GB_ROWS = 560_000; // about 37 MB of GB18030: over the 32 MiB from which it is decoded in parallel parts

interface Info {
  orders: number;
  customers: number;
  sources: { file: string; rowsLoaded: number }[];
}

describe('killed imports leave the workspace whole', () => {
  let dir: string;
  let workspace: string;
  let temp: string;
  let base: Info;
  const plain = () => join(dir, 'plain.csv');
  const gb = () => join(dir, 'gb18030.csv');
  const cli = (...args: string[]) => [BIN, '--workspace', workspace, '--memory-limit', '1GB', '--threads', '2', ...args];
  const info = (): Info => {
    const run = spawnSync(process.execPath, cli('info', '--json'), { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as Info;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-fault-'));
    workspace = join(dir, 'w.duckdb');
    temp = `${workspace}.tmp`;
    writeFileSync(join(dir, 'base.csv'), writeExport(generateExport(BASE_ROWS, 7), { encoding: 'utf-8', eol: '\n', quoteAll: false }));
    // Order ids of the big files start after the base's, so a finished import adds exactly its rows.
    const shifted = (rows: number, seed: number) => generateExport(rows, seed, 1000).map((row, index) => ({ ...row, orderId: `P${seed}-${index}` }));
    writeFileSync(plain(), writeExport(shifted(PLAIN_ROWS, 1), { encoding: 'utf-8', eol: '\n', quoteAll: false }));
    writeFileSync(gb(), writeExport(shifted(GB_ROWS, 2), { encoding: 'gb18030', eol: '\r\n', quoteAll: false }));
    expect(statSync(gb()).size).toBeGreaterThan(32 * 1024 * 1024);
    const imported = spawnSync(process.execPath, cli('import', join(dir, 'base.csv'), '--kind', 'orders'), { encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);
    base = info();
    expect(base.orders).toBe(expectedOrders(generateExport(BASE_ROWS, 7)).length);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const importFolders = () => (existsSync(temp) ? readdirSync(temp).filter((name) => name.startsWith('import-')) : []);
  const partBytes = () =>
    importFolders().reduce((sum, folder) => {
      const path = join(temp, folder);
      return sum + (existsSync(path) ? readdirSync(path).filter((name) => name.includes('.part')).reduce((bytes, name) => bytes + (statSync(join(path, name), { throwIfNoEntry: false })?.size ?? 0), 0) : 0);
    }, 0);
  const workspaceBytes = () => statSync(workspace).size;
  /** The workspace file's size before each moment: growth past it means the load is writing. */
  let baseBytes = 0;

  /** Runs an import, sends `signal` once `moment` holds (polled), and reports how the process ended. */
  async function interrupt(file: string, signal: 'SIGKILL' | 'SIGINT', moment: () => boolean): Promise<{ signalled: boolean; code: number | null; stderr: string }> {
    const child = spawn(process.execPath, cli('import', file, '--kind', 'orders'), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let running = true;
    void exited.then(() => (running = false));
    let signalled = false;
    while (running) {
      if (moment()) {
        signalled = child.kill(signal);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { signalled, code: await exited, stderr };
  }

  /** The workspace as a reopen finds it: the base alone, or the base plus the whole file; no temporary folder either way. */
  function expectWhole(rows: number): 'before' | 'after' {
    const now = info();
    expect(importFolders()).toEqual([]);
    if (now.orders === base.orders) {
      expect(now.sources).toEqual(base.sources);
      return 'before';
    }
    expect(now.orders).toBe(base.orders + rows);
    expect(now.sources.length).toBe(base.sources.length + 1);
    expect(now.sources.at(-1)?.rowsLoaded).toBe(rows);
    return 'after';
  }

  /** Undoes a finished import (replace with the base), so the next moment starts from the same workspace. */
  function reset(): void {
    const run = spawnSync(process.execPath, cli('import', join(dir, 'base.csv'), '--kind', 'orders', '--mode', 'replace'), { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    base = info();
  }

  const moments: [string, () => string, 'SIGKILL' | 'SIGINT', () => boolean, number][] = [
    ['plain: SIGKILL as the process starts', plain, 'SIGKILL', () => true, PLAIN_ROWS],
    ['plain: SIGKILL once the import folder exists (sniffing)', plain, 'SIGKILL', () => importFolders().length > 0, PLAIN_ROWS],
    ['plain: SIGINT once the import folder exists', plain, 'SIGINT', () => importFolders().length > 0, PLAIN_ROWS],
    ['plain: SIGKILL while the workspace file grows (the commit)', plain, 'SIGKILL', () => workspaceBytes() > baseBytes + 1024 * 1024, PLAIN_ROWS],
    ['plain: SIGINT while the workspace file grows', plain, 'SIGINT', () => workspaceBytes() > baseBytes + 1024 * 1024, PLAIN_ROWS],
    ['GB18030: SIGKILL once the import folder exists', gb, 'SIGKILL', () => importFolders().length > 0, GB_ROWS],
    ['GB18030: SIGKILL as the first part file appears', gb, 'SIGKILL', () => partBytes() > 0, GB_ROWS],
    ['GB18030: SIGKILL with 10 MB of parts decoded', gb, 'SIGKILL', () => partBytes() > 10 * 1024 * 1024, GB_ROWS],
    ['GB18030: SIGINT with 10 MB of parts decoded', gb, 'SIGINT', () => partBytes() > 10 * 1024 * 1024, GB_ROWS],
    ['GB18030: SIGKILL with 30 MB of parts decoded', gb, 'SIGKILL', () => partBytes() > 30 * 1024 * 1024, GB_ROWS],
    ['GB18030: SIGKILL while the workspace file grows (loading the parts)', gb, 'SIGKILL', () => workspaceBytes() > baseBytes + 1024 * 1024, GB_ROWS],
    ['GB18030: SIGINT while the workspace file grows', gb, 'SIGINT', () => workspaceBytes() > baseBytes + 1024 * 1024, GB_ROWS],
  ];

  for (const [name, file, signal, moment, rows] of moments) {
    it(name, async () => {
      baseBytes = workspaceBytes();
      const ended = await interrupt(file(), signal, moment);
      // The moment came while the import ran (else this case would test nothing).
      expect(ended.signalled, ended.stderr).toBe(true);
      if (signal === 'SIGINT' && ended.signalled && ended.code !== 0) {
        // Ctrl-C: one line saying so, and the shell's code for an interrupted command.
        expect(ended.code, ended.stderr).toBe(130);
        expect(ended.stderr.trim().split('\n')).toEqual(['churnwb: interrupted; an unfinished import or classification leaves the workspace as it was']);
      }
      const outcome = expectWhole(rows);
      process.stdout.write(`${name}: exit ${ended.code}, workspace ${outcome} the import\n`);
      if (outcome === 'after') reset();
    }, 240_000);
  }

  it('after all that, the same files import whole', async () => {
    for (const [file, rows] of [
      [plain(), PLAIN_ROWS],
      [gb(), GB_ROWS],
    ] as const) {
      const run = spawnSync(process.execPath, cli('import', file, '--kind', 'orders', '--json'), { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ rowsLoaded: rows, rowsRejected: 0 });
      expect(expectWhole(rows)).toBe('after');
      reset();
    }
  }, 600_000);
});
