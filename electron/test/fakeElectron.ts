// A stand-in for the `electron` module (the binary cannot run here): records what main and preload
// ask of it so tests can check window options, handlers and security rules.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: (() => { action: string }) | null = null;
  setWindowOpenHandler(handler: () => { action: string }) {
    this.windowOpenHandler = handler;
  }
  postMessage = vi.fn();
  send = vi.fn();
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadURL = vi.fn(async () => undefined);
  show = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
}

export const handlers = new Map<string, (...args: unknown[]) => unknown>();
export const ipcRendererListeners = new Map<string, (...args: unknown[]) => void>();
export const exposed = new Map<string, unknown>();
export const permissionHandlers: { request?: (...args: unknown[]) => void; check?: () => boolean } = {};

export function fakeElectronModule() {
  return {
    BrowserWindow: FakeBrowserWindow,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => (permissionHandlers.request = handler),
        setPermissionCheckHandler: (handler: () => boolean) => (permissionHandlers.check = handler),
      },
    },
    ipcMain: { handle: (channel: string, handler: (...args: unknown[]) => unknown) => handlers.set(channel, handler) },
    ipcRenderer: {
      on: (channel: string, listener: (...args: unknown[]) => void) => ipcRendererListeners.set(channel, listener),
      invoke: vi.fn(async (channel: string) => ({ ok: true, value: [`picked by ${channel}`] })),
      removeListener: (channel: string) => ipcRendererListeners.delete(channel),
    },
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    net: { fetch: vi.fn() },
    utilityProcess: { fork: vi.fn() },
    MessageChannelMain: class {},
  };
}
