// exportReport: checks the request, picks the writer for the format, names the file.
import JSZip from 'jszip';
import { CoreError } from '../api/errors.ts';
import { REPORT_FORMATS, type ExportReportRequest, type ExportedFile, type PaperSize, type ReportFormat, type ReportModel, type ReportSection } from '../api/report.ts';
import { tableCsv } from './csv.ts';
import { checkBranding } from './displaySettings.ts';
import { reportHtml } from './html.ts';
import { reportPptx } from './pptx.ts';
import { IMAGE_WIDTH, type ImageFormat, type ReportRenderer } from './render.ts';
import { COMMON_TEXT } from './text.ts';
import { DEFAULT_CHART_HEIGHT, PRINT_CHART_WIDTH } from './theme.ts';
import { assertReportModel } from './validate.ts';
import { reportXlsx } from './xlsx.ts';

export const MIME_TYPES: Record<ReportFormat | 'zip', string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
  zip: 'application/zip',
};

const PAPERS: readonly PaperSize[] = ['A4', 'Letter'];

/** Writes the report in the requested format; `renderer` prints PDFs and draws images the app did not send. */
export async function exportReport(request: ExportReportRequest, renderer: ReportRenderer): Promise<ExportedFile> {
  if (!REPORT_FORMATS.includes(request.format)) throw new CoreError('E_ARGS', `format must be one of ${REPORT_FORMATS.join(', ')}, got "${String(request.format)}"`);
  const paper = request.paper ?? 'A4';
  if (!PAPERS.includes(paper)) throw new CoreError('E_ARGS', `paper must be A4 or Letter, got "${String(paper)}"`);
  assertReportModel(request.report);
  // A model saved or edited elsewhere may carry only some branding fields: the rest take their defaults.
  const report = request.report.branding ? { ...request.report, branding: checkBranding(request.report.branding) } : request.report;
  const base = baseName(report);
  const file = (format: ReportFormat, bytes: Uint8Array, name = base): ExportedFile => ({ fileName: `${name}.${format}`, mimeType: MIME_TYPES[format], bytes });

  switch (request.format) {
    case 'html':
      return file('html', new TextEncoder().encode(reportHtml(report, { paper })));
    case 'pdf': {
      // Charts go in as SVG drawn beforehand (by the app, or once by the renderer's warm chart page), so
      // the printed page needs no Plotly: its evaluation was most of every PDF's time.
      const chartImages: Record<string, string> = {};
      for (const section of report.sections) {
        if (!section.chart) continue;
        const size = { width: PRINT_CHART_WIDTH, height: section.chart.height ?? DEFAULT_CHART_HEIGHT };
        chartImages[section.id] = new TextDecoder().decode(await chartImage(request, renderer, section, 'svg', size));
      }
      return file('pdf', await renderer.printPdf(reportHtml(report, { paper, chartImages }), paper, `${COMMON_TEXT[report.lang].product} · ${report.title}`));
    }
    case 'pptx':
      return file('pptx', await reportPptx(report, (section, size) => chartImage(request, renderer, section, 'png', size)));
    case 'xlsx':
      return file('xlsx', await reportXlsx(report));
    case 'csv': {
      const sections = chosenSections(request, (section) => section.table !== undefined, 'a table');
      const entries = sections.map((section) => ({ name: `${base}-${fileSafe(section.table!.name)}`, bytes: new TextEncoder().encode(tableCsv(section.table!)) }));
      return single(entries, 'csv') ?? (await zipped(entries, 'csv', base));
    }
    case 'png':
    case 'svg': {
      const format = request.format;
      const sections = chosenSections(request, (section) => section.chart !== undefined, 'a chart');
      const entries = [];
      for (const section of sections) {
        const size = { width: IMAGE_WIDTH, height: section.chart!.height ?? DEFAULT_CHART_HEIGHT };
        entries.push({ name: `${base}-${fileSafe(section.id)}`, bytes: await chartImage(request, renderer, section, format, size) });
      }
      return single(entries, format) ?? (await zipped(entries, format, base));
    }
  }
}

/** The image the app sent for a section, else one drawn by the renderer. */
async function chartImage(
  request: ExportReportRequest,
  renderer: ReportRenderer,
  section: ReportSection,
  format: ImageFormat,
  size: { width: number; height: number },
): Promise<Uint8Array> {
  const sent = request.images?.[section.id];
  if (format === 'png' && sent?.png instanceof Uint8Array) return sent.png;
  if (format === 'svg' && typeof sent?.svg === 'string') return new TextEncoder().encode(sent.svg);
  if (!section.chart) throw new CoreError('E_ARGS', `section ${section.id} has no chart`);
  return renderer.chartImage(section.chart, { format, ...size });
}

function chosenSections(request: ExportReportRequest, has: (section: ReportSection) => boolean, what: string): ReportSection[] {
  const { report, sectionId } = request;
  if (sectionId !== undefined) {
    const section = report.sections.find((item) => item.id === sectionId);
    if (!section) throw new CoreError('E_NOT_FOUND', `the report has no section "${sectionId}"`, { sectionId });
    if (!has(section)) throw new CoreError('E_ARGS', `section "${sectionId}" has no ${what.replace(/^an? /, '')} to export as ${request.format}`, { sectionId });
    return [section];
  }
  const sections = report.sections.filter(has);
  if (sections.length === 0) throw new CoreError('E_NO_DATA', `no section of the report has ${what} to export as ${request.format}`);
  return sections;
}

interface Entry {
  name: string;
  bytes: Uint8Array;
}

function single(entries: Entry[], format: ReportFormat): ExportedFile | null {
  const only = entries.length === 1 ? entries[0] : undefined;
  return only ? { fileName: `${only.name}.${format}`, mimeType: MIME_TYPES[format], bytes: only.bytes } : null;
}

async function zipped(entries: Entry[], format: ReportFormat, base: string): Promise<ExportedFile> {
  const zip = new JSZip();
  for (const entry of entries) zip.file(`${entry.name}.${format}`, entry.bytes);
  const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
  return { fileName: `${base}-${format}.zip`, mimeType: MIME_TYPES.zip, bytes };
}

/** "客户流失分析报告-2026-11-24": the title and the build date, safe on every file system. */
export function baseName(report: ReportModel): string {
  return `${fileSafe(report.title)}-${report.createdAt.slice(0, 10)}`;
}

function fileSafe(text: string): string {
  return text.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim().replace(/\s+/g, '-').slice(0, 80) || 'report';
}
