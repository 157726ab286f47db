// The XLSX writer (exceljs): a summary sheet (sections, headlines, options, notes), then one sheet per
// table with the raw numbers and a number format per column, so analysts can keep calculating.
import ExcelJS from 'exceljs';
import type { ReportColumnFormat, ReportLang, ReportModel } from '../api/report.ts';
import { currencySymbol, displayWidth, neutraliseFormula, readTable, type Cell } from './table.ts';
import { COMMON_TEXT } from './text.ts';

const NUMBER_FORMATS: Partial<Record<ReportColumnFormat, string>> = {
  integer: '#,##0',
  number: '#,##0.00',
  percent: '0.0%',
  money: '#,##0.00',
  date: 'yyyy-mm-dd',
};
/** A p-value's number with the words the report prints: "< 0.001" below 0.001, else three decimals. */
const P_VALUE_FORMAT = '[<0.001]"< 0.001";0.000';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F6' } };
const MAX_COLUMN_WIDTH = 60;

/** Spreadsheet number formats of the report; money carries its currency symbol when the report has one. */
function numberFormats(report: ReportModel): Partial<Record<ReportColumnFormat, string>> {
  if (!report.currency) return NUMBER_FORMATS;
  const symbol = currencySymbol(report.lang, report.currency).replaceAll('"', '');
  return { ...NUMBER_FORMATS, money: `"${symbol}"#,##0.00` };
}

export async function reportXlsx(report: ReportModel): Promise<Uint8Array> {
  const text = COMMON_TEXT[report.lang];
  const formatsOf = numberFormats(report);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = text.product;
  workbook.title = report.title;
  workbook.created = new Date(report.createdAt);
  const names = new Set<string>();

  const summary = workbook.addWorksheet(sheetName(text.summarySheet, names, report.lang));
  summary.addRow([safe(report.title)]).font = { bold: true, size: 14 };
  if (report.branding?.clientName.trim()) summary.addRow([safe(text.preparedFor(report.branding.clientName.trim()))]);
  summary.addRow([safe(report.subtitle)]);
  summary.addRow([safe(text.generatedAt(report.createdAt.slice(0, 10)))]);
  summary.addRow([]);
  styleHeader(summary.addRow([text.section, text.headline, text.options, text.note].map(safe)));
  for (const section of report.sections) {
    const options = section.options.map((option) => `${option.label}: ${option.value}`).join('; ');
    summary.addRow([section.title, section.headline, options, section.note.trim()].map(safe)).alignment = { wrapText: true, vertical: 'top' };
  }
  summary.columns.forEach((column, index) => (column.width = [28, 60, 40, 50][index] ?? 20));

  for (const section of report.sections) {
    if (!section.table) continue;
    const { columns, rows, formats, calculationRows } = readTable(section.table);
    const sheet = workbook.addWorksheet(sheetName(section.table.name, names, report.lang), { views: [{ state: 'frozen', ySplit: 1 }] });
    styleHeader(sheet.addRow(columns.map((column) => safe(column.label))));
    calculationRows.forEach((row, r) => {
      const added = sheet.addRow(row.map((cell, index) => cellValue(cell, formats[r]![index]!)));
      // Columns that mix units carry each row's format on the cell itself.
      columns.forEach((column, index) => {
        const format = formatsOf[formats[r]![index]!];
        if (column.formatKey !== undefined && format) added.getCell(index + 1).numFmt = format;
      });
    });
    columns.forEach((column, index) => {
      const sheetColumn = sheet.getColumn(index + 1);
      const format = column.pValueKey === undefined ? formatsOf[column.format] : P_VALUE_FORMAT;
      if (format && column.formatKey === undefined) sheetColumn.numFmt = format;
      const widest = Math.max(displayWidth(column.label), ...rows.map((row) => displayWidth(String(row[index] ?? ''))));
      sheetColumn.width = Math.min(MAX_COLUMN_WIDTH, Math.max(8, widest + 2));
    });
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.eachCell((cell) => (cell.fill = HEADER_FILL));
}

function safe(value: string): string {
  return neutraliseFormula(value);
}

/** Dates become real spreadsheet dates; text is neutralised; numbers stay numbers. */
function cellValue(cell: Cell, format: ReportColumnFormat): ExcelJS.CellValue {
  if (format === 'date' && typeof cell === 'string' && /^\d{4}-\d{2}-\d{2}/.test(cell)) {
    const date = new Date(`${cell.replace(' ', 'T')}Z`);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return neutraliseFormula(cell);
}

/** Excel's longest sheet name. */
const SHEET_NAME_LIMIT = 31;

/** Sheet names: at most 31 characters of whole words, none of []:*?/\, unique within the workbook. */
function sheetName(wanted: string, taken: Set<string>, lang: ReportLang): string {
  const base = wholeWords(wanted.replace(/[[\]:*?/\\]/g, ' ').replace(/\s+/g, ' ').trim() || 'Sheet', SHEET_NAME_LIMIT, lang);
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${wholeWords(base, SHEET_NAME_LIMIT - ` ${n}`.length, lang)} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * Text of at most `limit` characters that a reader still takes for a name: a longer one first loses
 * its bracketed asides ("Churn drivers (Cox proportional-hazards model)" is "Churn drivers"), then
 * the words that do not fit; a word is never cut ("...and the Pareto v").
 */
function wholeWords(text: string, limit: number, lang: ReportLang): string {
  if (text.length <= limit) return text;
  const withoutAsides = text.replace(/\s*[(（][^()（）]*[)）]/g, '').trim() || text;
  if (withoutAsides.length <= limit) return withoutAsides;
  let fitted = '';
  for (const { segment } of new Intl.Segmenter(lang, { granularity: 'word' }).segment(withoutAsides)) {
    if (fitted.length + segment.length > limit) break;
    fitted += segment;
  }
  // A name ending in a space, hyphen or opening bracket reads as cut; one word longer than the limit has to be
  return fitted.replace(/[\s\p{P}]+$/u, '') || withoutAsides.slice(0, limit);
}
