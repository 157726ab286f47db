// Drivers and Satisfaction report sections of the bundled sample in every document format, in both languages:
// the XLSX carries the model's own hazard ratios, the deck and the HTML the headline in words.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriversResult } from '../../src/api/drivers.ts';
import type { ReportLang, ReportModel } from '../../src/api/report.ts';
import { ensureSampleWorkspace } from '../../src/host/sample.ts';
import { chromiumPath } from '../../src/report/chromium.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';

const HAS_CHROMIUM = existsSync(chromiumPath());

describe.each(['en', 'zh-CN'] as ReportLang[])('drivers and satisfaction sections (%s)', (lang) => {
  let t: TestCore;
  let report: ReportModel;
  let drivers: DriversResult;
  beforeAll(async () => {
    t = await openTestCore({ inMemory: true });
    const sample = await ensureSampleWorkspace(join(t.dir, 'sample.duckdb'), { threads: 2 });
    await t.client.openWorkspace({ path: sample.path });
    // The default drivers read the shopper types and ticket reasons other sections store: build those first
    report = await t.client.defaultReport({ lang, sections: ['reasons', 'customers', 'drivers', 'satisfaction'] });
    drivers = await t.client.churnDrivers({});
  }, 600_000);
  afterAll(() => t.close());

  it('has a model, a proportional-hazards and two satisfaction sections with headlines in words', () => {
    const ids = report.sections.map((section) => section.id);
    expect(ids).toEqual(expect.arrayContaining(['drivers.model', 'drivers.proportionalHazards', 'satisfaction.scores', 'satisfaction.churn']));
    const model = report.sections.find((section) => section.id === 'drivers.model')!;
    expect(model.headline).toBe(drivers.headline!.sentence[lang === 'en' ? 'en' : 'zh']);
    expect(model.chart!.layout).toMatchObject({ xaxis: { type: 'log' } });
    const scores = report.sections.find((section) => section.id === 'satisfaction.scores')!;
    expect(scores.headline).toMatch(lang === 'en' ? /^NPS is [+-]?\d+/ : /^NPS 为 [+-]?\d+/);
  });

  it('writes the hazard ratios into the XLSX', async () => {
    const workbook = new ExcelJS.Workbook();
    const file = await t.client.exportReport({ report, format: 'xlsx' });
    await workbook.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const tabled = report.sections.filter((section) => section.table);
    const sheet = workbook.worksheets[tabled.findIndex((section) => section.id === 'drivers.model') + 1]!;
    expect(sheet.rowCount).toBe(1 + drivers.coefficients.length);
    // On the sample nobody whose tickets are all unclassified churned: that ratio runs to 0
    expect(drivers.coefficients.filter((c) => c.infinite).map((c) => c.level)).toEqual(['unknown']);
    drivers.coefficients.forEach((c, index) => {
      const cell = sheet.getCell(index + 2, 4).value;
      // Aliased columns and ratios that run to infinity have no number in the table
      if (c.hazardRatio === null || c.infinite) expect(cell ?? null).toBeNull();
      else expect(cell as number).toBeCloseTo(c.hazardRatio, 6);
    });
  });

  it('puts both areas in the deck and the HTML', async () => {
    const deck = await JSZip.loadAsync((await t.client.exportReport({ report, format: 'pptx' })).bytes);
    const slides = await Promise.all(Object.keys(deck.files).filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name)).map((name) => deck.file(name)!.async('string')));
    for (const id of ['drivers.model', 'satisfaction.churn']) {
      const title = report.sections.find((section) => section.id === id)!.title;
      expect(slides.some((xml) => xml.includes(title)), title).toBe(true);
    }
    const html = new TextDecoder().decode((await t.client.exportReport({ report, format: 'html' })).bytes);
    for (const section of report.sections.filter((s) => s.area === 'drivers' || s.area === 'satisfaction')) expect(html).toContain(section.title);
  }, 120_000);

  it.skipIf(!HAS_CHROMIUM)('prints a PDF', async () => {
    const pdf = await t.client.exportReport({ report, format: 'pdf' });
    expect(new TextDecoder().decode(pdf.bytes.slice(0, 5))).toBe('%PDF-');
    expect(pdf.bytes.length).toBeGreaterThan(20_000);
  }, 180_000);
});
