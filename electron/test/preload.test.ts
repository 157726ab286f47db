// The preload never leaves a call waiting for a core that is gone: calls in flight answer CORE_LOST
// when the port closes (the core process exited) or when main says the core is gone, and calls made
// while it is gone fail at once; a new port (the restarted core) serves calls again.
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).fakeElectronModule());
const { createBridge, CORE_LOST } = await import('../preload/preload.ts');

/** A bridge with its own IPC listeners, and a way to deliver main's core-port messages to it. */
function bridgeWithIpc() {
  const listeners = new Map<string, (event: { ports: MessagePort[] }) => void>();
  const ipc = {
    on: (channel: string, listener: (event: { ports: MessagePort[] }) => void) => listeners.set(channel, listener),
    invoke: vi.fn(),
    removeListener: vi.fn(),
  };
  const bridge = createBridge(ipc as never);
  return { bridge, deliver: (ports: MessagePort[]) => listeners.get('core-port')?.({ ports }) };
}

/** The core's end of a channel: answers nothing (a core that is busy, then dies). */
function silentCore() {
  const { port1, port2 } = new MessageChannel();
  const received: unknown[] = [];
  port1.onmessage = ({ data }) => received.push(data);
  return { core: port1, page: port2, received };
}

describe('preload bridge when the core goes away', () => {
  it('answers calls in flight with CORE_LOST when the port closes', async () => {
    const { bridge, deliver } = bridgeWithIpc();
    const { core, page, received } = silentCore();
    deliver([page]);
    const call = bridge.invoke('describeWorkspace', {});
    await vi.waitFor(() => expect(received).toHaveLength(1));
    core.close();
    await expect(call).resolves.toEqual(CORE_LOST);
    // While no core is connected, a new call fails at once instead of queueing forever.
    await expect(bridge.invoke('describeWorkspace', {})).resolves.toEqual(CORE_LOST);
  });

  it('answers calls in flight with CORE_LOST when main says the core is gone, and serves again on a new port', async () => {
    const { bridge, deliver } = bridgeWithIpc();
    const first = silentCore();
    deliver([first.page]);
    const lost = bridge.invoke('describeWorkspace', {});
    await vi.waitFor(() => expect(first.received).toHaveLength(1));
    deliver([]);
    await expect(lost).resolves.toEqual(CORE_LOST);

    const { port1, port2 } = new MessageChannel();
    port1.onmessage = ({ data }: MessageEvent<{ id: number }>) => port1.postMessage({ kind: 'reply', id: data.id, envelope: { ok: true, value: 'restarted' } });
    deliver([port2]);
    await expect(bridge.invoke('describeWorkspace', {})).resolves.toEqual({ ok: true, value: 'restarted' });
    port1.close();
    first.core.close();
  });

  it('a new port fails the calls sent on the old one (their core was replaced)', async () => {
    const { bridge, deliver } = bridgeWithIpc();
    const old = silentCore();
    deliver([old.page]);
    const call = bridge.invoke('describeWorkspace', {});
    await vi.waitFor(() => expect(old.received).toHaveLength(1));
    const replacement = silentCore();
    deliver([replacement.page]);
    await expect(call).resolves.toEqual(CORE_LOST);
    old.core.close();
    replacement.core.close();
  });

  it('calls made before the first port wait for it, then go to the core', async () => {
    const { bridge, deliver } = bridgeWithIpc();
    const early = bridge.invoke('describeWorkspace', {});
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = ({ data }: MessageEvent<{ id: number }>) => port1.postMessage({ kind: 'reply', id: data.id, envelope: { ok: true, value: 1 } });
    deliver([port2]);
    await expect(early).resolves.toEqual({ ok: true, value: 1 });
    port1.close();
  });
});
