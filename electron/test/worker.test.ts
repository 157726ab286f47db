import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { CoreEventListener, CoreHandle } from '../../core/src/api/index.ts';
import type { PortMessage } from '../protocol.ts';

vi.mock('electron', () => ({}));
const { servePort } = await import('../worker/worker.ts');

class FakePortMain extends EventEmitter {
  sent: PortMessage[] = [];
  postMessage(message: PortMessage) {
    this.sent.push(message);
  }
  start = vi.fn();
}

describe('core worker', () => {
  it('answers calls on a window port with core envelopes, forwards events, and stops forwarding when the port closes', async () => {
    const listeners = new Set<CoreEventListener>();
    const core = {
      on: (listener: CoreEventListener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      describeWorkspace: async () => ({ orders: 0, customers: 0 }),
    } as unknown as CoreHandle;
    const port = new FakePortMain();
    servePort(core, port as never);
    expect(port.start).toHaveBeenCalled();
    port.emit('message', { data: { id: 1, method: 'describeWorkspace', request: {} } });
    port.emit('message', { data: { id: 2, method: 'dropEverything', request: {} } });
    await vi.waitFor(() => expect(port.sent).toHaveLength(2));
    const byId = new Map(port.sent.map((message) => [message.kind === 'reply' ? message.id : 0, message]));
    expect(byId.get(1)).toMatchObject({ kind: 'reply', envelope: { ok: true, value: { orders: 0, customers: 0 } } });
    expect(byId.get(2)).toMatchObject({ kind: 'reply', envelope: { ok: false, error: { code: 'E_UNKNOWN_METHOD' } } });

    listeners.forEach((listener) => listener({ type: 'log', level: 'info', message: 'hello' }));
    expect(port.sent.at(-1)).toEqual({ kind: 'event', event: { type: 'log', level: 'info', message: 'hello' } });
    port.emit('close');
    expect(listeners.size).toBe(0);
  });
});

/** A parent port: main's side of the utility process channel. */
class FakeParentPort extends EventEmitter {
  reports: unknown[] = [];
  postMessage(message: unknown) {
    this.reports.push(message);
  }
}

describe('core worker lifetime', () => {
  it('a workspace that cannot be opened answers every call with the error and tells main, instead of never answering', async () => {
    const { runWorker } = await import('../worker/worker.ts');
    const parent = new FakeParentPort();
    const failure = new Error('Could not set lock on file "/w/shop.duckdb"');
    runWorker(parent as never, async () => {
      throw failure;
    });
    parent.emit('message', { data: { type: 'start', open: { kind: 'file', path: '/w/shop.duckdb' }, dataDir: '/d' }, ports: [] });
    const port = new FakePortMain();
    parent.emit('message', { data: { type: 'connect' }, ports: [port] });
    await vi.waitFor(() => expect(port.start).toHaveBeenCalled());
    port.emit('message', { data: { id: 1, method: 'describeWorkspace', request: {} } });
    port.emit('message', { data: { id: 2, method: 'cohortRetention', request: {} } });
    expect(port.sent).toEqual([
      { kind: 'reply', id: 1, envelope: { ok: false, error: { code: 'E_INTERNAL', message: 'Could not set lock on file "/w/shop.duckdb"' } } },
      { kind: 'reply', id: 2, envelope: { ok: false, error: { code: 'E_INTERNAL', message: 'Could not set lock on file "/w/shop.duckdb"' } } },
    ]);
    expect(parent.reports).toEqual([{ type: 'open-failed', error: { code: 'E_INTERNAL', message: 'Could not set lock on file "/w/shop.duckdb"' } }]);
  });

  it("hands the core a printer that asks main to print, with the CLI's page layout, and settles on main's answer", async () => {
    const { runWorker } = await import('../worker/worker.ts');
    const parent = new FakeParentPort();
    let printer: ((html: string, paper: 'A4' | 'Letter', footer: string) => Promise<Uint8Array>) | undefined;
    runWorker(parent as never, async (_command, print) => {
      printer = print;
      return {} as never;
    });
    parent.emit('message', { data: { type: 'start', open: { kind: 'default' }, dataDir: '/d' }, ports: [] });
    await vi.waitFor(() => expect(printer).toBeDefined());
    const printed = printer!('<html>report</html>', 'A4', 'Churn Workbench · Q3');
    const failed = printer!('<html>other</html>', 'Letter', 'x');
    const [first, second] = parent.reports as { type: string; id: number; job: Record<string, unknown> }[];
    expect(first).toMatchObject({ type: 'print', job: { html: '<html>report</html>', pageSize: 'A4', width: 680, readyTimeoutMs: 60_000 } });
    // 15 mm sides and top, 18 mm bottom, in inches.
    expect(first!.job.margins).toEqual({ top: 15 / 25.4, right: 15 / 25.4, bottom: 18 / 25.4, left: 15 / 25.4 });
    expect(first!.job.footerTemplate).toContain('Churn Workbench · Q3');
    parent.emit('message', { data: { type: 'printed', id: first!.id, pdf: new Uint8Array([37, 80, 68, 70]) }, ports: [] });
    parent.emit('message', { data: { type: 'print-failed', id: second!.id, error: { code: 'E_INTERNAL', message: 'no printer' } }, ports: [] });
    await expect(printed).resolves.toEqual(new Uint8Array([37, 80, 68, 70]));
    await expect(failed).rejects.toMatchObject({ code: 'E_INTERNAL', message: 'no printer' });
  });
});
