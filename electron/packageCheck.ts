// Packages the desktop app as a release does (`electron-builder --linux dir`), offline, with a
// stand-in Electron folder whose binary carries only Electron's fuse wire, then checks what came out:
// main, preload, worker and renderer inside app.asar; DuckDB's native binding unpacked, loadable and
// answering a query; the reason worker thread unpacked and classifying a text; the sample, segments and taxonomy in resources; no devDependency in the asar;
// every package the worker and main bundles import present in the package; the fuses flipped as
// electron-builder.yml says.
//
//   node --import tsx electron/packageCheck.ts [--project DIR]
//
// DIR must hold a real node_modules (`npm ci`), not a symlink: electron-builder copies the production
// dependencies out of it. Run by electron/test/packaging.test.ts when CHURNWB_PACKAGE_TEST=1.
import { extractFile, listPackage } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = join(import.meta.dirname, '..');

/** Electron's fuse sentinel; the fuse wire follows it: version 1, the wire length, one byte per fuse. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's wire: eight fuses, each '1' (enabled) as shipped. */
const STOCK_FUSE_WIRE = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from('11111111')]);
/** The order of fuses in the wire (@electron/fuses' FuseV1Options), named as electron-builder.yml names them. */
const FUSE_NAMES = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;
const FUSE_ENABLED = 0x31;

/** A folder electron-builder accepts as an unpacked Electron (`-c.electronDist`): a binary with the fuse wire. */
export function makeStandInElectron(dir: string, version: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const binary = join(dir, 'electron');
  writeFileSync(binary, Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron: packaging check only"\nexit 1\n# '), STOCK_FUSE_WIRE, Buffer.from('\n')]));
  chmodSync(binary, 0o755);
  writeFileSync(join(dir, 'version'), version);
  return dir;
}

function run(command: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export interface PackagedApp {
  /** `<out>/linux-unpacked`. */
  appDir: string;
  buildSeconds: number;
  packageSeconds: number;
}

/** `npm run build`, then `electron-builder --linux dir` with a stand-in Electron, into `outDir`. */
export function packageApp(project: string, outDir: string): PackagedApp {
  if (!existsSync(join(project, 'node_modules')) || lstatSync(join(project, 'node_modules')).isSymbolicLink()) {
    throw new Error(`${project}/node_modules must be a real folder (run \`npm ci\` there): electron-builder copies the production dependencies out of it`);
  }
  const electronVersion = (JSON.parse(readFileSync(join(project, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  let started = performance.now();
  const build = run('npm', ['run', 'build'], project);
  if (!build.ok) throw new Error(`npm run build failed:\n${build.output}`);
  const buildSeconds = (performance.now() - started) / 1000;
  const standIn = makeStandInElectron(mkdtempSync(join(tmpdir(), 'churnwb-electron-standin-')), electronVersion);
  try {
    started = performance.now();
    const builder = run('npx', ['electron-builder', '--linux', 'dir', '--publish', 'never', `-c.electronDist=${standIn}`, `-c.directories.output=${outDir}`], project);
    if (!builder.ok) throw new Error(`electron-builder failed:\n${builder.output}`);
    return { appDir: join(outDir, 'linux-unpacked'), buildSeconds, packageSeconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(standIn, { recursive: true, force: true });
  }
}

function folderBytes(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((total, entry) => total + folderBytes(join(path, entry)), 0);
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Packages a bundle loads: static and dynamic imports, requires, and createRequire(...).resolve names. */
export function bundleImports(source: string): string[] {
  const specifiers = [...source.matchAll(/\bfrom\s*"([^"\s]+)"|\bimport\(\s*"([^"\s]+)"\s*\)|\brequire(?:\.resolve)?\(\s*["']([^"'\s]+)["']\s*\)|\.resolve\(\s*"([^"\s]+)"\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? match[4] ?? '',
  );
  const bare = specifiers.filter((specifier) => /^(@[a-z0-9._-]+\/)?[a-z0-9][a-z0-9._-]*(\/[\w./-]+)?$/i.test(specifier) && !BUILTINS.has(specifier));
  return [...new Set(bare.map(packageName))].filter((name) => name !== 'electron').sort();
}

export interface PackageReport {
  asarBytes: number;
  unpackedBytes: number;
  /** Required files missing from app.asar. */
  missingInAsar: string[];
  /** Resource files missing next to the app. */
  missingResources: string[];
  /** devDependencies of package.json found as packages in the asar. */
  devDependenciesInAsar: string[];
  /** Packages the worker bundle loads, and those of them the package lacks. */
  workerImports: string[];
  workerMissing: string[];
  /** Packages the main bundle loads besides electron (none expected: it is self-contained). */
  mainImports: string[];
  /** DuckDB's unpacked binding, loaded by plain Node, answering `SELECT 42`: its version, or the error. */
  duckdb: { ok: boolean; detail: string };
  /** The unpacked reason worker bundle, started as a worker thread by plain Node, classifying a text: the reasons it gave, or the error. */
  reasonWorker: { ok: boolean; detail: string };
  /** Fuse states in the packaged binary, by electron-builder.yml's names. */
  fuses: Record<string, boolean>;
  /** electron-builder.yml's electronFuses. */
  expectedFuses: Record<string, boolean>;
}

const ASAR_REQUIRED = ['/package.json', '/electron/dist/main.cjs', '/electron/dist/preload.cjs', '/electron/dist/worker.mjs', '/electron/dist/reasonWorker.mjs', '/renderer/dist/index.html'];
const RESOURCES_REQUIRED = [
  'sample/online_retail_sample.csv.gz',
  'sample/tickets_synthetic.csv',
  'sample/SOURCE.md',
  'segments/rfm.json',
  'segments/shopper-types.json',
  'segments/keywords.json',
  'taxonomy/churn-reasons.json',
  'taxonomy/reason-model.json',
];

/**
 * Starts the unpacked reason worker as the core's pool does (a worker thread given the taxonomy) and
 * has it classify one text: a page as reasonWorkerBatch.ts defines it (the contents' JSON in, result
 * rows joined by chr(30) with fields joined by chr(31) out, the reason second).
 */
function runReasonWorker(unpacked: string, resources: string): { ok: boolean; detail: string } {
  const worker = join(unpacked, 'electron', 'dist', 'reasonWorker.mjs');
  if (!existsSync(worker)) return { ok: false, detail: `${worker} is missing` };
  const script = `const { Worker } = require('node:worker_threads');
const taxonomy = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(join(resources, 'taxonomy', 'churn-reasons.json'))}, 'utf8'));
const worker = new Worker(${JSON.stringify(worker)}, { workerData: { taxonomy, model: null } });
worker.on('error', (error) => { process.stderr.write(String(error)); process.exit(1); });
const reasons = (rows) => rows.split('\\x1e').map((row) => row.split('\\x1f')[1]).join(',');
worker.on('message', (reply) => { process.stdout.write(reply.ok ? reasons(reply.value) : reply.message); process.exitCode = reply.ok ? 0 : 1; void worker.terminate(); });
worker.postMessage(JSON.stringify([[null, null, '物流太慢了，the app keeps crashing', null, null]]));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, CHURNWB_RESOURCES_DIR: resources } });
  return { ok: result.status === 0, detail: result.status === 0 ? result.stdout : result.stderr };
}

/** Loads the unpacked binding with plain Node (as the app's utility process does) and runs a query. */
function loadDuckDb(unpacked: string): { ok: boolean; detail: string } {
  const bindings = readdirSync(join(unpacked, 'node_modules', '@duckdb')).filter((name) => name.startsWith('node-bindings-'));
  const binding = bindings.map((name) => join(unpacked, 'node_modules', '@duckdb', name, 'duckdb.node')).find((path) => existsSync(path));
  if (!binding) return { ok: false, detail: `no duckdb.node under ${unpacked}/node_modules/@duckdb (found ${bindings.join(', ') || 'nothing'})` };
  const script = `const duckdb = require(${JSON.stringify(binding)});
(async () => {
  const connection = await duckdb.connect(await duckdb.open());
  const chunk = await duckdb.fetch_chunk(await duckdb.query(connection, 'SELECT 42 AS answer'));
  if (duckdb.data_chunk_get_size(chunk) !== 1) throw new Error('SELECT 42 returned no row');
  process.stdout.write(duckdb.library_version());
})().catch((error) => { process.stderr.write(String(error)); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return { ok: result.status === 0, detail: result.status === 0 ? result.stdout : result.stderr };
}

export async function inspectPackage(appDir: string, project: string): Promise<PackageReport> {
  const resources = join(appDir, 'resources');
  const asar = join(resources, 'app.asar');
  const unpacked = join(resources, 'app.asar.unpacked');
  const entries = new Set(listPackage(asar, { isPack: false }).map((entry) => entry.replaceAll('\\', '/')));
  const packaged = (name: string) => entries.has(`/node_modules/${name}/package.json`) || existsSync(join(unpacked, 'node_modules', name, 'package.json'));
  const packageJson = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const builderConfig = parse(readFileSync(join(project, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean> };
  const workerImports = bundleImports(extractFile(asar, 'electron/dist/worker.mjs').toString('utf8'));
  const wire = await getCurrentFuseWire(join(appDir, 'churn-workbench'));
  return {
    asarBytes: statSync(asar).size,
    unpackedBytes: existsSync(unpacked) ? folderBytes(unpacked) : 0,
    // The packaged package.json's `main` is what Electron starts.
    missingInAsar: [...ASAR_REQUIRED, `/${(JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string }).main}`].filter((path) => !entries.has(path)),
    missingResources: RESOURCES_REQUIRED.filter((path) => !existsSync(join(resources, path))),
    devDependenciesInAsar: Object.keys(packageJson.devDependencies).filter(packaged),
    workerImports,
    workerMissing: workerImports.filter((name) => !packaged(name)),
    mainImports: bundleImports(extractFile(asar, 'electron/dist/main.cjs').toString('utf8')),
    duckdb: existsSync(unpacked) ? loadDuckDb(unpacked) : { ok: false, detail: `${unpacked} is missing` },
    reasonWorker: runReasonWorker(unpacked, resources),
    fuses: Object.fromEntries(FUSE_NAMES.map((name, index) => [name, wire[index as keyof typeof wire] === FUSE_ENABLED])),
    expectedFuses: builderConfig.electronFuses,
  };
}

if (process.argv[1] === import.meta.filename) {
  const index = process.argv.indexOf('--project');
  const project = index > 0 ? process.argv[index + 1]! : REPO_ROOT;
  const started = performance.now();
  const packaged = packageApp(project, mkdtempSync(join(tmpdir(), 'churnwb-release-')));
  const report = await inspectPackage(packaged.appDir, project);
  process.stdout.write(`${JSON.stringify({ ...packaged, totalSeconds: (performance.now() - started) / 1000, ...report }, null, 2)}\n`);
}
