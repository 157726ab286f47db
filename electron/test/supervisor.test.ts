// CoreSupervisor on its own: restarts counted per minute, stop() ends supervision, and a print
// answered after its core exited goes nowhere.
import { describe, expect, it, vi } from 'vitest';
import type { WorkspaceChoice } from '../protocol.ts';
import { FakeUtilityProcess } from './fakeElectron.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).fakeElectronModule());
const { CoreSupervisor } = await import('../main/coreProcess.ts');

function supervised(now: () => number, print: () => Promise<Uint8Array> = async () => new Uint8Array([1])) {
  const children: FakeUtilityProcess[] = [];
  const hooks = {
    start: vi.fn((open: WorkspaceChoice) => {
      const child = new FakeUtilityProcess('worker.mjs', { open });
      children.push(child);
      return child as never;
    }),
    page: () => null,
    restarted: vi.fn(),
    gaveUp: vi.fn(),
    openFailed: vi.fn(),
    print: vi.fn(print),
  };
  const supervisor = new CoreSupervisor({ kind: 'default' }, hooks, now);
  supervisor.start();
  return { supervisor, hooks, children };
}

describe('CoreSupervisor', () => {
  it('keeps restarting a core that exits now and then, and gives up on one that exits 4 times in a minute', () => {
    let clock = 0;
    const { hooks, children } = supervised(() => clock);
    for (let exit = 0; exit < 6; exit++) {
      clock += 61_000;
      children.at(-1)!.emit('exit', 1);
    }
    expect(hooks.restarted).toHaveBeenCalledTimes(6);
    expect(hooks.gaveUp).not.toHaveBeenCalled();
    // Four exits within one minute: three restarts, then no more.
    for (let exit = 0; exit < 4; exit++) {
      clock += exit === 0 ? 61_000 : 1_000;
      children.at(-1)!.emit('exit', 9);
    }
    expect(hooks.restarted).toHaveBeenCalledTimes(9);
    expect(hooks.gaveUp).toHaveBeenCalledWith(9);
    expect(children).toHaveLength(10);
  });

  it('does not restart after stop (the app is quitting), and kills the core', () => {
    const { supervisor, hooks, children } = supervised(() => 0);
    supervisor.stop();
    expect(children[0]!.killed).toBe(true);
    children[0]!.emit('exit', 0);
    expect(hooks.start).toHaveBeenCalledTimes(1);
    expect(hooks.restarted).not.toHaveBeenCalled();
  });

  it('reopens the workspace opened last', () => {
    const { supervisor, hooks, children } = supervised(() => 0);
    supervisor.opened('/w/b.duckdb');
    children[0]!.emit('exit', 1);
    expect(hooks.start).toHaveBeenLastCalledWith({ kind: 'file', path: '/w/b.duckdb' });
  });

  it('answers a print only to the core that asked, and not after that core exited', async () => {
    let finish: (pdf: Uint8Array) => void = () => undefined;
    const { children } = supervised(() => 0, () => new Promise<Uint8Array>((resolve) => (finish = resolve)));
    const first = children[0]!;
    first.emit('message', { type: 'print', id: 1, job: {} });
    first.emit('exit', 1);
    finish(new Uint8Array([37]));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(first.posted.map((entry) => (entry.message as { type: string }).type)).not.toContain('printed');
  });
});
