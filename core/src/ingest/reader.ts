// How DuckDB reads one prepared file: the CSV dialect (from DuckDB's sniffer), and the SELECT that yields its columns as text.
//
// Every reader names its output columns itself, so the rest of the import never depends on how
// a file spells its headers: CSV columns are read positionally (c0, c1, ...) with all types
// VARCHAR and the sniffed dialect fixed, which also makes reading immune to a sniffer that
// changes its mind between the preview and the import.
import { listValue, structValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import Papa from 'papaparse';
import { CoreError } from '../api/errors.ts';
import { queryRows, quoteIdent } from '../db/sql.ts';

export interface CsvDialect {
  delimiter: string;
  quote: string;
  escape: string;
  skip: number;
  header: boolean;
  comment: string;
  /** False when the file mixes CRLF and LF line ends, which DuckDB's strict parser rejects. */
  strict: boolean;
}

export type Reader =
  | { kind: 'csv'; dialect: CsvDialect; gzip: boolean }
  | { kind: 'whitespace'; header: boolean; gzip: boolean }
  | { kind: 'parquet' }
  | { kind: 'json' };

/** A piece of SQL with the parameters it binds (names unique per file, so pieces can be joined). */
export interface SqlPiece {
  sql: string;
  params: Record<string, DuckDBValue>;
}

/** How tolerant reads are; an import starts strict and with DuckDB's line limit, and relaxes on the errors that call for it. */
export interface ReadLimits {
  /** DuckDB's per-line limit; raised and retried when a file holds a longer field. */
  maxLineSize: number;
  /** RFC 4180 parsing; false after DuckDB's parser gave up on a file (mixed line ends, stray quotes). */
  strict: boolean;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxLineSize: 2_000_000, strict: true };

/** Options of one read. */
export interface ReadOptions extends ReadLimits {
  /** Temp tables DuckDB fills with malformed CSV lines (store_rejects), or null to skip them. */
  rejectsTables?: { errors: string; scans: string } | null;
  /** Read in file order on one thread, so row_number() numbers records as they stand in the file (`__record`). */
  ordered?: boolean;
  /** Only the first rows are wanted: read on one thread, which stops early (a parallel scan reads ahead). */
  sample?: boolean;
}

const CANDIDATE_DELIMITERS = [',', '\t', ';', '|'];

/** Text of a sniffer field where DuckDB writes '(empty)' for "none". */
function sniffed(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return text === '(empty)' ? '' : text;
}

/** Headers as users see them: trimmed, blanks named by position, repeats numbered like DuckDB does (id, id_1). */
export function displayHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((value, index) => {
    const base = value.replace(/^\uFEFF/, '').trim() || `column${index + 1}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  });
}

/** The delimiter that splits the first line into the most fields (outside quotes). */
export function headerDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const fields = Papa.parse<string[]>(firstLine, { delimiter, quoteChar: '"' }).data[0]?.length ?? 0;
    if (fields > bestCount) {
      best = delimiter;
      bestCount = fields;
    }
  }
  return best;
}

/** CRLF and bare LF in one text: a file stitched together from two sources, or edited on two systems. */
function mixedLineEnds(text: string): boolean {
  return /\r\n/.test(text) && /(^|[^\r])\n/.test(text);
}

function firstLine(text: string): string {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
}

/** True when the first `skip` lines split into the same number (2 or more) of fields: rows of the table, not a preamble. */
function skippedRowsAreTable(sampleText: string, delimiter: string, skip: number): boolean {
  const lines = sampleText.replace(/^\uFEFF/, '').split(/\r?\n|\r/).slice(0, skip).filter((line) => line.trim() !== '');
  const widths = lines.map((line) => Papa.parse<string[]>(line, { delimiter: delimiter || ',', quoteChar: '"' }).data[0]?.length ?? 0);
  return lines.length >= 2 && (widths[0] ?? 0) >= 2 && widths.every((width) => width === widths[0]);
}

/**
 * Dialect and headers of a UTF-8 CSV. DuckDB's sniffer decides, on 20,480 rows; when it fails
 * (an unterminated quote early in the file) or finds one column where the header line clearly has
 * several, the header line decides instead. A file whose header DuckDB took for data is read with
 * a header when its first line names known columns (`knownHeader`).
 */
export async function sniffCsv(
  connection: DuckDBConnection,
  path: string,
  sampleText: string,
  knownHeader: (header: string) => boolean,
  limits: ReadLimits,
): Promise<{ dialect: CsvDialect; headers: string[] }> {
  const line = firstLine(sampleText);
  const mixed = mixedLineEnds(sampleText);
  const lineFields = (delimiter: string) => Papa.parse<string[]>(line, { delimiter, quoteChar: '"' }).data[0] ?? [];
  let sniff: Record<string, unknown> | undefined;
  const runSniff = async (skip: string) => {
    try {
      const tolerant = limits.strict && !mixed ? '' : ', strict_mode = false';
      const [row] = await queryRows(
        connection,
        `SELECT Delimiter, Quote, Escape, Comment, SkipRows, HasHeader, to_json(Columns) AS columns FROM sniff_csv($path, sample_size = 20480, max_line_size = $max${tolerant}${skip})`,
        { path, max: limits.maxLineSize },
      );
      return row;
    } catch (error) {
      if (/Maximum line size of \d+ bytes exceeded/.test((error as Error).message)) throw error; // retried with a larger limit
      return undefined;
    }
  };
  sniff = await runSniff('');
  // The sniffer takes the widest consistent block for the table, so one wider row at the end
  // (a trailing-comma total line) makes it "skip" every good row before it as a preamble. A
  // preamble is a title or a note, not rows as wide as the header: then the table starts at line 1.
  if (sniff && Number(sniff.SkipRows ?? 0) >= 2 && skippedRowsAreTable(sampleText, sniffed(sniff.Delimiter), Number(sniff.SkipRows))) sniff = await runSniff(', skip = 0');
  const names = sniff ? (JSON.parse(String(sniff.columns)) as { name: string }[]).map((column) => column.name) : [];
  const delimiter = sniff ? sniffed(sniff.Delimiter) : '';
  const fallbackDelimiter = headerDelimiter(line);
  if (!sniff || names.length < 2 && lineFields(fallbackDelimiter).length >= 2) {
    return {
      dialect: { delimiter: fallbackDelimiter, quote: '"', escape: '"', skip: 0, header: true, comment: '', strict: !mixed },
      headers: displayHeaders(lineFields(fallbackDelimiter)),
    };
  }
  const skip = Number(sniff.SkipRows ?? 0);
  let header = sniff.HasHeader === true;
  let headers = names;
  if (!header) {
    const first = lineFields(delimiter);
    if (first.some(knownHeader)) {
      header = true;
      headers = displayHeaders(first);
    } else {
      headers = names.map((_, index) => `column${index + 1}`);
    }
  }
  // No quote in the sample is no evidence against quoting: the sniffer then says "none", and a
  // quoted field with a comma further on would split. RFC 4180's quote stands unless the sample
  // holds quote characters the sniffer chose to read as text.
  const quote = sniffed(sniff.Quote) || (sampleText.includes('"') ? '' : '"');
  return {
    dialect: {
      // A sample without a doubled quote leaves the sniffer's escape empty, and DuckDB then rejects
      // every later "say ""hi""" field as an unterminated quote: RFC 4180's escape is the quote itself.
      delimiter, quote, escape: sniffed(sniff.Escape) || quote, skip, header,
      comment: sniffed(sniff.Comment), strict: !mixed,
    },
    headers: header ? displayHeaders(headers) : headers,
  };
}

/** Headers of a whitespace-separated log: its first line when that names columns, else column1..N. */
export function whitespaceHeaders(sampleText: string): { header: boolean; headers: string[] } {
  const fields = firstLine(sampleText).trim().split(/[ \t]+/);
  const header = fields.some((field) => !/^[-+]?[0-9.,]+$/.test(field));
  return { header, headers: header ? displayHeaders(fields) : fields.map((_, index) => `column${index + 1}`) };
}

/** Column names of a Parquet or JSON file, as DuckDB reads them. */
export async function describeColumns(connection: DuckDBConnection, reader: Reader, path: string): Promise<string[]> {
  const source = reader.kind === 'parquet' ? 'read_parquet($path)' : 'read_json($path)';
  try {
    const rows = await queryRows<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${source}`, { path });
    return rows.map((row) => row.column_name);
  } catch (error) {
    throw new CoreError('E_FORMAT', `${path}: cannot read as ${reader.kind} (${shortMessage(error)})`, { file: path });
  }
}

/** A DuckDB error message cut to its first line and 300 characters (CSV errors quote whole lines). */
export function shortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n').find((line) => line.trim() !== '') ?? message;
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

export interface OutputColumn {
  /** Name of the output column. */
  name: string;
  /** Position of the source column among the file's headers. */
  index: number;
  /** CSV only: read as this type by DuckDB's reader instead of as text (a value it cannot read is a CAST error in the rejects table). */
  type?: NativeType;
}

/** Types the CSV reader may read a column as, for columns whose sample it reads cleanly. */
export type NativeType = 'TIMESTAMP' | 'DOUBLE';

/**
 * SELECT of one file with the given output columns (VARCHAR unless a CSV column names its type),
 * a constant `__src` (the file's position in the import) and, when `options.ordered`, `__record`
 * (1-based record number).
 */
export function readerSql(
  file: { readPaths: readonly string[]; reader: Reader; headers: readonly string[]; longestLine?: number | null },
  position: number,
  columns: readonly OutputColumn[],
  options: ReadOptions,
): SqlPiece {
  const p = (name: string) => `${name}_${position}`;
  // A line measured before the read (converted and gzip text) sets the line limit itself: over
  // DuckDB's limit it would be a "line size over maximum" reject, though within the import's limit.
  const maxLineSize = Math.max(options.maxLineSize, (file.longestLine ?? 0) + 1024);
  const params: Record<string, DuckDBValue> = { [p('path')]: file.readPaths.length === 1 ? (file.readPaths[0] ?? '') : listValue([...file.readPaths]) };
  const record = options.ordered ? ', row_number() OVER () AS __record' : '';
  const select = (expression: (column: OutputColumn) => string) =>
    [`${position} AS __src`, ...columns.map((column) => `${expression(column)} AS ${quoteIdent(column.name)}`)].join(', ');
  const reader = file.reader;
  // Malformed lines go to DuckDB's rejects tables when the caller keeps them, else they are skipped.
  const rejects = () => {
    if (!options.rejectsTables) return ', ignore_errors = true';
    params[p('rt')] = options.rejectsTables.errors;
    params[p('rs')] = options.rejectsTables.scans;
    return `, store_rejects = true, rejects_table = $${p('rt')}, rejects_scan = $${p('rs')}`;
  };
  if (reader.kind === 'csv') {
    const d = reader.dialect;
    Object.assign(params, {
      [p('delim')]: d.delimiter,
      [p('quote')]: d.quote,
      [p('escape')]: d.escape,
      [p('skip')]: d.skip,
      [p('header')]: d.header,
      [p('comment')]: d.comment,
      [p('columns')]: structValue(Object.fromEntries(file.headers.map((_, index) => [`c${index}`, columns.find((column) => column.index === index)?.type ?? 'VARCHAR']))),
      [p('maxline')]: maxLineSize,
      [p('parallel')]: !options.ordered && !options.sample,
    });
    const args = ['delim', 'quote', 'escape', 'skip', 'header', 'comment', 'columns'].map((name) => `${name} = $${p(name)}`);
    // new_line is left to DuckDB, which detects it even with auto_detect off: an explicit
    // new_line = '\r\n' together with strict_mode = true reads no rows at all (DuckDB 1.5.6).
    // strict_mode is likewise named only to turn it off.
    if (!(options.strict && d.strict)) args.push('strict_mode = false');
    return {
      sql: `SELECT ${select((column) => quoteIdent(`c${column.index}`))}${record} FROM read_csv($${p('path')}, auto_detect = false, ${args.join(', ')}, max_line_size = $${p('maxline')}, parallel = $${p('parallel')}${reader.gzip ? ", compression = 'gzip'" : ''}${rejects()})`,
      params,
    };
  }
  if (reader.kind === 'whitespace') {
    Object.assign(params, { [p('skip')]: reader.header ? 1 : 0, [p('maxline')]: maxLineSize, [p('parallel')]: !options.ordered && !options.sample });
    // One VARCHAR column per line, split on runs of blanks in SQL; the delimiter is a byte that never occurs in text.
    return {
      sql: `SELECT ${select((column) => `parts[${column.index + 1}]`)}${record} FROM (
        SELECT string_split_regex(trim(line), '[ \\t]+') AS parts FROM read_csv($${p('path')}, auto_detect = false, columns = {'line': 'VARCHAR'},
          delim = chr(1), quote = '', escape = '', header = false, skip = $${p('skip')}, max_line_size = $${p('maxline')}, parallel = $${p('parallel')}${reader.gzip ? ", compression = 'gzip'" : ''})
        WHERE line IS NOT NULL AND trim(line) <> '')`,
      params,
    };
  }
  const source = reader.kind === 'parquet' ? `read_parquet($${p('path')})` : `read_json($${p('path')})`;
  return { sql: `SELECT ${select((column) => `CAST(${quoteIdent(file.headers[column.index] ?? '')} AS VARCHAR)`)}${record} FROM ${source}`, params };
}
