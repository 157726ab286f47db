// Branding and currency kept in the workspace: saved once, read back after the workspace is reopened,
// and carried by the default report into every writer (HTML, XLSX, PPTX); refused when malformed.
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportBranding } from '../../src/api/report.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { DEFAULT_DISPLAY_SETTINGS, logoBox } from '../../src/report/displaySettings.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { insertOrders } from '../helpers/fixtures.ts';
import { pngOf } from './pngOf.ts';
import { SHOP_ORDERS } from './shop.ts';

const LOGO = { mimeType: 'image/png' as const, base64: pngOf(40, 10) };
const BRANDING: ReportBranding = { title: 'Q3 retention review', clientName: 'Acme Tea Co.', logo: LOGO, accentColor: '#AA3377', hideWorkspaceName: true };

describe('display settings in the workspace', () => {
  let t: TestCore;
  let path: string;
  beforeAll(async () => {
    t = await openTestCore({ inMemory: true });
    path = join(t.dir, 'shop.duckdb');
    const workspace = await Workspace.open(path, { threads: 1 });
    await workspace.withConnection((connection) => insertOrders(connection, SHOP_ORDERS));
    await workspace.close();
    await t.client.openWorkspace({ path });
  });
  afterAll(() => t.close());

  it('answers the defaults before anything is saved', async () => {
    expect(await t.client.displaySettings({})).toEqual(DEFAULT_DISPLAY_SETTINGS);
    expect(DEFAULT_DISPLAY_SETTINGS).toEqual({
      branding: { title: '', clientName: '', logo: null, accentColor: '#2F6FED', hideWorkspaceName: false },
      currency: null,
    });
  });

  it('refuses a malformed colour, currency or logo, naming the field', async () => {
    await expect(t.client.saveDisplaySettings({ branding: { accentColor: 'red' } })).rejects.toMatchObject({ code: 'E_ARGS', details: { field: 'branding.accentColor' } });
    await expect(t.client.saveDisplaySettings({ currency: 'XXQ' })).rejects.toMatchObject({ code: 'E_ARGS', details: { field: 'currency' } });
    // JPEG bytes declared as PNG, and text that is no image at all
    await expect(t.client.saveDisplaySettings({ branding: { logo: { mimeType: 'image/jpeg', base64: LOGO.base64 } } })).rejects.toMatchObject({
      code: 'E_ARGS',
      details: { field: 'branding.logo' },
    });
    await expect(t.client.saveDisplaySettings({ branding: { logo: { mimeType: 'image/png', base64: 'aGVsbG8=' } } })).rejects.toMatchObject({ code: 'E_ARGS' });
    expect(await t.client.displaySettings({})).toEqual(DEFAULT_DISPLAY_SETTINGS);
  });

  it('keeps what was saved across a reopen, field by field', async () => {
    await t.client.saveDisplaySettings({ branding: BRANDING });
    // A later save of one field keeps the others.
    const saved = await t.client.saveDisplaySettings({ currency: 'cny' });
    expect(saved).toEqual({ branding: BRANDING, currency: 'CNY' });
    await t.client.openWorkspace({ path });
    expect(await t.client.displaySettings({})).toEqual({ branding: BRANDING, currency: 'CNY' });
  });

  it('builds the default report with the workspace branding: title, no file name, currency', async () => {
    const report = await t.client.defaultReport({ lang: 'en', sections: ['kpis'] });
    expect(report.title).toBe('Q3 retention review');
    expect(report.subtitle).toBe('2024-01-05 to 2024-06-15 · 16 orders · 10 customers');
    expect(report.branding).toEqual(BRANDING);
    expect(report.currency).toBe('CNY');
    // A request's own choice wins for that report only.
    const plain = await t.client.defaultReport({ lang: 'zh-CN', sections: ['kpis'], branding: { title: '', hideWorkspaceName: false }, currency: null });
    expect(plain.title).toBe('客户流失分析报告');
    expect(plain.subtitle).toBe('shop.duckdb · 2024-01-05 至 2024-06-15 · 16 笔订单 · 10 位客户');
    expect(plain.currency).toBeNull();
    expect((await t.client.displaySettings({})).currency).toBe('CNY');
  });

  it('puts logo, client and accent in the HTML, and money with its symbol', async () => {
    const report = await t.client.defaultReport({ lang: 'zh-CN', sections: ['kpis'] });
    const html = new TextDecoder().decode((await t.client.exportReport({ report, format: 'html' })).bytes);
    expect(html).toContain(`<img class="logo" alt="" src="data:image/png;base64,${LOGO.base64}">`);
    expect(html).toContain('<p class="client">客户：Acme Tea Co.</p>');
    expect(html).toContain('.section-title { margin: 0; color: #AA3377;');
    expect(html).not.toContain('#2F6FED');
    expect(html).not.toContain('shop.duckdb');
    // Revenue per customer of the shop: 940 / 10 = 94 (shop.ts), in yuan as Chinese readers write it.
    expect(html).toContain('<td class="num">¥94.00</td>');
  });

  it('puts the client on the XLSX summary and the currency in money cells', async () => {
    const report = await t.client.defaultReport({ lang: 'en', sections: ['kpis'] });
    const file = await t.client.exportReport({ report, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes.slice().buffer);
    const summary = workbook.worksheets[0]!;
    expect(summary.getCell('A1').value).toBe('Q3 retention review');
    expect(summary.getCell('A2').value).toBe('Prepared for Acme Tea Co.');
    const kpis = workbook.worksheets[1]!;
    const moneyFormats = new Set<string>();
    kpis.eachRow((row) => row.eachCell((cell) => (cell.numFmt?.includes('CN¥') ? moneyFormats.add(cell.numFmt) : undefined)));
    expect([...moneyFormats]).toEqual(['"CN¥"#,##0.00']);
  });

  it('puts the logo on the PPTX cover and in the footer, and the accent on the cover bar', async () => {
    const report = await t.client.defaultReport({ lang: 'en', sections: ['kpis'] });
    const zip = await JSZip.loadAsync((await t.client.exportReport({ report, format: 'pptx' })).bytes);
    const media = Object.values(zip.files).filter((entry) => entry.name.startsWith('ppt/media/') && !entry.dir).map((entry) => entry.name);
    const logoBytes = Buffer.from(LOGO.base64, 'base64');
    const logos = [];
    for (const name of media) if (Buffer.from(await zip.file(name)!.async('uint8array')).equals(logoBytes)) logos.push(name);
    expect(logos.length).toBeGreaterThanOrEqual(2);
    const cover = await zip.file('ppt/slides/slide1.xml')!.async('string');
    expect(cover).toContain('<a:srgbClr val="AA3377"/>');
    expect(cover).toContain('Prepared for Acme Tea Co.');
  });

  it('fits a logo in its box keeping its proportions', () => {
    // 40 x 10 pixels: in 3 x 0.9 the width binds (3 / 40 < 0.9 / 10); in 1.6 x 0.3 the height does (0.3 / 10 < 1.6 / 40).
    expect(logoBox(LOGO, 3, 0.9)).toEqual({ width: 3, height: 0.75 });
    expect(logoBox(LOGO, 1.6, 0.3)).toEqual({ width: 1.2, height: 0.3 });
  });
});
