// The HTML writer: one self-contained file (Plotly, data and styles inline; no URL is ever fetched)
// that opens from file://, keeps its charts interactive, and prints cleanly; the PDF is this file printed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { JsonObject, PaperSize, ReportModel, ReportSection } from '../api/report.ts';
import { formatTableRows, isNumericFormat, readTable } from './table.ts';
import { logoDataUrl } from './displaySettings.ts';
import { COMMON_TEXT } from './text.ts';
import { FONT_STACK, INK, MUTED, ACCENT, RULE, PRINT_CHART_WIDTH, themedLayout } from './theme.ts';

export interface HtmlOptions {
  paper: PaperSize;
  /**
   * SVG text per section id, drawn beforehand at print width. When every chart has one, the page
   * carries no Plotly (4.6 MB whose evaluation took 4-6 s of every PDF) and is ready at once.
   */
  chartImages?: Record<string, string>;
}

let plotlySource: string | null = null;

/** The minified Plotly bundle the app uses, read once; its text is inlined verbatim. */
export function plotlyBundleSource(): string {
  plotlySource ??= readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min'), 'utf8');
  return plotlySource;
}

/** Script text safe inside <script>: a "</script" in a string literal would end the element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

/** Plotly config of report charts: no logo, no cloud button, the PNG button kept (it saves locally). */
export const CHART_CONFIG: JsonObject = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['sendDataToCloud', 'lasso2d', 'select2d'] };

/**
 * The page forbids itself every fetch (Content-Security-Policy default-src 'none'), so even a
 * Plotly trace type that would load map tiles cannot reach the network.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

export function reportHtml(report: ReportModel, options: HtmlOptions): string {
  const text = COMMON_TEXT[report.lang];
  const images = options.chartImages;
  const staticCharts = images !== undefined && report.sections.every((section) => !section.chart || images[section.id] !== undefined);
  const charts = report.sections.flatMap((section, index) =>
    section.chart ? [{ target: chartTarget(index), data: section.chart.data, layout: themedLayout(section.chart), config: CHART_CONFIG }] : [],
  );
  const scripts = staticCharts
    ? `<script>document.documentElement.setAttribute('data-charts-ready', 'true');</script>`
    : `<script>${inlineScript(plotlyBundleSource())}</script>
<script type="application/json" id="report-charts">${jsonForScript(charts)}</script>
<script>${DRAW_SCRIPT}</script>`;
  return `<!doctype html>
<html lang="${report.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Churn Workbench">
<title>${escapeHtml(report.title)}</title>
<style>${styles(options.paper, accentOf(report))}</style>
</head>
<body>
<header class="report-header">
${brandHtml(report)}<p class="product">${escapeHtml(text.product)}</p>
<h1>${escapeHtml(report.title)}</h1>
${clientHtml(report)}<p class="subtitle">${escapeHtml(report.subtitle)}</p>
<p class="generated">${escapeHtml(text.generatedAt(report.createdAt.slice(0, 10)))}</p>
${summaryHtml(report)}
${contents(report)}
</header>
<main>
${report.sections.map((section, index) => sectionHtml(report, section, index, staticCharts ? images[section.id] : undefined)).join('\n')}
</main>
${scripts}
</body>
</html>
`;
}

/** The branding's accent without its "#", else the house accent. */
export function accentOf(report: ReportModel): string {
  return report.branding?.accentColor.slice(1).toUpperCase() ?? ACCENT;
}

function brandHtml(report: ReportModel): string {
  const logo = report.branding?.logo;
  return logo ? `<img class="logo" alt="" src="${logoDataUrl(logo)}">\n` : '';
}

function clientHtml(report: ReportModel): string {
  const client = report.branding?.clientName.trim();
  return client ? `<p class="client">${escapeHtml(COMMON_TEXT[report.lang].preparedFor(client))}</p>\n` : '';
}

function chartTarget(index: number): string {
  return `chart-${index + 1}`;
}

function sectionAnchor(index: number): string {
  return `section-${index + 1}`;
}

function summaryHtml(report: ReportModel): string {
  if (!report.summary?.length) return '';
  const items = report.summary.map((finding) => `<li>${escapeHtml(finding)}</li>`);
  return `<section class="summary"><h2>${escapeHtml(COMMON_TEXT[report.lang].summary)}</h2><ul>${items.join('')}</ul></section>`;
}

function contents(report: ReportModel): string {
  if (report.sections.length < 2) return '';
  const items = report.sections.map((section, index) => `<li><a href="#${sectionAnchor(index)}">${escapeHtml(section.title)}</a></li>`);
  return `<nav class="contents"><h2>${escapeHtml(COMMON_TEXT[report.lang].contents)}</h2><ol>${items.join('')}</ol></nav>`;
}

function sectionHtml(report: ReportModel, section: ReportSection, index: number, image: string | undefined): string {
  const text = COMMON_TEXT[report.lang];
  const parts = [
    `<section class="report-section" id="${sectionAnchor(index)}" data-section-id="${escapeHtml(section.id)}">`,
    `<p class="section-title">${escapeHtml(section.title)}</p>`,
    `<h2 class="headline">${escapeHtml(section.headline)}</h2>`,
  ];
  if (section.chart && image !== undefined) {
    parts.push(`<div class="chart chart-image" id="${chartTarget(index)}"><img alt="${escapeHtml(section.title)}" src="data:image/svg+xml;base64,${Buffer.from(image).toString('base64')}"></div>`);
  } else if (section.chart) {
    parts.push(`<div class="chart" id="${chartTarget(index)}" style="height:${themedLayout(section.chart).height}px"></div>`);
  }
  if (section.table) parts.push(tableHtml(report, section));
  if (section.options.length) {
    const options = section.options.map((option) => `<span class="option"><span class="option-label">${escapeHtml(option.label)}</span> ${escapeHtml(option.value)}</span>`);
    parts.push(`<div class="options"><span class="options-title">${escapeHtml(text.options)}</span>${options.join('')}</div>`);
  }
  if (section.note.trim()) {
    const paragraphs = section.note.trim().split(/\n\s*\n/).map((paragraph) => `<p>${escapeHtml(paragraph).replaceAll('\n', '<br>')}</p>`);
    parts.push(`<aside class="note"><h3>${escapeHtml(text.note)}</h3>${paragraphs.join('')}</aside>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function tableHtml(report: ReportModel, section: ReportSection): string {
  const table = section.table!;
  const { columns, rows, formats } = readTable(table);
  const cellClass = (index: number) => (isNumericFormat(columns[index]!.format) ? ' class="num"' : '');
  const head = columns.map((column, index) => `<th${cellClass(index)}>${escapeHtml(column.label)}</th>`).join('');
  const body = formatTableRows({ columns, rows, formats }, report.lang, report.currency ?? null)
    .map((row) => `<tr>${row.map((text, index) => `<td${cellClass(index)}>${escapeHtml(text)}</td>`).join('')}</tr>`)
    .join('\n');
  const caption =
    table.totalRows !== undefined && table.totalRows > rows.length
      ? `<p class="table-caption">${escapeHtml(COMMON_TEXT[report.lang].rowsShown(rows.length, table.totalRows))}</p>`
      : '';
  const wide = columns.length > 8 ? ' wide' : '';
  return `<div class="table-wrap${wide}"><table class="data"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${caption}`;
}

/** Draws every chart, redraws at print width around printing, and marks the page ready for the PDF printer. */
const DRAW_SCRIPT = `(function () {
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  function draw(width) {
    return Promise.all(charts.map(function (chart) {
      var size = width ? { width: width, autosize: false } : { autosize: true };
      return Plotly.react(document.getElementById(chart.target), chart.data, Object.assign({}, chart.layout, size), chart.config);
    }));
  }
  draw(null).then(function () { document.documentElement.setAttribute('data-charts-ready', 'true'); });
  window.addEventListener('beforeprint', function () { draw(${PRINT_CHART_WIDTH}); });
  window.addEventListener('afterprint', function () { draw(null); });
})();`;

function styles(paper: PaperSize, accent: string): string {
  return `
@page { size: ${paper}; margin: 15mm 15mm 18mm 15mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 32px 40px 64px; font-family: ${FONT_STACK}; color: #${INK}; background: #fff; line-height: 1.5; font-size: 14px; }
.product { margin: 0; color: #${accent}; font-weight: 600; font-size: 12px; letter-spacing: .04em; text-transform: uppercase; }
h1 { margin: 4px 0 6px; font-size: 28px; line-height: 1.25; }
.subtitle, .generated { margin: 0; color: #${MUTED}; }
.logo { display: block; max-height: 56px; max-width: 240px; margin: 0 0 12px; }
.client { margin: 0 0 4px; font-size: 16px; font-weight: 600; }
.contents { margin: 24px 0 8px; padding: 12px 16px; border: 1px solid #${RULE}; border-radius: 6px; }
.contents h2 { margin: 0 0 4px; font-size: 14px; }
.contents ol { margin: 0; padding-left: 20px; columns: 2; }
.contents a { color: inherit; text-decoration: none; }
.report-section { margin-top: 36px; padding-top: 20px; border-top: 2px solid #${RULE}; }
.section-title { margin: 0; color: #${accent}; font-weight: 600; font-size: 13px; }
.headline { margin: 4px 0 12px; font-size: 20px; line-height: 1.35; }
.chart { width: 100%; }
.summary { margin: 18px 0 8px; padding: 14px 18px; background: #f4f7fe; border-left: 4px solid #${accent}; }
.summary h2 { margin: 0 0 8px; font-size: 15px; }
.summary ul { margin: 0; padding-left: 20px; }
.summary li { margin: 0 0 6px; font-size: 14px; line-height: 1.45; }
.chart-image img { display: block; width: 100%; height: auto; }
.table-wrap { overflow-x: auto; margin: 12px 0 4px; }
table.data { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 4px 8px; border-bottom: 1px solid #eef0f3; text-align: left; vertical-align: top; overflow-wrap: break-word; }
table.data th { border-bottom: 1px solid #${RULE}; color: #${MUTED}; font-weight: 600; background: #f7f8fa; }
table.data .num { text-align: right; white-space: nowrap; overflow-wrap: normal; }
table.data td:first-child, table.data th:first-child { white-space: nowrap; }
.wide table.data { font-size: 11px; }
.wide table.data th, .wide table.data td { padding: 3px 5px; }
.table-caption { margin: 2px 0 0; color: #${MUTED}; font-size: 12px; }
.options { margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; color: #${MUTED}; }
.options-title { font-weight: 600; color: #${INK}; }
.option-label { color: #${INK}; }
.note { margin: 12px 0 0; padding: 10px 14px; background: #f4f7fe; border-left: 3px solid #${accent}; }
.note h3 { margin: 0 0 4px; font-size: 12px; color: #${MUTED}; }
.note p { margin: 0 0 6px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .contents { break-after: page; }
  .report-section { margin-top: 18pt; border-top: 0; padding-top: 0; }
  .headline, .chart, .options, .note, .table-wrap.short { break-inside: avoid; }
  .section-title, .headline { break-after: avoid; }
  .modebar-container { display: none !important; }
  .table-wrap { overflow: visible; }
  table.data { font-size: 8.5pt; }
  .wide table.data { font-size: 7pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}`;
}

/** JSON inside a <script> element: "<" escaped so no "</script>" or "<!--" in the data can end it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
