// E2E harness: a fresh workspace and HTTP host in-process, Debian's Chromium driven by playwright-core,
// and screenshots into test-output/ (gitignored) for a person to look at.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createCore, type Core } from '../../../core/src/host/core.ts';
import { startHttpHost, type HttpHost } from '../../../core/src/host/http.ts';
import { ensureRendererBuilt, RENDERER_DIST } from '../../build.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', '..', 'test-output', 'e2e');
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface Session {
  core: Core;
  host: HttpHost;
  page: Page;
  dir: string;
  /** Saves test-output/e2e/<name>.png of the whole page. */
  screenshot(name: string): Promise<string>;
  /** Durations (ms) of the long main-thread tasks seen so far; `clear` starts a new window. */
  longTasks(clear?: boolean): Promise<number[]>;
  /** Every core verb the page called, with its duration, for failure reports. */
  calls: { method: string; ms: number | null }[];
  /** Chooses files in the import wizard's file input and waits for the mapping step. */
  chooseFiles(paths: string[], kind?: 'orders' | 'tickets'): Promise<void>;
  close(): Promise<void>;
}

let browser: Browser | null = null;

const SPEC_LOCK = join(tmpdir(), 'churnwb-e2e.lock');
let holdingSpecLock = false;

function lockHolderAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(SPEC_LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one spec file at a time across vitest's worker processes: each starts Chromium and a
 * DuckDB import, and two of them at once on a two-core machine only make both time out.
 * A lock left by a dead process is taken over.
 */
export async function acquireSpecLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(SPEC_LOCK);
      writeFileSync(join(SPEC_LOCK, 'pid'), String(process.pid));
      holdingSpecLock = true;
      return;
    } catch {
      if (!lockHolderAlive()) rmSync(SPEC_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export function releaseSpecLock(): void {
  if (!holdingSpecLock) return;
  holdingSpecLock = false;
  rmSync(SPEC_LOCK, { recursive: true, force: true });
}

/** How long a spec file may wait for the others before it starts. */
export const SPEC_LOCK_WAIT_MS = 900_000;

async function sharedBrowser(): Promise<Browser> {
  if (!browser) browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  return browser;
}

/** A fresh temp workspace, its host, and a page in a fresh browser profile opened on the app. */
export async function openSession(options: { language?: 'en' | 'zh-CN'; viewport?: { width: number; height: number } } = {}): Promise<Session> {
  await ensureRendererBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-e2e-'));
  const core = await createCore({
    workspace: join(dir, 'workspace.duckdb'),
    settings: { memoryLimit: '1GB', threads: 2, tempDirectory: join(dir, 'spill') },
  });
  const host = await startHttpHost({ core, staticDir: RENDERER_DIST, uploadDir: join(dir, 'uploads') });
  const context: BrowserContext = await (await sharedBrowser()).newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    acceptDownloads: true,
    locale: options.language ?? 'en',
  });
  const page = await context.newPage();
  const calls: Session['calls'] = [];
  page.on('request', (request) => {
    const match = /\/api\/call\/(\w+)/.exec(request.url());
    if (!match?.[1]) return;
    const entry = { method: match[1], ms: null as number | null };
    const started = Date.now();
    calls.push(entry);
    request.response().then(() => (entry.ms = Date.now() - started), () => undefined);
  });
  // Long main-thread tasks (>50 ms) from the first paint on, for the responsiveness measurement.
  await page.addInitScript(() => {
    const record: number[] = [];
    Object.assign(window, { __longTasks: record });
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => record.push(entry.duration))).observe({ type: 'longtask', buffered: true });
  });
  const language = options.language ?? 'en';
  // Only the first load: a later reload must keep what the user chose in the page.
  await page.addInitScript((chosen) => localStorage.getItem('churnwb.language') ?? localStorage.setItem('churnwb.language', chosen), language);
  await page.goto(host.appUrl);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    core,
    host,
    page,
    dir,
    calls,
    async screenshot(name) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    longTasks: (clear = false) =>
      page.evaluate((reset) => {
        const record = (window as unknown as { __longTasks: number[] }).__longTasks;
        const copy = [...record];
        if (reset) record.length = 0;
        return copy;
      }, clear),
    async chooseFiles(paths, kind = 'orders') {
      await page.getByRole('radio', { name: kind === 'orders' ? /Orders|订单/ : /Tickets|工单/ }).check({ force: true });
      await page.getByTestId('file-input').setInputFiles(paths);
      await page.getByTestId('encoding-select').waitFor({ timeout: 60_000 });
    },
    async close() {
      await context.close();
      await host.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Ends a spec file: closes its browser and lets the next spec file run. */
export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = null;
  releaseSpecLock();
}

/**
 * The hooks a spec of one session per test shares: its turn at the spec lock, a fresh session (and
 * workspace) before each test, closed after it, and the browser closed at the end. Call inside
 * `describe`; the returned function gives the running test's session.
 */
export function sessionPerTest(options: Parameters<typeof openSession>[0] = { language: 'en' }): () => Session {
  let session: Session | null = null;
  beforeAll(acquireSpecLock, SPEC_LOCK_WAIT_MS);
  beforeEach(async () => {
    session = await openSession(options);
  });
  afterEach(async () => session?.close());
  afterAll(closeBrowser);
  return () => {
    if (!session) throw new Error('no session: sessionPerTest() gives one only inside a test');
    return session;
  };
}

/**
 * Opens each screen of the navigation in turn, and each of its tabs after the first, and calls
 * `visit` with a name for what is shown (the screen's route, then route-tab). On the report screen
 * the report is generated first (zh-CN button names), since its sections are what there is to see;
 * `ready` waits for what a screen's check needs before the first visit.
 */
export async function visitEveryScreen(page: Page, visit: (where: string) => Promise<void>, ready: (id: string) => Promise<void>): Promise<void> {
  const links = page.getByRole('navigation').getByRole('link');
  await links.first().waitFor();
  for (let index = 0; index < (await links.count()); index++) {
    const link = links.nth(index);
    const id = (await link.getAttribute('href'))?.replace('#/', '') ?? String(index);
    await link.click();
    if (id === 'report') await page.getByRole('button', { name: /生成报告|重新生成/ }).click();
    await ready(id);
    await visit(id);
    const tabs = page.locator('main').getByRole('tab');
    for (let tab = 1; tab < (await tabs.count()); tab++) {
      await tabs.nth(tab).click();
      await visit(`${id}-${tab}`);
    }
  }
}
