// E2E: a shop like the Olist sample at 1280x720, in both languages: nearly every customer ordered once
// (so most RFM frequency scores are empty and Champions has no member) and the tickets are Portuguese
// reviews in which the taxonomy finds no reason (so every known reason's numbers cannot be computed
// and only Unknown has a monthly trend). What could not be shown must say so in words, and no
// request of the page may fail.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sessionPerTest, type Session } from './harness.ts';

const CUSTOMERS = 240;
const REVIEWS = ['Recebi bem antes do prazo estipulado.', 'Parabéns lojas lannister adorei comprar pela Internet seguro e prático', 'Aparelho eficiente. No site a marca do aparelho esta impresso como 3desinfector', 'Mas um pouco ,travando...pelo valor ta Boa.'];

/** Orders: one per customer over two years, and three for the first few, long ago; a review from most of them. */
function writeShop(session: Session): { orders: string; tickets: string } {
  const day = (offset: number) => new Date(Date.UTC(2017, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  const orders: string[] = [];
  const tickets: string[] = [];
  for (let customer = 0; customer < CUSTOMERS; customer++) {
    const placed = customer < 4 ? [10, 40, 70].map((offset) => offset + customer) : [(customer * 3) % 700];
    placed.forEach((offset, index) => orders.push([`o${customer}-${index}`, `c${customer}`, day(offset), 20 + (customer % 17)].join(',')));
    if (customer % 5 !== 0) tickets.push([`t${customer}`, `c${customer}`, day(placed.at(-1)! + 5), `"${REVIEWS[customer % REVIEWS.length]}"`].join(','));
  }
  const files = { orders: join(session.dir, 'orders.csv'), tickets: join(session.dir, 'reviews.csv') };
  writeFileSync(files.orders, ['order_id,customer_id,ordered_at,amount', ...orders].join('\n'));
  writeFileSync(files.tickets, ['ticket_id,customer_id,created_at,body', ...tickets].join('\n'));
  return files;
}

/** How far `lower` starts below the bottom of `upper`, in pixels (negative: they overlap). */
async function gapBelow(upper: Locator, lower: Locator): Promise<number> {
  const [top, bottom] = [await upper.boundingBox(), await lower.boundingBox()];
  if (!top || !bottom) throw new Error('an element to compare is not on the page');
  return bottom.y - (top.y + top.height);
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.chart-loading').count(), { timeout: 60_000 }).toBe(0);
  await page.waitForTimeout(300);
}

describe('a shop of one-order customers with reviews that name no reason (Chromium, 1280x720)', () => {
  const currentSession = sessionPerTest({ language: 'en', viewport: { width: 1280, height: 720 } });

  it('says what it cannot show on the Reasons and Customers screens, and no request fails', { timeout: 300_000 }, async () => {
    const session = currentSession();
    const { page } = session;
    const files = writeShop(session);
    await session.core.importFiles({ kind: 'orders', files: [files.orders] });
    await session.core.importFiles({ kind: 'tickets', files: [files.tickets] });
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.reload();

    for (const language of ['en', 'zh-CN'] as const) {
      const zh = language === 'zh-CN';
      await page.getByTestId('language-select').selectOption(language);

      await page.getByRole('link', { name: zh ? '流失原因' : 'Reasons' }).click();
      const table = page.getByRole('grid', { name: zh ? '原因明细' : 'Reasons' });
      await table.getByRole('row').nth(2).waitFor({ timeout: 120_000 });
      await settle(page);
      await session.screenshot(`sparse-reasons-${language}`);
      // the reasons without customers have no rate, lift, interval or days: the dash, never a raw null
      expect(await table.getByRole('gridcell').allTextContents()).not.toContain(zh ? '空' : 'null');
      const dash = table.locator('.not-available').first();
      expect(await dash.textContent()).toBe('—');
      expect(await dash.getAttribute('title')).toBe(zh ? '没有客户的工单提到该原因。' : 'No customer has a ticket with this reason.');
      expect(await page.getByTestId('reasons-missing').isVisible()).toBe(true);
      // no known reason in any ticket: the trend says so instead of drawing an empty chart
      expect(await page.getByTestId('reasons-trend-note').textContent()).toContain(zh ? '没有带日期的工单提到已知原因' : 'No dated ticket names a known reason');
      expect(await page.locator('section[aria-labelledby="reasons-trend"] figure').count()).toBe(0);

      await page.getByRole('link', { name: zh ? '客户' : 'Customers' }).click();
      const note = page.getByTestId('rfm-empty-scores');
      await note.waitFor({ timeout: 120_000 });
      await settle(page);
      // the note on empty scores starts below the grid's x axis title, not on it
      const axisTitle = page.locator('section[aria-labelledby="rfm-grid"] .xtitle');
      expect(await gapBelow(axisTitle, note)).toBeGreaterThanOrEqual(0);
      // Champions has no member: "No rows" is shown whole, not cut by a one-row body
      await page.getByRole('combobox', { name: zh ? '分层' : 'Segment' }).selectOption('champions');
      const empty = page.locator('section[aria-labelledby="rfm-members"] .grid-empty');
      await empty.waitFor({ timeout: 60_000 });
      const body = page.locator('section[aria-labelledby="rfm-members"] .grid-viewport');
      expect(await body.evaluate((element) => element.scrollHeight - element.clientHeight)).toBeLessThanOrEqual(0);
      await session.screenshot(`sparse-customers-${language}`);

      await page.getByRole('link', { name: zh ? '满意度' : 'Satisfaction' }).click();
      await page.getByTestId('no-data').waitFor({ timeout: 60_000 });
    }
    expect(failed).toEqual([]);
  });
});
