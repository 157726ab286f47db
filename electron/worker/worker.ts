// The core's utility process: opens the workspace, then serves each window's MessagePort with
// core's dispatcher. All DuckDB work happens here, never in main or the renderer. A workspace that
// cannot be opened is not a silent hang: every call on every port answers with that error, and main
// is told. PDFs are printed by main with Electron's Chromium (this process has no web contents).
import { join } from 'node:path';
import type { MessagePortMain } from 'electron';
import { CoreError, createDispatcher, toErrorData, type CoreHandle, type Envelope, type ErrorData } from '../../core/src/api/index.ts';
import { createCore, type Core } from '../../core/src/host/core.ts';
import { printLayout, withPdfPrinter, type PdfPrinter } from '../../core/src/host/printer.ts';
import { ensureSampleWorkspace } from '../../core/src/host/sample.ts';
import type { PortCall, PortMessage, WorkerCommand, WorkerReport, WorkspaceChoice } from '../protocol.ts';

/** Answers every call arriving on `port` and forwards core events to it until it closes. */
export function servePort(core: CoreHandle, port: MessagePortMain): void {
  const dispatch = createDispatcher(core);
  const send = (message: PortMessage) => port.postMessage(message);
  const unsubscribe = core.on((event) => send({ kind: 'event', event }));
  port.on('message', ({ data }: { data: PortCall }) => {
    void dispatch(data.method, data.request).then((envelope) => send({ kind: 'reply', id: data.id, envelope }));
  });
  port.on('close', unsubscribe);
  port.start();
}

/** Answers every call on `port` with the error that kept the core from starting. */
export function serveFailure(error: ErrorData, port: MessagePortMain): void {
  const envelope: Envelope = { ok: false, error };
  port.on('message', ({ data }: { data: PortCall }) => port.postMessage({ kind: 'reply', id: data.id, envelope } satisfies PortMessage));
  port.start();
}

type ParentPort = Pick<Electron.ParentPort, 'on' | 'postMessage'>;
type StartCommand = Extract<WorkerCommand, { type: 'start' }>;

/** A printer that asks main to print and waits for its answer (`printed` / `print-failed`). */
function mainPrinter(parentPort: ParentPort): { print: PdfPrinter; settle(command: WorkerCommand): void } {
  let nextId = 0;
  const waiting = new Map<number, { resolve(pdf: Uint8Array): void; reject(error: unknown): void }>();
  return {
    print: (html, paper, footer) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve, reject });
        parentPort.postMessage({ type: 'print', id, job: { html, ...printLayout(paper, footer) } } satisfies WorkerReport);
      }),
    settle(command) {
      if (command.type !== 'printed' && command.type !== 'print-failed') return;
      const call = waiting.get(command.id);
      waiting.delete(command.id);
      if (command.type === 'printed') call?.resolve(command.pdf);
      else call?.reject(new CoreError(command.error.code, command.error.message));
    },
  };
}

export function runWorker(parentPort: ParentPort, open: (command: StartCommand, print: PdfPrinter) => Promise<Core>): void {
  let core: Promise<Core> | null = null;
  const printer = mainPrinter(parentPort);
  parentPort.on('message', ({ data, ports }: { data: WorkerCommand; ports: MessagePortMain[] }) => {
    if (data.type === 'start') {
      core = open(data, printer.print);
      core.catch((error: unknown) => parentPort.postMessage({ type: 'open-failed', error: toErrorData(error) } satisfies WorkerReport));
    } else if (data.type === 'connect' && core && ports[0]) {
      const port = ports[0];
      core.then(
        (ready) => servePort(ready, port),
        (error: unknown) => serveFailure(toErrorData(error), port),
      );
    } else printer.settle(data);
  });
}

/** The workspace file a start command names; the sample is (re)built there first when needed. */
export async function workspaceFor(open: WorkspaceChoice, dataDir: string): Promise<string> {
  switch (open.kind) {
    case 'file':
      return open.path;
    case 'default':
      return join(dataDir, 'workspace.duckdb');
    case 'sample':
      return (await ensureSampleWorkspace(join(dataDir, 'sample.duckdb'), {}, open.dir)).path;
  }
}

/** The app's core: the chosen workspace, PDFs printed by main. */
export async function openCore({ open, dataDir }: StartCommand, print: PdfPrinter): Promise<Core> {
  return withPdfPrinter(await createCore({ workspace: await workspaceFor(open, dataDir) }), print);
}

if (process.parentPort) runWorker(process.parentPort, openCore);
