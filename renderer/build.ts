// Builds the renderer into renderer/dist when the sources are newer than the last build.
// Used by `npm run serve`, `npm start` and the e2e setup; logs go to stderr so stdout stays clean.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

export const RENDERER_ROOT = import.meta.dirname;
export const RENDERER_DIST = join(RENDERER_ROOT, 'dist');
const INPUTS = ['src', 'index.html', 'vite.config.ts'];

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), info.mtimeMs);
}

export function rendererIsStale(): boolean {
  const built = join(RENDERER_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return INPUTS.some((input) => newestMtime(join(RENDERER_ROOT, input)) > builtAt);
}

const LOCK = join(RENDERER_ROOT, '.build-lock');
const LOCK_STALE_MS = 120_000;

/** A lock folder, so parallel test workers build once and the others wait for that build. */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Runs `vite build` unless renderer/dist is up to date; returns whether it built. */
export async function ensureRendererBuilt(): Promise<boolean> {
  if (!rendererIsStale()) return false;
  return withBuildLock(async () => {
    if (!rendererIsStale()) return false;
    process.stderr.write('building the renderer…\n');
    await build({ configFile: join(RENDERER_ROOT, 'vite.config.ts'), logLevel: 'warn' });
    return true;
  });
}

if (process.argv[1] === import.meta.filename) await ensureRendererBuilt();
