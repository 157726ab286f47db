// Turns each input file into something DuckDB reads fast: UTF-8 text or Parquet/JSON, with its dialect and headers known.
//
// UTF-8 CSV (plain or gzip), Parquet and JSON are read in place. Other encodings are transcoded
// in a stream to a temporary UTF-8 file, and XLSX sheets are streamed to a temporary CSV, both in
// the import's temporary folder (inside the workspace's spill folder, removed after the import).
import { open, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import iconv from 'iconv-lite';
import type { EncodingName, FileFormat } from '../api/workspace.ts';
import type { ProgressUpdate } from '../task/scope.ts';
import { digestFile, splitsInParts, transcodeInParts, transcodeToUtf8, type Digest, type Parts } from './decode.ts';
import { checkJsonDepth, checkSample, type IngestLimits } from './limits.ts';
import { SAMPLE_BYTES, cutAtCharBoundary, probeFile } from './probe.ts';
import { describeColumns, displayHeaders, sniffCsv, whitespaceHeaders, type CsvDialect, type ReadLimits, type Reader } from './reader.ts';
import { xlsxToCsv } from './xlsx.ts';

export interface PreparedFile {
  /** The file as the user named it. */
  path: string;
  /** What DuckDB reads: the original, or a UTF-8 copy in the import's temporary folder (in parts, for large GBK files). */
  readPaths: string[];
  sizeBytes: number;
  format: FileFormat;
  /** Source encoding of text formats; null for xlsx and parquet. */
  encoding: EncodingName | null;
  sheet: string | null;
  sheets: string[];
  reader: Reader;
  headers: string[];
  /** Lines before the first record (skipped lines and the header): record n sits on line n + leadingLines. */
  leadingLines: number;
  /**
   * Per read path, what turns a line number DuckDB reports within that path into the original
   * file's: DuckDB numbers lines per file of a list, and a file decoded in parts is such a list.
   */
  lineOffsets: number[];
  /** Records known before reading (xlsx rows), else null. */
  records: number | null;
  /** Bytes of the longest line DuckDB will read, when measured before (converted or gzip text), else null. */
  longestLine: number | null;
  /** What the import should tell the user about how this file was read (an encoding it guessed). */
  warnings: string[];
  /** SHA-256 of the original bytes and the newline count of the text DuckDB reads; started on first call. */
  digest(): Promise<Digest>;
}

export interface PrepareOptions {
  connection: DuckDBConnection;
  /** Folder for transcoded copies and xlsx extracts. */
  tempDir: string;
  signal: AbortSignal;
  progress: (update: ProgressUpdate) => void;
  encoding?: EncodingName;
  sheet?: string;
  /** True for a header that names a known column: decides headers DuckDB's sniffer took for data. */
  knownHeader: (header: string) => boolean;
  limits: ReadLimits;
  /** Bounds on the input (line length, columns, nesting, inflated size), checked before DuckDB reads it. */
  ingest: IngestLimits;
  /** A preview reads only the head of files it must convert (4 MiB of text, 1,000 sheet rows). */
  preview?: boolean;
}

const PREVIEW_BYTES = 4 * 1024 * 1024;
const PREVIEW_ROWS = 1000;

function once<T>(start: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => {
    if (!running) {
      running = start();
      running.catch(() => undefined); // awaited later; never an unhandled rejection
    }
    return running;
  };
}

/** Probes, transcodes or extracts as needed, and sniffs one file. `position` keeps temporary names unique. */
export async function prepareFile(path: string, position: number, options: PrepareOptions): Promise<PreparedFile> {
  const probe = await probeFile(path, options.encoding);
  const stem = `${position}-${basename(path).replace(/[^\w.-]+/g, '_')}`;
  const onBytes = (file: string, phase: ProgressUpdate['phase']) => (bytes: number) =>
    options.progress({ phase, bytesDone: bytes, bytesTotal: probe.sizeBytes, file });
  // The digest of a file DuckDB reads itself runs alongside that read, whose progress DuckDB reports.
  const stream = { signal: options.signal, onBytes: () => undefined };
  const base = {
    path, sizeBytes: probe.sizeBytes, sheet: null, sheets: [] as string[], records: null, lineOffsets: [0], longestLine: null as number | null,
    warnings: probe.encodingNote ? [probe.encodingNote] : [],
  };
  const limits = options.ingest;

  if (probe.format === 'xlsx') {
    const readPath = join(options.tempDir, `${stem}.csv`);
    const extract = await xlsxToCsv(path, readPath, {
      ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
      signal: options.signal,
      limits,
      onRows: (rows) => options.progress({ phase: 'transcode', rows, bytesTotal: probe.sizeBytes, file: path }),
      ...(options.preview ? { maxRows: PREVIEW_ROWS } : {}),
    });
    const reader: Reader = { kind: 'csv', gzip: false, dialect: { delimiter: ',', quote: '"', escape: '"', skip: 0, header: true, comment: '', strict: true } };
    const headers = displayHeaders(extract.headers);
    return {
      ...base, readPaths: [readPath], format: 'xlsx', encoding: null, sheet: extract.sheet, sheets: extract.sheets, reader, headers, leadingLines: 1, records: extract.rows,
      digest: once(async () => ({ ...(await digestFile(path, false, stream)), newlines: extract.rows + 1, unterminated: false })),
    };
  }
  if (probe.format === 'parquet' || (probe.format === 'json' && !probe.needsTranscode && !probe.compression)) {
    if (probe.format === 'json') await checkJsonDepth(path, limits, options.signal);
    const reader: Reader = { kind: probe.format };
    const headers = await describeColumns(options.connection, reader, path);
    return {
      ...base, readPaths: [path], format: probe.format, encoding: probe.format === 'json' ? 'utf-8' : null, reader, headers, leadingLines: 0,
      digest: once(() => digestFile(path, false, stream)),
    };
  }

  // Text: transcode to UTF-8 first unless DuckDB can read it as it is.
  const encoding = probe.encoding === 'binary' ? 'utf-8' : probe.encoding;
  const gzip = probe.compression === 'gzip';
  let readPaths = [path];
  let lineOffsets = [0];
  // Text DuckDB reads as it is has its line lengths checked in the digest (a JSON array may be one long line).
  let digest: () => Promise<Digest> = once(() => digestFile(path, gzip, probe.format === 'json' ? stream : { ...stream, limits }));
  let text = iconv.decode(probe.sampleIsWhole ? probe.sample : cutAtCharBoundary(probe.sample), encoding);
  let readsGzip = gzip;
  let longestLine: number | null = null;
  let sniffedHead: { dialect: CsvDialect; headers: string[] } | null = null;
  // Line length and width are judged on the head before any sniffing, which is where they cost.
  if (probe.format !== 'json') await checkSample(path, text, probe.sampleIsWhole, probe.format, probe.needsTranscode ? null : { gzip }, limits);
  if (gzip && !probe.needsTranscode && probe.format !== 'json' && !options.preview) {
    // Inflated in full once, bounded, before DuckDB reads it: a bomb or a giant record stops here, not in DuckDB's buffers.
    const bounded = await digestFile(path, true, { ...stream, limits, onBytes: onBytes(path, 'transcode') });
    longestLine = bounded.longestLine ?? null;
    digest = async () => bounded;
  }
  if (probe.needsTranscode && !options.preview && (probe.format === 'csv' || probe.format === 'whitespace') && splitsInParts(encoding, gzip, probe.sizeBytes, limits)) {
    const parted = await transcodeByParts(path, join(options.tempDir, stem), text, probe.format, encoding, probe.sizeBytes, options);
    if (parted) {
      readPaths = parted.parts.paths;
      lineOffsets = parted.parts.lineOffsets;
      sniffedHead = parted.sniffed;
      longestLine = parted.parts.longestLine;
      const { newlines, unterminated } = parted.parts;
      digest = once(async () => ({ sha256: (await digestFile(path, false, stream)).sha256, newlines, unterminated }));
      readsGzip = false;
    }
  }
  if (readPaths[0] === path && (probe.needsTranscode || (probe.format === 'json' && gzip))) {
    const readPath = join(options.tempDir, `${stem}${probe.format === 'json' ? '.json' : '.csv'}`);
    // A preview of a gzip file decompresses it whole: a cut gzip stream cannot be decoded.
    const head = options.preview && !gzip ? { headBytes: PREVIEW_BYTES } : {};
    const lineLimits = probe.format === 'json' ? { ...limits, maxLineBytes: Number.MAX_SAFE_INTEGER } : limits;
    const transcoded = await transcodeToUtf8(path, readPath, encoding, gzip, { signal: options.signal, onBytes: onBytes(path, 'transcode'), limits: lineLimits, ...head });
    digest = async () => transcoded;
    longestLine = transcoded.longestLine ?? null;
    text = await headText(readPath);
    readsGzip = false;
    readPaths = [readPath];
  }
  const readPath = readPaths[0] ?? path;
  if (probe.format === 'json') {
    await checkJsonDepth(readPath, limits, options.signal, path);
    const reader: Reader = { kind: 'json' };
    return { ...base, longestLine, readPaths, format: 'json', encoding, reader, headers: await describeColumns(options.connection, reader, readPath), leadingLines: 0, digest };
  }
  if (probe.format === 'whitespace') {
    const { header, headers } = whitespaceHeaders(text);
    return { ...base, longestLine, readPaths, format: 'whitespace', encoding, reader: { kind: 'whitespace', header, gzip: readsGzip }, headers, leadingLines: header ? 1 : 0, digest };
  }
  const { dialect, headers } = sniffedHead ?? (await sniffCsv(options.connection, readPath, text, options.knownHeader, options.limits));
  return {
    ...base, longestLine, readPaths, lineOffsets, format: 'csv', encoding, reader: { kind: 'csv', dialect, gzip: readsGzip }, headers,
    leadingLines: dialect.skip + (dialect.header ? 1 : 0), digest,
  };
}

/**
 * Transcodes a large GBK/GB18030/Big5 file in parallel parts, each after the first repeating the
 * header line, when the file's head shows the header on its first line (no preamble); returns
 * null otherwise, and the caller transcodes in one stream.
 */
async function transcodeByParts(
  path: string,
  stem: string,
  text: string,
  format: 'csv' | 'whitespace',
  encoding: EncodingName,
  sizeBytes: number,
  options: PrepareOptions,
): Promise<{ parts: Parts; sniffed: { dialect: CsvDialect; headers: string[] } | null } | null> {
  const head = text.replace(/^\uFEFF/, '');
  const lineEnd = head.indexOf('\n');
  if (lineEnd < 0) return null;
  let sniffed: { dialect: CsvDialect; headers: string[] } | null = null;
  if (format === 'csv') {
    // The dialect is sniffed on the decoded head, before the parts exist.
    const headFile = `${stem}.head.csv`;
    await writeFile(headFile, head.slice(0, head.lastIndexOf('\n') + 1));
    sniffed = await sniffCsv(options.connection, headFile, head, options.knownHeader, options.limits);
    await rm(headFile, { force: true });
    if (sniffed.dialect.skip !== 0 || !sniffed.dialect.header) return null;
    // Parts are cut at newlines outside quotes, told apart by counting quotes: that needs RFC 4180 quoting.
    if (sniffed.dialect.quote !== '' && sniffed.dialect.escape !== sniffed.dialect.quote) return null;
  } else if (!whitespaceHeaders(head).header) {
    return null;
  }
  const parts = await transcodeInParts(path, stem, encoding, head.slice(0, lineEnd + 1), sniffed?.dialect.quote ?? '', {
    signal: options.signal,
    onBytes: (bytes) => options.progress({ phase: 'transcode', bytesDone: bytes, bytesTotal: sizeBytes, file: path }),
  });
  return parts ? { parts, sniffed } : null;
}

async function headText(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return cutAtCharBoundary(buffer.subarray(0, bytesRead)).toString('utf8');
  } finally {
    await handle.close();
  }
}
