// The bundled command line: built by buildCli, it answers exactly as the TypeScript does, and
// core/bin/churnwb.mjs runs it only while it is newer than every file it was built from.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, manifestPath, type BundleManifest } from '../../bin/buildCli.ts';
import { POOL_MIN_CONTENTS } from '../../src/analysis/reasonTickets.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'core', 'test', 'fixtures', 'ingest', 'orders_a.csv');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs the CLI's `main` from `module` (the bundle, or cli.ts under tsx) with `args`. */
async function churnwb(module: string, args: string[], nodeOptions: string[] = []) {
  const script = `const { main } = await import(${JSON.stringify(pathToFileURL(module).href)}); await main(JSON.parse(process.argv[1]));`;
  return run(process.execPath, [...nodeOptions, '--input-type=module', '-e', script, JSON.stringify(args)], { cwd: ROOT });
}

describe('the CLI bundle', () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    // inside the checkout, as core/dist is: the bundle's packages resolve from the folders above it
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp', 'cli-bundle-'));
    bundle = await buildCli(join(dir, 'dist'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the project files it was built from, and no package files', () => {
    const { inputs } = JSON.parse(readFileSync(manifestPath(bundle), 'utf8')) as BundleManifest;
    expect(inputs).toContain('core/src/host/cli.ts');
    expect(inputs).toContain('core/src/analysis/survival.ts');
    expect(inputs.filter((input) => input.includes('node_modules') || input.includes(':'))).toEqual([]);
  });

  it('loads at start only the command definitions: DuckDB, Arrow, the schemas and the classifier load with the commands that use them', () => {
    const { loadedAtStart } = JSON.parse(readFileSync(manifestPath(bundle), 'utf8')) as BundleManifest;
    // commander parses the arguments; papaparse reads a file's header for the import's --max-* checks
    expect(loadedAtStart).toEqual(['commander', 'papaparse']);
  });

  it('prints the version of package.json and answers like the TypeScript, resources and deferred packages included', async () => {
    expect((await churnwb(bundle, ['--version'])).stdout).toBe(`${VERSION}\n`);
    const workspace = join(dir, 'shop.duckdb');
    // RFM reads its rules from resources/ (located from the source file's path); the XLSX report
    // goes through exceljs, one of the packages the bundle loads at first use
    await churnwb(bundle, ['import', FIXTURE, '--kind', 'orders', '--workspace', workspace]);
    const fromBundle = await churnwb(bundle, ['customers', '--scheme', 'rfm', '--csv', '--workspace', workspace]);
    const fromSource = await churnwb(join(ROOT, 'core', 'src', 'host', 'cli.ts'), ['customers', '--scheme', 'rfm', '--csv', '--workspace', workspace], ['--import', 'tsx']);
    expect(fromBundle.stdout.split('\n').length).toBeGreaterThan(2);
    expect(fromBundle.stdout).toBe(fromSource.stdout);
    await churnwb(bundle, ['report', '--out', join(dir, 'report.xlsx'), '--sections', 'kpis', '--workspace', workspace]);
    // an XLSX is a zip: its first bytes are the local file header
    expect(readFileSync(join(dir, 'report.xlsx')).subarray(0, 2).toString()).toBe('PK');
    // "crashed" is a technical complaint only through wink-lemmatizer (crash), also loaded at first use
    const texts = join(dir, 'texts.csv');
    writeFileSync(texts, 'text\nthe app crashed twice\n');
    const classified = JSON.parse((await churnwb(bundle, ['classify', texts, '--column', 'text', '--json'])).stdout) as { classification: { primary: string } }[];
    expect(classified.map((text) => text.classification.primary)).toEqual(['technical']);
  }, 120_000);

  it('classifies tickets on its worker threads (the worker bundle shares chunks with the command) as the TypeScript does', async () => {
    const workspace = join(dir, 'tickets.duckdb');
    const tickets = join(dir, 'tickets.csv');
    // POOL_MIN_CONTENTS distinct texts, the fewest that start the workers; each names a complaint
    const complaints = ['the parcel arrived late', 'the screen was broken', 'the agent was rude', 'my refund was refused', 'far too expensive'];
    const words = Array.from({ length: 100 }, (_, index) => `item${String.fromCharCode(97 + (index % 26))}${String.fromCharCode(97 + Math.floor(index / 26))}`);
    const rows = Array.from({ length: POOL_MIN_CONTENTS }, (_, index) => `${index},${index % 2 === 0 ? 'alice' : 'bob'},2024-01-02 10:00:00,${complaints[index % complaints.length]} ${words[index % 100]} ${words[Math.floor(index / 100)]}`);
    writeFileSync(tickets, `ticket_id,customer_id,created_at,body\n${rows.join('\n')}\n`);
    await churnwb(bundle, ['import', FIXTURE, '--kind', 'orders', '--workspace', workspace]);
    await churnwb(bundle, ['import', tickets, '--kind', 'tickets', '--workspace', workspace]);
    const fromBundle = await churnwb(bundle, ['reasons', '--csv', '--window-days', '1', '--workspace', workspace]);
    const again = join(dir, 'tickets-source.duckdb');
    await churnwb(bundle, ['import', FIXTURE, '--kind', 'orders', '--workspace', again]);
    await churnwb(bundle, ['import', tickets, '--kind', 'tickets', '--workspace', again]);
    const fromSource = await churnwb(join(ROOT, 'core', 'src', 'host', 'cli.ts'), ['reasons', '--csv', '--window-days', '1', '--workspace', again], ['--import', 'tsx']);
    expect(fromBundle.stdout).toBe(fromSource.stdout);
    // each complaint is a fifth of the tickets, and each reads as its reason
    const reasonRows = Papa.parse<Record<string, string>>(fromBundle.stdout, { header: true, skipEmptyLines: true }).data;
    const ticketsByReason = Object.fromEntries(reasonRows.filter((row) => row.level === 'reason' && row.tickets !== '0').map((row) => [row.key, row.tickets]));
    expect(ticketsByReason).toEqual({ after_sales: '2000', logistics: '2000', price: '2000', product_quality: '2000', service: '2000' });
  }, 180_000);
});

describe('core/bin/churnwb.mjs', () => {
  // A copy of the bin in a tree of its own, with a stand-in bundle and stand-in sources that say which ran
  let tree: string;
  const source = () => join(tree, 'core', 'src', 'host', 'cli.ts');
  const bundleFile = () => join(tree, 'core', 'dist', 'churnwb.mjs');
  const launch = () => run(process.execPath, [join(tree, 'core', 'bin', 'churnwb.mjs'), 'a', 'b']);
  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'churnwb-bin-'));
    for (const folder of ['core/bin', 'core/dist', 'core/src/host']) mkdirSync(join(tree, folder), { recursive: true });
    copyFileSync(join(ROOT, 'core', 'bin', 'churnwb.mjs'), join(tree, 'core', 'bin', 'churnwb.mjs'));
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    writeFileSync(join(tree, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(source(), `export async function main(argv: string[]): Promise<void> { console.log('source', argv.join(' ')); }\n`);
    writeFileSync(bundleFile(), `export async function main(argv) { console.log('bundle', argv.join(' ')); }\n`);
    writeFileSync(manifestPath(bundleFile()), JSON.stringify({ inputs: ['core/src/host/cli.ts'] }));
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));
  const age = (path: string, seconds: number) => utimesSync(path, new Date(Date.now() + seconds * 1000), new Date(Date.now() + seconds * 1000));

  it('runs the bundle when it is newer than its inputs', async () => {
    age(source(), -60);
    age(bundleFile(), 0);
    expect(await launch()).toEqual({ stdout: 'bundle a b\n', stderr: '' });
  });

  it('runs the sources, with nothing on a non-terminal stderr, when an input changed after the build', async () => {
    age(bundleFile(), -60);
    age(source(), 0);
    expect(await launch()).toEqual({ stdout: 'source a b\n', stderr: '' });
  }, 30_000);

  it('runs the sources when the manifest is missing or names a file that is gone', async () => {
    age(source(), -60);
    age(bundleFile(), 0);
    writeFileSync(manifestPath(bundleFile()), JSON.stringify({ inputs: ['core/src/host/cli.ts', 'core/src/gone.ts'] }));
    expect((await launch()).stdout).toBe('source a b\n');
    rmSync(manifestPath(bundleFile()));
    expect((await launch()).stdout).toBe('source a b\n');
  }, 30_000);
});
