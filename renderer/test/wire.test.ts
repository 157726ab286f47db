// @vitest-environment happy-dom
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it, vi } from 'vitest';
import { createClient, CoreError } from '../../core/src/api/index.ts';
import { httpWire, takeToken, TOKEN_HEADER } from '../src/client/httpWire.ts';
import { ipcWire, type ChurnwbBridge } from '../src/client/ipcWire.ts';

describe('http wire', () => {
  it('posts to /api/call/<method> with the token and decodes JSON envelopes', async () => {
    const fetchImpl = vi.fn(async (_url: URL | RequestInfo, _init?: RequestInit) =>
      new Response(JSON.stringify({ ok: true, value: { orders: 3 } }), { headers: { 'content-type': 'application/json' } }),
    );
    const client = createClient(httpWire('http://127.0.0.1:9/', 'secret', fetchImpl));
    await expect(client.describeWorkspace({})).resolves.toEqual({ orders: 3 });
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(String(url)).toBe('http://127.0.0.1:9/api/call/describeWorkspace');
    expect((init?.headers as Record<string, string>)[TOKEN_HEADER]).toBe('secret');
  });

  it('turns an Arrow stream reply into the bytes the verb returns', async () => {
    const bytes = tableToIPC(tableFromArrays({ line: Int32Array.from([7]) }), 'stream');
    const fetchImpl = async () => new Response(new Blob([bytes.slice()]), { headers: { 'content-type': 'application/vnd.apache.arrow.stream' } });
    const client = createClient(httpWire('http://127.0.0.1:9/', 't', fetchImpl));
    const table = tableFromIPC(await client.rejects({}));
    expect(table.getChild('line')?.get(0)).toBe(7);
  });

  it('rebuilds errors as CoreError with their code', async () => {
    const fetchImpl = async () =>
      new Response(JSON.stringify({ ok: false, error: { code: 'E_AUTH', message: 'missing or wrong token' } }), { status: 401 });
    const client = createClient(httpWire('http://127.0.0.1:9/', 't', fetchImpl));
    const error = await client.describeWorkspace({}).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_AUTH');
  });

  it('takes the token from the URL into sessionStorage and out of the address bar', () => {
    history.replaceState(null, '', '/?token=abc#/data');
    expect(takeToken(location, sessionStorage, history)).toBe('abc');
    expect(location.search).toBe('');
    expect(location.hash).toBe('#/data');
    expect(takeToken(location, sessionStorage, history)).toBe('abc');
  });
});

describe('ipc wire', () => {
  it('calls through the bridge and listens on core-event', async () => {
    const invoke = vi.fn(async () => ({ ok: true as const, value: { cancelled: true } }));
    const on = vi.fn(() => () => undefined);
    const client = createClient(ipcWire({ invoke, on } as unknown as ChurnwbBridge));
    await expect(client.cancel({ taskId: 'x' })).resolves.toEqual({ cancelled: true });
    expect(invoke).toHaveBeenCalledWith('cancel', { taskId: 'x' });
    client.on(() => undefined);
    expect(on).toHaveBeenCalledWith('core-event', expect.any(Function));
  });
});
