import { tableFromIPC } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../src/api/index.ts';
import { ARROW_STREAM_TYPE, startHttpHost, TOKEN_HEADER, type HttpHost } from '../src/host/http.ts';
import { openTestCore, type TestCore } from './helpers/core.ts';

describe('http host', () => {
  let t: TestCore;
  let host: HttpHost;
  beforeEach(async () => {
    t = await openTestCore({ inMemory: true });
    host = await startHttpHost({ core: t.core, uploadDir: `${t.dir}/uploads` });
  });
  afterEach(async () => {
    await host.close();
    await t.close();
  });

  const call = (method: string, body: unknown, token = host.token) =>
    fetch(`${host.url}api/call/${method}`, { method: 'POST', headers: { [TOKEN_HEADER]: token }, body: encodeMessage(body) });

  it('listens on 127.0.0.1 with a random port and a token in the app URL', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.appUrl).toBe(`${host.url}?token=${encodeURIComponent(host.token)}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses calls without the token', async () => {
    const response = await call('describeWorkspace', {}, 'wrong');
    expect(response.status).toBe(401);
    expect(decodeMessage(await response.text())).toMatchObject({ ok: false, error: { code: 'E_AUTH' } });
  });

  it('answers JSON envelopes and Arrow streams', async () => {
    const info = decodeMessage(await (await call('describeWorkspace', {})).text());
    expect(info).toMatchObject({ ok: true, value: { orders: 0 } });
    const rejects = await call('rejects', {});
    expect(rejects.headers.get('content-type')).toBe(ARROW_STREAM_TYPE);
    const table = tableFromIPC(new Uint8Array(await rejects.arrayBuffer()));
    expect(table.schema.fields.map((field) => field.name)).toEqual(['file', 'line', 'column', 'raw', 'reason']);
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request(`${host.url}api/call/describeWorkspace`, { method: 'POST', headers: { host: 'evil.example:80', [TOKEN_HEADER]: host.token } }, (res) => resolve(res.statusCode ?? 0)).end('{}');
    });
    expect(status).toBe(403);
  });
});
