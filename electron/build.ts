// Bundles the Electron main process, preload and core worker into electron/dist with esbuild.
// The preload is one self-contained file (a sandboxed preload can require nothing but 'electron');
// the worker is ESM (core modules may use import.meta) and leaves the npm dependencies, DuckDB's
// native binding among them, to node_modules.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
export const ELECTRON_DIST = join(import.meta.dirname, 'dist');

const dependencies = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);

const ENTRIES = {
  main: { entry: 'main/main.ts', external: ['electron'], format: 'cjs' },
  preload: { entry: 'preload/preload.ts', external: ['electron'], format: 'cjs' },
  worker: { entry: 'worker/worker.ts', external: ['electron', ...dependencies], format: 'esm' },
} as const;

export async function buildElectron(): Promise<void> {
  rmSync(ELECTRON_DIST, { recursive: true, force: true });
  await Promise.all(
    Object.entries(ENTRIES).map(([name, { entry, external, format }]) =>
      build({
        entryPoints: [join(import.meta.dirname, entry)],
        outfile: join(ELECTRON_DIST, `${name}.${format === 'esm' ? 'mjs' : 'cjs'}`),
        bundle: true,
        platform: 'node',
        format,
        target: 'node22',
        external: [...external],
        sourcemap: 'linked',
        logLevel: 'warning',
      }),
    ),
  );
}

if (process.argv[1] === import.meta.filename) await buildElectron();
