import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError, CORE_METHODS, createDispatcher } from '../src/api/index.ts';
import { openTestCore, type TestCore } from './helpers/core.ts';

describe('rpc over the loopback wire', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await openTestCore();
  });
  afterEach(async () => t.close());

  it('describes a new workspace through a structuredClone boundary', async () => {
    const info = await t.client.describeWorkspace({});
    expect(info.orders).toBe(0);
    expect(info.dateRange).toBeNull();
    expect(info.tables.map((table) => table.name)).toEqual(['orders', 'order_lines', 'credit_notes', 'tickets', 'customers', 'rejects', 'sources', 'settings']);
  });

  it('rebuilds errors as CoreError with their code', async () => {
    const error = await t.client.cancel({ taskId: 42 as unknown as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_ARGS');
  });

  it('refuses unknown methods and non-object requests as data', async () => {
    const dispatch = createDispatcher(t.core);
    expect(await dispatch('constructor', {})).toEqual({ ok: false, error: { code: 'E_UNKNOWN_METHOD', message: 'unknown method: constructor' } });
    const envelope = await dispatch('describeWorkspace', 'x');
    expect(envelope.ok).toBe(false);
    expect(!envelope.ok && envelope.error.code).toBe('E_ARGS');
  });

  it('lists every implemented verb in CORE_METHODS', () => {
    for (const method of CORE_METHODS) expect(typeof t.core[method]).toBe('function');
    expect(new Set(CORE_METHODS).size).toBe(CORE_METHODS.length);
  });

  it('returns tables as Arrow bytes', async () => {
    const bytes = await t.client.rejects({});
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBeGreaterThan(0);
  });
});
