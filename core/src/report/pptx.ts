// The PPTX writer (pptxgenjs): a title slide, then one slide per section with the headline as the
// slide title, the chart (native where it fits, an image otherwise), the table, the options, and
// the analyst's note as speaker notes. Long or wide tables get a slide of their own.
import PptxGenJS from 'pptxgenjs';
import type { ReportModel, ReportSection } from '../api/report.ts';
import { nativeChartOf, type NativeChart } from './nativeChart.ts';
import { displayWidth, formatTableRows, isNumericFormat, readTable, type TableRows } from './table.ts';
import { COMMON_TEXT } from './text.ts';
import { logoBox } from './displaySettings.ts';
import { accentOf } from './html.ts';
import { INK, MUTED, RULE, SLIDE_FONT } from './theme.ts';

/** Where a slide's chart image comes from: the app's own rendering, or the core's renderer. */
export type ChartPng = (section: ReportSection, size: { width: number; height: number }) => Promise<Uint8Array>;

const SLIDE_W = 13.333;
const SLIDE_H = 7.5;
const MARGIN_X = 0.5;
const BODY_Y = 1.65;
const BODY_H = 4.7;
const CAPTION_Y = 6.42;
const OPTIONS_Y = 6.6;
const FOOTER_Y = 7.05;
const BODY_W = SLIDE_W - 2 * MARGIN_X;
const SIDE_TABLE_W = 4.6;
const GAP = 0.3;
/** Pixels per inch of rendered chart images (before the 2x scale). */
const IMAGE_PPI = 80;
/** A table sits beside its chart when it is this small; otherwise it gets a slide of its own. */
const SIDE_TABLE_MAX = { rows: 12, columns: 4 };
/** Rows a table slide shows at most, and slides a table takes at most; the XLSX export holds every row. */
const SLIDE_TABLE_ROWS = 15;
const MAX_TABLE_SLIDES = 2;
const MASTER = 'CHURNWB_SECTION';

export async function reportPptx(report: ReportModel, chartPng: ChartPng): Promise<Uint8Array> {
  const text = COMMON_TEXT[report.lang];
  const font = SLIDE_FONT[report.lang];
  const accent = accentOf(report);
  const logo = report.branding?.logo ?? null;
  const logoData = logo ? `${logo.mimeType};base64,${logo.base64}` : null;
  const footerLogo = logo ? logoBox(logo, 1.6, 0.3) : null;
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_WIDE';
  pptx.title = report.title;
  pptx.subject = report.subtitle;
  pptx.company = text.product;
  pptx.theme = { headFontFace: font, bodyFontFace: font };
  pptx.defineSlideMaster({
    title: MASTER,
    background: { color: 'FFFFFF' },
    objects: [
      { placeholder: { options: { name: 'title', type: 'title', x: MARGIN_X, y: 0.55, w: BODY_W, h: 1.0, fontFace: font, bold: true, color: INK, align: 'left', valign: 'top', margin: 0 }, text: '' } },
      { line: { x: MARGIN_X, y: FOOTER_Y - 0.08, w: BODY_W, h: 0, line: { color: RULE, width: 0.75 } } },
      { text: { text: text.product, options: { x: MARGIN_X, y: FOOTER_Y, w: 6, h: 0.3, fontFace: font, fontSize: 9, color: MUTED, margin: 0 } } },
      // The client's logo in every footer, left of the slide number.
      ...(logoData && footerLogo ? [{ image: { x: SLIDE_W - MARGIN_X - 0.8 - footerLogo.width, y: FOOTER_Y, w: footerLogo.width, h: footerLogo.height, data: logoData } }] : []),
    ],
    slideNumber: { x: SLIDE_W - MARGIN_X - 0.6, y: FOOTER_Y, w: 0.6, h: 0.3, fontFace: font, fontSize: 9, color: MUTED, align: 'right' },
  });

  const cover = pptx.addSlide();
  cover.background = { color: 'FFFFFF' };
  cover.addShape('rect', { x: 0, y: 0, w: 0.25, h: SLIDE_H, fill: { color: accent }, line: { color: accent } });
  if (logo && logoData) {
    const box = logoBox(logo, 3, 0.9);
    cover.addImage({ data: logoData, x: 0.9, y: 0.7, w: box.width, h: box.height, altText: report.branding?.clientName ?? '' });
  }
  cover.addText(text.product, { x: 0.9, y: 1.9, w: 11, h: 0.4, fontFace: font, fontSize: 14, color: accent, bold: true, margin: 0 });
  cover.addText(report.title, { x: 0.9, y: 2.4, w: 11.5, h: 1.3, fontFace: font, fontSize: 40, bold: true, color: INK, margin: 0, valign: 'top' });
  const client = report.branding?.clientName.trim();
  const subtitle = client ? `${text.preparedFor(client)}\n${report.subtitle}` : report.subtitle;
  cover.addText(subtitle, { x: 0.9, y: 3.8, w: 11.5, h: 0.8, fontFace: font, fontSize: 16, color: MUTED, margin: 0, valign: 'top' });
  cover.addText(text.generatedAt(report.createdAt.slice(0, 10)), { x: 0.9, y: 4.7, w: 11.5, h: 0.4, fontFace: font, fontSize: 12, color: MUTED, margin: 0 });

  if (report.summary?.length) {
    const summary = sectionSlide(pptx, report.title, text.summary, font, accent);
    summary.addText(
      report.summary.map((finding) => ({ text: finding, options: { bullet: true, breakLine: true, paraSpaceAfter: 10 } })),
      { x: MARGIN_X, y: BODY_Y, w: BODY_W, h: BODY_H, fontFace: font, fontSize: 18, color: INK, margin: 0, valign: 'top' },
    );
  }

  for (const section of report.sections) {
    const table = section.table ? readTable(section.table) : null;
    const tableBeside = table !== null && section.chart !== undefined && table.rows.length <= SIDE_TABLE_MAX.rows && table.columns.length <= SIDE_TABLE_MAX.columns;
    const slide = sectionSlide(pptx, section.title, section.headline, font, accent);
    if (section.note.trim()) slide.addNotes(section.note.trim());
    if (section.options.length) {
      const options = section.options.map((option) => `${option.label}: ${option.value}`).join('  ·  ');
      const line = `${text.options}: ${options}`;
      slide.addText(line, { x: MARGIN_X, y: OPTIONS_Y, w: BODY_W, h: FOOTER_Y - 0.1 - OPTIONS_Y, fontFace: font, fontSize: optionsSize(line), color: MUTED, margin: 0, valign: 'top' });
    }
    if (section.chart) {
      const box = { x: MARGIN_X, y: BODY_Y, w: tableBeside ? BODY_W - SIDE_TABLE_W - GAP : BODY_W, h: BODY_H };
      const native = nativeChartOf(section.chart);
      if (native) addNativeChart(pptx, slide, native, box, font);
      else {
        const png = await chartPng(section, { width: Math.round(box.w * IMAGE_PPI), height: Math.round(box.h * IMAGE_PPI) });
        slide.addImage({ data: `image/png;base64,${Buffer.from(png).toString('base64')}`, ...fitted(png, box), altText: section.headline });
      }
    }
    if (table && tableBeside) {
      const side = layoutTable(table, SIDE_TABLE_W, report);
      addTable(slide, side, { x: SLIDE_W - MARGIN_X - SIDE_TABLE_W, y: BODY_Y, w: SIDE_TABLE_W }, font, 0, side.body.length);
    } else if (table) {
      const full = layoutTable(table, BODY_W, report);
      const pages = tablePages(full);
      let start = 0;
      pages.forEach((rows, page) => {
        const target = page === 0 && !section.chart ? slide : sectionSlide(pptx, section.title, text.tableOf(section.title), font, accent);
        addTable(target, full, { x: MARGIN_X, y: BODY_Y, w: BODY_W }, font, start, start + rows);
        start += rows;
        const total = section.table?.totalRows ?? table.rows.length;
        if (page === pages.length - 1 && start < total) {
          target.addText(text.rowsShown(start, total), { x: MARGIN_X, y: CAPTION_Y, w: BODY_W, h: 0.35, fontFace: font, fontSize: 10, color: MUTED, margin: 0 });
        }
      });
    }
  }
  const bytes = await pptx.write({ outputType: 'uint8array' });
  return bytes as Uint8Array;
}

/** A slide of the master: `kicker` (the section's name) small above `title` (its headline). */
function sectionSlide(pptx: PptxGenJS, kicker: string, title: string, font: string, accent: string): PptxGenJS.Slide {
  const slide = pptx.addSlide({ masterName: MASTER });
  slide.addText(kicker, { x: MARGIN_X, y: 0.25, w: BODY_W, h: 0.3, fontFace: font, fontSize: 12, bold: true, color: accent, margin: 0 });
  slide.addText(title, { placeholder: 'title', fontSize: titleSize(title) });
  return slide;
}

/** The largest title size (24 pt down to 16 pt) at which the title fits its box in two lines. */
function titleSize(title: string): number {
  const width = displayWidth(title);
  // Bold text runs about 0.55 em per character cell; keep 8% for where lines break.
  const fits = (size: number) => width <= 2 * ((BODY_W * 72) / (size * 0.55)) * 0.92;
  return [24, 22, 20, 18].find(fits) ?? 16;
}

/**
 * The options line's size: 10 pt when it fits one line, else the largest size down to 7 pt at
 * which it fits two, so that long options (the RFM scoring rule) stay above the footer.
 */
function optionsSize(line: string): number {
  const width = displayWidth(line);
  const lines = (size: number) => Math.ceil(width / (((BODY_W * 72) / (size * 0.55)) * 0.92));
  return lines(10) === 1 ? 10 : ([9, 8].find((size) => lines(size) <= 2) ?? 7);
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The box an image takes inside `box` keeping its aspect ratio (the app may send any size), centred. */
function fitted(png: Uint8Array, box: Box): Box {
  const size = pngSize(png);
  if (!size) return box;
  const scale = Math.min(box.w / size.width, box.h / size.height);
  const w = size.width * scale;
  const h = size.height * scale;
  return { x: box.x + (box.w - w) / 2, y: box.y + (box.h - h) / 2, w, h };
}

/** Width and height from a PNG's IHDR chunk, which the format fixes at bytes 16 to 23. */
function pngSize(png: Uint8Array): { width: number; height: number } | null {
  const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
  if (png.length < 24 || PNG_SIGNATURE.some((byte, index) => png[index] !== byte)) return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

function addNativeChart(pptx: PptxGenJS, slide: PptxGenJS.Slide, chart: NativeChart, box: Box, font: string): void {
  const axisText = { fontFace: font, fontSize: 10, color: MUTED };
  slide.addChart(
    chart.type === 'bar' ? pptx.ChartType.bar : pptx.ChartType.line,
    chart.series.map((series) => ({ name: series.name, labels: series.labels, values: series.values })),
    {
      ...box,
      barDir: chart.horizontal ? 'bar' : 'col',
      barGrouping: chart.stacked ? 'stacked' : 'clustered',
      chartColors: chart.colors,
      lineSize: 2,
      lineDataSymbol: chart.series[0]!.labels.length > 24 ? 'none' : 'circle',
      lineDataSymbolSize: 5,
      barGapWidthPct: 60,
      showLegend: chart.series.length > 1,
      legendPos: 'b',
      legendFontFace: font,
      legendFontSize: 10,
      catAxisLabelFontFace: axisText.fontFace,
      catAxisLabelFontSize: axisText.fontSize,
      catAxisLabelColor: axisText.color,
      valAxisLabelFontFace: axisText.fontFace,
      valAxisLabelFontSize: axisText.fontSize,
      valAxisLabelColor: axisText.color,
      valGridLine: { color: 'EEF0F3', size: 0.75 },
      catGridLine: { style: 'none' },
      ...(chart.valueFormat ? { valAxisLabelFormatCode: chart.valueFormat, dataLabelFormatCode: chart.valueFormat } : {}),
      ...(chart.categoryTitle ? { showCatAxisTitle: true, catAxisTitle: chart.categoryTitle, catAxisTitleFontFace: font, catAxisTitleFontSize: 10, catAxisTitleColor: MUTED } : {}),
      ...(chart.valueTitle ? { showValAxisTitle: true, valAxisTitle: chart.valueTitle, valAxisTitleFontFace: font, valAxisTitleFontSize: 10, valAxisTitleColor: MUTED } : {}),
    },
  );
}

/** A table's text and geometry on a slide: formatted cells, column widths, font size, estimated row heights. */
interface SlideTable {
  header: string[];
  body: string[][];
  numeric: boolean[];
  widths: number[];
  fontSize: number;
  /** Inches each body row needs once its longest cell wraps. */
  heights: number[];
  headerHeight: number;
}

/** Cell padding in points (pptxgenjs table margins are points). */
const CELL_MARGIN_PT = 3;
const CELL_MARGIN = CELL_MARGIN_PT / 72;

function layoutTable(table: TableRows, width: number, report: ReportModel): SlideTable {
  const wide = table.columns.length > 8;
  const fontSize = wide ? 8 : 10;
  const header = table.columns.map((column) => column.label);
  const body = formatTableRows(table, report.lang, report.currency ?? null);
  const widths = columnWidths([header, ...body], width);
  // Half an em per character cell (CJK characters count two cells), 1.2 em per line.
  const height = (row: string[]) => {
    const lines = Math.max(1, ...row.map((text, index) => Math.ceil((displayWidth(text) * fontSize * 0.5) / 72 / Math.max(0.2, widths[index]! - 2 * CELL_MARGIN))));
    return (lines * fontSize * 1.2) / 72 + 2 * CELL_MARGIN;
  };
  return {
    header,
    body,
    numeric: table.columns.map((column) => isNumericFormat(column.format)),
    widths,
    fontSize,
    heights: body.map(height),
    headerHeight: height(header),
  };
}

/**
 * Rows per slide so that each slide's rows fit the body, at most MAX_TABLE_SLIDES slides and
 * SLIDE_TABLE_ROWS rows each; rows spread evenly over the slides they need, where they fit (a
 * second slide holding one row of twelve reads as a leftover).
 */
function tablePages(table: SlideTable): number[] {
  const filled = fillPages(table, SLIDE_TABLE_ROWS);
  if (filled.length < 2) return filled;
  const shown = filled.reduce((sum, rows) => sum + rows, 0);
  const even = fillPages(table, Math.ceil(shown / filled.length));
  return even.length === filled.length && even.reduce((sum, rows) => sum + rows, 0) === shown ? even : filled;
}

/** Slides filled in turn with up to `cap` rows each, as many as fit the body. */
function fillPages(table: SlideTable, cap: number): number[] {
  const pages: number[] = [];
  let index = 0;
  while (index < table.heights.length && pages.length < MAX_TABLE_SLIDES) {
    let used = table.headerHeight;
    let rows = 0;
    while (index + rows < table.heights.length && rows < cap && (rows === 0 || used + table.heights[index + rows]! <= BODY_H)) {
      used += table.heights[index + rows]!;
      rows++;
    }
    pages.push(rows);
    index += rows;
  }
  return pages;
}

function addTable(slide: PptxGenJS.Slide, table: SlideTable, box: { x: number; y: number; w: number }, font: string, from: number, to: number): void {
  const align = (index: number): 'left' | 'right' => (table.numeric[index] ? 'right' : 'left');
  const header = table.header.map((text, index) => ({ text, options: { bold: true, color: MUTED, fill: { color: 'F7F8FA' }, align: align(index) } }));
  const body = table.body.slice(from, to).map((row) => row.map((text, index) => ({ text, options: { align: align(index) } })));
  slide.addTable([header, ...body], {
    ...box,
    colW: table.widths,
    fontFace: font,
    fontSize: table.fontSize,
    color: INK,
    border: { type: 'solid', pt: 0.5, color: 'E3E6EA' },
    margin: CELL_MARGIN_PT,
    autoPage: false,
  });
}

/** Column widths in inches, shared out by each column's longest text (CJK counted double), within bounds. */
function columnWidths(rows: string[][], width: number): number[] {
  // A header may wrap between words, so it asks for its longest word; body cells ask for their whole text.
  const [header = [], ...body] = rows;
  const longestWord = (text: string) => Math.max(...text.split(/\s+/).map(displayWidth));
  const weights = header.map((label, column) => Math.min(60, Math.max(7, longestWord(label), ...body.map((row) => displayWidth(row[column] ?? '')))) + 2);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => (weight / total) * width);
}
