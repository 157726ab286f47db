// README's `npx churnwb serve` from a clean clone, where `npm run build` has never run: the command
// builds the UI on first use and serves it (the page and its script), never an empty reply. A folder
// without a build, given with --static, fails in one line that says how to build the UI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const isGitCheckout = spawnSync('git', ['-C', ROOT, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' }).stdout.trim() === 'true';
if (!isGitCheckout) console.warn(`host/serveClone.test.ts: skipped, ${ROOT} is not a git checkout to clone`);

/** The first stdout line of a child (the URL `serve` promises), or the child's stderr if it exits first. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its URL: ${err}`)));
  });
}

describe.skipIf(!isGitCheckout)('npx churnwb serve from a clean clone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-clone-'));
  const clone = join(dir, 'clone');
  let child: ChildProcess | null = null;

  beforeAll(() => {
    const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
    // The clone shares this checkout's installed packages (the set-up's `npm install`), nothing else.
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    mkdirSync(join(dir, 'data'));
  });
  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      process.kill(-child.pid, 'SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('has no renderer build to begin with', () => {
    expect(existsSync(join(clone, 'renderer', 'dist'))).toBe(false);
  });

  it('ends with one line saying how to build the UI when building it fails, and prints no URL', () => {
    const page = join(clone, 'renderer', 'index.html');
    renameSync(page, `${page}.away`);
    try {
      const run = spawnSync(process.execPath, [join(clone, 'core', 'bin', 'churnwb.mjs'), 'serve', '--workspace', join(dir, 'w.duckdb')], { encoding: 'utf8', cwd: clone });
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n').at(-1)).toBe(
        `churnwb: E_NOT_FOUND: The workbench UI is not built in ${join(clone, 'renderer', 'dist')}: run \`npm run build:renderer\` in the checkout first.`,
      );
    } finally {
      renameSync(`${page}.away`, page);
    }
  });

  it('builds the UI, prints the URL first, and serves the page and its script', async () => {
    child = spawn('npx', ['churnwb', 'serve', '--sample'], {
      cwd: clone,
      env: { ...process.env, CHURNWB_DATA_DIR: join(dir, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const appUrl = await firstLine(child);
    expect(appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const page = await fetch(appUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(new URL(script!, appUrl));
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect(existsSync(join(clone, 'renderer', 'dist', 'index.html'))).toBe(true);
  }, 300_000);

  it('fails in one line saying how to build when --static names a folder without a build', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const run = spawnSync(process.execPath, [join(clone, 'core', 'bin', 'churnwb.mjs'), 'serve', '--static', empty, '--workspace', join(dir, 'w.duckdb')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([`churnwb: E_NOT_FOUND: The workbench UI is not built in ${empty}: run \`npm run build:renderer\` in the checkout first.`]);
  });
});
