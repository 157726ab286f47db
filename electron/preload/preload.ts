// The only bridge between the page and the rest of the app: `invoke` (core verbs checked against
// CORE_METHODS, plus the shell verbs) and `on` (core events, menu commands). Nothing else crosses.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCoreMethod, type CoreEvent, type Envelope } from '../../core/src/api/index.ts';
import { CORE_PORT_CHANNEL, MENU_CHANNEL, SHELL_METHODS, type PortCall, type PortMessage } from '../protocol.ts';

type Listener = (payload: unknown) => void;

function refuse(code: 'E_UNKNOWN_METHOD' | 'E_ARGS', message: string): Envelope {
  return { ok: false, error: { code, message } };
}

/** The answer of a call whose core went away before replying (it stopped, or is being restarted). */
export const CORE_LOST: Envelope = { ok: false, error: { code: 'E_INTERNAL', message: 'the analysis engine stopped before answering; try again' } };

type Settle = (envelope: Envelope) => void;

export function createBridge(ipc: Pick<typeof ipcRenderer, 'on' | 'invoke' | 'removeListener'>) {
  let port: MessagePort | null = null;
  /** True once a port was lost and no new one came yet: calls fail at once instead of queueing. */
  let lost = false;
  let nextId = 0;
  /** Calls made before the first port arrived; sent when it does. */
  const waiting: { call: PortCall; settle: Settle }[] = [];
  /** Calls sent on the current port, waiting for its reply. */
  const pending = new Map<number, Settle>();
  const coreListeners = new Set<(event: CoreEvent) => void>();

  const send = (connected: MessagePort, call: PortCall, settle: Settle) => {
    pending.set(call.id, settle);
    connected.postMessage(call);
  };

  /** The core behind the current port will answer nothing more: its calls get CORE_LOST, not a forever-wait. */
  const dropPort = () => {
    port?.close();
    port = null;
    for (const settle of pending.values()) settle(CORE_LOST);
    pending.clear();
  };

  // A port from main connects the page to a (new) core; a message without one says the core is gone.
  ipc.on(CORE_PORT_CHANNEL, (event: IpcRendererEvent) => {
    const [received] = event.ports;
    dropPort();
    lost = !received;
    if (!received) return;
    port = received;
    received.onmessage = ({ data }: MessageEvent<PortMessage>) => {
      if (data.kind === 'reply') {
        pending.get(data.id)?.(data.envelope);
        pending.delete(data.id);
      } else {
        for (const listener of coreListeners) listener(data.event);
      }
    };
    // The other end closed (the core process exited).
    received.addEventListener('close', () => {
      if (port !== received) return;
      dropPort();
      lost = true;
    });
    for (const { call, settle } of waiting.splice(0)) send(received, call, settle);
  });

  return {
    invoke(method: unknown, request: unknown): Promise<Envelope> {
      if ((SHELL_METHODS as readonly unknown[]).includes(method)) return ipc.invoke(method as string, request) as Promise<Envelope>;
      if (!isCoreMethod(method)) return Promise.resolve(refuse('E_UNKNOWN_METHOD', `unknown method: ${String(method)}`));
      if (request === null || typeof request !== 'object') return Promise.resolve(refuse('E_ARGS', `${method}: the request must be an object`));
      if (lost) return Promise.resolve(CORE_LOST);
      const call: PortCall = { id: ++nextId, method, request };
      return new Promise((settle) => {
        if (port) send(port, call, settle);
        else waiting.push({ call, settle });
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
