// E2E: "Add to report" on the bundled sample's orders and tickets in a fresh workspace: a chart and
// the reasons table added from their screens in English, a chart added in Chinese, the Report screen
// showing them in both languages, and the HTML export holding the added sections.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DIR, SAMPLE_ORDERS, SAMPLE_TICKETS } from '../../../core/src/host/sample.ts';
import { sessionPerTest } from './harness.ts';

/**
 * Waits until no request is pending and every chart is drawn: leaving a screen while Plotly is still
 * drawing a chart lets the draw's last steps fail on the purged chart ("emit is not a function").
 */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.chart-loading').count(), { timeout: 60_000 }).toBe(0);
  await expect.poll(() => page.locator('.chart-plot:not(:has(.main-svg))').count(), { timeout: 60_000 }).toBe(0);
  await page.waitForTimeout(500);
}

async function open(page: Page, screen: string): Promise<void> {
  await page.locator(`nav a[href="#/${screen}"]`).click();
  await settle(page);
}

/** Clicks the container's "Add to report" and waits for the button to say it was added. */
async function add(container: Locator, labels: { add: string; added: string }): Promise<void> {
  await container.getByRole('button', { name: labels.add }).click();
  await container.getByRole('button', { name: labels.added }).waitFor();
}

describe('Add to report (Chromium, HTTP host, sample orders and tickets)', () => {
  const currentSession = sessionPerTest();

  it('adds charts and a table from their screens in both languages, and exports them in the HTML report and every other format', { timeout: 300_000 }, async () => {
    const session = currentSession();
    const { page } = session;
    await session.core.importFiles({ kind: 'orders', files: [join(SAMPLE_DIR, SAMPLE_ORDERS)] });
    await session.core.importFiles({ kind: 'tickets', files: [join(SAMPLE_DIR, SAMPLE_TICKETS)] });
    const topReason = (await session.core.churnReasons({})).reasons[0]!;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.reload();
    const english = { add: 'Add to report', added: 'Added ✓' };
    const count = page.getByTestId('report-count');

    await open(page, 'retention');
    await add(page.getByRole('figure', { name: 'Cohort retention' }), english);
    await expect.poll(() => count.textContent()).toBe('1');
    await open(page, 'reasons');
    // The reasons table goes in as Arrow bytes made in the page (under the app's CSP).
    await add(page.getByRole('grid', { name: 'Reasons' }), english);
    await expect.poll(() => count.textContent()).toBe('2');
    await session.screenshot('report-add-reasons-en');

    await open(page, 'report');
    const sections = page.locator('.report-section');
    await expect.poll(() => sections.count()).toBe(2);
    const heatmap = page.getByRole('region', { name: /Cohort retention/ });
    await heatmap.getByRole('textbox', { name: 'Headline' }).fill('Few customers come back after their first month.');
    await heatmap.getByRole('textbox', { name: 'Note' }).fill('Sample data.');
    await settle(page);
    await session.screenshot('report-added-en');

    // In Chinese: a churn chart added on its screen lands as the third section.
    await page.getByTestId('language-select').selectOption('zh-CN');
    await open(page, 'churn');
    // Its charts arrive in any order: the one whose title is read is the one added, found by that title
    const churnTitle = (await page.getByRole('figure').first().getAttribute('aria-label')) ?? '';
    const churnChart = page.getByRole('figure', { name: churnTitle, exact: true });
    await add(churnChart, { add: '添加到报告', added: '已添加 ✓' });
    await expect.poll(() => count.textContent()).toBe('3');
    await open(page, 'report');
    await expect.poll(() => sections.count()).toBe(3);
    await expect.poll(() => sections.nth(2).locator('h2').textContent()).toContain(churnTitle);
    await settle(page);
    await session.screenshot('report-added-zh-CN');

    await page.getByTestId('report-format').selectOption('html');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: '导出' }).click()]);
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toContain('data-section-id="custom.1"');
    expect(html).toContain('data-section-id="custom.2"');
    expect(html).toContain('data-section-id="custom.3"');
    expect(html).toContain('Few customers come back after their first month.');
    expect(html).toContain('Sample data.');
    // The reasons table's first row, as the screen named it.
    expect(html).toContain(`<td>${topReason.en}</td>`);

    // Every other format leaves the app as a file of its kind (two charts make PNG and SVG a zip of both).
    const signatures: Record<string, string> = { pdf: '%PDF', pptx: 'PK', xlsx: 'PK', zip: 'PK', png: '\x89PNG', csv: '', svg: '<' };
    for (const format of ['pdf', 'pptx', 'xlsx', 'csv', 'png', 'svg']) {
      await page.getByTestId('report-format').selectOption(format);
      const [file] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: '导出' }).click()]);
      const extension = file.suggestedFilename().split('.').at(-1) ?? '';
      expect([format, 'zip'], `${format} export named ${file.suggestedFilename()}`).toContain(extension);
      const bytes = readFileSync(await file.path());
      expect(bytes.subarray(0, 4).toString('latin1').startsWith(signatures[extension]!), `${format} export starts as a ${extension}`).toBe(true);
      if (format === 'csv') expect(bytes.toString('utf8')).toContain(topReason.en);
    }
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
