// A stand-in for the `electron` module (the binary cannot run here): records what main and preload
// ask of it so tests can check window options, handlers and security rules.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: (() => { action: string }) | null = null;
  setWindowOpenHandler(handler: () => { action: string }) {
    this.windowOpenHandler = handler;
  }
  postMessage = vi.fn();
  send = vi.fn();
  /** The page's answer to executeJavaScript (the print window's "charts drawn" wait). */
  executeJavaScript = vi.fn(async (_code: string) => true as unknown);
  /** Set to make the next printToPDF fail with this error. */
  static printFailure: Error | null = null;
  printToPDF = vi.fn(async (_options: Record<string, unknown>) => {
    const failure = FakeWebContents.printFailure;
    FakeWebContents.printFailure = null;
    if (failure) throw failure;
    return Buffer.from('%PDF-1.4 fake');
  });
  debugger = { attach: vi.fn(), sendCommand: vi.fn(async () => ({})) };
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  minimized = false;
  destroyed = false;
  loadURL = vi.fn(async () => undefined);
  loadFile = vi.fn(async (_path: string) => undefined);
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn(() => (this.minimized = false));
  isMinimized = () => this.minimized;
  isDestroyed = () => this.destroyed;
  destroy = vi.fn(() => (this.destroyed = true));
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
}

/** A utility process: records what main posts to it; tests emit its 'message' and 'exit'. */
export class FakeUtilityProcess extends EventEmitter {
  static forked: FakeUtilityProcess[] = [];
  posted: { message: unknown; ports: unknown[] }[] = [];
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly options: { env?: Record<string, string> } & Record<string, unknown>,
  ) {
    super();
    FakeUtilityProcess.forked.push(this);
  }
  postMessage(message: unknown, ports: unknown[] = []) {
    this.posted.push({ message, ports });
  }
  kill() {
    this.killed = true;
    return true;
  }
}

/** Request filters the print session installed, to ask what they let through. */
export const printSessions = new Map<string, { filter?: (details: { url: string }, callback: (answer: { cancel: boolean }) => void) => void }>();

/** The app object main uses; `lockHeld` decides what requestSingleInstanceLock answers. */
export class FakeApp extends EventEmitter {
  lockHeld = true;
  isPackaged = false;
  requestSingleInstanceLock = vi.fn(() => this.lockHeld);
  quit = vi.fn();
  whenReady = vi.fn(async () => undefined);
  private userDataFolder: string | null = null;
  /** A real folder, made on first use: main keeps its recent-workspaces list there. */
  get userData(): string {
    this.userDataFolder ??= mkdtempSync(join(tmpdir(), 'churnwb-fake-userdata-'));
    return this.userDataFolder;
  }
  getPath = vi.fn((_name: string) => this.userData);
  getLocale = () => 'en-US';
  getVersion = () => '0.0.0-test';
  addRecentDocument = vi.fn();
}
export const fakeApp = new FakeApp();
export const dialogCalls: { kind: string; args: unknown[] }[] = [];

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
      fromPartition: (partition: string) => {
        const entry = printSessions.get(partition) ?? {};
        printSessions.set(partition, entry);
        return { partition, webRequest: { onBeforeRequest: (filter: NonNullable<typeof entry.filter>) => (entry.filter = filter) } };
      },
    },
    app: fakeApp,
    dialog: {
      showMessageBox: vi.fn(async (...args: unknown[]) => (dialogCalls.push({ kind: 'messageBox', args }), { response: 0 })),
      showErrorBox: vi.fn((...args: unknown[]) => dialogCalls.push({ kind: 'errorBox', args })),
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
      showSaveDialog: vi.fn(async () => ({ canceled: true })),
    },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((template: unknown) => template) },
    ipcMain: { handle: (channel: string, handler: (...args: unknown[]) => unknown) => handlers.set(channel, handler) },
    ipcRenderer: {
      on: (channel: string, listener: (...args: unknown[]) => void) => ipcRendererListeners.set(channel, listener),
      invoke: vi.fn(async (channel: string) => ({ ok: true, value: [`picked by ${channel}`] })),
      removeListener: (channel: string) => ipcRendererListeners.delete(channel),
    },
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    net: { fetch: vi.fn() },
    utilityProcess: { fork: vi.fn((modulePath: string, _args: string[], options: Record<string, unknown>) => new FakeUtilityProcess(modulePath, options)) },
    MessageChannelMain: class {
      port1 = { name: 'port1' };
      port2 = { name: 'port2' };
    },
  };
}
