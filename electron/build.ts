// Bundles the Electron main process, preload and core worker into electron/dist with esbuild.
// The preload is one self-contained file (a sandboxed preload can require nothing but 'electron');
// the worker is ESM (core modules may use import.meta) and leaves the npm dependencies, DuckDB's
// native binding among them, to node_modules. The core's worker threads (reasonWorker) are bundled
// whole but for native code, because electron-builder.yml unpacks them out of app.asar (worker
// threads cannot load from it), where the packages inside the archive are out of their reach.
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
  reasonWorker: { entry: '../core/src/analysis/reasonWorker.ts', external: ['@node-rs/jieba'], format: 'esm' },
} as const;

/** ESM bundles: a require for the CommonJS packages bundled in, and the folder the core's worker pool starts worker bundles from (core/src/task/workerPool.ts). */
const ESM_BANNER = [
  "import { createRequire as __churnwbCreateRequire } from 'node:module';",
  'const require = __churnwbCreateRequire(import.meta.url);',
  "const __churnwbWorkerDir = new URL('.', import.meta.url).href;",
].join('\n');

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
        ...(format === 'esm' ? { banner: { js: ESM_BANNER }, define: { CHURNWB_WORKER_DIR: '__churnwbWorkerDir' } } : {}),
      }),
    ),
  );
}

if (process.argv[1] === import.meta.filename) await buildElectron();
