// Requests are checked against the contract before a handler sees them: a wrongly typed argument
// answers E_ARGS naming the field on every path into the core (direct calls as the CLI makes them,
// the dispatcher behind HTTP and Electron, the loopback client), never E_INTERNAL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_METHODS, CoreError, createDispatcher, decodeMessage, encodeMessage } from '../src/api/index.ts';
import { checkRequest, REQUEST_SCHEMAS } from '../src/api/schemas.ts';
import { startHttpHost, TOKEN_HEADER } from '../src/host/http.ts';
import { openTestCore, type TestCore } from './helpers/core.ts';

/** The request as a client would send it, whatever its declared type. */
const untyped = <T>(request: unknown) => request as T;

async function refusal(call: Promise<unknown>): Promise<CoreError> {
  const error = await call.then(
    () => new Error('expected E_ARGS, the call answered'),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(CoreError);
  return error as CoreError;
}

describe('request checks', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openTestCore({ inMemory: true });
  });
  afterAll(async () => t.close());

  const STATUSES_AS_TEXT = { message: 'statuses must be a list; got "completed"', details: { method: 'kpis', fields: [{ field: 'statuses', message: 'must be a list; got "completed"' }] } };

  it('a direct call (as the CLI makes it) answers E_ARGS naming the field', async () => {
    const error = await refusal(t.core.kpis(untyped({ statuses: 'completed' })));
    expect(error).toMatchObject({ code: 'E_ARGS', ...STATUSES_AS_TEXT });
  });

  it('the dispatcher (behind HTTP and Electron) answers the same as data', async () => {
    const dispatch = createDispatcher(t.core);
    expect(await dispatch('kpis', { statuses: 'completed' })).toEqual({ ok: false, error: { code: 'E_ARGS', ...STATUSES_AS_TEXT } });
  });

  it('the HTTP host answers the same', async () => {
    const host = await startHttpHost({ core: t.core, uploadDir: `${t.dir}/uploads` });
    try {
      const response = await fetch(`${host.url}api/call/kpis`, { method: 'POST', headers: { [TOKEN_HEADER]: host.token }, body: encodeMessage({ statuses: 'completed' }) });
      expect(decodeMessage(await response.text())).toEqual({ ok: false, error: { code: 'E_ARGS', ...STATUSES_AS_TEXT } });
    } finally {
      await host.close();
    }
  });

  it('names nested fields, list items, choices and missing fields', async () => {
    const cases: [Promise<unknown>, string][] = [
      [t.client.customerRows(untyped({ table: 'rfm', sort: [{ column: 5 }] })), 'sort.0.column must be a string; got 5'],
      [t.client.cohortRetention(untyped({ period: 'year' })), 'period must be one of day, week, month, quarter; got "year"'],
      [t.client.kpis(untyped({ statuses: ['completed', 'paid'] })), 'statuses.1 must be one of completed, cancelled, refunded, pending; got "paid"'],
      [t.client.openWorkspace(untyped({})), 'path must be a string; got nothing'],
      [t.client.cancel(untyped({ taskId: 42 })), 'taskId must be a string; got 42'],
      [t.client.survival(untyped({ source: { table: 'trial', durationColumn: 'months' } })), 'source.eventColumn must be a string; got nothing'],
    ];
    for (const [call, message] of cases) expect(await refusal(call)).toMatchObject({ code: 'E_ARGS', message });
    const scheme = await refusal(t.client.customerSegments(untyped({ scheme: 'clusters' })));
    expect(scheme.code).toBe('E_ARGS');
    expect(scheme.details).toMatchObject({ fields: [{ field: 'scheme' }] });
  });

  it('lets well-typed requests through, extra fields included', () => {
    expect(() => checkRequest('kpis', { statuses: ['completed'], windowDays: 30, taskId: 'k' })).not.toThrow();
    expect(() => checkRequest('describeWorkspace', {})).not.toThrow();
    expect(() => checkRequest('customerSegments', { scheme: 'shopper', keywords: { version: 1 } })).not.toThrow();
    expect(() => checkRequest('openWorkspace', { path: 'a.duckdb', note: 'ignored' })).not.toThrow();
  });

  it('has a schema for every verb of CORE_METHODS and no other', () => {
    expect(Object.keys(REQUEST_SCHEMAS).sort()).toEqual([...CORE_METHODS].sort());
  });
});
