// E2E: real exports through the import wizard in Chromium — the UCI Online Retail parts (UTF-8,
// gzip) and the Tmall order report re-encoded to GBK — then the result and the workspace summary.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../../core/test/helpers/core.ts';
import { acquireSpecLock, closeBrowser, openSession, SPEC_LOCK_WAIT_MS, type Session } from './harness.ts';

const UCI = join(SHARED_DATA, 'uci_online_retail');
const UCI_PARTS = ['online_retail_part1_2010-12_to_2011-03.csv.gz', 'online_retail_part2_2011-04_to_2011-07.csv.gz', 'online_retail_part3_2011-08_to_2011-12.csv.gz'].map((name) => join(UCI, name));
const TMALL = join(SHARED_DATA, 'tmall_order_report', 'tmall_order_report.csv');
if (!UCI_PARTS.every((part) => existsSync(part))) console.warn(`skipping the UCI import spec: ${UCI} is absent`);
if (!existsSync(TMALL)) console.warn(`skipping the GBK Tmall import spec: ${TMALL} is absent`);

/** Reads a number shown in a stat tile of the import result, e.g. "541,909" → 541909. */
async function resultNumber(session: Session, label: string): Promise<number> {
  const tile = session.page.getByTestId('import-result').locator('.stat', { hasText: label });
  return Number(((await tile.locator('.stat-value').textContent()) ?? '').replace(/[^\d.]/g, ''));
}

describe('import wizard (Chromium, HTTP host, fresh workspace)', () => {
  beforeAll(acquireSpecLock, SPEC_LOCK_WAIT_MS);
  let session: Session;
  let scratch: string;
  beforeEach(async () => {
    session = await openSession({ language: 'en' });
    scratch = mkdtempSync(join(tmpdir(), 'churnwb-e2e-files-'));
  });
  afterEach(async () => {
    await session.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  afterAll(closeBrowser);

  it.skipIf(!UCI_PARTS.every((part) => existsSync(part)))('imports the three UCI Online Retail parts', { timeout: 180_000 }, async () => {
    const { page } = session;
    await session.chooseFiles(UCI_PARTS);
    expect(await page.getByTestId('detected-format').textContent()).toBe('csv');
    expect(await page.getByTestId('detected-delimiter').textContent()).toBe(',');
    await session.screenshot('import-uci-mapping-en');
    await page.getByRole('button', { name: 'Import 3 files' }).click();
    await page.getByTestId('import-result').waitFor({ timeout: 120_000 });
    await session.screenshot('import-uci-result-en');

    // SOURCE.md: the parts hold 142,083 + 143,338 + 256,488 = 541,909 invoice lines; a line-level
    // export's counts are order lines, shown beside the orders they fold into
    expect(await resultNumber(session, 'Order lines read')).toBe(541_909);
    const info = await session.core.describeWorkspace({});
    expect(await resultNumber(session, 'Order lines loaded')).toBe(info.sources.reduce((sum, source) => sum + source.rowsLoaded, 0));
    expect(await resultNumber(session, 'Orders in the workspace')).toBe(info.orders);
    expect(await resultNumber(session, 'Rows rejected')).toBe(info.sources.reduce((sum, source) => sum + source.rowsRejected, 0));
    // SOURCE.md: 4,372 distinct CustomerID in the full file; 33 of them have only credit notes, which
    // are not purchases, so 4,339 are customers (README, "How the numbers are defined"; pandas agrees).
    expect(info.customers).toBe(4339);
    const workspace = page.getByRole('region', { name: 'Workspace' });
    await expect.poll(() => workspace.locator('.stat', { hasText: 'Customers' }).locator('.stat-value').textContent()).toBe('4,339');
    await workspace.getByRole('grid', { name: 'Rejected rows' }).waitFor();
    await session.screenshot('import-uci-workspace-en');
  });

  it.skipIf(!existsSync(TMALL))('imports the Tmall order report saved as GBK, detecting the encoding and Chinese headers', { timeout: 180_000 }, async () => {
    const { page } = session;
    const gbkFile = join(scratch, 'tmall_orders_gbk.csv');
    writeFileSync(gbkFile, iconv.encode(readFileSync(TMALL, 'utf8'), 'gbk'));
    await session.chooseFiles([gbkFile]);
    const encoding = await page.getByTestId('encoding-select').locator('option').first().textContent();
    expect(encoding).toMatch(/gb18030|gbk/i);
    // The Chinese headers came through the transcoding intact (one has a trailing space in the export).
    await expect.poll(() => page.locator('.preview-rows th').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('订单编号'), expect.stringContaining('买家实际支付金额')]));
    await session.screenshot('import-tmall-gbk-mapping-en');
    await page.getByTestId('language-select').selectOption('zh-CN');
    await session.screenshot('import-tmall-gbk-mapping-zh-CN');
    await page.getByTestId('language-select').selectOption('en');

    // The export has no buyer id (SOURCE.md: "no cohorts per customer"): the analyst lets each
    // order stand for its own customer, the derived value the wizard offers.
    const importButton = page.getByRole('button', { name: 'Import 1 file' });
    expect(await importButton.isDisabled()).toBe(true);
    await page.getByRole('combobox', { name: 'Customer id' }).selectOption('@order_id');
    await importButton.click();
    await page.getByTestId('import-result').waitFor({ timeout: 60_000 });
    await session.screenshot('import-tmall-gbk-result-en');
    // SOURCE.md: 28,010 orders.
    expect(await resultNumber(session, 'Rows read')).toBe(28_010);
    const info = await session.core.describeWorkspace({});
    expect(info.sources[0]?.encoding).toMatch(/gb18030|gbk/i);
    expect(info.orders).toBe(await resultNumber(session, 'Rows loaded'));

    // Each order its own customer: every screen warns that the ids are derived, and Churn names the
    // core's reason (nobody bought on two days) with the field that fixes it, not "import orders".
    await page.getByRole('navigation').getByRole('link', { name: 'Churn', exact: true }).click();
    expect(await page.getByTestId('data-warnings').innerText()).toContain('customer ids were derived (each order is its own customer)');
    const banner = page.getByTestId('no-data');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.getAttribute('data-reason')).toBe('no_repeat_buyers');
    expect(await page.getByTestId('churn-window-fix').count()).toBe(1);
    await page.getByRole('navigation').getByRole('link', { name: 'Retention', exact: true }).click();
    expect(await page.getByTestId('data-warnings').innerText()).toContain('customer ids were derived');
    await session.screenshot('import-tmall-derived-retention-en');
  });
});
