// Every format built from the bundled sample workspace (UCI subset + synthetic tickets), with its
// content checked: the numbers in the XLSX are the analyses' own, the deck has a titled slide per
// section with the analyst's notes, the HTML loads nothing, images and PDF have their sizes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportReportRequest, ReportLang, ReportModel } from '../../src/api/report.ts';
import { ensureSampleWorkspace } from '../../src/host/sample.ts';
import { chromiumPath } from '../../src/report/chromium.ts';
import { plotlyBundleSource } from '../../src/report/html.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';

const HAS_CHROMIUM = existsSync(chromiumPath());

describe.each(['en', 'zh-CN'] as ReportLang[])('report of the bundled sample (%s)', (lang) => {
  let t: TestCore;
  let report: ReportModel;
  const exported = (request: Omit<ExportReportRequest, 'report'>) => t.client.exportReport({ report, ...request });
  beforeAll(async () => {
    t = await openTestCore({ inMemory: true });
    const sample = await ensureSampleWorkspace(join(t.dir, 'sample.duckdb'), { threads: 2 });
    await t.client.openWorkspace({ path: sample.path });
    report = await t.client.defaultReport({ lang });
    report.sections.forEach((section, index) => (section.note = index === 0 ? '=SUM(A1:A9) is the analyst’s note' : `Note for ${section.id}`));
  });
  afterAll(() => t.close());

  it('has a section per analysis the sample supports', () => {
    expect(report.sections.map((section) => section.id)).toEqual(
      expect.arrayContaining(['kpis.overview', 'retention.cohorts', 'retention.curve', 'churn.summary', 'churn.survival', 'reasons.churn', 'customers.rfm', 'customers.shopper']),
    );
    // the sample's year of orders leaves BG/NBD a on its bound (every P(alive) 1.00): no at-risk list from it
    expect(report.sections.map((section) => section.id)).not.toContain('customers.value');
    for (const section of report.sections) expect(section.headline.length).toBeGreaterThan(10);
  });

  it('writes the analyses’ own numbers into the XLSX, with formula-looking text neutralised', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from((await exported({ format: 'xlsx' })).bytes) as unknown as ArrayBuffer);
    const sheets = workbook.worksheets;
    expect(sheets).toHaveLength(1 + report.sections.filter((section) => section.table).length);
    expect(sheets[0]!.getCell('D6').value).toBe('\'=SUM(A1:A9) is the analyst’s note');

    const cohorts = await t.client.cohortRetention({});
    const cohortSheet = sheets[report.sections.filter((section) => section.table).findIndex((section) => section.id === 'retention.cohorts') + 1]!;
    const matrix = cohorts.matrices[0]!;
    expect(cohortSheet.rowCount).toBe(1 + matrix.cohorts.length);
    matrix.cohorts.forEach((row, index) => {
      expect(cohortSheet.getCell(index + 2, 2).value).toBe(row.size);
      row.rates.forEach((rate, k) => expect(cohortSheet.getCell(index + 2, k + 3).value ?? null).toBe(rate));
    });

    const kpis = await t.client.kpis({});
    const kpiSheet = sheets[1]!;
    const known = kpis.kpis.filter((kpi) => kpi.value !== null);
    expect(kpiSheet.rowCount).toBe(1 + known.length);
    known.forEach((kpi, index) => {
      // The value sits in exactly one of the rate, amount and value columns (one number format per column).
      const values = [2, 3, 4].map((column) => kpiSheet.getCell(index + 2, column).value).filter((value) => value !== null);
      expect(values).toHaveLength(1);
      // Each run sums in its own order across threads: equal to the last few bits.
      expect(values[0]).toBeCloseTo(kpi.value!, 6);
      if (kpi.numerator === null) expect(kpiSheet.getCell(index + 2, 5).value).toBeNull();
      else expect(kpiSheet.getCell(index + 2, 5).value).toBeCloseTo(kpi.numerator, 6);
    });
  });

  it('makes a deck with a title slide, every headline as a slide title in order, and the notes as speaker notes', async () => {
    const zip = await JSZip.loadAsync((await exported({ format: 'pptx' })).bytes);
    const slideNames = Object.keys(zip.files)
      .filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name))
      .sort((a, b) => Number(/(\d+)\.xml/.exec(a)![1]) - Number(/(\d+)\.xml/.exec(b)![1]));
    const slides = await Promise.all(slideNames.map((name) => zip.file(name)!.async('string')));
    const notes = await Promise.all(slideNames.map((name) => zip.file(name.replace('slides/slide', 'notesSlides/notesSlide'))!.async('string')));
    expect(slides[0]).toContain(report.title.replace('&', '&amp;'));
    // The executive summary slide (after the title) repeats headlines: sections start after it.
    let at = report.summary?.length ? 2 : 1;
    for (const section of report.sections) {
      const index = slides.findIndex((xml, n) => n >= at && xml.includes(escapeXml(section.headline)));
      expect(index, section.id).toBeGreaterThanOrEqual(at);
      expect(notes[index]).toContain(escapeXml(section.note));
      at = index + 1;
    }
  });

  it('writes an HTML file that loads nothing', async () => {
    const html = new TextDecoder().decode((await exported({ format: 'html' })).bytes);
    const outside = html.replace(plotlyBundleSource(), '');
    expect(outside.length).toBeLessThan(html.length);
    expect(outside).not.toMatch(/https?:\/\/|<script[^>]*\ssrc=|<link|url\(/i);
  });

  it('writes one CSV per table', async () => {
    const zip = await JSZip.loadAsync((await exported({ format: 'csv' })).bytes);
    const files = Object.values(zip.files);
    expect(files).toHaveLength(report.sections.filter((section) => section.table).length);
    for (const file of files) expect((await file.async('string')).startsWith('\uFEFF')).toBe(true);
  });

  // One Chromium render per chart and format, plus the PDF: ten charts take over a minute on a busy two-core machine.
  it.skipIf(!HAS_CHROMIUM)('draws every chart as a PNG at twice the size and as SVG, and prints the PDF', { timeout: 240_000 }, async () => {
    const charts = report.sections.filter((section) => section.chart);
    const png = await JSZip.loadAsync((await exported({ format: 'png' })).bytes);
    const images = Object.values(png.files);
    expect(images).toHaveLength(charts.length);
    for (const image of images) expect(Buffer.from(await image.async('uint8array')).readUInt32BE(16)).toBe(2000);
    const svg = await JSZip.loadAsync((await exported({ format: 'svg' })).bytes);
    for (const image of Object.values(svg.files)) expect((await image.async('string')).startsWith('<svg')).toBe(true);
    const pdf = Buffer.from((await exported({ format: 'pdf', paper: 'A4' })).bytes).toString('latin1');
    // Sections flow on from one page to the next; each holds a chart or table of at least half a page.
    expect(pdf.match(/\/Type \/Page\b/g)?.length).toBeGreaterThanOrEqual(Math.ceil(report.sections.length / 2));
  });

});

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}
