// E2E: the filter bar's date range changes a screen's numbers, and a saved view brings them back,
// on the hand-made shop of core/test/task/scopeShop.ts (values worked out in analysisScope.db.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCOPE_SHOP } from '../../../core/test/task/scopeShop.ts';
import { sessionPerTest } from './harness.ts';

describe('filter bar (Chromium, HTTP host)', () => {
  const currentSession = sessionPerTest();

  it('a date range changes the Churn screen numbers; a saved view and Clear bring scopes back', { timeout: 180_000 }, async () => {
    const session = currentSession();
    const { page } = session;
    const csv = join(session.dir, 'orders.csv');
    const rows = SCOPE_SHOP.orders.map((order) => [order.order_id, order.customer_id, order.ordered_at, order.amount ?? 10, order.status ?? 'completed', order.region ?? ''].join(','));
    writeFileSync(csv, ['order_id,customer_id,ordered_at,amount,status,region', ...rows].join('\n'));
    await session.core.importFiles({ kind: 'orders', files: [csv] });
    await page.goto(`${session.host.appUrl}#/churn`);
    await page.getByTestId('churn-window').fill('30');
    const customers = page.locator('.stat').filter({ hasText: 'Customers with purchases' }).locator('.stat-value');
    await expect.poll(() => customers.textContent(), { timeout: 60_000 }).toBe('6');

    await page.getByTestId('filter-from').fill('2024-02-01');
    await page.getByTestId('filter-to').fill('2024-03-31');
    await page.getByTestId('filter-to').press('Enter');
    // Feb 1 - Mar 31: c1, c3, c4 and c5
    await expect.poll(() => customers.textContent(), { timeout: 60_000 }).toBe('4');
    await expect.poll(() => page.getByTestId('filter-summary').textContent()).toContain('orders 2024-02-01 to 2024-03-31');
    await session.screenshot('scope-churn-range');

    await page.getByTestId('view-menu').click();
    await page.getByTestId('view-name').fill('Feb-Mar');
    await page.getByTestId('view-save').click();
    await expect.poll(async () => (await session.core.listViews({})).map((view) => view.name)).toEqual(['Feb-Mar']);
    await page.getByTestId('filter-clear').click();
    await expect.poll(() => customers.textContent(), { timeout: 60_000 }).toBe('6');
    await page.getByTestId('view-select').selectOption('Feb-Mar');
    await expect.poll(() => customers.textContent(), { timeout: 60_000 }).toBe('4');
    // the bar in Chinese, with a grouping: the summary names it in Chinese
    await page.getByTestId('language-select').selectOption('zh-CN');
    await page.getByTestId('filter-top').fill('2');
    await page.getByTestId('filter-top').press('Enter');
    await expect.poll(() => page.getByTestId('filter-summary').textContent()).toContain('2024-02-01 至 2024-03-31 的订单 · 前 2 个分组 + 其他');
    await session.screenshot('scope-churn-range-zh');
  });
});
