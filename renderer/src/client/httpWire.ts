// The HTTP wire: the browser's way to the core served by `churnwb serve` (core/src/host/http.ts).
import { decodeMessage, encodeMessage, type CoreEvent, type CoreEventListener, type Envelope, type Wire } from '../../../core/src/api/index.ts';

export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';
export const TOKEN_HEADER = 'x-churnwb-token';
const TOKEN_KEY = 'churnwb.token';

/**
 * Takes the token from `?token=` (then drops it from the address bar, so it does not end up
 * in screenshots or history) or from this tab's sessionStorage after a reload.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

function failure(message: string): Envelope {
  return { ok: false, error: { code: 'E_INTERNAL', message } };
}

/** Calls POST /api/call/<method>; an Arrow reply becomes the Uint8Array value it was. */
export function httpWire(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): Wire {
  const listeners = new Set<CoreEventListener>();
  let source: EventSource | null = null;

  function openEvents(): void {
    source = new EventSource(new URL(`api/events?token=${encodeURIComponent(token)}`, baseUrl));
    source.onmessage = (message: MessageEvent<string>) => {
      const event = decodeMessage(message.data) as CoreEvent;
      for (const listener of listeners) listener(event);
    };
  }

  return {
    async call(method, request) {
      let response: Response;
      try {
        response = await fetchImpl(new URL(`api/call/${encodeURIComponent(method)}`, baseUrl), {
          method: 'POST',
          headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' },
          body: encodeMessage(request),
        });
      } catch (error) {
        return failure(`the workbench server cannot be reached (${error instanceof Error ? error.message : String(error)})`);
      }
      if (response.headers.get('content-type') === ARROW_STREAM_TYPE) {
        return { ok: true, value: new Uint8Array(await response.arrayBuffer()) };
      }
      const text = await response.text();
      try {
        return decodeMessage(text) as Envelope;
      } catch {
        return failure(`HTTP ${response.status}: ${text.slice(0, 200)}`);
      }
    },
    listen(listener) {
      listeners.add(listener);
      if (!source) openEvents();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
}

/** Sends one file's bytes to POST /api/upload and resolves to the path the server wrote it to. */
export function uploadFile(baseUrl: string, token: string, file: File, onProgress: (loaded: number, total: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', new URL(`api/upload?name=${encodeURIComponent(file.name)}`, baseUrl));
    request.setRequestHeader(TOKEN_HEADER, token);
    request.upload.onprogress = (event) => onProgress(event.loaded, event.total);
    request.onerror = () => reject(new Error(`upload of ${file.name} failed`));
    request.onload = () => {
      const envelope = decodeMessage(request.responseText) as Envelope;
      if (envelope.ok) resolve((envelope.value as { path: string }).path);
      else reject(new Error(`${envelope.error.code}: ${envelope.error.message}`));
    };
    request.send(file);
  });
}
