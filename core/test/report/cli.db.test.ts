// `churnwb report` as a user runs it: format from the extension, sections, one file per table for
// CSV, a saved model edited and exported again, and one-line errors.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../src/api/codec.ts';
import type { ReportModel } from '../../src/api/report.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { insertOrders } from '../helpers/fixtures.ts';
import { pngOf } from './pngOf.ts';
import { SHOP_HEADLINES, SHOP_ORDERS } from './shop.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');

describe('churnwb report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-report-cli-'));
  const workspace = join(dir, 'shop.duckdb');
  const churnwb = (...args: string[]) => run(process.execPath, [BIN, '--workspace', workspace, ...args], { cwd: dir });
  beforeAll(async () => {
    const created = await Workspace.open(workspace, { threads: 1 });
    await created.withConnection((connection) => insertOrders(connection, SHOP_ORDERS));
    await created.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the XLSX of the chosen sections', async () => {
    const out = join(dir, 'report.xlsx');
    const { stdout, stderr } = await churnwb('report', '--out', out, '--lang', 'zh-CN', '--sections', 'retention,kpis');
    expect(stdout).toBe(`${out}\n`);
    expect(stderr).toMatch(/^3 section\(s\): kpis\.overview, retention\.cohorts, retention\.curve; \d+\.\d s\n$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['摘要', '关键指标', '同期群留存', '平均留存曲线']);
    expect(workbook.getWorksheet('摘要')!.getCell('B7').value).toBe(SHOP_HEADLINES['zh-CN'].cohorts);
  });

  it('writes one CSV per table next to the name given', async () => {
    await churnwb('report', '--out', join(dir, 'tables.csv'), '--lang', 'en', '--sections', 'churn');
    expect(readdirSync(dir).filter((name) => name.startsWith('tables')).sort()).toEqual(['tables-churn.summary.csv', 'tables-churn.survival.csv']);
    expect(readFileSync(join(dir, 'tables-churn.summary.csv'), 'utf8').split('\r\n')[0]).toBe('\uFEFFPeriod,Active,New,Returning,Resurrected,Churned,Churn rate,Partial period');
  });

  it('saves the model as JSON and exports it again with the analyst’s note as speaker notes', async () => {
    const model = join(dir, 'model.json');
    await churnwb('report', '--out', model, '--lang', 'en', '--sections', 'kpis');
    const report = decodeMessage(readFileSync(model, 'utf8')) as ReportModel;
    expect(report.sections[0]!.headline).toBe(SHOP_HEADLINES.en.kpis);
    report.sections[0]!.note = 'Two customers carry the shop.';
    writeFileSync(model, encodeMessage(report));
    const deck = join(dir, 'deck.pptx');
    await churnwb('report', '--from', model, '--out', deck);
    const zip = await JSZip.loadAsync(readFileSync(deck));
    // Slide 1 is the title, then the executive summary (when the model has one), then the sections.
    const firstSection = report.summary?.length ? 3 : 2;
    expect(await zip.file(`ppt/notesSlides/notesSlide${firstSection}.xml`)!.async('string')).toContain('Two customers carry the shop.');
  });

  it('fails in one line naming the problem', async () => {
    await expect(churnwb('report', '--out', join(dir, 'report.docx'))).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^churnwb: E_ARGS: --out must end in \.html, \.pdf/) });
    await expect(churnwb('report', '--out', join(dir, 'x.html'), '--sections', 'retention,weather')).rejects.toMatchObject({ stderr: expect.stringMatching(/^churnwb: E_ARGS: --sections takes/) });
    await expect(churnwb('report', '--out', join(dir, 'x.pdf'), '--paper', 'A3')).rejects.toMatchObject({ stderr: 'churnwb: E_ARGS: --paper must be A4 or Letter, got "A3"\n' });
    writeFileSync(join(dir, 'broken.json'), '{"version":1}');
    await expect(churnwb('report', '--from', join(dir, 'broken.json'), '--out', join(dir, 'x.html'))).rejects.toMatchObject({ stderr: expect.stringMatching(/^churnwb: E_ARGS: .*broken\.json\.lang must be one of zh-CN, en/) });
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  // Last: it keeps branding in the workspace, which the reports above must not carry.
  it('takes branding and currency options, keeps them with --save-branding and uses them by default after', async () => {
    const logo = join(dir, 'logo.png');
    writeFileSync(logo, Buffer.from(pngOf(30, 10), 'base64'));
    const once = join(dir, 'branded.html');
    const flags = ['--title', 'Churn review', '--client', 'Acme Tea Co.', '--logo', logo, '--accent', '#117733', '--currency', 'USD', '--hide-workspace-name'];
    await churnwb('report', '--out', once, '--lang', 'en', '--sections', 'kpis', ...flags);
    const html = readFileSync(once, 'utf8');
    expect(html).toContain('<h1>Churn review</h1>');
    expect(html).toContain('<p class="client">Prepared for Acme Tea Co.</p>');
    expect(html).toContain(`src="data:image/png;base64,${pngOf(30, 10)}"`);
    expect(html).toContain('color: #117733;');
    expect(html).not.toContain('shop.duckdb');
    // Revenue per customer: 940 / 10 = 94 (shop.ts)
    expect(html).toContain('<td class="num">$94.00</td>');
    // Without --save-branding the workspace keeps its defaults...
    const plain = join(dir, 'plain.html');
    await churnwb('report', '--out', plain, '--lang', 'en', '--sections', 'kpis');
    expect(readFileSync(plain, 'utf8')).toContain('<h1>Customer churn report</h1>');
    // ...with it, a later report without options is branded.
    await churnwb('report', '--out', plain, '--lang', 'en', '--sections', 'kpis', ...flags, '--save-branding');
    const later = join(dir, 'later.html');
    await churnwb('report', '--out', later, '--lang', 'en', '--sections', 'kpis');
    expect(readFileSync(later, 'utf8')).toContain('<p class="client">Prepared for Acme Tea Co.</p>');
    expect(readFileSync(later, 'utf8')).toContain('<td class="num">$94.00</td>');
    await expect(churnwb('report', '--out', join(dir, 'y.html'), '--accent', 'teal')).rejects.toMatchObject({
      stderr: expect.stringMatching(/^churnwb: E_ARGS: branding\.accentColor must be a colour as #RRGGBB/),
    });
  });
});
