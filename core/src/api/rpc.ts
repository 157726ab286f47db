// RPC over a two-method Wire: the client every UI and host uses, and the dispatcher behind it.
import { CORE_METHODS, isCoreMethod, type CoreApi, type CoreHandle } from './contract.ts';
import { CoreError, toErrorData, type ErrorData } from './errors.ts';
import type { CoreEventListener } from './events.ts';

/** A call's outcome as it crosses a boundary: a value, or an error as data. */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: ErrorData };

/** The transport between a client and a core: IPC port, HTTP, or an in-process loopback. */
export interface Wire {
  call(method: string, request: unknown): Promise<Envelope>;
  listen(listener: CoreEventListener): () => void;
}

/** Builds a typed CoreApi whose every verb goes over `wire`; errors come back as CoreError. */
export function createClient(wire: Wire): CoreHandle {
  const client: Record<string, unknown> = {
    on: (listener: CoreEventListener) => wire.listen(listener),
  };
  for (const method of CORE_METHODS) {
    client[method] = async (request: unknown) => {
      const envelope = await wire.call(method, request ?? {});
      if (envelope.ok) return envelope.value;
      throw CoreError.fromData(envelope.error);
    };
  }
  return client as unknown as CoreHandle;
}

/**
 * The core side of a wire: checks the method and that the request is an object, and never throws.
 * The request's fields are checked by the core itself (createCore, against api/schemas.ts), so a
 * direct caller such as the CLI gets the same E_ARGS as a wire does.
 */
export function createDispatcher(api: CoreApi): (method: string, request: unknown) => Promise<Envelope> {
  return async (method, request) => {
    if (!isCoreMethod(method)) {
      return { ok: false, error: { code: 'E_UNKNOWN_METHOD', message: `unknown method: ${String(method)}` } };
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      return { ok: false, error: { code: 'E_ARGS', message: `${method}: the request must be an object` } };
    }
    try {
      const verb = api[method] as (arg: unknown) => Promise<unknown>;
      return { ok: true, value: await verb.call(api, request) };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  };
}

/**
 * An in-process wire that structuredClones every message both ways, so tests catch anything
 * that would not survive a real process boundary (functions, class instances, bigint in JSON).
 */
export function loopbackWire(core: CoreHandle): Wire {
  const dispatch = createDispatcher(core);
  return {
    async call(method, request) {
      const envelope = await dispatch(method, structuredClone(request));
      assertJsonSafe(envelope, method);
      return structuredClone(envelope);
    },
    listen(listener) {
      return core.on((event) => listener(structuredClone(event)));
    },
  };
}

/** Throws when a value holds something JSON and Arrow transports cannot carry. */
function assertJsonSafe(value: unknown, path: string): void {
  if (value === null || value instanceof Uint8Array) return;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CoreError('E_INTERNAL', `${path}: non-finite number ${value}`);
      return;
    case 'object':
      if (value instanceof Date) throw new CoreError('E_INTERNAL', `${path}: Date object (send ISO strings)`);
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) assertJsonSafe(item, `${path}.${key}`);
      }
      return;
    default:
      throw new CoreError('E_INTERNAL', `${path}: ${typeof value} cannot cross a process boundary`);
  }
}
