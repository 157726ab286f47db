// E2E: the Reasons screen on the bundled sample's orders and synthetic tickets, imported into a fresh
// workspace: the analysis in both languages, keyboard drill-down from a reason to its customers and
// a ticket's marked evidence, a chart download, a taxonomy edit tried, saved and reset, and corrections
// of tickets' reasons that the next classification follows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DIR, SAMPLE_ORDERS, SAMPLE_TICKETS } from '../../../core/src/host/sample.ts';
import { sessionPerTest } from './harness.ts';

/** Waits until no chart is loading and no request is pending, so a screenshot shows the screen done. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.chart-loading').count(), { timeout: 60_000 }).toBe(0);
  await expect.poll(() => page.locator('.chart-plot .main-svg').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  await page.waitForTimeout(300);
}

describe('Reasons screen (Chromium, HTTP host, sample orders and tickets)', () => {
  const currentSession = sessionPerTest();

  it('points to the ticket import on a workspace without tickets', async () => {
    const session = currentSession();
    const { page } = session;
    await session.core.importFiles({ kind: 'orders', files: [join(SAMPLE_DIR, SAMPLE_ORDERS)] });
    await page.reload();
    await page.getByRole('link', { name: 'Reasons' }).click();
    await expect.poll(() => page.getByTestId('reasons-empty').textContent(), { timeout: 30_000 }).toContain('Import tickets');
    await session.screenshot('reasons-empty-en');
    await page.getByTestId('reasons-empty').getByRole('link').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Data');
  });

  it('drills from a reason to its customers and a ticket’s evidence, downloads a chart, and edits the taxonomy', { timeout: 300_000 }, async () => {
    const session = currentSession();
    const { page } = session;
    await session.core.importFiles({ kind: 'orders', files: [join(SAMPLE_DIR, SAMPLE_ORDERS)] });
    await session.core.importFiles({ kind: 'tickets', files: [join(SAMPLE_DIR, SAMPLE_TICKETS)] });
    const expected = await session.core.churnReasons({});
    const top = expected.reasons[0]!;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.reload();

    for (const language of ['zh-CN', 'en'] as const) {
      await page.getByTestId('language-select').selectOption(language);
      await page.getByRole('link', { name: language === 'en' ? 'Reasons' : '流失原因' }).click();
      await settle(page);
      await session.screenshot(`reasons-${language}`);
      expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    }
    // The table lists the analysis's rows in its order: the first row is the largest reason.
    const table = page.getByRole('grid', { name: 'Reasons' });
    await expect.poll(() => table.getByRole('row').nth(1).textContent()).toContain(top.en);

    // Keyboard: focus the table, Enter opens the first reason's customers; a ticket id opens its evidence.
    await table.locator('.grid-viewport').focus();
    await page.keyboard.press('Enter');
    const members = page.locator('section[aria-labelledby="reason-members"]');
    await expect.poll(() => members.getByRole('grid').getAttribute('aria-rowcount'), { timeout: 60_000 }).toBe(String(top.churnedCustomers + 1));
    const firstTicket = members.locator('.link-button').first();
    const ticketId = await firstTicket.textContent();
    await firstTicket.click();
    const evidence = page.locator('section[aria-labelledby="ticket-evidence"]');
    await expect.poll(() => evidence.locator('h2').textContent(), { timeout: 30_000 }).toBe(`Evidence for ticket ${ticketId}`);
    await expect.poll(() => evidence.getByTestId('classification').textContent()).toContain(top.en);
    await evidence.scrollIntoViewIfNeeded();
    await session.screenshot('reasons-drill-en');

    const pareto = page.getByRole('figure', { name: 'Churned customers by reason' });
    const [png] = await Promise.all([page.waitForEvent('download'), pareto.getByRole('button', { name: 'Download chart as PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('churn-reasons-pareto.png');
    expect(readFileSync(await png.path()).subarray(1, 4).toString()).toBe('PNG');
    const lift = page.getByRole('figure', { name: 'Lift: churn rate with the reason vs without' });
    const [svg] = await Promise.all([page.waitForEvent('download'), lift.getByRole('button', { name: 'Download chart as SVG' }).click()]);
    expect(readFileSync(await svg.path(), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);

    // Taxonomy: a new word is tried before saving, then saved (the workspace's own), then reset.
    await page.getByRole('tab', { name: 'Taxonomy' }).click();
    await page.getByRole('button', { name: /Delivery/ }).click();
    const english = page.getByTestId('keywords-en');
    await english.fill(`${await english.inputValue()}\nsnail mail`);
    await page.getByTestId('taxonomy-try').fill('It came by snail mail, no problem with quality though');
    const tried = page.locator('section[aria-labelledby="taxonomy-try"]');
    await expect.poll(() => tried.locator('mark.term-match').allTextContents(), { timeout: 30_000 }).toContain('snail mail');
    await session.screenshot('reasons-taxonomy-en');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await session.core.getTaxonomy({})).source, { timeout: 30_000 }).toBe('workspace');
    expect((await session.core.getTaxonomy({})).taxonomy.reasons.find((reason) => reason.key === 'logistics')?.keywords.en).toContain('snail mail');
    await page.getByRole('button', { name: 'Reset to bundled' }).click();
    await expect.poll(async () => (await session.core.getTaxonomy({})).source, { timeout: 30_000 }).toBe('bundled');
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('corrects a few tickets’ reasons from their evidence; the re-run follows the corrections', { timeout: 300_000 }, async () => {
    const session = currentSession();
    const { page } = session;
    await session.core.importFiles({ kind: 'orders', files: [join(SAMPLE_DIR, SAMPLE_ORDERS)] });
    await session.core.importFiles({ kind: 'tickets', files: [join(SAMPLE_DIR, SAMPLE_TICKETS)] });
    const before = await session.core.churnReasons({});
    const priceTickets = (result: typeof before) => result.reasons.find((row) => row.key === 'price')?.tickets ?? 0;
    // Three tickets the rules read as something other than price: 包装破损, spam calls, too many emails
    const corrected = ['TK00001', 'TK00002', 'TK00004'];
    for (const ticketId of corrected) expect((await session.core.ticketEvidence({ ticketId })).classification.primary).not.toBe('price');
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.reload();
    await page.getByRole('link', { name: 'Reasons' }).click();
    await settle(page);
    await expect.poll(() => page.getByTestId('corrections-count').textContent(), { timeout: 30_000 }).toContain('0 corrections.');

    for (const ticketId of corrected) {
      await page.getByTestId('ticket-lookup').fill(ticketId);
      await page.getByRole('button', { name: 'Show evidence' }).click();
      const select = page.getByTestId('ticket-correction');
      await expect.poll(() => select.isEnabled(), { timeout: 30_000 }).toBe(true);
      await select.selectOption('price');
      // the correction re-runs the analysis: wait for its count to reach the panel
      await expect.poll(async () => (await session.core.reasonCorrections({})).corrections, { timeout: 30_000 }).toBe(corrected.indexOf(ticketId) + 1);
      await settle(page);
    }
    await expect.poll(() => page.getByTestId('corrections-count').textContent(), { timeout: 60_000 }).toContain('3 corrections.');
    // The re-run follows the corrections: each corrected ticket is price now, and the price row has them
    const after = await session.core.churnReasons({});
    for (const ticketId of corrected) expect((await session.core.ticketEvidence({ ticketId })).correction).toBe('price');
    // (tickets with the very same content follow a correction too, and the synthetic tickets repeat)
    expect(priceTickets(after)).toBeGreaterThanOrEqual(priceTickets(before) + corrected.length);
    const table = page.getByRole('grid', { name: 'Reasons' });
    const priceRow = table.getByRole('row').filter({ hasText: 'Price and value for money' });
    await expect.poll(() => priceRow.textContent(), { timeout: 30_000 }).toContain(String(priceTickets(after)));
    // and the evidence says so
    await page.getByTestId('ticket-lookup').fill(corrected[0]!);
    await page.getByRole('button', { name: 'Show evidence' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="ticket-evidence"]').textContent(), { timeout: 30_000 }).toContain('Corrected by an analyst: Price and value for money');
    await session.screenshot('reasons-corrected-en');
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
