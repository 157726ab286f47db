// Stage 3 of an import (probe -> decode -> read -> map -> load -> record): how DuckDB reads each
// decoded file (its reader and CSV dialect) and what its columns are called, as written and as
// the import names them. Nothing is loaded yet; reader.ts turns a read file into SQL.
import type { DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import type { EncodingName, FileFormat, ImportWarning } from '../api/workspace.ts';
import { queryRows } from '../db/sql.ts';
import type { DecodedFile } from './decode.ts';
import { displayHeaders, sniffCsv, whitespaceHeaders } from './dialect.ts';
import { checkJsonDepth, type IngestLimits } from './limits.ts';
import { shortMessage, type ReadLimits, type Reader } from './reader.ts';
import type { Digest } from './transcode.ts';

/** A file as the read stage hands it on: everything the mapping and the load need to read it. */
export interface ReadFile {
  /** The file as the user named it. */
  path: string;
  /** What DuckDB reads (see DecodedFile.readPaths). */
  readPaths: string[];
  sizeBytes: number;
  format: FileFormat;
  /** Source encoding of text formats; null for xlsx and parquet. */
  encoding: EncodingName | null;
  sheet: string | null;
  sheets: string[];
  reader: Reader;
  /** Column names as the import uses them: trimmed, blanks named by position, repeats numbered (id, id_1). */
  headers: string[];
  /** The header cells as the file writes them, repeats included (generated names when it has no header line). */
  rawHeaders: string[];
  /** Lines before the first record (skipped lines and the header): record n sits on line n + leadingLines. */
  leadingLines: number;
  /** See DecodedFile.lineOffsets. */
  lineOffsets: number[];
  /** Records known before reading (xlsx rows), else null. */
  records: number | null;
  /** Bytes of the longest line DuckDB will read, when measured before (converted or gzip text), else null. */
  longestLine: number | null;
  warnings: ImportWarning[];
  digest(): Promise<Digest>;
}

export interface ReadStageOptions {
  connection: DuckDBConnection;
  signal: AbortSignal;
  /** True for a header that names a known column: decides headers DuckDB's sniffer took for data. */
  knownHeader: (header: string) => boolean;
  limits: ReadLimits;
  ingest: IngestLimits;
}

/** The dialect of an xlsx extract, which the decode stage writes itself. */
const XLSX_READER: Reader = { kind: 'csv', gzip: false, dialect: { delimiter: ',', quote: '"', escape: '"', skip: 0, header: true, comment: '', strict: true } };

/** The read stage for one file. */
export async function readFile(file: DecodedFile, options: ReadStageOptions): Promise<ReadFile> {
  const { path, sizeBytes, format, encoding, sheet, sheets, lineOffsets, records, longestLine, warnings, digest } = file;
  const base = { path, readPaths: file.readPaths, sizeBytes, format, encoding, sheet, sheets, lineOffsets, records, longestLine, warnings, digest };
  const readPath = file.readPaths[0] ?? path;
  if (file.sheetHeaders) return { ...base, reader: XLSX_READER, headers: displayHeaders(file.sheetHeaders), rawHeaders: file.sheetHeaders, leadingLines: 1 };
  if (format === 'parquet' || format === 'json') {
    if (format === 'json') await checkJsonDepth(readPath, options.ingest, options.signal, path);
    const reader: Reader = { kind: format };
    const headers = await describeColumns(options.connection, reader, readPath);
    return { ...base, reader, headers, rawHeaders: headers, leadingLines: 0 };
  }
  if (format === 'whitespace') {
    const { header, raw, headers } = whitespaceHeaders(file.headText);
    return { ...base, reader: { kind: 'whitespace', header, gzip: file.gzip }, headers, rawHeaders: raw, leadingLines: header ? 1 : 0 };
  }
  const { dialect, raw, headers } = file.partsDialect ?? (await sniffCsv(options.connection, readPath, file.headText, options.knownHeader, options.limits));
  return { ...base, reader: { kind: 'csv', dialect, gzip: file.gzip }, headers, rawHeaders: raw, leadingLines: dialect.skip + (dialect.header ? 1 : 0) };
}

/** Column names of a Parquet or JSON file, as DuckDB reads them. */
async function describeColumns(connection: DuckDBConnection, reader: Reader, path: string): Promise<string[]> {
  const source = reader.kind === 'parquet' ? 'read_parquet($path)' : 'read_json($path)';
  try {
    const rows = await queryRows<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${source}`, { path });
    return rows.map((row) => row.column_name);
  } catch (error) {
    throw new CoreError('E_FORMAT', `${path}: cannot read as ${reader.kind} (${shortMessage(error)})`, { file: path });
  }
}
