// Every writer on the hand-made report, with a stand-in renderer: HTML self-containment and escaping,
// PPTX slides/notes/charts, XLSX and CSV numbers and neutralised formulas, request checks.
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ReportChart, ReportLang, ReportModel, ReportSection } from '../../src/api/report.ts';
import { exportReport } from '../../src/report/exportReport.ts';
import { driversSections } from '../../src/report/sections/drivers.ts';
import { formatTableRows, makeTable, readTable } from '../../src/report/table.ts';
import type { ChartImageOptions, ReportRenderer } from '../../src/report/render.ts';
import { FORMULA_TEXTS, cohortValue, handmadeReport } from './handmadeReport.ts';
import { driversResult } from '../drivers/driversResultFixture.ts';

const PNG_1X1 = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));

/** A renderer that records what it was asked to draw and never starts a browser. */
function recordingRenderer(): ReportRenderer & { drawn: { chart: ReportChart; options: ChartImageOptions }[] } {
  const drawn: { chart: ReportChart; options: ChartImageOptions }[] = [];
  return {
    drawn,
    printPdf: () => Promise.reject(new Error('no PDF in this test')),
    chartImage: async (chart, options) => {
      drawn.push({ chart, options });
      return options.format === 'png' ? PNG_1X1 : new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    },
    close: async () => undefined,
  };
}

async function exported(report: ReportModel, format: 'html' | 'pptx' | 'xlsx' | 'csv', extra: { sectionId?: string } = {}) {
  const renderer = recordingRenderer();
  const file = await exportReport({ report, format, ...extra }, renderer);
  return { file, renderer };
}

const PLOTLY = readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min'), 'utf8');

describe.each(['zh-CN', 'en'] as ReportLang[])('HTML export (%s)', (lang) => {
  const report = handmadeReport(lang);

  it('is one file that loads nothing: no script src, no link, Plotly inlined verbatim, no URL outside the data', async () => {
    const { file } = await exported(report, 'html');
    expect(file.mimeType).toBe('text/html; charset=utf-8');
    expect(file.fileName).toBe(`${lang === 'en' ? 'Customer-churn-report' : '客户流失分析报告'}-2025-03-04.html`);
    const html = new TextDecoder().decode(file.bytes);
    const plotlyStart = html.indexOf('<script>') + '<script>'.length;
    const plotlyEnd = html.indexOf('</script>', plotlyStart);
    // toBe on 4.8 MB strings would print them both on failure; compare, then assert the outcome.
    expect(html.slice(plotlyStart, plotlyEnd) === PLOTLY).toBe(true);
    const outside = html.slice(0, plotlyStart) + html.slice(plotlyEnd);
    const scripts = [...outside.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    expect(scripts).toEqual(['', ' type="application/json" id="report-charts"', '']);
    expect(outside).not.toMatch(/<link|<img|<iframe|<object|<embed|\ssrc=|url\(/i);
    expect([...outside.matchAll(/href="([^"]*)"/g)].map((match) => match[1])).toEqual(['#section-1', '#section-2', '#section-3', '#section-4']);
    expect(outside).toContain(`content="default-src 'none'; script-src 'unsafe-inline'`);
    // The one URL in the data is the formula-looking reason label, as escaped text and as chart JSON.
    const outsideData = outside
      .replaceAll('=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)', '')
      .replaceAll('=HYPERLINK(\\"http://evil.example\\",\\"x\\")', '');
    expect(outsideData).not.toMatch(/https?:\/\//i);
  });

  it('carries the charts as JSON and the tables as formatted text', async () => {
    const html = new TextDecoder().decode((await exported(report, 'html')).file.bytes);
    const json = /<script type="application\/json" id="report-charts">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    const charts = JSON.parse(json) as { target: string; data: unknown[]; layout: { height: number } }[];
    expect(charts.map((chart) => chart.target)).toEqual(['chart-1', 'chart-2', 'chart-3']);
    expect(charts[0]!.data).toEqual(report.sections[0]!.chart!.data);
    expect(charts[1]!.layout.height).toBe(320);
    // cohort 2024-06 (index 5) at M3: (0.5 - 5 * 0.02) * 0.9^2 = 0.324
    expect(html).toContain('<td class="num">32.4%</td>');
    expect(html).toContain(lang === 'en' ? 'First 40 of 500 rows' : '显示前 40 行，共 500 行');
    expect(html).toContain(`<h2 class="headline">${report.sections[1]!.headline}</h2>`);
  });
});

describe('HTML escaping', () => {
  it('keeps markup in titles, notes and chart data as text', async () => {
    const report = handmadeReport('en');
    const attack = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    report.title = attack;
    report.sections[0]!.headline = attack;
    report.sections[0]!.note = attack;
    report.sections[0]!.chart!.data[0]!.name = attack;
    const html = new TextDecoder().decode((await exported(report, 'html')).file.bytes);
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)');
  });
});

function slideXml(zip: JSZip, path: string): Promise<string> {
  const file = zip.file(path);
  if (!file) throw new Error(`${path} is not in the package`);
  return file.async('string');
}

function numbered(zip: JSZip, pattern: RegExp): string[] {
  return Object.keys(zip.files)
    .filter((name) => pattern.test(name))
    .sort((a, b) => Number(/(\d+)\.\w+$/.exec(a)?.[1]) - Number(/(\d+)\.\w+$/.exec(b)?.[1]));
}

describe.each(['zh-CN', 'en'] as ReportLang[])('PPTX export (%s)', (lang) => {
  const report = handmadeReport(lang);

  it('has a title slide, a slide per section titled by its headline, the wide table on its own slide, and notes', async () => {
    const { file, renderer } = await exported(report, 'pptx');
    expect(file.fileName.endsWith('.pptx')).toBe(true);
    const zip = await JSZip.loadAsync(file.bytes);
    const slides = numbered(zip, /^ppt\/slides\/slide\d+\.xml$/);
    // title, cohorts (chart), cohorts (wide table), reasons (chart + table beside), curve, at-risk (table only, 15 rows a slide, 2 slides)
    expect(slides).toHaveLength(7);
    const xml = await Promise.all(slides.map((slide) => slideXml(zip, slide)));
    expect(xml[0]).toContain(report.title);
    expect(xml[0]).toContain(report.subtitle);
    const titled = [1, 3, 4, 5].map((index) => xml[index]!);
    [0, 1, 2, 3].forEach((section, n) => {
      expect(titled[n]).toContain('type="title"');
      expect(titled[n]).toContain(escapeXml(report.sections[section]!.headline));
    });
    expect(xml[2]).toContain(lang === 'en' ? 'Cohort retention · table' : '同期群留存 · 数据表');
    expect(xml[2]).toContain('32.4%');
    expect(xml[5]).toContain('C0014');
    expect(xml[5]).not.toContain('C0015');
    expect(xml[6]).toContain(lang === 'en' ? 'At-risk customers · table' : '高风险客户 · 数据表');
    expect(xml[6]).toContain('C0029');
    expect(xml[6]).not.toContain('C0030');
    expect(xml[6]).toContain(lang === 'en' ? 'First 30 of 500 rows' : '显示前 30 行，共 500 行');

    const notes = await Promise.all(numbered(zip, /^ppt\/notesSlides\/notesSlide\d+\.xml$/).map((path) => slideXml(zip, path)));
    expect(notes[1]).toContain(escapeXml(report.sections[0]!.note.split('\n')[0]!));
    expect(notes[3]).toContain('=1+1 looks like a formula but is a note');
    expect(notes[5]).toContain(escapeXml(report.sections[3]!.note));

    // The heatmap is the only chart a native chart cannot show: one image, drawn once at the slide body's size.
    expect(renderer.drawn.map((call) => call.chart)).toEqual([report.sections[0]!.chart]);
    expect(renderer.drawn[0]!.options).toEqual({ format: 'png', width: 987, height: 376 });
    const media = mediaFiles(zip);
    expect(media).toHaveLength(1);
    expect(new Uint8Array(await zip.file(media[0]!)!.async('uint8array'))).toEqual(PNG_1X1);

    const charts = await Promise.all(numbered(zip, /^ppt\/charts\/chart\d+\.xml$/).map((path) => slideXml(zip, path)));
    expect(charts).toHaveLength(2);
    expect(charts[0]).toContain('<c:barDir val="bar"/>');
    expect(charts[0]).toContain('<c:v>0.4</c:v>');
    expect(charts[0]).toContain('<c:numFmt formatCode="0%" sourceLinked="0"/>');
    expect(charts[1]).toContain('<c:lineChart>');
    expect(charts[1]).toContain(`<c:v>${cohortValue(5, 12)}</c:v>`);
  });

  it('spreads a table evenly over the slides it needs, and sets long options small enough to stay above the footer', async () => {
    const atRisk = report.sections[3]!;
    const table = readTable(atRisk.table!);
    const rows = table.rows.slice(0, 16).map((row) => Object.fromEntries(atRisk.table!.columns.map((column, index) => [column.key, row[index] ?? null])));
    const longOption = { label: 'Scoring', value: 'Each score is 1 + floor(5 x customers with a strictly worse value / all customers): quintiles by rank. '.repeat(3) };
    const sixteen = { ...report, sections: [{ ...atRisk, options: [longOption], table: makeTable(atRisk.table!.name, atRisk.table!.columns, rows) }] };
    const zip = await JSZip.loadAsync((await exported(sixteen, 'pptx')).file.bytes);
    const xml = await Promise.all(numbered(zip, /^ppt\/slides\/slide\d+\.xml$/).map((slide) => slideXml(zip, slide)));
    // 16 rows: 8 and 8 rather than 15 and 1 (rows are C0006 ... C0015 after six formula texts).
    expect(xml).toHaveLength(3);
    expect(xml[1]).toContain('C0007');
    expect(xml[1]).not.toContain('C0008');
    expect(xml[2]).toContain('C0008');
    expect(xml[2]).toContain('C0015');
    // About 310 characters of options: two lines at 9 pt rather than three at 10 pt, which ran into the footer.
    expect(xml[1]).toMatch(/sz="900"[^>]*>(?:(?!sz=).)*Scoring: Each/s);
  });

  it('uses the images the app sent instead of drawing them, keeping their aspect ratio', async () => {
    const renderer = recordingRenderer();
    // The stand-in PNG with its IHDR size rewritten to 1000 x 380, the app's image size.
    const sent = PNG_1X1.slice();
    new DataView(sent.buffer).setUint32(16, 1000);
    new DataView(sent.buffer).setUint32(20, 380);
    const file = await exportReport({ report, format: 'pptx', images: { 'retention.cohorts': { png: sent } } }, renderer);
    expect(renderer.drawn).toEqual([]);
    const zip = await JSZip.loadAsync(file.bytes);
    const media = mediaFiles(zip);
    expect(new Uint8Array(await zip.file(media[0]!)!.async('uint8array'))).toEqual(sent);
    const picture = /<p:pic>.*?<a:ext cx="(\d+)" cy="(\d+)"\/>/s.exec(await slideXml(zip, 'ppt/slides/slide2.xml'));
    expect(Number(picture?.[1]) / Number(picture?.[2])).toBeCloseTo(1000 / 380, 2);
  });
});

function mediaFiles(zip: JSZip): string[] {
  return Object.keys(zip.files).filter((name) => name.startsWith('ppt/media/') && !zip.files[name]!.dir);
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

describe.each(['zh-CN', 'en'] as ReportLang[])('XLSX export (%s)', (lang) => {
  const report = handmadeReport(lang);

  it('holds a summary and every table with its numbers, formats and dates; formula-looking text is neutralised', async () => {
    const { file } = await exported(report, 'xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(
      lang === 'en' ? ['Summary', 'Cohort retention', 'Churn reasons', 'At-risk customers'] : ['摘要', '同期群留存', '流失原因', '高风险客户'],
    );
    const [summary, cohorts, reasons, atRisk] = workbook.worksheets as [ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet];
    expect(summary.getCell('B6').value).toBe(report.sections[0]!.headline);
    expect(summary.getCell('D7').value).toBe("'=1+1 looks like a formula but is a note");

    expect(cohorts.getCell('A1').value).toBe(lang === 'en' ? 'Cohort' : '同期群');
    for (let cohort = 0; cohort < 6; cohort++) {
      expect(cohorts.getCell(cohort + 2, 1).value).toBe(`2024-0${cohort + 1}`);
      expect(cohorts.getCell(cohort + 2, 2).value).toBe(100 + cohort * 10);
      for (let month = 0; month <= 12; month++) {
        const cell = cohorts.getCell(cohort + 2, month + 3);
        expect(cell.value).toBe(cohortValue(cohort, month));
        expect(cell.numFmt).toBe('0.0%');
      }
    }
    expect(reasons.getCell('A5').value).toBe(`'${FORMULA_TEXTS[0]}`);
    expect(reasons.getCell('C2').value).toBe(0.4);

    expect(atRisk.rowCount).toBe(41);
    // XML parsers read a CR in text as LF, so the CR case comes back as "'\nCR": still neutralised.
    FORMULA_TEXTS.forEach((text, index) => expect(atRisk.getCell(index + 2, 1).value).toBe(`'${text.replace('\r', '\n')}`));
    expect(atRisk.getCell('A8').value).toBe('C0006');
    expect(atRisk.getCell('B2').value).toBe(1000);
    expect(atRisk.getCell('B2').numFmt).toBe('#,##0.00');
    expect(atRisk.getCell('D2').value).toEqual(new Date('2024-01-15T00:00:00Z'));

    workbook.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
        }),
      ),
    );
  });
});

describe.each(['zh-CN', 'en'] as ReportLang[])('XLSX export of the drivers sections and long names (%s)', (lang) => {
  // The hand-worked drivers result with one p below 0.001, which the page prints "< 0.001"
  const drivers = structuredClone(driversResult);
  drivers.coefficients[0]!.pValue = 2e-9;
  const [model, check] = driversSections(drivers, lang) as [ReportSection, ReportSection];
  const longName = lang === 'en' ? 'Key indicators and the Pareto view' : '按首单渠道与地区划分的客户生命周期和流失风险以及挽回价值的逐月详细对比分析';
  const named = (id: string, name: string): ReportSection => ({ ...model, id, table: { ...model.table!, name } });
  const report: ReportModel = {
    ...handmadeReport(lang),
    sections: [model, check, named('custom.long', longName), named('custom.longAgain', longName), named('custom.drivers', lang === 'en' ? 'Churn drivers (Cox proportional-hazards model)' : '流失驱动因素（Cox 比例风险模型）')],
  };

  it('stores p-values as numbers that print as the report does, and the page still reads "< 0.001"', async () => {
    const { file } = await exported(report, 'xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const [, modelSheet, checkSheet] = workbook.worksheets as [ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet];
    // Factor, level, reference, ratio, lower, upper, p: the measured level's p, the infinite level's none
    expect(modelSheet.getCell('G1').value).toBe(lang === 'en' ? 'p' : 'p 值');
    expect([modelSheet.getCell('G2').value, modelSheet.getCell('G3').value]).toEqual([2e-9, null]);
    expect(modelSheet.getColumn(7).numFmt).toBe('[<0.001]"< 0.001";0.000');
    // Per term, then the global test: both p = 0.04
    expect([checkSheet.getCell('D2').value, checkSheet.getCell('D3').value]).toEqual([0.04, 0.04]);
    expect(checkSheet.getColumn(4).numFmt).toBe('[<0.001]"< 0.001";0.000');
    expect(formatTableRows(readTable(model.table!), lang, null).map((row) => row[6])).toEqual(['< 0.001', '']);
  });

  // A name within 31 characters stays whole, the Chinese model title among them
  it('names each sheet with whole words within 31 characters, unique in the workbook', async () => {
    const { file } = await exported(report, 'xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(
      lang === 'en'
        ? ['Summary', 'Churn drivers', 'Proportional-hazards check', 'Key indicators and the Pareto', 'Key indicators and the Pareto 2', 'Churn drivers 2']
        : ['摘要', '流失驱动因素', '比例风险假设检验', '按首单渠道与地区划分的客户生命周期和流失风险以及挽回价值的逐月', '按首单渠道与地区划分的客户生命周期和流失风险以及挽回价值的 2', '流失驱动因素（Cox 比例风险模型）'],
    );
  });

  it('writes p-values into the CSV as numbers', async () => {
    const { file } = await exported(report, 'csv', { sectionId: 'drivers.proportionalHazards' });
    const rows = Papa.parse<string[]>(new TextDecoder().decode(file.bytes).slice(1).trim()).data;
    expect(rows.map((row) => row[3])).toEqual([lang === 'en' ? 'p' : 'p 值', '0.04', '0.04']);
    const modelRows = Papa.parse<string[]>(new TextDecoder().decode((await exported(report, 'csv', { sectionId: 'drivers.model' })).file.bytes).slice(1).trim()).data;
    expect(modelRows.map((row) => row[6])).toEqual([lang === 'en' ? 'p' : 'p 值', '2e-9', '']);
  });
});

describe('CSV export', () => {
  const report = handmadeReport('en');

  it('zips one CSV per table, with a BOM, raw numbers and neutralised text', async () => {
    const { file } = await exported(report, 'csv');
    expect(file).toMatchObject({ fileName: 'Customer-churn-report-2025-03-04-csv.zip', mimeType: 'application/zip' });
    const zip = await JSZip.loadAsync(file.bytes);
    expect(Object.keys(zip.files)).toEqual([
      'Customer-churn-report-2025-03-04-Cohort-retention.csv',
      'Customer-churn-report-2025-03-04-Churn-reasons.csv',
      'Customer-churn-report-2025-03-04-At-risk-customers.csv',
    ]);
    const cohorts = await zip.file('Customer-churn-report-2025-03-04-Cohort-retention.csv')!.async('string');
    expect(cohorts.startsWith('\uFEFFCohort,Customers,M0,M1,')).toBe(true);
    const rows = Papa.parse<string[]>(cohorts.slice(1).trim()).data;
    expect(rows[6]).toEqual(['2024-06', '150', ...Array.from({ length: 13 }, (_, month) => String(cohortValue(5, month)))]);
    const atRisk = Papa.parse<string[]>((await zip.file('Customer-churn-report-2025-03-04-At-risk-customers.csv')!.async('string')).slice(1).trim()).data;
    expect(atRisk.slice(1, 7).map((row) => row[0])).toEqual(FORMULA_TEXTS.map((text) => `'${text}`));
    expect(atRisk[1]).toEqual([`'${FORMULA_TEXTS[0]}`, '1000', '0.3', '2024-01-15']);
  });

  it('writes one plain CSV for one section', async () => {
    const { file } = await exported(report, 'csv', { sectionId: 'reasons.shares' });
    expect(file).toMatchObject({ fileName: 'Customer-churn-report-2025-03-04-Churn-reasons.csv', mimeType: 'text/csv; charset=utf-8' });
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(file.bytes)).toBe(
      '\uFEFFReason,Churned,Share\r\nLogistics,40,0.4\r\nService,30,0.3\r\nProduct quality,20,0.2\r\n"\'=HYPERLINK(""http://evil.example"",""x"")",10,0.1\r\n',
    );
  });
});

describe('export requests', () => {
  const renderer = recordingRenderer();
  const report = handmadeReport('en');

  it('are checked, naming the field or section that is wrong', async () => {
    await expect(exportReport({ report, format: 'docx' as 'pdf' }, renderer)).rejects.toMatchObject({ code: 'E_ARGS', message: expect.stringMatching(/format must be one of/) });
    await expect(exportReport({ report, format: 'pdf', paper: 'A3' as 'A4' }, renderer)).rejects.toMatchObject({ code: 'E_ARGS' });
    const broken = structuredClone(report) as unknown as { sections: { title: unknown }[] };
    broken.sections[2]!.title = 7;
    await expect(exportReport({ report: broken as unknown as ReportModel, format: 'html' }, renderer)).rejects.toMatchObject({
      code: 'E_ARGS',
      message: 'report.sections[2].title must be a string',
    });
    const duplicate = { ...report, sections: [report.sections[0]!, report.sections[0]!] };
    await expect(exportReport({ report: duplicate, format: 'html' }, renderer)).rejects.toMatchObject({ message: expect.stringMatching(/sections\[1\]\.id/) });
    await expect(exportReport({ report, format: 'csv', sectionId: 'nope' }, renderer)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(exportReport({ report, format: 'csv', sectionId: 'retention.curve' }, renderer)).rejects.toMatchObject({ code: 'E_ARGS' });
    await expect(exportReport({ report, format: 'png', sectionId: 'customers.atRisk' }, renderer)).rejects.toMatchObject({ code: 'E_ARGS' });
  });
});

describe('PDF export and the cover', () => {
  it('prints charts as the SVG drawn beforehand, at print width, with no Plotly on the page', async () => {
    const report = handmadeReport('en');
    const charted = report.sections.filter((section) => section.chart);
    const sent = charted[0]!;
    let printed = '';
    const renderer = { ...recordingRenderer(), printPdf: async (html: string) => ((printed = html), new Uint8Array([37, 80, 68, 70])) };
    await exportReport({ report, format: 'pdf', images: { [sent.id]: { svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>sent</text></svg>' } } }, renderer);
    // the app's SVG for its section, the renderer's for the others, each drawn at the printed width
    expect(renderer.drawn.map((item) => item.options)).toEqual(charted.slice(1).map((section) => ({ format: 'svg', width: 680, height: section.chart!.height ?? 380 })));
    expect(printed).toContain(`data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><text>sent</text></svg>').toString('base64')}`);
    expect(printed.match(/class="chart chart-image"/g)).toHaveLength(charted.length);
    expect(printed).not.toContain(PLOTLY.slice(0, 200));
    expect(printed).toContain("setAttribute('data-charts-ready', 'true')");
  });

  it('opens with the executive summary in the report’s language, as a cover list and a slide', async () => {
    const report = { ...handmadeReport('zh-CN'), summary: ['流失率 21.7%，高于上季度。', '物流配送是首要原因。'] };
    const html = new TextDecoder().decode((await exported(report, 'html')).file.bytes);
    expect(html).toContain('<section class="summary"><h2>核心结论</h2><ul><li>流失率 21.7%，高于上季度。</li><li>物流配送是首要原因。</li></ul></section>');
    const zip = await JSZip.loadAsync((await exported(report, 'pptx')).file.bytes);
    const second = await zip.file('ppt/slides/slide2.xml')!.async('string');
    expect(second).toContain('核心结论');
    expect(second).toContain('物流配送是首要原因。');
  });
});
