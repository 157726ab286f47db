// The HTTP host's static side: security headers on every file, 400 (not 500) for malformed escapes,
// and a one-line "not built" answer instead of an empty reply when the renderer has no build.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreHandle } from '../../src/api/contract.ts';
import { APP_CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../src/api/security.ts';
import { notBuiltMessage, startHttpHost, TOKEN_HEADER, type HttpHost } from '../../src/host/http.ts';

/** The static side never reaches the core; a handle that only subscribes is enough. */
const idleCore = { on: () => () => undefined } as unknown as CoreHandle;

/** A raw GET, so paths reach the server exactly as written (fetch would normalise them). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}`, { path, method: path.startsWith('/api/call/') ? 'POST' : 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http host: static files', () => {
  let dir: string;
  let host: HttpHost;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-static-'));
    mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'dist', 'assets', 'app.js'), 'console.log(1)');
    host = await startHttpHost({ core: idleCore, staticDir: join(dir, 'dist'), uploadDir: join(dir, 'uploads') });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/', '/index.html', '/assets/app.js', '/some/route'])('%s carries the CSP and the frame and sniffing headers', async (path) => {
    const reply = await rawGet(host.url, path);
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      'content-security-policy': APP_CONTENT_SECURITY_POLICY,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(reply.body.length).toBeGreaterThan(0);
  });

  it('answers a malformed escape with 400 E_ARGS, in a static path and in a method name', async () => {
    const page = await rawGet(host.url, '/%E0%A4%A');
    expect(page.status).toBe(400);
    expect(JSON.parse(page.body)).toMatchObject({ ok: false, error: { code: 'E_ARGS' } });
    const call = await rawGet(host.url, '/api/call/%E0%A4%A', { [TOKEN_HEADER]: host.token });
    expect(call.status).toBe(400);
    expect(call.headers['x-frame-options']).toBe('DENY');
  });

  it('says in one line how to build the UI when the folder has no build, instead of an empty reply', async () => {
    rmSync(join(dir, 'dist', 'index.html'));
    for (const path of ['/', '/missing.js']) {
      const reply = await rawGet(host.url, path);
      expect(reply.status).toBe(503);
      expect(reply.body).toBe(`${notBuiltMessage(join(dir, 'dist'))}\n`);
      expect(reply.body).toContain('npm run build:renderer');
    }
  });
});

describe('one Content-Security-Policy for the page', () => {
  it("renderer/index.html's meta tag says what the hosts send", () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', '..', 'renderer', 'index.html'), 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`);
  });
});
