// The SQL that reads one file of an import, as the read stage (read.ts) described it: the SELECT that yields its columns as text.
//
// Every reader names its output columns itself, so the rest of the import never depends on how
// a file spells its headers: CSV columns are read positionally (c0, c1, ...) with all types
// VARCHAR and the sniffed dialect fixed, which also makes reading immune to a sniffer that
// changes its mind between the preview and the import.
import { listValue, structValue, type DuckDBValue } from '@duckdb/node-api';
import { quoteIdent } from '../db/sql.ts';

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
