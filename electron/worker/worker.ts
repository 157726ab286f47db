// The core's utility process: opens the workspace, then serves each window's MessagePort with
// core's dispatcher. All DuckDB work happens here, never in main or the renderer.
import { join } from 'node:path';
import type { MessagePortMain } from 'electron';
import { createDispatcher, type CoreHandle } from '../../core/src/api/index.ts';
import { createCore, type Core } from '../../core/src/host/core.ts';
import { ensureSampleWorkspace } from '../../core/src/host/sample.ts';
import type { PortCall, PortMessage, WorkerCommand, WorkspaceChoice } from '../protocol.ts';

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

export function runWorker(parentPort: Electron.ParentPort, open: (command: Extract<WorkerCommand, { type: 'start' }>) => Promise<Core>): void {
  let core: Promise<Core> | null = null;
  parentPort.on('message', ({ data, ports }: { data: WorkerCommand; ports: MessagePortMain[] }) => {
    if (data.type === 'start') core = open(data);
    else if (data.type === 'connect' && core && ports[0]) {
      const port = ports[0];
      void core.then((ready) => servePort(ready, port));
    }
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

if (process.parentPort) {
  runWorker(process.parentPort, async ({ open, dataDir }) => createCore({ workspace: await workspaceFor(open, dataDir) }));
}
