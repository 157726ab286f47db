// What crosses between the window, the main process and the core's utility process.
import type { CoreEvent, Envelope, ErrorData, PaperSize } from '../core/src/api/index.ts';

/** The app's own origin: the renderer is served from it, and IPC from any other frame is refused. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://workbench`;

/** Verbs the preload routes to the main process instead of the core (native dialogs). */
export const SHELL_METHODS = ['shell:pickFiles'] as const;
export type ShellMethod = (typeof SHELL_METHODS)[number];

/** IPC channels from main to the window. */
export const CORE_PORT_CHANNEL = 'core-port';
export const MENU_CHANNEL = 'menu';

/** Window → core over the MessagePort. */
export interface PortCall {
  id: number;
  method: string;
  request: unknown;
}

/** Core → window over the MessagePort. */
export type PortMessage = { kind: 'reply'; id: number; envelope: Envelope } | { kind: 'event'; event: CoreEvent };

/** Main → utility process: start the core, connect a window's port, answer a print request. */
export type WorkerCommand =
  | { type: 'start'; open: WorkspaceChoice; dataDir: string }
  | { type: 'connect' }
  | { type: 'printed'; id: number; pdf: Uint8Array }
  | { type: 'print-failed'; id: number; error: ErrorData };

/**
 * Utility process → main: the workspace could not be opened (main tells the user), or a PDF to
 * print with Electron's Chromium (the utility process has no web contents of its own).
 */
export type WorkerReport =
  | { type: 'open-failed'; error: ErrorData }
  | { type: 'print'; id: number; job: PrintJob };

/** A report page to print to PDF (the layout comes from core/src/host/printer.ts's printLayout). */
export interface PrintJob {
  html: string;
  pageSize: PaperSize;
  /** CSS pixels: the page is laid out, and its charts drawn, at the printed width. */
  width: number;
  /** Inches. */
  margins: { top: number; right: number; bottom: number; left: number };
  footerTemplate: string;
  /** How long the page may take to set `html[data-charts-ready]`. */
  readyTimeoutMs: number;
}

/** What the core opens at start: a file, the default workspace, or the bundled sample built from `dir`. */
export type WorkspaceChoice = { kind: 'file'; path: string } | { kind: 'default' } | { kind: 'sample'; dir: string };
