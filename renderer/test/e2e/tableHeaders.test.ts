// E2E: on the bundled sample in zh-CN at 1280x720, no table header of any screen, tab or the default
// report's draft breaks a Chinese word across lines (购买次/数): a header breaks only where
// components/WordWrap.tsx marks a word boundary (a <wbr>, so a new text node), at a space or at
// punctuation, and none runs into the next column.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ensureSampleWorkspace } from '../../../core/src/host/sample.ts';
import { sessionPerTest, visitEveryScreen } from './harness.ts';

/** Headers of the page with a line break between two CJK characters of one text node (with the two characters) or wider than their column. */
function splitHeaders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const letter = /[\u4e00-\u9fff]/;
    const found: string[] = [];
    for (const header of document.querySelectorAll('th, [role="columnheader"]')) {
      const walker = document.createTreeWalker(header, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        const tops = Array.from(node.data, (_, index) => {
          const range = document.createRange();
          range.setStart(node!, index);
          range.setEnd(node!, index + 1);
          return range.getClientRects()[0]?.top ?? null;
        });
        for (let index = 1; index < node.data.length; index++) {
          const [before, after] = [node.data[index - 1]!, node.data[index]!];
          if (letter.test(before) && letter.test(after) && tops[index - 1] !== null && tops[index] !== null && Math.abs(tops[index]! - tops[index - 1]!) > 2) {
            found.push(`${header.textContent?.trim()} (${before}/${after})`);
          }
        }
      }
      // nor does a header run into its neighbour: its text stays inside its own column
      const [cell, text] = [header.getBoundingClientRect(), header.querySelector('.word-wrap')?.getBoundingClientRect()];
      if (text && (text.left < cell.left - 1 || text.right > cell.right + 1)) found.push(`${header.textContent?.trim()} (wider than its column)`);
    }
    return found;
  });
}

describe('zh-CN table headers on the bundled sample (Chromium, 1280x720)', () => {
  const currentSession = sessionPerTest({ language: 'zh-CN', viewport: { width: 1280, height: 720 } });

  it('breaks no Chinese word of a table header across lines, on any screen, tab or report section', { timeout: 600_000 }, async () => {
    const session = currentSession();
    const { page } = session;
    const sample = await ensureSampleWorkspace(join(session.dir, 'sample.duckdb'), { threads: 2 });
    await session.core.openWorkspace({ path: sample.path });
    await page.reload();
    const found: Record<string, string[]> = {};
    let headers = 0;
    const check = async (where: string) => {
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      headers += await page.locator('th, [role="columnheader"]').count();
      const split = await splitHeaders(page);
      if (split.length) found[where] = split;
      await session.screenshot(`headers-${where}`);
    };
    await visitEveryScreen(page, check, async (id) => {
      if (id === 'customers') await page.getByRole('columnheader').first().waitFor({ timeout: 120_000 });
      if (id === 'reasons') await page.getByRole('columnheader', { name: /流失客户/ }).waitFor({ timeout: 120_000 });
      // the report's tables have the narrowest columns (ten to a section)
      if (id === 'report') await page.locator('.report-section [role="columnheader"]').first().waitFor({ timeout: 180_000 });
    });
    expect(found).toEqual({});
    // the check saw the tables it is about (the RFM list, the reasons table, the drivers' table ...)
    expect(headers).toBeGreaterThan(20);
  });
});
