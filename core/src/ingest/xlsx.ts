// XLSX to a temporary UTF-8 CSV with exceljs' streaming reader, so DuckDB reads workbooks like any CSV.
//
// DuckDB's excel extension cannot be downloaded here, and loading a whole workbook into memory
// does not scale; the streaming reader holds one row at a time (plus the shared strings).
// Cells become text the way a user sees them: dates as ISO timestamps, formulas as their cached
// result, rich text as its plain text. Formula-looking strings stay plain text.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { CoreError } from '../api/errors.ts';
import { inflationExceeded, limitExceeded, type IngestLimits } from './limits.ts';

export interface XlsxExtract {
  /** Every sheet name, in workbook order. */
  sheets: string[];
  sheet: string;
  /** The header row's cells as they stand (blank cells as ''). */
  headers: string[];
  /** Data rows written (the header excluded). */
  rows: number;
  columns: number;
}

export interface XlsxOptions {
  /** Sheet name or 1-based index; default the first sheet with at least one row. */
  sheet?: string;
  signal: AbortSignal;
  limits: IngestLimits;
  onRows: (rows: number) => void;
  /** Stop after this many data rows (a preview). */
  maxRows?: number;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** exceljs dates carry the cell's wall-clock time in UTC fields. */
function isoTimestamp(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** A cell's value as the text a user sees; '' for empty cells. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoTimestamp(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const cell = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; formula?: string };
    if (Array.isArray(cell.richText)) return cell.richText.map((run) => run.text).join('');
    if ('result' in cell) return cellText(cell.result);
    if (cell.text !== undefined) return cellText(cell.text);
    if (typeof cell.error === 'string') return cell.error;
  }
  return String(value);
}

/** RFC 4180 quoting: only when the text needs it. */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function chosen(sheet: string | undefined, name: string, position: number): boolean {
  if (sheet === undefined) return true;
  return sheet === name || (/^\d+$/.test(sheet) && Number(sheet) === position);
}

/**
 * The sizes a zip's central directory declares: compressed (the file) and inflated (all entries).
 * A zip bomb declares its true inflated size unless it lies, and a lying entry fails the
 * inflater's own length check; the CSV written is bounded separately (maxInflatedBytes).
 */
async function declaredSizes(path: string): Promise<{ compressed: number; inflated: number } | null> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 65_557); // end-of-directory record (22) plus the longest comment
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0 || end + 22 > tail.length) return null;
    const entries = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset + directorySize > size) return null;
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryOffset);
    let inflated = 0;
    for (let at = 0, entry = 0; entry < entries && at + 46 <= directory.length; entry++) {
      if (directory.readUInt32LE(at) !== 0x02014b50) return null;
      const declared = directory.readUInt32LE(at + 24);
      inflated += declared === 0xffffffff ? 2 ** 32 : declared; // ZIP64: at least 4 GiB
      at += 46 + directory.readUInt16LE(at + 28) + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    return { compressed: size, inflated };
  } finally {
    await handle.close();
  }
}

/** Streams one sheet of `path` into a CSV at `target`; fails with E_FORMAT when the workbook is unreadable, past a limit, or the sheet is missing. */
export async function xlsxToCsv(path: string, target: string, options: XlsxOptions): Promise<XlsxExtract> {
  const limits = options.limits;
  const sizes = await declaredSizes(path);
  if (!sizes) throw new CoreError('E_FORMAT', `${path}: not a readable xlsx workbook (no zip directory)`, { file: path });
  const broken = inflationExceeded(sizes.inflated, sizes.compressed, limits);
  if (broken) throw limitExceeded(broken, { file: path }, `a workbook that inflates to ${sizes.inflated.toLocaleString('en-US')} bytes from ${sizes.compressed.toLocaleString('en-US')}`, limits);
  let written = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const out = createWriteStream(target);
  const sheets: string[] = [];
  let result: XlsxExtract | null = null;
  try {
    let position = 0;
    for await (const worksheet of reader) {
      position++;
      const name = (worksheet as unknown as { name?: string }).name ?? `Sheet${position}`;
      sheets.push(name);
      if (result || !chosen(options.sheet, name, position)) {
        // exceljs may hold this sheet in a temporary file it deletes as soon as we move on; its read
        // stream opens lazily, so an unread sheet fails later with an uncaught ENOENT. One row opens it.
        for await (const _row of worksheet) break;
        continue;
      }
      let columns = 0;
      let rows = 0;
      let headers: string[] = [];
      let batch: string[] = [];
      for await (const row of worksheet) {
        if (options.signal.aborted) throw new CoreError('E_CANCELLED', 'cancelled');
        // row.values is indexed by column number: a cell in column XFD makes it 16,384 long.
        const raw = row.values as unknown[];
        if (raw.length - 1 > limits.maxColumns) {
          throw limitExceeded('maxColumns', { file: path, line: row.number, column: String(limits.maxColumns + 1) }, `sheet "${name}": ${(raw.length - 1).toLocaleString('en-US')} columns`, limits);
        }
        const values = raw.slice(1).map(cellText);
        if (values.every((text) => text === '')) continue;
        if (columns === 0) {
          columns = values.length;
          headers = values;
          batch.push(values.map((text, index) => csvField(text.trim() === '' ? `column${index + 1}` : text)).join(','));
          continue;
        }
        const cells = values.length >= columns ? values.slice(0, columns) : [...values, ...new Array<string>(columns - values.length).fill('')];
        batch.push(cells.map(csvField).join(','));
        rows++;
        if (options.maxRows !== undefined && rows >= options.maxRows) break;
        if (batch.length >= 2000) {
          const text = `${batch.join('\n')}\n`;
          written += Buffer.byteLength(text);
          if (written > limits.maxInflatedBytes) throw limitExceeded('maxInflatedBytes', { file: path, line: row.number }, `sheet "${name}" yields over ${written.toLocaleString('en-US')} bytes of text`, limits);
          if (!out.write(text)) await once(out, 'drain');
          batch = [];
          options.onRows(rows);
        }
      }
      if (columns === 0) {
        if (options.sheet === undefined) continue; // an empty sheet: try the next one
        throw new CoreError('E_FILE', `${path}: sheet "${name}" is empty`, { file: path });
      }
      if (batch.length > 0 && !out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      result = { sheets, sheet: name, headers, rows, columns };
    }
  } catch (error) {
    out.destroy();
    if (error instanceof CoreError) throw error;
    throw new CoreError('E_FORMAT', `${path}: not a readable xlsx workbook (${(error as Error).message})`, { file: path });
  }
  out.end();
  await once(out, 'finish');
  if (!result) {
    const what = options.sheet === undefined ? 'every sheet is empty' : `no sheet "${options.sheet}" (sheets: ${sheets.join(', ')})`;
    throw new CoreError(options.sheet === undefined ? 'E_FILE' : 'E_ARGS', `${path}: ${what}`, { file: path, sheets });
  }
  return { ...result, sheets };
}
