// Report tables: built from summary rows into Arrow, read back into cells, formatted for people,
// and made safe for spreadsheets.
import { Float64, Table, Utf8, tableFromIPC, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import { CoreError } from '../api/errors.ts';
import type { ReportColumn, ReportColumnFormat, ReportLang, ReportTable } from '../api/report.ts';

/** A cell as the writers see it. */
export type Cell = string | number | boolean | null;

export interface TableRows {
  columns: ReportColumn[];
  rows: Cell[][];
  /** Each cell's format: its column's, or the row's own where the column has a `formatKey`. */
  formats: ReportColumnFormat[][];
  /** The rows as files people calculate with hold them: a column stating a p-value in words carries the number. */
  calculationRows: Cell[][];
}

const FORMATS: readonly ReportColumnFormat[] = ['text', 'integer', 'number', 'percent', 'money', 'date'];

const NUMERIC_FORMATS: readonly ReportColumnFormat[] = ['integer', 'number', 'percent', 'money'];

/** Builds a report table from plain rows; numeric formats become Float64 columns, the rest text. */
export function makeTable(
  name: string,
  columns: ReportColumn[],
  rows: readonly Record<string, Cell>[],
  totalRows?: number,
): ReportTable {
  const vectors: Record<string, Vector> = {};
  for (const column of columns) {
    const numeric = NUMERIC_FORMATS.includes(column.format);
    const values = rows.map((row) => {
      const value = row[column.key] ?? null;
      if (value === null) return null;
      return numeric ? Number(value) : String(value);
    });
    vectors[column.key] = numeric ? vectorFromArray(values as (number | null)[], new Float64()) : vectorFromArray(values as (string | null)[], new Utf8());
    if (column.formatKey !== undefined) {
      const key = column.formatKey;
      vectors[key] = vectorFromArray(rows.map((row) => (row[key] === null || row[key] === undefined ? null : String(row[key]))), new Utf8());
    }
    if (column.pValueKey !== undefined) {
      const key = column.pValueKey;
      vectors[key] = vectorFromArray(rows.map((row) => (row[key] === null || row[key] === undefined ? null : Number(row[key]))), new Float64());
    }
  }
  const table: ReportTable = { name, columns, arrow: tableToIPC(new Table(vectors), 'stream') };
  return totalRows === undefined || totalRows === rows.length ? table : { ...table, totalRows };
}

/** Reads a report table's rows in the order of its columns; fails naming a column the bytes lack. */
export function readTable(table: ReportTable): TableRows {
  let arrow: Table;
  try {
    arrow = tableFromIPC(table.arrow);
  } catch (error) {
    throw new CoreError('E_ARGS', `table "${table.name}" is not Arrow IPC: ${(error as Error).message}`);
  }
  // Bytes that are not IPC at all can decode to a table without a schema rather than fail.
  if (arrow.schema.fields.length === 0) throw new CoreError('E_ARGS', `table "${table.name}" is not Arrow IPC: it has no columns`);
  const vector = (key: string) => {
    const found = arrow.getChild(key);
    if (!found) throw new CoreError('E_ARGS', `table "${table.name}" has no column "${key}"`);
    return found;
  };
  const values = table.columns.map((column) => vector(column.key));
  const rowFormats = table.columns.map((column) => (column.formatKey === undefined ? null : vector(column.formatKey)));
  const pValues = table.columns.map((column) => (column.pValueKey === undefined ? null : vector(column.pValueKey)));
  const rows: Cell[][] = [];
  const formats: ReportColumnFormat[][] = [];
  const calculationRows: Cell[][] = [];
  for (let index = 0; index < arrow.numRows; index++) {
    const rowFormat = table.columns.map((column, n) => {
      const named: unknown = rowFormats[n]?.get(index);
      return FORMATS.find((format) => format === named) ?? column.format;
    });
    formats.push(rowFormat);
    const row = values.map((vector, n) => toCell(vector.get(index), rowFormat[n]!));
    rows.push(row);
    calculationRows.push(row.map((cell, n) => (pValues[n] ? toCell(pValues[n].get(index), 'number') : cell)));
  }
  return { columns: table.columns, rows, formats, calculationRows };
}

function toCell(value: unknown, format: ReportColumnFormat): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // Arrow timestamps and dates read back as epoch milliseconds
    return format === 'date' ? isoDate(new Date(value)) : value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function isoDate(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

// One rule for every file the project writes (CSV, XLSX): the CSV writer's.
export { neutraliseFormula } from '../api/csv.ts';

/**
 * Money in the report's language, with the currency's symbol where one is set ("¥1,234.50" in
 * Chinese, "CN¥1,234.50" in English for CNY), else as a plain number with `digits` decimals.
 */
export function formatMoneyValue(value: number, lang: ReportLang, currency: string | null, digits: number): string {
  const style: Intl.NumberFormatOptions = currency === null ? {} : { style: 'currency', currency, currencyDisplay: 'symbol' };
  return new Intl.NumberFormat(lang, { ...style, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** The symbol a currency is written with in a language ("¥" for CNY in Chinese), for spreadsheet number formats. */
export function currencySymbol(lang: ReportLang, currency: string): string {
  const parts = new Intl.NumberFormat(lang, { style: 'currency', currency, currencyDisplay: 'symbol' }).formatToParts(0);
  return parts.find((part) => part.type === 'currency')?.value ?? currency;
}

/**
 * A number as people read it in the report's language; percent columns hold fractions (0.25 = 25%),
 * money carries the report's currency when it has one.
 */
export function formatCell(value: Cell, format: ReportColumnFormat, lang: ReportLang, currency: string | null = null, numberDigits?: number): string {
  if (value === null) return '';
  // Tabs and line breaks inside a value would break a table row's layout on a page or slide.
  if (typeof value !== 'number') return String(value).replace(/[\t\r\n]+/g, ' ').trim();
  switch (format) {
    case 'integer':
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(value);
    case 'percent':
      return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
    case 'money':
      return formatMoneyValue(value, lang, currency, 2);
    case 'number':
      return new Intl.NumberFormat(lang, { minimumFractionDigits: numberDigits ?? 0, maximumFractionDigits: numberDigits ?? 2 }).format(value);
    default:
      return String(value);
  }
}

/** Decimals (0-2) the `number` cells of a column need once rounded to 2: one count for the whole column. */
function numberDigits(rows: readonly Cell[][], formats: readonly ReportColumnFormat[][], column: number): number {
  let digits = 0;
  rows.forEach((row, r) => {
    const value = row[column];
    if (formats[r]![column] !== 'number' || typeof value !== 'number') return;
    const hundredths = Math.round(Math.abs(value) * 100);
    digits = Math.max(digits, hundredths % 10 !== 0 ? 2 : hundredths % 100 !== 0 ? 1 : 0);
  });
  return digits;
}

/**
 * Every cell of a table as text, one number format per column: a column's decimals are the most any
 * of its numbers needs ("1.00, 0.20, 3.30, 1.39", not "1, 0.2, 3.3, 1.39").
 */
export function formatTableRows(table: Pick<TableRows, 'columns' | 'rows' | 'formats'>, lang: ReportLang, currency: string | null): string[][] {
  const digits = table.columns.map((_column, index) => numberDigits(table.rows, table.formats, index));
  return table.rows.map((row, r) => row.map((cell, index) => formatCell(cell, table.formats[r]![index]!, lang, currency, digits[index])));
}

export function isNumericFormat(format: ReportColumnFormat): boolean {
  return NUMERIC_FORMATS.includes(format);
}

/** Width of text in character cells: CJK and other wide characters take two (column widths in XLSX and PPTX). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(char) ? 2 : 1;
  return width;
}
