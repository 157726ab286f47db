// Start-up of the churnwb command: the bundle against node itself (`node -e 0`) and against running the TypeScript through tsx.
//
// Target (issue 5): `churnwb --version` under 0.3 s. The bundle is rebuilt first when it is older
// than its sources, as `npm install` would. Each command runs in alternating rounds; the medians
// of wall time and of the child's CPU time (user + system) are printed, since on a busy shared
// machine the wall time of a short process is mostly waiting for a core.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../../bin/buildCli.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { median, seconds, type Timing } from './measure.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ROUNDS = 7;

/** Loaded first in each child: prints the process's own CPU time (bootstrap included) as its last stderr line. */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent('process.on("exit", () => { const { user, system } = process.cpuUsage(); process.stderr.write(`\\ncpu ${(user + system) / 1000}\\n`); });')}`;

/** Wall time of a child node process, and the CPU time it reports. */
function timedChild(args: string[]): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_CPU, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr}`));
      resolve({ ms, cpuMs: Number(/cpu ([\d.]+)\s*$/.exec(stderr)?.[1] ?? Number.NaN) });
    });
  });
}

export default async function startupBench(): Promise<void> {
  await buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-startup-'));
  const workspace = join(dir, 'empty.duckdb');
  // info refuses a missing workspace (a mistyped path): the empty one is made first
  await (await Workspace.open(workspace, { threads: 1 })).close();
  const bin = join(ROOT, 'core', 'bin', 'churnwb.mjs');
  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'churnwb --version (bundle)': [bin, '--version'],
    'churnwb info (bundle, opens an empty workspace)': [bin, 'info', '--workspace', workspace],
    // cli.ts has no entry of its own: its main is run the way the bin runs it
    'churnwb --version through tsx (the TypeScript)': [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(join(ROOT, 'core', 'src', 'host', 'cli.ts'))}); await main(['--version']);`,
    ],
  };
  try {
    await timedChild(commands['churnwb info (bundle, opens an empty workspace)']!); // creates the workspace once
    const timings = new Map<string, Timing[]>(Object.keys(commands).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, argv] of Object.entries(commands)) timings.get(name)!.push(await timedChild(argv));
    }
    for (const [name, list] of timings) {
      console.log(`${name}: ${seconds(median(list.map((timing) => timing.ms)))} (CPU ${seconds(median(list.map((timing) => timing.cpuMs)))}), median of ${ROUNDS}`);
    }
    const version = timings.get('churnwb --version (bundle)')!;
    const wall = median(version.map((timing) => timing.ms));
    // a process waiting for a busy core is not a slow start: the CPU time is what the command costs
    console.log(`churnwb --version: ${seconds(wall)} (CPU ${seconds(median(version.map((timing) => timing.cpuMs)))}; target < 0.30 s) ${wall < 300 ? 'ok' : 'OVER TARGET in wall time'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
