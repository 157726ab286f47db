// Stage 1 of an import (probe -> decode -> read -> map -> load -> record): what each file is before
// anything reads it in full: format, compression, encoding, whether it is readable at all, and
// whether its head keeps within the line and column limits.
//
// Decided from the name and the first 64 KiB (decompressed for .gz). Encoding: the user's choice,
// else a BOM, else a strict UTF-8 decode of the sample (cut at a character boundary). A sample
// that is mostly UTF-8 with a few bad bytes is a damaged UTF-8 file, refused at its line. Other
// text is GB18030 (a superset of GBK) when its non-ASCII bytes pair up the way Chinese text does,
// else Windows-1252 (Western European spreadsheets), and the result says which and why.
// Detector libraries are not used: on Chinese text they guess Big5 for GBK, so Big5 is only ever
// chosen by the user.
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import type { EncodingName, FileFormat } from '../api/workspace.ts';
import { CoreError, placeMessage } from '../api/errors.ts';
import { checkSample, limitExceeded, type IngestLimits } from './limits.ts';

export const SAMPLE_BYTES = 64 * 1024;

export interface FileProbe {
  path: string;
  sizeBytes: number;
  format: FileFormat;
  compression: 'gzip' | null;
  /** Text formats only; binary formats (xlsx, parquet) report 'binary'. */
  encoding: EncodingName | 'binary';
  /** True when the text must be transcoded to UTF-8 before DuckDB reads it. */
  needsTranscode: boolean;
  /** Why a text encoding other than UTF-8 was chosen without being named (for the import's warnings), else null. */
  encodingNote: string | null;
  /** The first bytes of the (decompressed) content, for sniffing. */
  sample: Buffer;
  /** True when the sample is the whole (decompressed) content. */
  sampleIsWhole: boolean;
}

const EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.tab', '.dat', '.log', '.gz', '.xlsx', '.xlsm', '.parquet', '.json', '.ndjson', '.jsonl']);

/** Expands folders (not recursively) into their importable files, sorted by name; keeps files as given; at most `maxFiles`. */
export async function expandInputs(inputs: readonly string[], limits: IngestLimits): Promise<string[]> {
  if (inputs.length === 0) throw new CoreError('E_ARGS', 'no files to import');
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (!info) throw new CoreError('E_NOT_FOUND', `${input}: no such file or folder`, { file: input });
    if (!info.isDirectory()) {
      files.push(input);
      continue;
    }
    const entries = (await readdir(input)).filter((name) => !name.startsWith('.') && EXTENSIONS.has(extname(name).toLowerCase())).sort();
    if (entries.length === 0) throw new CoreError('E_FILE', `${input}: the folder holds no csv, tsv, txt, gz, xlsx, parquet or json files`, { file: input });
    files.push(...entries.map((name) => join(input, name)));
    if (files.length > limits.maxFiles) throw limitExceeded('maxFiles', { file: input }, `${files.length} or more files`, limits);
  }
  if (files.length > limits.maxFiles) throw limitExceeded('maxFiles', { file: files[0] ?? '' }, `${files.length} files`, limits);
  return files;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first `bytes` of a gzip file's content, without inflating the rest. */
async function readGzipHead(path: string, bytes: number): Promise<{ sample: Buffer; whole: boolean }> {
  const input = createReadStream(path);
  const gunzip = createGunzip();
  const chunks: Buffer[] = [];
  let length = 0;
  let whole = false;
  input.pipe(gunzip);
  gunzip.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= bytes) {
      input.destroy();
      gunzip.destroy();
    }
  });
  try {
    await Promise.race([once(gunzip, 'end').then(() => (whole = true)), once(gunzip, 'close')]);
  } catch (error) {
    throw new CoreError('E_FORMAT', `${path}: not a readable gzip file (${(error as Error).message})`, { file: path });
  }
  return { sample: Buffer.concat(chunks).subarray(0, bytes), whole };
}

/** Drops the bytes of a UTF-8 sequence cut by the end of the sample, so a strict decode judges only whole characters. */
export function cutAtCharBoundary(sample: Buffer): Buffer {
  let end = sample.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = sample[end - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? sample.subarray(0, end - back) : sample;
  }
  return sample.subarray(0, end);
}

function isUtf8(sample: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return true;
  } catch {
    return false;
  }
}

/** UTF-16 without a BOM shows as NUL in every other byte of mostly-ASCII text. */
function utf16Guess(sample: Buffer): EncodingName | null {
  const pairs = Math.min(sample.length >> 1, 4096);
  if (pairs < 8) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs; i++) {
    if (sample[2 * i] === 0) evenZeros++;
    if (sample[2 * i + 1] === 0) oddZeros++;
  }
  if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

export function bomEncoding(sample: Buffer): EncodingName | null {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  return null;
}

/** Line (1-based) of the first byte a strict decode rejects, for error messages. */
function firstBadLine(sample: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= sample.length; i++) {
    if (i === sample.length || sample[i] === 0x0a) {
      try {
        decoder.decode(sample.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

/** Where the first byte a strict UTF-8 decode rejects sits: line, the header of its field, and the byte. */
function badUtf8Place(path: string, sample: Buffer): { file: string; line: number; column?: string; byte: number } {
  const line = firstBadLine(sample);
  let start = 0;
  for (let seen = 1; seen < line; seen++) start = sample.indexOf(0x0a, start) + 1;
  const end = sample.indexOf(0x0a, start) < 0 ? sample.length : sample.indexOf(0x0a, start);
  const text = sample.subarray(start, end);
  // The offending byte is where a lenient decode first yields U+FFFD.
  const before = new TextDecoder('utf-8').decode(text).split('\uFFFD')[0] ?? '';
  const offset = Buffer.byteLength(before, 'utf8');
  const headerEnd = sample.indexOf(0x0a);
  const header = sample.subarray(0, headerEnd < 0 ? sample.length : headerEnd).toString('latin1').replace(/\r$/, '');
  const delimiter = [',', '\t', ';', '|'].reduce((best, candidate) => (header.split(candidate).length > header.split(best).length ? candidate : best), ',');
  const field = text.subarray(0, offset).toString('latin1').split(delimiter).length - 1;
  const column = header.split(delimiter)[field]?.replace(/^\uFEFF|^"|"$/g, '');
  return { file: path, line, ...(column ? { column } : {}), byte: text[offset] ?? 0 };
}

/** Non-ASCII characters a lenient UTF-8 decode reads, and the bytes it must replace. */
function utf8Tally(sample: Buffer): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (const char of new TextDecoder('utf-8').decode(sample)) {
    if (char === '\uFFFD') invalid++;
    else if (char.charCodeAt(0) > 0x7f) valid++;
  }
  return { valid, invalid };
}

/**
 * True when the non-ASCII bytes read as GB18030 Chinese text: the sample decodes without a bad
 * sequence, and its non-ASCII bytes come mostly in runs (a character is two or four bytes, and
 * Chinese characters stand together). Western text fails one or the other: an accented letter
 * is one byte between ASCII ones, and before a space or comma it is not GBK at all.
 */
function readsAsChinese(sample: Buffer, sampleIsWhole: boolean): boolean {
  // A character cut by the end of the sample is not a bad sequence.
  let end = sample.length;
  if (!sampleIsWhole) while (end > 0 && sample.length - end < 3 && (sample[end - 1] ?? 0) >= 0x30) end--;
  if (iconv.decode(sample.subarray(0, end), 'gb18030').includes('\uFFFD')) return false;
  let single = 0;
  let longer = 0;
  for (let i = 0; i < end; ) {
    if ((sample[i] ?? 0) < 0x80) {
      i++;
      continue;
    }
    let run = 0;
    while (i < end && (sample[i] ?? 0) >= 0x80) {
      run++;
      i++;
    }
    if (run === 1) single++;
    else longer++;
  }
  return longer > 0 && longer >= single;
}

export interface EncodingChoice {
  encoding: EncodingName;
  /** Why, when the file did not say (no BOM, not UTF-8) and the user did not name one. */
  note: string | null;
}

/** Decides the text encoding: the user's choice, a BOM, UTF-16 by NUL pattern, strict UTF-8, else GB18030 or Windows-1252 by what the bytes look like. */
export function detectEncoding(path: string, sample: Buffer, sampleIsWhole: boolean, override?: EncodingName): EncodingChoice {
  const judged = sampleIsWhole ? sample : cutAtCharBoundary(sample);
  if (override) {
    if (override === 'utf-8' && bomEncoding(sample) === null && !isUtf8(judged)) {
      const place = badUtf8Place(path, judged);
      throw new CoreError('E_ENCODING', placeMessage(place, 'bytes that are not UTF-8; try --encoding gb18030, big5 or windows-1252'), place);
    }
    return { encoding: override, note: null };
  }
  const bom = bomEncoding(sample);
  if (bom) return { encoding: bom, note: null };
  const utf16 = utf16Guess(sample);
  if (utf16) return { encoding: utf16, note: null };
  if (isUtf8(judged)) return { encoding: 'utf-8', note: null };
  const tally = utf8Tally(judged);
  if (tally.valid >= 4 * tally.invalid) {
    const place = badUtf8Place(path, judged);
    const byte = `0x${place.byte.toString(16).toUpperCase().padStart(2, '0')}`;
    throw new CoreError(
      'E_ENCODING',
      placeMessage(place, `byte ${byte} is not UTF-8, in a file otherwise UTF-8 (${tally.valid} characters read, ${tally.invalid} bad); repair the file, or name its encoding (--encoding) if it is not UTF-8`),
      place,
    );
  }
  if (readsAsChinese(sample, sampleIsWhole)) {
    return { encoding: 'gb18030', note: `${path}: not UTF-8; read as GB18030 because its non-ASCII bytes read as Chinese text (name the encoding if it is Big5)` };
  }
  return {
    encoding: 'windows-1252',
    note: `${path}: not UTF-8, and its non-ASCII bytes do not read as Chinese text; read as Windows-1252 (Western European; name the encoding if this is wrong)`,
  };
}

/** Control characters other than tab, CR, LF, FF in decoded text mean the file is not text. */
function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return true;
    if (code < 9 || (code > 13 && code < 32)) control++;
  }
  return control > text.length * 0.01;
}

function textFormat(sample: string, extension: string): FileFormat {
  if (['.json', '.ndjson', '.jsonl'].includes(extension)) return 'json';
  const start = sample.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'json';
  const lines = start.split(/\r?\n/).filter((line) => line.trim() !== '').slice(0, 5);
  // Whitespace logs (CDNOW): no delimiter character, and every line splits on runs of blanks into the same count.
  const widths = lines.map((line) => line.trim().split(/[ \t]+/).length);
  const delimited = lines.some((line) => /[,;|\t]/.test(line));
  if (!delimited && lines.length >= 2 && (widths[0] ?? 0) >= 2 && widths.every((width) => width === widths[0])) return 'whitespace';
  return 'csv';
}

/** Reads a file's head and decides how to read the rest; fails with E_FILE, E_FORMAT or E_ENCODING when it cannot. */
export async function probeFile(path: string, override?: EncodingName): Promise<FileProbe> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new CoreError('E_NOT_FOUND', `${path}: no such file (or a broken link)`, { file: path });
  // Devices, pipes and sockets (also behind a link) would block or never end.
  if (!info.isFile()) throw new CoreError('E_FILE', `${path}: not a regular file`, { file: path });
  if (info.size === 0) throw new CoreError('E_FILE', `${path}: the file is empty`, { file: path });
  const name = basename(path).toLowerCase();
  const head = await readHead(path, SAMPLE_BYTES);
  const base = { path, sizeBytes: info.size };
  const magic = head.subarray(0, 4).toString('latin1');
  if (magic === 'PAR1') return { ...base, format: 'parquet', compression: null, encoding: 'binary', needsTranscode: false, encodingNote: null, sample: head, sampleIsWhole: false };
  if (magic.startsWith('PK')) {
    if (!/\.(xlsx|xlsm)$/.test(name)) throw new CoreError('E_FORMAT', `${path}: a zip archive, not an export; unzip it first (xlsx files need the .xlsx name)`, { file: path });
    return { ...base, format: 'xlsx', compression: null, encoding: 'binary', needsTranscode: false, encodingNote: null, sample: head, sampleIsWhole: false };
  }
  if (/\.(xlsx|xlsm)$/.test(name)) throw new CoreError('E_FORMAT', `${path}: not an xlsx workbook (no zip signature)`, { file: path });
  if (name.endsWith('.xls')) throw new CoreError('E_FORMAT', `${path}: old binary .xls is not supported; save it as .xlsx or .csv`, { file: path });

  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const { sample, whole } = gzip ? await readGzipHead(path, SAMPLE_BYTES) : { sample: head, whole: info.size <= SAMPLE_BYTES };
  if (sample.length === 0) throw new CoreError('E_FILE', `${path}: the file is empty`, { file: path });
  const { encoding, note } = detectEncoding(path, sample, whole, override);
  const text = iconv.decode(whole ? sample : encoding === 'utf-8' ? cutAtCharBoundary(sample) : sample, encoding);
  if (looksBinary(text)) throw new CoreError('E_FILE', `${path}: not a text export (binary content)`, { file: path });
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new CoreError('E_FILE', `${path}: the file is empty`, { file: path });
  const extension = extname(gzip ? name.replace(/\.gz$/, '') : name);
  return {
    ...base,
    format: textFormat(text, extension),
    compression: gzip ? 'gzip' : null,
    encoding,
    // DuckDB reads UTF-8 (and strips its BOM) itself; everything else is transcoded first.
    needsTranscode: encoding !== 'utf-8',
    encodingNote: note,
    sample,
    sampleIsWhole: whole,
  };
}

/** A file as the probe stage hands it on: its probe, its place in the import and its head as text. */
export interface ProbedFile extends FileProbe {
  /** Position in the import (folders expanded); it keeps the import's temporary names apart. */
  position: number;
  /** The text formats' head decoded in the file's encoding (cut at a character boundary unless whole); '' for xlsx and Parquet. */
  headText: string;
}

/**
 * The probe stage: every input (folders expanded) probed, and the head of every delimited text
 * judged against the line and column limits before any sniffing, which is where they cost.
 */
export async function probeFiles(inputs: readonly string[], options: { encoding?: EncodingName; limits: IngestLimits }): Promise<ProbedFile[]> {
  const probed: ProbedFile[] = [];
  for (const [position, path] of (await expandInputs(inputs, options.limits)).entries()) {
    const probe = await probeFile(path, options.encoding);
    const encoding = probe.encoding === 'binary' ? 'utf-8' : probe.encoding;
    const binary = probe.format === 'xlsx' || probe.format === 'parquet';
    const headText = binary ? '' : iconv.decode(probe.sampleIsWhole ? probe.sample : cutAtCharBoundary(probe.sample), encoding);
    if (probe.format === 'csv' || probe.format === 'whitespace') {
      await checkSample(path, headText, probe.sampleIsWhole, probe.format, probe.needsTranscode ? null : { gzip: probe.compression === 'gzip' }, options.limits);
    }
    probed.push({ ...probe, position, headText });
  }
  return probed;
}
