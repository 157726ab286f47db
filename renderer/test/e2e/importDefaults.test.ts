// E2E: a zh-CN import of invoices the bundled sample already holds, priced with "£": the preview
// says in Chinese (the core's English behind a closed disclosure) that appending replaces them, and
// once imported the screens show money in pounds without the user choosing a currency.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ensureSampleWorkspace, SAMPLE_ORDERS } from '../../../core/src/host/sample.ts';
import { sessionPerTest } from './harness.ts';

const SAMPLE_DIR = join(import.meta.dirname, '..', '..', '..', 'resources', 'sample');

describe('import defaults in zh-CN (Chromium, 1280x720)', () => {
  const currentSession = sessionPerTest({ language: 'zh-CN', viewport: { width: 1280, height: 720 } });

  it('warns before replacing invoices, then shows money in the currency the amounts carried', { timeout: 300_000 }, async () => {
    const session = currentSession();
    const { page } = session;
    const sample = await ensureSampleWorkspace(join(session.dir, 'sample.duckdb'), { threads: 2 });
    await session.core.openWorkspace({ path: sample.path });
    await page.reload();
    expect((await session.core.displaySettings({})).currency).toBeNull();

    // The sample's first 40 invoice lines (3 invoices), UnitPrice (column 6) written with a pound sign
    const lines = gunzipSync(readFileSync(join(SAMPLE_DIR, SAMPLE_ORDERS))).toString('utf8').split('\n').slice(0, 41);
    const priced = lines.map((line, index) => (index === 0 ? line : line.split(',').map((cell, column) => (column === 5 ? `£${cell}` : cell)).join(',')));
    const file = join(session.dir, 'repeat_orders.csv');
    writeFileSync(file, priced.join('\n'));

    await page.getByRole('navigation').getByRole('link', { name: '数据' }).click();
    await session.chooseFiles([file]);
    const alert = page.getByTestId('import-alerts').locator('li[data-code="existing_ids"]');
    await expect.poll(() => alert.innerText()).toContain('本次导入中有 3 个编号已在工作区中：追加导入会用本次导入的行替换这些记录');
    expect(await alert.locator('details').getAttribute('open')).toBeNull();
    await session.screenshot('import-defaults-preview-zh');

    await page.getByRole('button', { name: '导入 1 个文件' }).click();
    await page.getByTestId('import-result').waitFor({ timeout: 120_000 });
    expect((await session.core.displaySettings({})).currency).toBe('GBP');
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).click();
    await page.getByRole('tab', { name: '风险价值' }).click();
    const clv = page.locator('.stat', { hasText: '客户终身价值' }).locator('.stat-value');
    await expect.poll(() => clv.textContent(), { timeout: 120_000 }).toMatch(/^£[\d,]+$/);
    await session.screenshot('import-defaults-value-zh');
  });
});
