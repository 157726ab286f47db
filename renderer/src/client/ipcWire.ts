// The IPC wire: the Electron window's way to the core, through the preload's `window.churnwb`.
import type { CoreEvent, Envelope, Wire } from '../../../core/src/api/index.ts';

/** A command of the native menu, relayed by the main process (electron/main/menu.ts). */
export type MenuCommand =
  | { action: 'openWorkspace'; path: string }
  | { action: 'saveWorkspaceAs'; path: string }
  | { action: 'import'; kind: 'orders' | 'tickets' }
  | { action: 'exportReport' }
  | { action: 'language'; language: string };

/** What the preload exposes (electron/preload/preload.ts keeps the same shape). */
export interface ChurnwbBridge {
  /** A core verb (checked against CORE_METHODS) or a shell verb such as `shell:pickFiles`. */
  invoke(method: string, request: unknown): Promise<Envelope>;
  on(channel: 'core-event', listener: (event: CoreEvent) => void): () => void;
  on(channel: 'menu', listener: (command: MenuCommand) => void): () => void;
}

export function ipcWire(bridge: ChurnwbBridge): Wire {
  return {
    call: (method, request) => bridge.invoke(method, request),
    listen: (listener) => bridge.on('core-event', listener),
  };
}
