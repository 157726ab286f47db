// Bundles the churnwb command line into core/dist/churnwb.mjs with esbuild, so the installed command
// starts without compiling TypeScript (tsx took about 3 s at every start).
//
// Everything pure JavaScript is bundled into the one file (resolving and linking hundreds of
// package files cost more than parsing them); native bindings and what is only read as a file or
// loaded on demand stay in node_modules. Modules that locate files next to their source
// (resources/, package.json, the plotly bundle) see the path of their source file, not the
// bundle's. A list of the project files the bundle was built from is written beside it, so
// core/bin/churnwb.mjs can tell a bundle older than its sources and run the TypeScript instead.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

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

/** The manifest beside a bundle: project files (relative to the root, '/'-separated) it was built from. */
export interface BundleManifest {
  inputs: string[];
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

/** Worker thread modules, each bundled on its own beside the CLI (workerPool.ts starts `<name>.mjs` from the bundle's folder). */
const WORKERS = { reasonWorker: join(ROOT, 'core', 'src', 'analysis', 'reasonWorker.ts') };

/**
 * Writes `outDir`/churnwb.mjs (exporting the CLI's `main`), the worker bundles and the manifest.
 * The bundles find the project root at the same relative path as `outDir` has now, so they must
 * stay inside the checkout.
 */
export async function buildCli(outDir: string = CLI_DIST): Promise<string> {
  const bundle = join(outDir, 'churnwb.mjs');
  // written beside the targets and renamed, so a command started during a rebuild never loads half a file
  const targets = [bundle, ...Object.keys(WORKERS).map((name) => join(outDir, `${name}.mjs`))];
  const partial = (target: string) => `${target}.${process.pid}.part`;
  const rootFromBundle = relative(outDir, ROOT) || '.';
  mkdirSync(outDir, { recursive: true });
  try {
    const results = await Promise.all(
      [join(ROOT, 'core', 'src', 'host', 'cli.ts'), ...Object.values(WORKERS)].map((entry, index) => bundleEntry(entry, partial(targets[index]!), rootFromBundle)),
    );
    const inputs = [...new Set(results.flatMap((result) => Object.keys(result.metafile.inputs)))]
      // the deferred stand-ins are virtual modules ("deferred:exceljs"), not files
      .filter((input) => !input.startsWith('deferred:'))
      .map((input) => relative(ROOT, join(process.cwd(), input)).split(sep).join('/'))
      .filter((input) => !input.startsWith('..') && !input.includes('node_modules/'))
      .sort();
    const manifest: BundleManifest = { inputs };
    writeFileSync(`${manifestPath(bundle)}.part`, `${JSON.stringify(manifest, null, 1)}\n`);
    // workers first: the CLI bundle is what churnwb.mjs checks, and it must not run before its workers are in place
    for (const target of [...targets].reverse()) renameSync(partial(target), target);
    renameSync(`${manifestPath(bundle)}.part`, manifestPath(bundle));
    return bundle;
  } finally {
    for (const target of targets) rmSync(partial(target), { force: true });
  }
}

/** One entry point bundled as the CLI is: project files see their source location, deferred packages load at first use. */
function bundleEntry(entry: string, outfile: string, rootFromBundle: string) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
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
