// The byte work of the decode stage (decode.ts) in JavaScript: the file digest, line counts, and transcoding to UTF-8.
//
// These are the only per-byte loops of the import path, and they run on buffers, never on rows:
// hashing and newline counting use native code (crypto, Buffer.indexOf), decoding uses the
// platform's ICU decoder (TextDecoder) when it knows the encoding and iconv-lite otherwise.
// ICU decodes GB18030 about twice as fast as iconv-lite, and decoding is most of a GBK import's
// extra cost, so large GBK/GB18030/Big5 files are decoded by several worker threads at once, each
// taking a range between newlines (a newline byte never occurs inside a character in these
// encodings) into a part file that DuckDB reads as one of a list. Memory stays flat: one chunk at
// a time, with back-pressure.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TextDecoder } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import type { EncodingName } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import { inflationExceeded, limitExceeded, type IngestLimits } from './limits.ts';

const CHUNK = 1 << 20;

export interface Digest {
  sha256: string;
  /** Newline characters in the (decompressed, decoded) text: an upper bound of its records. */
  newlines: number;
  /** True when the text does not end with a newline (its last line still holds a record). */
  unterminated: boolean;
  /** Bytes of the longest line of the text, when it was measured (converted text), else undefined. */
  longestLine?: number;
}

/** Counts bytes as they pass; calls `onBytes` with the running total. */
function tap(hash: Hash, onBytes: (bytes: number) => void, signal: AbortSignal): Transform & { bytes: number } {
  const stage = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (signal.aborted) return callback(new CoreError('E_CANCELLED', 'cancelled'));
      hash.update(chunk);
      counted.bytes += chunk.length;
      onBytes(counted.bytes);
      callback(null, chunk);
    },
  });
  const counted = Object.assign(stage, { bytes: 0 });
  return counted;
}

/** Fails the stream once the inflated bytes passing it break the size or ratio bound (a gzip bomb). */
function inflateBound(path: string, compressed: { bytes: number }, limits: IngestLimits): Transform {
  let inflated = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      inflated += chunk.length;
      const broken = inflationExceeded(inflated, compressed.bytes, limits);
      if (broken) {
        const what = `inflates to over ${inflated.toLocaleString('en-US')} bytes from ${compressed.bytes.toLocaleString('en-US')}`;
        return callback(limitExceeded(broken, { file: path }, what, limits));
      }
      callback(null, chunk);
    },
  });
}

/** Counts the newlines of text fed to it and, given limits, fails at the first line longer than maxLineBytes, naming it. */
class LineMeter {
  newlines = 0;
  longest = 0;
  last = 0x0a;
  private length = 0;
  constructor(
    private readonly path: string,
    private readonly limits: IngestLimits | undefined,
  ) {}

  feed(chunk: Buffer): void {
    const max = this.limits?.maxLineBytes ?? Number.POSITIVE_INFINITY;
    let start = 0;
    for (let index = chunk.indexOf(0x0a); index !== -1; index = chunk.indexOf(0x0a, start)) {
      const length = this.length + index - start;
      if (length > max) throw this.tooLong();
      if (length > this.longest) this.longest = length;
      this.newlines++;
      this.length = 0;
      start = index + 1;
    }
    this.length += chunk.length - start;
    if (this.length > max) throw this.tooLong();
    if (this.length > this.longest) this.longest = this.length;
    if (chunk.length > 0) this.last = chunk[chunk.length - 1] ?? this.last;
  }

  digest(hash: Hash): Digest {
    return { sha256: hash.digest('hex'), newlines: this.newlines, unterminated: this.last !== 0x0a, longestLine: this.longest };
  }

  private tooLong(): CoreError {
    const limits = this.limits as IngestLimits;
    return limitExceeded('maxLineBytes', { file: this.path, line: this.newlines + 1 }, `a line longer than ${limits.maxLineBytes.toLocaleString('en-US')} bytes`, limits);
  }
}

/** Measures the lines of UTF-8 text passing through; fails the stream at the first line longer than the limit, naming its line. */
function metered(meter: LineMeter): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        meter.feed(chunk);
      } catch (error) {
        return callback(error as Error);
      }
      callback(null, chunk);
    },
  });
}

/** ICU's decoder for the encoding, or null on a Node built without full ICU. */
function nativeDecoder(encoding: EncodingName): TextDecoder | null {
  try {
    return new TextDecoder(encoding);
  } catch {
    return null;
  }
}

/** A stream decoder from `encoding` to UTF-8 bytes; strips a BOM. */
function utf8Decoder(encoding: EncodingName): Transform {
  const native = nativeDecoder(encoding);
  if (!native) return iconvTransform(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      callback(null, Buffer.from(native.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(callback: TransformCallback) {
      callback(null, Buffer.from(native.decode(), 'utf8'));
    },
  });
}

function iconvTransform(encoding: EncodingName): Transform {
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      callback(null, Buffer.from(decoder.write(chunk), 'utf8'));
    },
    flush(callback: TransformCallback) {
      callback(null, Buffer.from(decoder.end() ?? '', 'utf8'));
    },
  });
}

export interface StreamOptions {
  signal: AbortSignal;
  /** Called with the input bytes read so far (compressed bytes for .gz). */
  onBytes: (bytes: number) => void;
  /** Read only this many input bytes (a preview); the digest is then of that head only. */
  headBytes?: number;
  /** Bounds on inflated size and line length, checked as the text streams past; none when absent. */
  limits?: IngestLimits;
}

/** The inflation bound of a gzip stream, after the gunzip; none without limits. */
function inflation(path: string, options: StreamOptions, input: { bytes: number }): Transform[] {
  return options.limits ? [inflateBound(path, input, options.limits)] : [];
}

/** Bytes a plain file's digest reads at a time. */
const DIGEST_CHUNK = 4 << 20;

/**
 * SHA-256 of the file's bytes and the newline count of its (decompressed) content, in one pass.
 * A plain file is read in a loop into one buffer: the same work as a stream pipeline costs half
 * the CPU (1.1 s a GB against 2.0 s), and the digest of a file DuckDB reads runs beside that read
 * on the same cores.
 */
export async function digestFile(path: string, gzip: boolean, options: StreamOptions): Promise<Digest> {
  if (!gzip) return digestPlainFile(path, options);
  const hash = createHash('sha256');
  const meter = new LineMeter(path, options.limits);
  const input = tap(hash, options.onBytes, options.signal);
  const stages = [input, createGunzip(), ...inflation(path, options, input), metered(meter)];
  await runPipeline(path, stages, new Writable({ write: (_chunk, _encoding, callback) => callback() }), options.signal);
  return meter.digest(hash);
}

async function digestPlainFile(path: string, options: StreamOptions): Promise<Digest> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new CoreError('E_FILE', `${path}: ${(error as Error).message}`, { file: path });
  });
  try {
    const buffer = Buffer.allocUnsafe(DIGEST_CHUNK);
    // Lines longer than the limit past the probed head are found here, beside DuckDB's read: the
    // load waits for this digest before it commits, so such a file fails whole.
    const meter = new LineMeter(path, options.limits);
    let bytes = 0;
    for (;;) {
      if (options.signal.aborted) throw new CoreError('E_CANCELLED', 'cancelled');
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      meter.feed(chunk);
      options.onBytes((bytes += bytesRead));
    }
    // Read in place by DuckDB, its longest line is not needed ahead; the digest keeps to newlines.
    return { ...meter.digest(hash), longestLine: undefined };
  } finally {
    await handle.close();
  }
}

/** Writes the file's text as UTF-8 to `target` (gunzipping first when needed); returns the digest of the original bytes. */
export async function transcodeToUtf8(path: string, target: string, encoding: EncodingName, gzip: boolean, options: StreamOptions): Promise<Digest> {
  const hash = createHash('sha256');
  const meter = new LineMeter(path, options.limits);
  const input = tap(hash, options.onBytes, options.signal);
  const stages = [input, ...(gzip ? [createGunzip(), ...inflation(path, options, input)] : []), utf8Decoder(encoding), metered(meter)];
  await runPipeline(path, stages, createWriteStream(target), options.signal, options.headBytes);
  return meter.digest(hash);
}

/** Encodings in which the byte 0x0A is always a newline, never part of a character. */
const SPLITTABLE: ReadonlySet<EncodingName> = new Set(['gb18030', 'gbk', 'big5']);
/** True when `transcodeInParts` can take the file: a plain file in an encoding that splits at newlines, large enough (limits.partBytes) to be worth the workers. */
export function splitsInParts(encoding: EncodingName, gzip: boolean, size: number, limits: IngestLimits): boolean {
  return !gzip && SPLITTABLE.has(encoding) && nativeDecoder(encoding) !== null && size >= limits.partBytes;
}

/**
 * One worker's part: `prefix`, then bytes [start, end) of `path` decoded to UTF-8, in `target`;
 * reports the newlines it decoded and the last byte.
 *
 * ICU's decoder costs about 15 ns a byte, most of a GBK import's extra time, although exports are
 * mostly ASCII. So the worker asks ICU once for every two-byte sequence (lead 0x81-0xFE) and keeps
 * those that read as whole characters in a table of UTF-8 bytes; text is then copied byte for byte
 * and looked up pair by pair. The text is cut after its newlines (no character spans one, and a
 * decoder starts afresh after one), and a piece holding anything the table lacks (GB18030's
 * four-byte sequences, invalid bytes) goes to ICU whole, so the output is ICU's in every case.
 */
const PART_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { createReadStream, createWriteStream } = require('node:fs');
const { once } = require('node:events');
const { TextDecoder } = require('node:util');
const { path, start, end, target, encoding, prefix, quote } = workerData;

// (lead << 8 | trail) -> offset of its UTF-8 bytes in pool, or -1.
function pairTable() {
  const decoder = new TextDecoder(encoding);
  const offsets = new Int32Array(0x10000).fill(-1);
  const lengths = new Uint8Array(0x10000);
  const pool = Buffer.alloc(0x10000 * 8);
  const pair = Buffer.alloc(2);
  let size = 0;
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      pair[0] = lead;
      pair[1] = trail;
      const text = decoder.decode(pair);
      if (text.length === 0 || text.includes('\\ufffd')) continue;
      const bytes = Buffer.from(text, 'utf8');
      offsets[(lead << 8) | trail] = size;
      lengths[(lead << 8) | trail] = bytes.length;
      size += bytes.copy(pool, size);
    }
  }
  return { offsets, lengths, pool };
}

// UTF-8 of a piece through the table, or null when the piece needs the decoder itself.
function viaTable(table, piece) {
  const { offsets, lengths, pool } = table;
  const out = Buffer.allocUnsafe(piece.length * 2 + 8);
  let o = 0;
  for (let i = 0; i < piece.length; i++) {
    const byte = piece[i];
    if (byte < 0x80) {
      out[o++] = byte;
      continue;
    }
    const key = (byte << 8) | (i + 1 < piece.length ? piece[i + 1] : 0);
    const at = offsets[key];
    if (at < 0) return null;
    for (let k = at, stop = at + lengths[key]; k < stop; k++) out[o++] = pool[k];
    i++;
  }
  return out.subarray(0, o);
}

(async () => {
  const table = pairTable();
  const output = createWriteStream(target);
  output.write(prefix);
  let newlines = 0;
  let quotes = 0;
  let last = 10;
  let longest = 0;
  let run = 0; // bytes since the last newline
  const write = async (piece) => {
    if (quote >= 0) for (let index = piece.indexOf(quote); index !== -1; index = piece.indexOf(quote, index + 1)) quotes++;
    if (piece.length === 0) return;
    const bytes = viaTable(table, piece) ?? Buffer.from(new TextDecoder(encoding).decode(piece), 'utf8');
    let from = 0;
    for (let index = bytes.indexOf(10); index !== -1; index = bytes.indexOf(10, from)) {
      newlines++;
      longest = Math.max(longest, run + index - from);
      run = 0;
      from = index + 1;
    }
    run += bytes.length - from;
    longest = Math.max(longest, run);
    if (bytes.length > 0) last = bytes[bytes.length - 1];
    if (!output.write(bytes)) await once(output, 'drain');
  };
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 })) {
    const text = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    // Cut after the last newline; a line longer than a chunk is cut after its last byte below 0x30
    // instead (CR, comma, quote...), which in these encodings is never part of a character, so the
    // carry stays small however long the line (a file with CR line ends is one long line here).
    let cut = text.lastIndexOf(10) + 1;
    if (cut === 0 && text.length > 4 * chunk.length) for (cut = text.length; cut > 0 && text[cut - 1] >= 0x30; cut--);
    await write(text.subarray(0, cut));
    carry = Buffer.from(text.subarray(cut));
    parentPort.postMessage({ read: chunk.length });
  }
  await write(carry);
  output.end();
  await once(output, 'finish');
  parentPort.postMessage({ done: true, newlines, last, quotes, longest });
})().catch((error) => parentPort.postMessage({ error: String(error && error.message || error) }));
`;

/** Offsets just after a newline near each 1/parts of the file, so every part holds whole lines. */
async function partBoundaries(path: string, size: number, parts: number): Promise<number[]> {
  const handle = await open(path, 'r');
  try {
    const bounds = [0];
    const window = Buffer.alloc(1 << 16);
    for (let part = 1; part < parts; part++) {
      let offset = Math.max(bounds[bounds.length - 1] ?? 0, Math.floor((size * part) / parts));
      for (;;) {
        const { bytesRead } = await handle.read(window, 0, window.length, offset);
        if (bytesRead === 0) {
          offset = size;
          break;
        }
        const newline = window.subarray(0, bytesRead).indexOf(0x0a);
        if (newline !== -1) {
          offset += newline + 1;
          break;
        }
        offset += bytesRead;
      }
      if (offset < size) bounds.push(offset);
    }
    bounds.push(size);
    return bounds;
  } finally {
    await handle.close();
  }
}

interface PartMessage {
  read?: number;
  done?: boolean;
  newlines?: number;
  last?: number;
  quotes?: number;
  longest?: number;
  error?: string;
}

function runPart(
  workerData: { path: string; start: number; end: number; target: string; encoding: string; prefix: string; quote: number },
  signal: AbortSignal,
  onRead: (bytes: number) => void,
): Promise<{ newlines: number; last: number; quotes: number; longest: number }> {
  const worker = new Worker(PART_WORKER, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      signal.removeEventListener('abort', stop);
      void worker.terminate();
      settle();
    };
    const stop = () => finish(() => reject(new CoreError('E_CANCELLED', 'cancelled')));
    signal.addEventListener('abort', stop, { once: true });
    worker.on('message', (message: PartMessage) => {
      if (message.read !== undefined) onRead(message.read);
      else if (message.error !== undefined) finish(() => reject(new CoreError('E_FILE', `${workerData.path}: ${message.error}`, { file: workerData.path })));
      else if (message.done) finish(() => resolve({ newlines: message.newlines ?? 0, last: message.last ?? 0x0a, quotes: message.quotes ?? 0, longest: message.longest ?? 0 }));
    });
    worker.once('error', (error) => finish(() => reject(error)));
  });
}

export interface Parts {
  /** The part files, in order; every part after the first starts with `header`. */
  paths: string[];
  /** Newlines of the original text (the repeated headers not counted). */
  newlines: number;
  unterminated: boolean;
  /** Per part, what to add to a line number DuckDB gives within that part to make it the original's (see DecodedFile.lineOffsets). */
  lineOffsets: number[];
  /** Bytes of the longest decoded line. */
  longestLine: number;
}

/**
 * Decodes the file in ranges, one worker thread per core (at most four), into `${stem}.partN.csv`
 * files. Each part after the first repeats `header` (the decoded first line, line end included),
 * so DuckDB reads the list with one header per file and record numbers run on across the parts.
 *
 * A range starts after a newline, which is a record's end only outside quotes: a quoted field may
 * hold line breaks. With RFC 4180 quoting (the escape is the quote itself) a newline ends a record
 * exactly when the quotes before it are even, and the quote byte is never part of a character in
 * these encodings, so each worker counts the quotes of its range. When a range turns out to start
 * inside a quoted field, the parts are dropped and null returned: the caller decodes in one stream,
 * which cannot cut a record.
 */
export async function transcodeInParts(
  path: string,
  stem: string,
  encoding: EncodingName,
  header: string,
  quote: string,
  options: StreamOptions,
): Promise<Parts | null> {
  const { size } = await stat(path);
  const bounds = await partBoundaries(path, size, Math.min(4, Math.max(2, availableParallelism())));
  const ranges = bounds.slice(0, -1).map((start, part) => ({ start, end: bounds[part + 1] ?? size, target: `${stem}.part${part}.csv` }));
  let read = 0;
  const onRead = (bytes: number) => options.onBytes((read += bytes));
  const quoteByte = quote === '' ? -1 : quote.charCodeAt(0);
  const parts = await Promise.all(ranges.map((range, part) => runPart({ path, ...range, encoding, prefix: part === 0 ? '' : header, quote: quoteByte }, options.signal, onRead)));
  let quotesBefore = 0;
  for (const part of parts) {
    if (quotesBefore % 2 === 1) {
      await Promise.all(ranges.map((range) => rm(range.target, { force: true })));
      return null;
    }
    quotesBefore += part.quotes;
  }
  return {
    paths: ranges.map((range) => range.target),
    newlines: parts.reduce((sum, part) => sum + part.newlines, 0), // the workers count decoded text only, not the repeated headers
    unterminated: (parts[parts.length - 1]?.last ?? 0x0a) !== 0x0a,
    longestLine: Math.max(0, ...parts.map((part) => part.longest)),
    // Line q of part k (its line 1 the repeated header) is line q - 1 + the newlines of the parts before it.
    lineOffsets: parts.map((_, part) => (part === 0 ? 0 : parts.slice(0, part).reduce((sum, before) => sum + before.newlines, 0) - 1)),
  };
}

async function runPipeline(path: string, transforms: Transform[], sink: Writable, signal: AbortSignal, headBytes?: number): Promise<void> {
  const input = createReadStream(path, { highWaterMark: CHUNK, ...(headBytes === undefined ? {} : { end: headBytes - 1 }) });
  try {
    await pipeline([input, ...transforms, sink], { signal });
  } catch (error) {
    if (signal.aborted || (error instanceof CoreError && error.code === 'E_CANCELLED')) throw new CoreError('E_CANCELLED', 'cancelled');
    if (error instanceof CoreError) throw error;
    const message = (error as Error).message;
    if (/incorrect header check|unexpected end of file|invalid/i.test(message)) {
      throw new CoreError('E_FORMAT', `${path}: cannot decompress (${message})`, { file: path });
    }
    throw new CoreError('E_FILE', `${path}: ${message}`, { file: path });
  }
}
