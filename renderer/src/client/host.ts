// Where the UI runs: a browser tab on the HTTP host or an Electron window; picked once at start.
import type { ImportKind, Wire } from '../../../core/src/api/index.ts';
import { httpWire, takeToken, uploadFile } from './httpWire.ts';
import { ipcWire, type ChurnwbBridge, type MenuCommand } from './ipcWire.ts';

/** How the user hands files to the core: a browser uploads them, Electron passes paths. */
export type FileSource =
  | { kind: 'upload'; upload(file: File, onProgress: (loaded: number, total: number) => void): Promise<string> }
  | { kind: 'dialog'; pick(kind: ImportKind): Promise<string[]> };

export interface AppHost {
  kind: 'browser' | 'electron';
  wire: Wire;
  files: FileSource;
  /** Commands from the native menu; the browser has none. */
  onMenu(listener: (command: MenuCommand) => void): () => void;
}

declare global {
  interface Window {
    churnwb?: ChurnwbBridge;
  }
}

export function electronHost(bridge: ChurnwbBridge): AppHost {
  return {
    kind: 'electron',
    wire: ipcWire(bridge),
    files: {
      kind: 'dialog',
      async pick(kind) {
        const envelope = await bridge.invoke('shell:pickFiles', { kind });
        return envelope.ok ? (envelope.value as string[]) : [];
      },
    },
    onMenu: (listener) => bridge.on('menu', listener),
  };
}

export function browserHost(baseUrl: string, token: string): AppHost {
  return {
    kind: 'browser',
    wire: httpWire(baseUrl, token),
    files: { kind: 'upload', upload: (file, onProgress) => uploadFile(baseUrl, token, file, onProgress) },
    onMenu: () => () => undefined,
  };
}

/** Electron's preload defines `window.churnwb`; otherwise the page came from `churnwb serve`. */
export function detectHost(win: Window): AppHost | { missingToken: true } {
  if (win.churnwb) return electronHost(win.churnwb);
  const token = takeToken(win.location, win.sessionStorage, win.history);
  if (!token) return { missingToken: true };
  return browserHost(new URL('./', win.location.href).href, token);
}
