// The worker's own opener (a real core) on a workspace DuckDB cannot open (a folder where the file should be):
// the window's calls answer with the core's error at once, and main is told, instead of waiting forever.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { PortMessage, WorkerCommand } from '../protocol.ts';

vi.mock('electron', () => ({}));
const { openCore, runWorker } = await import('../worker/worker.ts');

class FakePort extends EventEmitter {
  sent: PortMessage[] = [];
  postMessage(message: PortMessage) {
    this.sent.push(message);
  }
  start = vi.fn();
}

describe('core worker on a workspace that cannot be opened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-worker-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every call with the open error and reports it to main', async () => {
    const notAFile = join(dir, 'shop.duckdb');
    mkdirSync(notAFile);
    const parent = new EventEmitter() as EventEmitter & { reports: unknown[]; postMessage(message: unknown): void };
    parent.reports = [];
    parent.postMessage = (message) => parent.reports.push(message);
    runWorker(parent as never, openCore);
    const start: WorkerCommand = { type: 'start', open: { kind: 'file', path: notAFile }, dataDir: dir };
    parent.emit('message', { data: start, ports: [] });
    const port = new FakePort();
    parent.emit('message', { data: { type: 'connect' }, ports: [port] });
    await vi.waitFor(() => expect(parent.reports).toHaveLength(1), { timeout: 30_000 });
    const report = parent.reports[0] as { type: string; error: { code: string; message: string } };
    expect(report.type).toBe('open-failed');
    expect(report.error.message).toContain('shop.duckdb');

    await vi.waitFor(() => expect(port.start).toHaveBeenCalled());
    port.emit('message', { data: { id: 1, method: 'describeWorkspace', request: {} } });
    expect(port.sent).toEqual([{ kind: 'reply', id: 1, envelope: { ok: false, error: report.error } }]);
  });
});
