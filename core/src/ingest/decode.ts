// Streaming byte work in JavaScript: the file digest, line counts, and transcoding to UTF-8.
//
// These are the only per-byte loops of the import path, and they run on buffers, never on rows:
// hashing and newline counting use native code (crypto, Buffer.indexOf), decoding uses the
// platform's ICU decoder (TextDecoder) when it knows the encoding and iconv-lite otherwise.
// ICU decodes GB18030 about twice as fast as iconv-lite, and decoding is most of a GBK import's
// extra cost. Memory stays flat: one chunk at a time, with back-pressure.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import type { EncodingName } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';

const CHUNK = 1 << 20;

export interface Digest {
  sha256: string;
  /** Newline characters in the (decompressed, decoded) text: an upper bound of its records. */
  newlines: number;
  /** True when the text does not end with a newline (its last line still holds a record). */
  unterminated: boolean;
}

/** Counts bytes as they pass; calls `onBytes` with the running total. */
function tap(hash: Hash, onBytes: (bytes: number) => void, signal: AbortSignal): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (signal.aborted) return callback(new CoreError('E_CANCELLED', 'cancelled'));
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(bytes);
      callback(null, chunk);
    },
  });
}

/** Counts newline bytes of UTF-8 text passing through (LF, so CRLF counts once). */
class NewlineCounter extends Transform {
  newlines = 0;
  last = 0x0a;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let index = chunk.indexOf(0x0a);
    while (index !== -1) {
      this.newlines++;
      index = chunk.indexOf(0x0a, index + 1);
    }
    if (chunk.length > 0) this.last = chunk[chunk.length - 1] ?? this.last;
    callback(null, chunk);
  }
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
}

/** SHA-256 of the file's bytes and the newline count of its (decompressed) content, in one streaming pass. */
export async function digestFile(path: string, gzip: boolean, options: StreamOptions): Promise<Digest> {
  const hash = createHash('sha256');
  const counter = new NewlineCounter();
  const stages = [tap(hash, options.onBytes, options.signal), ...(gzip ? [createGunzip()] : []), counter];
  await runPipeline(path, stages, new Writable({ write: (_chunk, _encoding, callback) => callback() }), options.signal);
  return { sha256: hash.digest('hex'), newlines: counter.newlines, unterminated: counter.last !== 0x0a };
}

/** Writes the file's text as UTF-8 to `target` (gunzipping first when needed); returns the digest of the original bytes. */
export async function transcodeToUtf8(path: string, target: string, encoding: EncodingName, gzip: boolean, options: StreamOptions): Promise<Digest> {
  const hash = createHash('sha256');
  const counter = new NewlineCounter();
  const stages = [tap(hash, options.onBytes, options.signal), ...(gzip ? [createGunzip()] : []), utf8Decoder(encoding), counter];
  await runPipeline(path, stages, createWriteStream(target), options.signal, options.headBytes);
  return { sha256: hash.digest('hex'), newlines: counter.newlines, unterminated: counter.last !== 0x0a };
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
