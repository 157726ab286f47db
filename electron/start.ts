// `npm start`: builds the renderer and the Electron bundles, then opens the app on the bundled
// sample workspace. Where Electron cannot start (no binary, as on machines without network at install
// time), it says so in one line on stderr and serves the same UI in a browser instead.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildElectron } from './build.ts';

const ROOT = join(import.meta.dirname, '..');
const ELECTRON_PACKAGE = join(ROOT, 'node_modules', 'electron');
/** An Electron that exits this fast failed to start (no display, missing libraries). */
const EARLY_EXIT_MS = 5000;

/** The Electron executable, without the package's download-on-first-use side effect. */
export function electronBinary(): string | null {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(ELECTRON_PACKAGE, 'path.txt');
  if (!override && !existsSync(pathFile)) return null;
  const executable = override ? join(override, process.platform === 'win32' ? 'electron.exe' : 'electron') : join(ELECTRON_PACKAGE, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

function run(command: string, args: readonly string[]): Promise<number> {
  const child = spawn(command, args, { stdio: 'inherit', cwd: ROOT });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

function fallBackToBrowser(reason: string): Promise<number> {
  process.stderr.write(`Electron cannot start here (${reason}); serving the workbench in a browser instead.\n`);
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'renderer', 'serve.ts'), ...process.argv.slice(2)]);
}

async function start(): Promise<number> {
  const renderer = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'renderer', 'build.ts')]);
  if (renderer !== 0) return renderer;
  await buildElectron();
  const binary = electronBinary();
  if (!binary) return fallBackToBrowser('its binary is not installed and cannot be downloaded');
  const started = Date.now();
  const code = await run(binary, [ROOT, '--sample', ...process.argv.slice(2)]);
  if (code !== 0 && Date.now() - started < EARLY_EXIT_MS) return fallBackToBrowser(`it exited with code ${code}`);
  return code;
}

if (process.argv[1] === import.meta.filename) process.exitCode = await start();
