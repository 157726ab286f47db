// E2E: every screen in the navigation opens in both languages, and the language switches at runtime.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeBrowser, openSession, type Session } from './harness.ts';

describe('workbench screens (Chromium, HTTP host, fresh workspace)', () => {
  let session: Session;
  beforeEach(async () => {
    session = await openSession({ language: 'en' });
  });
  afterEach(async () => session.close());
  afterAll(closeBrowser);

  it('opens every screen in the navigation without errors', async () => {
    const { page } = session;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const links = page.getByRole('navigation').getByRole('link');
    const count = await links.count();
    expect(count).toBeGreaterThanOrEqual(1);
    for (let index = 0; index < count; index++) {
      const link = links.nth(index);
      const name = (await link.textContent()) ?? `screen-${index}`;
      await link.click();
      await expect.poll(() => link.getAttribute('aria-current')).toBe('page');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await session.screenshot(`screens-${name.toLowerCase()}-en`);
    }
    expect(pageErrors).toEqual([]);
  });

  it('switches between English and Chinese at runtime and remembers the choice', async () => {
    const { page } = session;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Data');
    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('数据');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await session.screenshot('screens-data-zh-CN');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('数据');
    await page.getByTestId('language-select').selectOption('en');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Data');
  });

  it('refuses a page opened without the token, with a readable message', async () => {
    const { page, host } = session;
    const context = page.context();
    const fresh = await context.newPage();
    await fresh.goto(host.url);
    await expect.poll(() => fresh.locator('.standalone-message').textContent()).toContain('churnwb serve');
    await fresh.close();
  });
});
