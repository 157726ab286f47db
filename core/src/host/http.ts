// The HTTP host: the core's API, its events and the built renderer, on 127.0.0.1 only.
//
//   POST /api/call/<method>   body: request (JSON, bytes as {"$bytes": base64}); header x-churnwb-token
//                             reply: Arrow IPC stream when the result is a table, else a JSON envelope
//   GET  /api/events?token=   Server-Sent Events: progress and log events
//   POST /api/upload?name=    body: a file's bytes (a browser cannot hand over a path); reply {path}
//   GET  /*                   the renderer's static files (index.html for unknown paths)
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { decodeMessage, encodeMessage } from '../api/codec.ts';
import type { CoreHandle } from '../api/contract.ts';
import type { ErrorData } from '../api/errors.ts';
import { createDispatcher, type Envelope } from '../api/rpc.ts';
import { APP_CONTENT_SECURITY_POLICY } from '../api/security.ts';

export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';
export const TOKEN_HEADER = 'x-churnwb-token';
const LOOPBACK = '127.0.0.1';
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export interface HttpHostOptions {
  core: CoreHandle;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default: a fresh random token per run. */
  token?: string;
  /** Built renderer to serve; omitted, only the API is served. */
  staticDir?: string;
  /** Where uploaded files are written. */
  uploadDir: string;
}

export interface HttpHost {
  url: string;
  /** The URL to open in a browser: `url` with the token in its query. */
  appUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Headers of every response: no MIME sniffing, never inside a frame of another page (clickjacking),
 * no referrer leaving with the token in the URL.
 */
const BASE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** Static files also carry the page's Content-Security-Policy, the same as the desktop app's. */
const STATIC_HEADERS = { ...BASE_HEADERS, 'content-security-policy': APP_CONTENT_SECURITY_POLICY } as const;

/** What the host says instead of an empty page when the renderer folder has no build in it. */
export function notBuiltMessage(staticDir: string): string {
  return `The workbench UI is not built in ${staticDir}: run \`npm run build:renderer\` in the checkout first.`;
}

/** A percent-decoded URL part, or null when its escapes are malformed (e.g. /%E0%A4%A). */
function decodePath(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const dispatch = createDispatcher(options.core);
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendEnvelope(response, 500, { ok: false, error: { code: 'E_INTERNAL', message: String(error) } });
      else response.destroy();
    });
  });

  function authorised(request: IncomingMessage, url: URL): boolean {
    const given = (request.headers[TOKEN_HEADER] as string | undefined) ?? url.searchParams.get('token') ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const port = (server.address() as AddressInfo).port;
    // A page on another origin that resolves its own name to 127.0.0.1 must not reach the API.
    const host = request.headers.host ?? '';
    if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`) {
      return sendEnvelope(response, 403, deny('E_AUTH', `host ${host} is not allowed`));
    }
    const url = new URL(request.url ?? '/', `http://${host}`);
    if (!url.pathname.startsWith('/api/')) return serveStatic(url, response);
    if (!authorised(request, url)) return sendEnvelope(response, 401, deny('E_AUTH', 'missing or wrong token'));

    if (request.method === 'POST' && url.pathname.startsWith('/api/call/')) {
      const method = decodePath(url.pathname.slice('/api/call/'.length));
      if (method === null) return sendEnvelope(response, 400, deny('E_ARGS', 'malformed escape in the URL'));
      const body = await readBody(request);
      let parsed: unknown;
      try {
        parsed = body.length ? decodeMessage(body) : {};
      } catch {
        return sendEnvelope(response, 400, deny('E_ARGS', 'the request body is not JSON'));
      }
      const envelope = await dispatch(method, parsed);
      if (envelope.ok && envelope.value instanceof Uint8Array) {
        response.writeHead(200, { ...BASE_HEADERS, 'content-type': ARROW_STREAM_TYPE, 'cache-control': 'no-store' });
        response.end(envelope.value);
        return;
      }
      return sendEnvelope(response, envelope.ok ? 200 : statusFor(envelope.error), envelope);
    }
    if (request.method === 'GET' && url.pathname === '/api/events') return streamEvents(request, response);
    if (request.method === 'POST' && url.pathname === '/api/upload') return receiveUpload(request, response, url);
    return sendEnvelope(response, 404, deny('E_NOT_FOUND', `no route ${request.method} ${url.pathname}`));
  }

  function streamEvents(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, { ...BASE_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(': connected\n\n');
    const unsubscribe = options.core.on((event) => response.write(`data: ${encodeMessage(event)}\n\n`));
    request.on('close', unsubscribe);
  }

  async function receiveUpload(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const name = basename(url.searchParams.get('name') ?? 'upload');
    const folder = join(options.uploadDir, randomBytes(8).toString('hex'));
    await mkdir(folder, { recursive: true });
    const target = join(folder, name);
    await pipeline(request, createWriteStream(target));
    sendEnvelope(response, 200, { ok: true, value: { path: target } });
  }

  async function serveStatic(url: URL, response: ServerResponse): Promise<void> {
    if (!options.staticDir) return sendEnvelope(response, 404, deny('E_NOT_FOUND', 'no renderer is served'));
    const root = resolve(options.staticDir);
    const path = decodePath(url.pathname);
    if (path === null) return sendEnvelope(response, 400, deny('E_ARGS', 'malformed escape in the URL'));
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) return sendEnvelope(response, 403, deny('E_AUTH', 'outside the app'));
    if (!(await isFile(file))) file = join(root, 'index.html');
    // Headers are only sent for a file that is there: a stream failing after them would be an empty reply.
    if (!(await isFile(file))) {
      response.writeHead(503, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      response.end(`${notBuiltMessage(root)}\n`);
      return;
    }
    response.writeHead(200, { ...STATIC_HEADERS, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    await pipeline(createReadStream(file), response);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, LOOPBACK, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${LOOPBACK}:${port}/`;
  return {
    url,
    appUrl: `${url}?token=${encodeURIComponent(token)}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

function deny(code: ErrorData['code'], message: string): Envelope {
  return { ok: false, error: { code, message } };
}

function statusFor(error: ErrorData): number {
  switch (error.code) {
    case 'E_AUTH':
      return 401;
    case 'E_UNKNOWN_METHOD':
    case 'E_NOT_FOUND':
      return 404;
    case 'E_INTERNAL':
      return 500;
    default:
      return 400;
  }
}

function sendEnvelope(response: ServerResponse, status: number, envelope: Envelope): void {
  response.writeHead(status, { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(encodeMessage(envelope));
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() === true;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
