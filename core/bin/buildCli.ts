// Bundles the churnwb command line into core/dist/churnwb.mjs with esbuild, so the installed command
// starts without compiling TypeScript (tsx took about 3 s at every start).
//
// Everything pure JavaScript is bundled (resolving and linking hundreds of package files cost more
// than parsing them); native bindings and what is only read as a file or loaded on demand stay in
// node_modules. The bundle is split where the code imports dynamically: the command files in
// host/cli/ load the core (DuckDB, Arrow, the schemas, the classifier) inside their actions, so a
// start parses commander and those files only, and a command loads the rest it uses. Modules that
// locate files next to their source (resources/, package.json, the plotly bundle) see the path of
// their source file, not the bundle's. A list of the project files the bundle was built from is
// written beside it, so core/bin/churnwb.mjs can tell a bundle older than its sources and run the
// TypeScript instead.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');
export const CLI_DIST = join(ROOT, 'core', 'dist');

/** Loaded from node_modules at run time: native code, files read as text, and the build tools themselves. */
const EXTERNAL = ['@duckdb/node-bindings', '@node-rs/jieba', 'playwright-core', 'plotly.js-dist-min', 'esbuild', 'tsx'];

/**
 * CommonJS packages that project files import only as a default export and use only in some
 * commands: they are required from node_modules at first use instead of being parsed and run at
 * every start. exceljs alone cost about 50 ms of each start, whatever the command; wink-lemmatizer
 * pulls in wink-lexicon's 3.5 MB of word lists, which was a third of the bundle's parse time and
 * most of the start's module bodies, for the English texts of the reason classifier only.
 */
const DEFERRED = ['exceljs', 'pptxgenjs', 'jszip', 'iconv-lite', 'wink-lemmatizer'];

/** The manifest beside a bundle. */
export interface BundleManifest {
  /** Project files (relative to the root, '/'-separated) it was built from. */
  inputs: string[];
  /** Packages bundled into the files every command loads before it reads its arguments. */
  loadedAtStart: string[];
}

export function manifestPath(bundle: string): string {
  return bundle.replace(/\.mjs$/, '.inputs.json');
}

/** Rewrites import.meta.dirname / import.meta.url of project files into their source location under the bundle's root. */
function sourceLocation(root: string): Plugin {
  return {
    name: 'source-location',
    setup(context) {
      context.onLoad({ filter: /\.ts$/ }, (args) => {
        const file = relative(root, args.path).split(sep).join('/');
        if (file.startsWith('..') || file.includes('node_modules/')) return undefined;
        const contents = readFileSync(args.path, 'utf8')
          .replaceAll('import.meta.dirname', `__churnwbSourcePath(${JSON.stringify(dirname(file))})`)
          .replaceAll('import.meta.url', `__churnwbSourceUrl(${JSON.stringify(file)})`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * Replaces a project file's `import X from 'pkg'` of a DEFERRED package with a stand-in that
 * requires the package from node_modules on first property access or construction (the packages
 * are external to the bundle: neither parsed nor run by a command that does not use them).
 */
function deferredDefaults(root: string): Plugin {
  const filter = new RegExp(`^(${DEFERRED.map((name) => name.replace(/[-/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'deferred-defaults',
    setup(context) {
      context.onResolve({ filter }, (args) => {
        const importer = relative(root, args.importer);
        if (args.namespace === 'deferred' || importer.startsWith('..') || importer.includes('node_modules')) return undefined;
        return { path: args.path, namespace: 'deferred' };
      });
      context.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => ({
        resolveDir: root,
        contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
export default new Proxy(function deferred() {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  construct: (_, args) => new (load())(...args),
  apply: (_, self, args) => load().apply(self, args),
});
`,
      }));
    },
  };
}

/** Entry points by output name: the CLI, and the worker threads (workerPool.ts starts `<name>.mjs` from the bundle's folder). */
const ENTRIES = {
  churnwb: join(ROOT, 'core', 'src', 'host', 'cli.ts'),
  reasonWorker: join(ROOT, 'core', 'src', 'analysis', 'reasonWorker.ts'),
};

/**
 * Writes `outDir`/churnwb.mjs (exporting the CLI's `main`), the worker bundles, the chunks they
 * share and the manifest. The bundles find the project root at the same relative path as `outDir`
 * has now, so they must stay inside the checkout.
 */
export async function buildCli(outDir: string = CLI_DIST): Promise<string> {
  // Built into a folder beside the target and swapped in whole: a command started during a rebuild
  // finds either the old bundle, the new one, or none (and then runs the TypeScript), never a mix
  const partial = `${outDir}.${process.pid}.part`;
  const replaced = `${outDir}.${process.pid}.old`;
  const rootFromBundle = relative(outDir, ROOT) || '.';
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  try {
    const result = await bundleEntries(partial, rootFromBundle);
    const inputs = Object.keys(result.metafile.inputs)
      // the deferred stand-ins are virtual modules ("deferred:exceljs"), not files
      .filter((input) => !input.startsWith('deferred:'))
      .map((input) => relative(ROOT, join(process.cwd(), input)).split(sep).join('/'))
      .filter((input) => !input.startsWith('..') && !input.includes('node_modules/'))
      .sort();
    const manifest: BundleManifest = { inputs, loadedAtStart: packagesLoadedAtStart(result.metafile, join(partial, 'churnwb.mjs')) };
    writeFileSync(manifestPath(join(partial, 'churnwb.mjs')), `${JSON.stringify(manifest, null, 1)}\n`);
    if (existsSync(outDir)) renameSync(outDir, replaced);
    renameSync(partial, outDir);
    return join(outDir, 'churnwb.mjs');
  } finally {
    rmSync(partial, { recursive: true, force: true });
    rmSync(replaced, { recursive: true, force: true });
  }
}

/** The packages in `entry` and the chunks it imports statically: what a command parses before it runs. */
function packagesLoadedAtStart(metafile: Metafile, entry: string): string[] {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [join(process.cwd(), path), output]));
  const loaded = new Set([entry]);
  const packages = new Set<string>();
  for (const path of loaded) {
    const output = outputs.get(path);
    if (!output) continue;
    for (const input of Object.keys(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      if (name) packages.add(name);
    }
    for (const imported of output.imports) if (imported.kind === 'import-statement' && !imported.external) loaded.add(join(process.cwd(), imported.path));
  }
  return [...packages].sort();
}

/** The entry points bundled as the CLI is: project files see their source location, deferred packages load at first use. */
function bundleEntries(outdir: string, rootFromBundle: string) {
  return build({
    entryPoints: ENTRIES,
    outdir,
    // one folder for entries and chunks: the banner's paths are relative to the file it heads
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...EXTERNAL, ...DEFERRED],
    metafile: true,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'error',
    plugins: [sourceLocation(ROOT), deferredDefaults(ROOT)],
    // bundled CommonJS packages call require(); an ES module has none of its own
    banner: {
      js: [
        "import { createRequire as __churnwbCreateRequire } from 'node:module';",
        "import { join as __churnwbJoin } from 'node:path';",
        "import { pathToFileURL as __churnwbToUrl } from 'node:url';",
        'const require = __churnwbCreateRequire(import.meta.url);',
        `const __churnwbRoot = __churnwbJoin(import.meta.dirname, ${JSON.stringify(rootFromBundle)});`,
        'const __churnwbSourcePath = (folder) => __churnwbJoin(__churnwbRoot, folder);',
        'const __churnwbSourceUrl = (file) => __churnwbToUrl(__churnwbJoin(__churnwbRoot, file)).href;',
        "const __churnwbWorkerDir = new URL('.', import.meta.url).href;",
      ].join('\n'),
    },
    define: { CHURNWB_WORKER_DIR: '__churnwbWorkerDir' },
  });
}

// `npm run build:cli`, and `prepare` at `npm install`/`npm ci`, whose `|| exit 0` keeps a failed
// bundle (or a failed start of this script) from failing the install: the command then runs the TypeScript.
if (process.argv[1] === import.meta.filename) {
  const started = performance.now();
  try {
    const bundle = await buildCli();
    const { inputs } = JSON.parse(readFileSync(manifestPath(bundle), 'utf8')) as BundleManifest;
    console.log(`churnwb: bundled ${inputs.length} source files into ${relative(ROOT, bundle)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`churnwb: could not bundle the command line (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); it will run from TypeScript`);
    process.exitCode = 1;
  }
}
