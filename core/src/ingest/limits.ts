// Every bound the import puts on what it reads, in one place: defaults, validation, and the coded error when a file exceeds one.
//
// The bounds are checked before DuckDB plans or reads anything (on the sample, in the streams
// that inflate and decode, and in a scan of JSON nesting), because the costs they prevent sit
// there: DuckDB's sniffer and the mapping take minutes on thousands of columns, its JSON reader
// overflows the stack on deep nesting, and a gzip or xlsx bomb fills memory and disk. Each can be
// set per import (the request's `limits`, the CLI's --max-* options); README lists them.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { ImportLimits } from '../api/workspace.ts';
import { CoreError, placeMessage, type ErrorPlace } from '../api/errors.ts';
import { headerDelimiter } from './dialect.ts';

export type IngestLimits = Required<ImportLimits>;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: IngestLimits = {
  // The longest record (a line, or a quoted field spanning lines) in bytes of UTF-8 text. Long
  // review texts run to a few hundred KiB; beyond this, DuckDB's per-line buffers cost GBs.
  maxLineBytes: 16 * MiB,
  // Fields of one record. Platform exports carry under 100; the sniffer and the mapping slow
  // down with the square of the column count (--print-mapping: 44 s at 1,000 columns, 122 s at
  // 2,000, on a loaded 2-core machine).
  maxColumns: 500,
  // Nesting of JSON arrays and objects. Exports nest a few levels; DuckDB's reader crashes past about 20,000.
  maxJsonDepth: 1000,
  // Bytes a gzip file or an xlsx workbook may inflate to.
  maxInflatedBytes: 16 * GiB,
  // Inflated size over compressed size, checked once the inflated size passes RATIO_FLOOR_BYTES:
  // text exports compress 5-20 times, bombs a thousand times.
  maxInflationRatio: 200,
  // Files one import may take (a folder expands to its files).
  maxFiles: 1000,
  // GBK/GB18030/Big5 files at least this large are decoded by several threads in parts.
  partBytes: 32 * MiB,
};

/** Below this inflated size the ratio is not judged: small files compress arbitrarily well (a column of zeros). */
export const RATIO_FLOOR_BYTES = 64 * MiB;

const NAMES = Object.keys(DEFAULT_LIMITS) as (keyof IngestLimits)[];

/** The request's limits over the defaults; E_ARGS for an unknown name or a value that is not a positive integer. */
export function resolveLimits(requested: ImportLimits | undefined): IngestLimits {
  if (requested === undefined) return DEFAULT_LIMITS;
  if (requested === null || typeof requested !== 'object') throw new CoreError('E_ARGS', 'limits must be an object');
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(requested)) {
    if (!NAMES.includes(name as keyof IngestLimits)) throw new CoreError('E_ARGS', `unknown limit "${name}" (known: ${NAMES.join(', ')})`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new CoreError('E_ARGS', `limit ${name} must be a positive integer, got ${JSON.stringify(value)}`);
    }
    limits[name as keyof IngestLimits] = value;
  }
  return limits;
}

/** A file past one of the limits: E_FORMAT, naming the file and (where known) line and column, and which limit to raise. */
export function limitExceeded(name: keyof IngestLimits, place: ErrorPlace & { file: string }, what: string, limits: IngestLimits): CoreError {
  return new CoreError('E_FORMAT', placeMessage(place, `${what}, over the limit of ${limits[name].toLocaleString('en-US')} (${name}; raise it if the file is genuine)`), {
    ...place,
    limit: name,
    value: limits[name],
  });
}

/** True when `inflated` bytes from `compressed` bytes break the size or ratio bound. */
export function inflationExceeded(inflated: number, compressed: number, limits: IngestLimits): keyof IngestLimits | null {
  if (inflated > limits.maxInflatedBytes) return 'maxInflatedBytes';
  if (inflated > RATIO_FLOOR_BYTES && inflated > limits.maxInflationRatio * Math.max(1, compressed)) return 'maxInflationRatio';
  return null;
}

/**
 * Checks the decoded head of a text file against the line and column limits, before DuckDB's
 * sniffer sees it: records are split the RFC 4180 way (a quoted field may hold line breaks and
 * delimiters), with the delimiter that splits the first line most. A line that runs past the
 * sample is measured in the file itself when DuckDB will read the file as it is (`direct`: UTF-8,
 * plain or gzip, whose sniffer would otherwise meet it first); converted text is measured as it
 * streams (transcode.ts).
 */
export async function checkSample(
  path: string,
  text: string,
  whole: boolean,
  format: 'csv' | 'whitespace',
  direct: { gzip: boolean } | null,
  limits: IngestLimits,
): Promise<void> {
  const bom = text.startsWith('\uFEFF') ? 3 : 0;
  const body = text.slice(bom === 0 ? 0 : 1);
  const firstBreak = body.search(/[\r\n]/);
  const delimiter = format === 'whitespace' ? ' ' : headerDelimiter(firstBreak < 0 ? body : body.slice(0, firstBreak));
  let line = 1;
  let recordLine = 1;
  let recordStart = 0;
  let fields = 1;
  let quoted = false;
  let previousBlank = true;
  const judge = (end: number, complete: boolean) => {
    if (fields > limits.maxColumns) {
      throw limitExceeded('maxColumns', { file: path, line: recordLine, column: String(limits.maxColumns + 1) }, `${complete ? '' : 'at least '}${fields.toLocaleString('en-US')} fields`, limits);
    }
    // A character is at most 3 bytes of UTF-8 (4 for a surrogate pair, which is 2 characters here).
    if ((end - recordStart) * 3 > limits.maxLineBytes) {
      const bytes = Buffer.byteLength(body.slice(recordStart, end), 'utf8');
      if (bytes > limits.maxLineBytes) throw limitExceeded('maxLineBytes', { file: path, line: recordLine }, `a line of ${complete ? '' : 'at least '}${bytes.toLocaleString('en-US')} bytes`, limits);
    }
  };
  for (let index = 0; index < body.length; index++) {
    const char = body[index];
    if (char === '\n' || char === '\r') {
      if (char === '\r' && body[index + 1] === '\n') index++;
      line++;
      if (quoted) continue;
      judge(index, true);
      recordLine = line;
      recordStart = index + 1;
      fields = 1;
      previousBlank = true;
      continue;
    }
    if (format === 'whitespace') {
      const blank = char === ' ' || char === '\t';
      if (blank && !previousBlank) fields++;
      previousBlank = blank;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === delimiter && !quoted) {
      fields++;
    }
  }
  judge(body.length, whole);
  if (!whole && direct) {
    // The sample ends inside a line: find that line's end in the file, up to the limit.
    const lineStart = bom + Buffer.byteLength(body.slice(0, body.lastIndexOf('\n') + 1), 'utf8');
    const length = await lineBytesFrom(path, direct.gzip, lineStart, limits.maxLineBytes + 1);
    if (length > limits.maxLineBytes) throw limitExceeded('maxLineBytes', { file: path, line: line }, 'a line that does not end within the limit', limits);
  }
}

/** Bytes from offset `start` of the (inflated) content to the next line break, reading at most `cap` bytes past `start` (then `cap`). */
async function lineBytesFrom(path: string, gzip: boolean, start: number, cap: number): Promise<number> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  const content: AsyncIterable<Buffer> = gzip ? input.pipe(createGunzip()) : input;
  let offset = 0;
  let length = 0;
  try {
    for await (const chunk of content) {
      const piece = chunk.subarray(Math.max(0, start - offset));
      offset += chunk.length;
      if (offset <= start) continue;
      const lf = piece.indexOf(0x0a);
      const cr = piece.indexOf(0x0d);
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end >= 0) return length + end;
      length += piece.length;
      if (length >= cap) return cap;
    }
    return length;
  } catch {
    return length; // a damaged gzip is reported where it is read in full
  } finally {
    input.destroy();
  }
}

/**
 * Scans a UTF-8 JSON file for nesting deeper than the limit, before DuckDB's reader (which
 * recurses per level and dies of a stack overflow past about 20,000) sees it. One pass, one
 * buffer at a time; brackets inside strings do not count.
 */
export async function checkJsonDepth(path: string, limits: IngestLimits, signal: AbortSignal, shownPath: string = path): Promise<void> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let column = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (signal.aborted) throw new CoreError('E_CANCELLED', 'cancelled');
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index] as number;
      column++;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === 0x5c) escaped = true;
        else if (byte === 0x22) inString = false;
        else if (byte === 0x0a) {
          line++;
          column = 0;
        }
        continue;
      }
      if (byte === 0x22) inString = true;
      else if (byte === 0x5b || byte === 0x7b) {
        if (++depth > limits.maxJsonDepth) {
          throw limitExceeded('maxJsonDepth', { file: shownPath, line, column: String(column) }, `arrays and objects nested ${depth.toLocaleString('en-US')} deep`, limits);
        }
      } else if (byte === 0x5d || byte === 0x7d) depth--;
      else if (byte === 0x0a) {
        line++;
        column = 0;
      }
    }
  }
}

/**
 * A line longer than the line size DuckDB read with, which DuckDB either throws (the sniffer, a
 * read without a rejects table) or keeps among a read's rejects ("line size over maximum"): the
 * load raises the latter as this, so both end in the same retry or limit error.
 */
export class LongLine extends Error {
  constructor(
    readonly bytes: number,
    readonly file: string,
    readonly line: number | null,
  ) {
    super(`a line of ${bytes} bytes in ${file}`);
  }
}

/** The long line DuckDB's "Maximum line size exceeded" message names; null for any other error. */
function longLineOf(error: unknown, files: readonly string[]): LongLine | null {
  if (error instanceof LongLine) return error;
  const message = error instanceof Error ? error.message : '';
  const longest = /Maximum line size of \d+ bytes exceeded\. Actual Size:\s*(\d+)/.exec(message);
  if (!longest) return null;
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const named = /\bfile = (.+)/.exec(message)?.[1]?.trim();
  return new LongLine(Number(longest[1]), named && files.includes(named) ? named : files.join(', '), line ? Number(line) : null);
}

/**
 * For a line longer than DuckDB's line size (its error, or a LongLine): the larger line size to
 * read again with, or (past maxLineBytes) the limit error naming the file and line; null for any other error.
 */
export function retryLineSize(error: unknown, current: number, limits: IngestLimits, files: readonly string[]): number | null {
  const long = longLineOf(error, files);
  if (!long) return null;
  if (long.bytes > limits.maxLineBytes || current > limits.maxLineBytes) {
    throw limitExceeded('maxLineBytes', { file: long.file, ...(long.line !== null ? { line: long.line } : {}) }, `a line of ${long.bytes.toLocaleString('en-US')} bytes`, limits);
  }
  return Math.min(limits.maxLineBytes + 1024, long.bytes * 2 + 1024);
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, kb: 1024, kib: 1024, m: MiB, mb: MiB, mib: MiB, g: GiB, gb: GiB, gib: GiB };

/**
 * Limits written as text (the CLI's --max-line-bytes 64MiB, --max-columns 5000, ...: commander
 * names them like the limits) into numbers; sizes take K/M/G suffixes in binary units.
 */
export function limitsFromText(flags: Partial<Record<string, unknown>>): ImportLimits {
  const limits: ImportLimits = {};
  for (const name of NAMES) {
    const text = flags[name];
    if (typeof text !== 'string') continue;
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?)?\s*$/i.exec(text);
    const value = match ? Math.round(Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? Number.NaN)) : Number.NaN;
    const flag = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    if (!Number.isSafeInteger(value) || value < 1) throw new CoreError('E_ARGS', `${flag} must be a positive number (sizes may end in K, M or G), got "${text}"`);
    limits[name] = value;
  }
  return limits;
}
