// defaultReport and exportReport through the loopback wire on a workspace with data: headlines
// against the hand computation of shop.ts, every format's content, and the errors a caller can meet.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RfmRules } from '../../src/api/customers.ts';
import type { CoreEvent } from '../../src/api/events.ts';
import type { ReportLang, ReportModel } from '../../src/api/report.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { chromiumPath } from '../../src/report/chromium.ts';
import { readTable } from '../../src/report/table.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { insertOrders } from '../helpers/fixtures.ts';
import { SHOP_HEADLINES, SHOP_ORDERS } from './shop.ts';

/** A test core on a workspace file holding the hand-made shop. */
async function openShop(): Promise<TestCore> {
  const t = await openTestCore({ inMemory: true });
  const path = join(t.dir, 'shop.duckdb');
  const workspace = await Workspace.open(path, { threads: 1 });
  await workspace.withConnection((connection) => insertOrders(connection, SHOP_ORDERS));
  await workspace.close();
  await t.client.openWorkspace({ path });
  return t;
}

describe('defaultReport on the hand-made shop', () => {
  let t: TestCore;
  const reports = new Map<ReportLang, ReportModel>();
  const events: CoreEvent[] = [];
  beforeAll(async () => {
    t = await openShop();
    t.client.on((event) => events.push(event));
    for (const lang of ['en', 'zh-CN'] as const) reports.set(lang, await t.client.defaultReport({ lang, taskId: `report-${lang}` }));
  });
  afterAll(() => t.close());

  it.each(['en', 'zh-CN'] as const)('states the findings worked out by hand (%s)', (lang) => {
    const report = reports.get(lang)!;
    const headline = (id: string) => report.sections.find((section) => section.id === id)?.headline;
    const expected = SHOP_HEADLINES[lang];
    expect(headline('kpis.overview')).toBe(expected.kpis);
    expect(headline('retention.cohorts')).toBe(expected.cohorts);
    expect(headline('retention.curve')).toBe(expected.curve);
    expect(headline('churn.summary')).toBe(expected.churn);
    expect(headline('churn.survival')?.startsWith(expected.survival)).toBe(true);
    expect(report.subtitle).toBe(lang === 'en' ? 'shop.duckdb · 2024-01-05 to 2024-06-15 · 16 orders · 10 customers' : 'shop.duckdb · 2024-01-05 至 2024-06-15 · 16 笔订单 · 10 位客户');
  });

  it('keeps the areas in their order, each section with its options, and a blank note for the analyst', () => {
    const report = reports.get('en')!;
    const ids = report.sections.map((section) => section.id);
    expect(ids.slice(0, 5)).toEqual(['kpis.overview', 'retention.cohorts', 'retention.curve', 'churn.summary', 'churn.survival']);
    expect(ids).toContain('customers.rfm');
    for (const section of report.sections) expect(section.note).toBe('');
    const churn = report.sections.find((section) => section.id === 'churn.summary')!;
    // the shop has 5 repeat customers: too few for a steady window, which the rule and the headline say with the fix
    expect(churn.options).toContainEqual({
      label: 'Churn window',
      value: '97 days (P90 of the gaps of only 5 repeat customers: too few for a steady window, so churn rates and survival mostly restate it; choose a window that fits the purchase cycle)',
    });
    expect(churn.options).toContainEqual({ label: 'As of', value: '2024-06-15' });
  });

  it('carries the cohort matrix as a table: 2024-02 at month 3 is 1/3', () => {
    const section = reports.get('en')!.sections.find((item) => item.id === 'retention.cohorts')!;
    const { rows } = readTable(section.table!);
    expect(rows.map((row) => row.slice(0, 2))).toEqual([
      ['2024-01', 4],
      ['2024-02', 3],
      ['2024-06', 3],
    ]);
    // columns: cohort, size, k0, k1, ...: 2024-01 is 1, 1/4, 1/4, 2/4, 0; 2024-02 is 1, 1/3, 0, 1/3
    expect(rows[0]!.slice(2, 7)).toEqual([1, 0.25, 0.25, 0.5, 0]);
    expect(rows[1]!.slice(2, 6)).toEqual([1, 1 / 3, 0, 1 / 3]);
    // the last column names each cohort's period the data end (2024-06-15) falls in, not over: June
    expect(section.table!.columns.at(-1)?.label).toBe('Period not over (k)');
    expect(rows.map((row) => row.at(-1))).toEqual([5, 4, 0]);
    // the heatmap keeps the screen's reading: June (data end 2024-06-15) still running is marked *, later cells empty on grey
    const heat = section.chart!.data[0] as { text: string[][] };
    expect(heat.text[2]!.slice(0, 2)).toEqual(['100%*', '']);
    expect(heat.text[0]![0]).toBe('100%');
    expect(section.chart!.layout.plot_bgcolor).toBe('#e9ebef');
  });

  it('reports progress under the caller’s task id', () => {
    expect(events.some((event) => event.type === 'progress' && event.taskId === 'report-en' && event.phase === 'done')).toBe(true);
  });

  it('builds only the areas asked for, in the report order', async () => {
    const report = await t.client.defaultReport({ lang: 'en', sections: ['churn', 'kpis'] });
    expect(report.sections.map((section) => section.id)).toEqual(['kpis.overview', 'churn.summary', 'churn.survival']);
  });

  it('re-runs the customer analyses with the analyst’s own rules when the current run used them', async () => {
    const rules = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'resources', 'segments', 'rfm.json'), 'utf8')) as RfmRules;
    for (const segment of rules.segments) segment.label = { en: `Own ${segment.label.en}`, zh: segment.label.zh };
    await t.client.customerSegments({ scheme: 'rfm', rules });
    const report = await t.client.defaultReport({ lang: 'en', sections: ['customers'] });
    const rfm = report.sections.find((section) => section.id === 'customers.rfm')!;
    expect(rfm.options).toContainEqual({ label: 'Rules', value: "analyst's own rules" });
    expect(readTable(rfm.table!).rows.every((row) => String(row[0]).startsWith('Own '))).toBe(true);
    expect(rfm.headline.startsWith('Own ')).toBe(true);
  });

  it('exports every format through the wire', async () => {
    const report = structuredClone(reports.get('en')!);
    report.sections[1]!.note = '=cmd note: check the February campaign';
    const xlsx = await t.client.exportReport({ report, format: 'xlsx' });
    expect(xlsx.fileName).toMatch(/^Customer-churn-report-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(xlsx.bytes) as unknown as ArrayBuffer);
    const cohorts = workbook.getWorksheet('Cohort retention')!;
    expect(cohorts.getCell('A3').value).toBe('2024-02');
    expect(cohorts.getCell('F3').value).toBe(1 / 3);
    const kpis = workbook.getWorksheet('Key indicators')!;
    const top = kpis.getColumn(1).values.findIndex((value) => value === 'Top customers’ revenue share');
    expect(kpis.getCell(top, 2).value).toBeCloseTo(800 / 940, 12);
    expect(kpis.getCell(top, 2).numFmt).toBe('0.0%');
    // Indicator, rate, amount, value, numerator: each column one format, so the rate's amount and value cells stay empty.
    expect([kpis.getCell(top, 3).value, kpis.getCell(top, 4).value]).toEqual([null, null]);
    expect(kpis.getCell(top, 5).value).toBe(800);
    // Revenue per customer 940 / 10 (shop.ts) sits in the amount column, with the money format.
    const perCustomer = kpis.getColumn(1).values.findIndex((value) => value === 'Revenue per customer');
    expect(kpis.getCell(perCustomer, 3).value).toBe(94);
    expect(kpis.getCell(perCustomer, 3).numFmt).toBe('#,##0.00');
    // Counts are whole numbers wherever they sit: 10 customers in the value column, 10 as revenue per customer's denominator.
    const customers = kpis.getColumn(1).values.findIndex((value) => value === 'Customers');
    expect([kpis.getCell(customers, 4).value, kpis.getCell(customers, 4).numFmt]).toEqual([10, '#,##0']);
    expect([kpis.getCell(perCustomer, 6).value, kpis.getCell(perCustomer, 6).numFmt]).toEqual([10, '#,##0']);
    // The Gini 6540 / 9400 (shop.ts) as the average revenue gap between two customers, 2 × 6540 / 10² = 130.8,
    // over twice the revenue per customer, 188: amounts of money, not the formula's raw sums.
    const gini = kpis.getColumn(1).values.findIndex((value) => value === 'Gini coefficient');
    expect(kpis.getCell(gini, 4).value).toBeCloseTo(6540 / 9400, 12);
    expect(kpis.getCell(gini, 5).value).toBeCloseTo(130.8, 9);
    expect(kpis.getCell(gini, 6).value).toBeCloseTo(188, 9);
    expect(workbook.getWorksheet('Summary')!.getCell('D7').value).toBe("'=cmd note: check the February campaign");

    const pptx = await JSZip.loadAsync((await t.client.exportReport({ report, format: 'pptx', images: {} })).bytes);
    const notes = await Promise.all(Object.keys(pptx.files).filter((name) => /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(name)).map((name) => pptx.file(name)!.async('string')));
    expect(notes.some((xml) => xml.includes('=cmd note: check the February campaign'))).toBe(true);

    const html = new TextDecoder().decode((await t.client.exportReport({ report, format: 'html' })).bytes);
    expect(html).toContain(SHOP_HEADLINES.en.cohorts);

    const csv = await t.client.exportReport({ report, format: 'csv', sectionId: 'churn.summary' });
    expect(new TextDecoder().decode(csv.bytes)).toContain('2024-01,4,4,0,0,0,');
  });

  it.skipIf(!existsSync(chromiumPath()))('prints the PDF through the wire', async () => {
    const pdf = await t.client.exportReport({ report: reports.get('zh-CN')!, format: 'pdf', paper: 'Letter' });
    expect(pdf.mimeType).toBe('application/pdf');
    expect(Buffer.from(pdf.bytes).toString('latin1')).toContain('/MediaBox [0 0 612 792]');
  });
});

describe('defaultReport refuses what it cannot build', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openTestCore({ inMemory: true });
  });
  afterAll(() => t.close());

  it('names the problem', async () => {
    await expect(t.client.defaultReport({ lang: 'en' })).rejects.toMatchObject({ code: 'E_NO_DATA', message: expect.stringMatching(/no orders/) });
    await expect(t.client.defaultReport({ lang: 'fr' as ReportLang })).rejects.toMatchObject({ code: 'E_ARGS' });
    await expect(t.client.defaultReport({ lang: 'en', sections: ['retention', 'weather' as 'kpis'] })).rejects.toMatchObject({ code: 'E_ARGS', message: expect.stringMatching(/weather/) });
  });

  it('leaves out, with a warning, the areas the data cannot support', async () => {
    // One customer who bought once: no repeat gaps, so no churn window can be derived.
    const path = join(t.dir, 'single.duckdb');
    const workspace = await Workspace.open(path, { threads: 1 });
    await workspace.withConnection((connection) => insertOrders(connection, [{ order_id: 'O1', customer_id: 'A', ordered_at: '2024-01-05 10:00:00' }]));
    await workspace.close();
    await t.client.openWorkspace({ path });
    const warnings: string[] = [];
    t.client.on((event) => event.type === 'log' && warnings.push(event.message));
    const report = await t.client.defaultReport({ lang: 'en', sections: ['churn', 'retention'] });
    expect(report.sections.map((section) => section.id)).toEqual(['retention.cohorts']);
    expect(report.sections[0]!.headline).toBe('1 customer in 1 cohort; none is old enough yet to measure retention.');
    expect(warnings).toEqual([expect.stringMatching(/^report: no churn section: no customer bought on two different days/)]);
  });
});
