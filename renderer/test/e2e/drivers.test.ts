// E2E: the Drivers and Satisfaction screens on the bundled sample (UCI subset, synthetic tickets and
// surveys), in English and Chinese at 1280x720, with screenshots for a person to look at.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DIR, SAMPLE_ORDERS, SAMPLE_SURVEYS, SAMPLE_TICKETS } from '../../../core/src/host/sample.ts';
import { sessionPerTest } from './harness.ts';

describe('Drivers and Satisfaction screens (Chromium, HTTP host, sample data)', () => {
  const currentSession = sessionPerTest({ language: 'en', viewport: { width: 1280, height: 720 } });

  it('show the strongest driver in words, the forest plot, a what-if and the satisfaction scores in both languages', { timeout: 400_000 }, async () => {
    const session = currentSession();
    const { page, core } = session;
    await core.importFiles({ kind: 'orders', files: [join(SAMPLE_DIR, SAMPLE_ORDERS)] });
    await core.importFiles({ kind: 'tickets', files: [join(SAMPLE_DIR, SAMPLE_TICKETS)] });
    await core.importFiles({ kind: 'surveys', files: [join(SAMPLE_DIR, SAMPLE_SURVEYS)] });
    const expected = await core.churnDrivers({});
    const surveys = await core.surveys({});
    await page.reload();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    for (const language of ['en', 'zh-CN'] as const) {
      await page.getByTestId('language-select').selectOption(language);
      await page.getByRole('navigation').getByRole('link', { name: language === 'en' ? 'Drivers' : '流失驱动' }).click();
      const headline = page.getByTestId('drivers-headline');
      await headline.waitFor({ timeout: 180_000 });
      expect(await headline.textContent()).toBe(expected.headline!.sentence[language === 'en' ? 'en' : 'zh']);
      await page.getByTestId('what-if-result').waitFor({ timeout: 120_000 });
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.locator('.chart-loading').count(), { timeout: 60_000 }).toBe(0);
      await session.screenshot(`drivers-${language}`);

      await page.getByRole('navigation').getByRole('link', { name: language === 'en' ? 'Satisfaction' : '满意度' }).click();
      const nps = `${surveys.nps!.score > 0 ? '+' : ''}${surveys.nps!.score.toFixed(1)}`;
      await page.getByText(nps, { exact: true }).waitFor({ timeout: 120_000 });
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.locator('.chart-loading').count(), { timeout: 60_000 }).toBe(0);
      await session.screenshot(`satisfaction-${language}`);
    }
    expect(pageErrors).toEqual([]);
  });
});
