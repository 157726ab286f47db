// The Chromium renderer for real: the HTML export opened from file:// fetches nothing and draws its
// charts; the PDF has the chosen paper and vector charts; chart images have the promised sizes.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportLang } from '../../src/api/report.ts';
import { chromiumPath, chromiumRenderer } from '../../src/report/chromium.ts';
import { exportReport } from '../../src/report/exportReport.ts';
import { handmadeReport } from './handmadeReport.ts';

const CHROMIUM = chromiumPath();
if (!existsSync(CHROMIUM)) console.warn(`report/chromium.test.ts: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

/** What a PDF's uncompressed object dictionaries say (Chromium writes them as plain text). */
function pdfFacts(bytes: Uint8Array) {
  const text = Buffer.from(bytes).toString('latin1');
  return {
    header: text.slice(0, 5),
    pages: text.match(/\/Type \/Page\b/g)?.length ?? 0,
    mediaBoxes: [...new Set([...text.matchAll(/\/MediaBox \[([^\]]+)\]/g)].map((match) => match[1]!.split(/\s+/).map((n) => Math.round(Number(n)))).map(String))],
    images: text.match(/\/Subtype \/Image/g)?.length ?? 0,
  };
}

describe.skipIf(!existsSync(CHROMIUM))('Chromium renderer', () => {
  const renderer = chromiumRenderer();
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-report-'));
  afterAll(async () => {
    await renderer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['zh-CN', 'en'] as ReportLang[])('HTML from file:// requests only itself, logs no error, and draws every chart (%s)', async (lang) => {
    const report = handmadeReport(lang);
    const file = await exportReport({ report, format: 'html' }, renderer);
    const path = join(dir, `${lang}.html`);
    writeFileSync(path, file.bytes);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => message.type() !== 'log' && problems.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pathToFileURL(path).href);
      await page.waitForSelector('html[data-charts-ready]', { state: 'attached' });
      // Hovering makes Plotly draw its hover layer: interaction must not fetch anything either.
      await page.locator('#chart-2').scrollIntoViewIfNeeded();
      const bar = await page.locator('#chart-2 .trace.bars .point path').last().boundingBox();
      if (!bar) throw new Error('the bar chart drew no bars');
      await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
      await page.waitForSelector('#chart-2 .hoverlayer .hovertext', { state: 'attached', timeout: 5000 });
      expect(requests).toEqual([pathToFileURL(path).href]);
      expect(problems).toEqual([]);
      for (const target of ['#chart-1', '#chart-2', '#chart-3']) expect(await page.locator(`${target} svg.main-svg`).count()).toBeGreaterThan(0);
      expect(await page.locator('#chart-2 .trace.bars .point').count()).toBe(4);
    } finally {
      await browser.close();
    }
  });

  it.each([
    ['A4', [0, 0, 596, 843]],
    ['Letter', [0, 0, 612, 792]],
  ] as const)('prints the PDF on %s with vector charts', async (paper, box) => {
    const file = await exportReport({ report: handmadeReport('zh-CN'), format: 'pdf', paper }, renderer);
    expect(file.mimeType).toBe('application/pdf');
    const facts = pdfFacts(file.bytes);
    expect(facts.header).toBe('%PDF-');
    expect(facts.mediaBoxes).toEqual([String(box)]);
    // contents, then one page per section at least (the 40-row table runs onto a second page)
    expect(facts.pages).toBeGreaterThanOrEqual(5);
    // Plotly draws a heatmap as one raster inside its SVG; the bar and line charts stay vector paths.
    expect(facts.images).toBe(1);
  });

  it('draws PNGs at twice the asked size and SVGs as text', async () => {
    const report = handmadeReport('en');
    const chart = report.sections[1]!.chart!;
    const png = await renderer.chartImage(chart, { format: 'png', width: 500, height: 300 });
    const header = Buffer.from(png);
    expect(header.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([header.readUInt32BE(16), header.readUInt32BE(20)]).toEqual([1000, 600]);
    const svg = new TextDecoder().decode(await renderer.chartImage(chart, { format: 'svg', width: 500, height: 300 }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="500"');
    expect(svg).toContain('Logistics');
  });

  it('exports one image per chart as a zip, or one image for one section', async () => {
    const report = handmadeReport('en');
    const all = await exportReport({ report, format: 'png' }, renderer);
    expect(all).toMatchObject({ fileName: 'Customer-churn-report-2025-03-04-png.zip', mimeType: 'application/zip' });
    const one = await exportReport({ report, format: 'svg', sectionId: 'retention.curve' }, renderer);
    expect(one).toMatchObject({ fileName: 'Customer-churn-report-2025-03-04-retention.curve.svg', mimeType: 'image/svg+xml' });
    expect(new TextDecoder().decode(one.bytes)).toContain('2024-06');
  });
});
