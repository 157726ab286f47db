// `npm run serve`: builds the renderer if needed, then runs `churnwb serve --sample`, whose first
// stdout line is the URL with its token. Extra arguments pass through (e.g. `-- --port 8080`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureRendererBuilt } from './build.ts';

const CHURNWB = join(import.meta.dirname, '..', 'core', 'bin', 'churnwb.mjs');

/** Starts the browser host on the sample workspace and resolves with its exit code. */
export async function serveSample(extraArgs: readonly string[]): Promise<number> {
  await ensureRendererBuilt();
  const child = spawn(process.execPath, [CHURNWB, 'serve', '--sample', ...extraArgs], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.once('SIGINT', forward);
  process.once('SIGTERM', forward);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

if (process.argv[1] === import.meta.filename) {
  process.exitCode = await serveSample(process.argv.slice(2));
}
