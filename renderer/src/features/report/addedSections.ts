// Report sections made from what a screen shows: a chart's figure as JSON, a grid's first rows as an
// Arrow table with its columns' labels and formats.
import { DataType, Float64, Table, Utf8, makeData, makeVector, tableToIPC, type Data } from 'apache-arrow';
import type { JsonObject, JsonValue, ReportColumn, ReportColumnFormat, ReportTable } from '../../../../core/src/api/index.ts';
import type { AddedSection } from './ReportDraft.tsx';

/** Rows a table section holds at most: enough for any summary, and a page or two of a long list. */
export const MAX_SECTION_ROWS = 200;

/** exportReport accepts chart heights from 100 to 2000 px. */
const HEIGHT_RANGE = [100, 2000] as const;

/**
 * A trace or layout as plain JSON: typed arrays (Arrow columns) become arrays, dates ISO text,
 * non-finite numbers null; functions, undefined and Plotly's private `_` fields are left out.
 */
export function toJson(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (item) => Number(item));
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
  if (typeof value === 'object') return jsonObject(value as Record<string, unknown>);
  return undefined;
}

function jsonObject(value: Record<string, unknown>): JsonObject {
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const converted = key.startsWith('_') ? undefined : toJson(item);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}

export function chartSection(title: string, data: readonly Record<string, unknown>[], layout: Record<string, unknown>, height: number): AddedSection {
  return {
    title,
    // The analyst writes the finding on the Report screen; the title keeps slides and pages headed meanwhile.
    headline: title,
    chart: { data: data.map(jsonObject), layout: jsonObject(layout), height: Math.min(HEIGHT_RANGE[1], Math.max(HEIGHT_RANGE[0], Math.round(height))) },
    options: [],
    note: '',
  };
}

/** A column of a grid as the report gets it: what the grid shows, and how to read a row's value. */
export interface SectionColumn {
  key: string;
  label: string;
  format: ReportColumnFormat;
  /** The raw value for numbers and dates; the text shown for text columns. */
  value(row: number): unknown;
}

/** The report format that matches an Arrow type, for columns that do not name one. */
export function formatOfType(type: DataType): ReportColumnFormat {
  if (DataType.isInt(type)) return 'integer';
  if (DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return 'date';
  return 'text';
}

export function tableSection(title: string, columns: readonly SectionColumn[], rowCount: number): AddedSection {
  return { title, headline: title, table: reportTable(title, columns, rowCount), options: [], note: '' };
}

function reportTable(name: string, columns: readonly SectionColumn[], rowCount: number): ReportTable {
  const rows = Math.min(rowCount, MAX_SECTION_ROWS);
  const vectors = Object.fromEntries(columns.map((column) => [column.key, makeVector(columnData(column, rows))]));
  const described: ReportColumn[] = columns.map(({ key, label, format }) => ({ key, label, format }));
  const table: ReportTable = { name, columns: described, arrow: tableToIPC(new Table(vectors), 'stream') };
  return rowCount > rows ? { ...table, totalRows: rowCount } : table;
}

/** Validity bitmap (Arrow's: bit i set when row i has a value) and the count of nulls. */
function validity(present: readonly boolean[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(present.length / 8));
  present.forEach((has, row) => {
    if (has) nullBitmap[row >> 3]! |= 1 << (row & 7);
  });
  return { nullBitmap, nullCount: present.filter((has) => !has).length };
}

// Column data made directly, not through Arrow's builders: those compile code with `new Function`,
// which the app's Content-Security-Policy refuses.
function columnData(column: SectionColumn, rows: number): Data {
  const raw = Array.from({ length: rows }, (_, row) => column.value(row));
  if (column.format === 'text') {
    const encoder = new TextEncoder();
    const encoded = raw.map((value) => (value === null || value === undefined ? null : encoder.encode(String(value))));
    const valueOffsets = new Int32Array(rows + 1);
    encoded.forEach((bytes, row) => (valueOffsets[row + 1] = valueOffsets[row]! + (bytes?.length ?? 0)));
    const data = new Uint8Array(valueOffsets[rows]!);
    encoded.forEach((bytes, row) => bytes && data.set(bytes, valueOffsets[row]!));
    return makeData({ type: new Utf8(), length: rows, ...validity(encoded.map((bytes) => bytes !== null)), valueOffsets, data });
  }
  // Numbers as Float64 (exports apply the column's format); dates as epoch milliseconds, which the writers read as dates.
  const numbers = raw.map((value) => {
    if (value === null || value === undefined) return null;
    const number = value instanceof Date ? value.getTime() : Number(value);
    return Number.isFinite(number) ? number : null;
  });
  return makeData({ type: new Float64(), length: rows, ...validity(numbers.map((number) => number !== null)), data: Float64Array.from(numbers, (number) => number ?? 0) });
}

