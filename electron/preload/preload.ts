// The only bridge between the page and the rest of the app: `invoke` (core verbs checked against
// CORE_METHODS, plus the shell verbs) and `on` (core events, menu commands). Nothing else crosses.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCoreMethod, type CoreEvent, type Envelope } from '../../core/src/api/index.ts';
import { CORE_PORT_CHANNEL, MENU_CHANNEL, SHELL_METHODS, type PortCall, type PortMessage } from '../protocol.ts';

type Listener = (payload: unknown) => void;

function refuse(code: 'E_UNKNOWN_METHOD' | 'E_ARGS', message: string): Envelope {
  return { ok: false, error: { code, message } };
}

export function createBridge(ipc: Pick<typeof ipcRenderer, 'on' | 'invoke' | 'removeListener'>) {
  let port: MessagePort | null = null;
  let nextId = 0;
  const waiting: PortCall[] = [];
  const pending = new Map<number, (envelope: Envelope) => void>();
  const coreListeners = new Set<(event: CoreEvent) => void>();

  ipc.on(CORE_PORT_CHANNEL, (event: IpcRendererEvent) => {
    const [received] = event.ports;
    if (!received) return;
    port?.close();
    port = received;
    port.onmessage = ({ data }: MessageEvent<PortMessage>) => {
      if (data.kind === 'reply') {
        pending.get(data.id)?.(data.envelope);
        pending.delete(data.id);
      } else {
        for (const listener of coreListeners) listener(data.event);
      }
    };
    for (const call of waiting.splice(0)) port.postMessage(call);
  });

  return {
    invoke(method: unknown, request: unknown): Promise<Envelope> {
      if ((SHELL_METHODS as readonly unknown[]).includes(method)) return ipc.invoke(method as string, request) as Promise<Envelope>;
      if (!isCoreMethod(method)) return Promise.resolve(refuse('E_UNKNOWN_METHOD', `unknown method: ${String(method)}`));
      if (request === null || typeof request !== 'object') return Promise.resolve(refuse('E_ARGS', `${method}: the request must be an object`));
      const call: PortCall = { id: ++nextId, method, request };
      return new Promise((resolve) => {
        pending.set(call.id, resolve);
        if (port) port.postMessage(call);
        else waiting.push(call);
      });
    },
    on(channel: unknown, listener: Listener): () => void {
      if (channel === 'core-event') {
        coreListeners.add(listener);
        return () => coreListeners.delete(listener);
      }
      if (channel === 'menu') {
        const relay = (_event: IpcRendererEvent, command: unknown) => listener(command);
        ipc.on(MENU_CHANNEL, relay);
        return () => ipc.removeListener(MENU_CHANNEL, relay);
      }
      throw new Error(`unknown channel: ${String(channel)}`);
    },
  };
}

contextBridge.exposeInMainWorld('churnwb', createBridge(ipcRenderer));
