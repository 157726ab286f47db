// Stage 2 of an import (probe -> decode -> read -> map -> load -> record): each probed file made
// into something DuckDB reads fast, UTF-8 text or Parquet/JSON.
//
// UTF-8 CSV (plain or gzip), Parquet and JSON are read in place. Other encodings are transcoded
// in a stream to a temporary UTF-8 file (large GBK/GB18030/Big5 files in parallel parts), and XLSX
// sheets are streamed to a temporary CSV, both in the import's temporary folder (inside the
// workspace's spill folder, removed after the import). The byte work itself is transcode.ts's.
import { open, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EncodingName, FileFormat, ImportWarning } from '../api/workspace.ts';
import type { ProgressUpdate } from '../task/scope.ts';
import { sniffCsv, whitespaceHeaders, type Headers } from './dialect.ts';
import type { IngestLimits } from './limits.ts';
import { SAMPLE_BYTES, cutAtCharBoundary, type ProbedFile } from './probe.ts';
import type { CsvDialect, ReadLimits } from './reader.ts';
import { digestFile, splitsInParts, transcodeInParts, transcodeToUtf8, type Digest, type Parts } from './transcode.ts';
import { xlsxToCsv } from './xlsx.ts';

/** A file as the decode stage hands it on: the paths DuckDB reads, and what decoding learnt on the way. */
export interface DecodedFile {
  /** The file as the user named it. */
  path: string;
  sizeBytes: number;
  format: FileFormat;
  /** Source encoding of text formats; null for xlsx and parquet. */
  encoding: EncodingName | null;
  /** What DuckDB reads: the original, or a UTF-8 copy in the import's temporary folder (in parts, for large GBK files). */
  readPaths: string[];
  /** True when DuckDB reads the (UTF-8) original through gzip. */
  gzip: boolean;
  /**
   * Per read path, what turns a line number DuckDB reports within that path into the original
   * file's: DuckDB numbers lines per file of a list, and a file decoded in parts is such a list.
   */
  lineOffsets: number[];
  sheet: string | null;
  sheets: string[];
  /** Records known before reading (xlsx rows), else null. */
  records: number | null;
  /** Bytes of the longest line DuckDB will read, when measured here (converted or gzip text), else null. */
  longestLine: number | null;
  /** The head of the UTF-8 text DuckDB reads (text formats), for the read stage's sniffing. */
  headText: string;
  /** An xlsx sheet's header cells as they stand; null for other formats. */
  sheetHeaders: string[] | null;
  /** A file decoded in parts was cut by the dialect sniffed on its head, which then stands for the whole file; else null. */
  partsDialect: ({ dialect: CsvDialect } & Headers) | null;
  /** What the import should tell the user about how this file was read (an encoding it guessed). */
  warnings: ImportWarning[];
  /** SHA-256 of the original bytes and the newline count of the text DuckDB reads; started on first call. */
  digest(): Promise<Digest>;
}

export interface DecodeOptions {
  connection: DuckDBConnection;
  /** Folder for transcoded copies and xlsx extracts. */
  tempDir: string;
  signal: AbortSignal;
  progress: (update: ProgressUpdate) => void;
  sheet?: string;
  /** True for a header that names a known column: decides headers DuckDB's sniffer took for data (a head sniffed for parts). */
  knownHeader: (header: string) => boolean;
  limits: ReadLimits;
  /** Bounds on the input (line length, inflated size), checked as the bytes stream. */
  ingest: IngestLimits;
  /** A preview decodes only the head of files it must convert (4 MiB of text, 1,000 sheet rows). */
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

/** The decode stage for one file: extracts, inflates or transcodes as its probe calls for. */
export async function decodeFile(file: ProbedFile, options: DecodeOptions): Promise<DecodedFile> {
  const { path } = file;
  const stem = join(options.tempDir, `${file.position}-${basename(path).replace(/[^\w.-]+/g, '_')}`);
  const onBytes = (phase: ProgressUpdate['phase']) => (bytes: number) => options.progress({ phase, bytesDone: bytes, bytesTotal: file.sizeBytes, file: path });
  // The digest of a file DuckDB reads itself runs alongside that read, whose progress DuckDB reports.
  const stream = { signal: options.signal, onBytes: () => undefined };
  const warnings: ImportWarning[] = file.encodingNote ? [{ code: 'encoding_guessed', message: file.encodingNote, files: [basename(path)], encoding: file.encoding }] : [];
  const base = {
    path, sizeBytes: file.sizeBytes, format: file.format, gzip: false, sheet: null, sheets: [] as string[], records: null, lineOffsets: [0],
    longestLine: null as number | null, headText: file.headText, sheetHeaders: null, partsDialect: null, warnings,
  };
  const limits = options.ingest;

  if (file.format === 'xlsx') {
    const readPath = `${stem}.csv`;
    const extract = await xlsxToCsv(path, readPath, {
      ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
      signal: options.signal,
      limits,
      onRows: (rows) => options.progress({ phase: 'transcode', rows, bytesTotal: file.sizeBytes, file: path }),
      ...(options.preview ? { maxRows: PREVIEW_ROWS } : {}),
    });
    return {
      ...base, readPaths: [readPath], encoding: null, sheet: extract.sheet, sheets: extract.sheets, records: extract.rows, sheetHeaders: extract.headers,
      digest: once(async () => ({ ...(await digestFile(path, false, stream)), newlines: extract.rows + 1, unterminated: false })),
    };
  }
  if (file.format === 'parquet' || (file.format === 'json' && !file.needsTranscode && !file.compression)) {
    return { ...base, readPaths: [path], encoding: file.format === 'json' ? 'utf-8' : null, digest: once(() => digestFile(path, false, stream)) };
  }

  // Text: transcode to UTF-8 first unless DuckDB can read it as it is.
  const encoding = file.encoding === 'binary' ? 'utf-8' : file.encoding;
  const gzip = file.compression === 'gzip';
  if (file.needsTranscode && !options.preview && (file.format === 'csv' || file.format === 'whitespace') && splitsInParts(encoding, gzip, file.sizeBytes, limits)) {
    const parted = await transcodeByParts(file, stem, encoding, options);
    if (parted) {
      const { newlines, unterminated } = parted.parts;
      return {
        ...base, encoding, readPaths: parted.parts.paths, lineOffsets: parted.parts.lineOffsets, longestLine: parted.parts.longestLine, partsDialect: parted.sniffed,
        digest: once(async () => ({ sha256: (await digestFile(path, false, stream)).sha256, newlines, unterminated })),
      };
    }
  }
  if (file.needsTranscode || (file.format === 'json' && gzip)) {
    const readPath = `${stem}${file.format === 'json' ? '.json' : '.csv'}`;
    // A preview of a gzip file decompresses it whole: a cut gzip stream cannot be decoded.
    const head = options.preview && !gzip ? { headBytes: PREVIEW_BYTES } : {};
    const lineLimits = file.format === 'json' ? { ...limits, maxLineBytes: Number.MAX_SAFE_INTEGER } : limits;
    const transcoded = await transcodeToUtf8(path, readPath, encoding, gzip, { signal: options.signal, onBytes: onBytes('transcode'), limits: lineLimits, ...head });
    return { ...base, encoding, readPaths: [readPath], longestLine: transcoded.longestLine ?? null, headText: await headText(readPath), digest: async () => transcoded };
  }
  if (gzip && file.format !== 'json' && !options.preview) {
    // Inflated in full once, bounded, before DuckDB reads it: a bomb or a giant record stops here, not in DuckDB's buffers.
    const bounded = await digestFile(path, true, { ...stream, limits, onBytes: onBytes('transcode') });
    return { ...base, encoding, readPaths: [path], gzip, longestLine: bounded.longestLine ?? null, digest: async () => bounded };
  }
  // Text DuckDB reads as it is has its line lengths checked in the digest (a JSON array may be one long line).
  return { ...base, encoding, readPaths: [path], gzip, digest: once(() => digestFile(path, gzip, file.format === 'json' ? stream : { ...stream, limits })) };
}

/**
 * Transcodes a large GBK/GB18030/Big5 file in parallel parts, each after the first repeating the
 * header line, when the file's head shows the header on its first line (no preamble); returns
 * null otherwise, and the caller transcodes in one stream. The parts are cut by the dialect, so
 * it is sniffed here, on the decoded head, and stands for the whole file.
 */
async function transcodeByParts(
  file: ProbedFile,
  stem: string,
  encoding: EncodingName,
  options: DecodeOptions,
): Promise<{ parts: Parts; sniffed: ({ dialect: CsvDialect } & Headers) | null } | null> {
  const head = file.headText.replace(/^\uFEFF/, '');
  const lineEnd = head.indexOf('\n');
  if (lineEnd < 0) return null;
  let sniffed: ({ dialect: CsvDialect } & Headers) | null = null;
  if (file.format === 'csv') {
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
  const parts = await transcodeInParts(file.path, stem, encoding, head.slice(0, lineEnd + 1), sniffed?.dialect.quote ?? '', {
    signal: options.signal,
    onBytes: (bytes) => options.progress({ phase: 'transcode', bytesDone: bytes, bytesTotal: file.sizeBytes, file: file.path }),
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
