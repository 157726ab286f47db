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
