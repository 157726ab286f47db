// @vitest-environment happy-dom
// Calls belong to the request and the workspace they were made for: after a workspace switch a
// screen never joins a call made for the previous workspace, a call nobody waits for any more is
// cancelled, and a page of a superseded sort never fills the rows of the new one.
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { tableFromArrays, type Table } from 'apache-arrow';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoreError, type KpisResult } from '../../core/src/api/index.ts';
import { useCall, useCoreContext } from '../src/client/hooks.ts';
import { usePagedSource } from '../src/components/pagedSource.ts';
import { fakeCore, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

/** A promise with its settle functions, so a test decides when a call answers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

/** A KpisResult that only names where it came from (the component shows `formula`). */
const answer = (formula: string) => ({ kpis: [{ key: 'customers', value: 1, numerator: null, denominator: null, formula }] }) as unknown as KpisResult;

/** A core whose `kpis` calls wait until the test answers them; `cancel` rejects the named call as the core would. */
function waitingCore() {
  const asked: { request: { taskId?: string; period?: string }; settle: ReturnType<typeof deferred<KpisResult>> }[] = [];
  const core = fakeCore({
    kpis: (request) => {
      const settle = deferred<KpisResult>();
      asked.push({ request, settle });
      return settle.promise;
    },
    cancel: async ({ taskId }) => {
      asked.find((call) => call.request.taskId === taskId)?.settle.reject(new CoreError('E_CANCELLED', `task ${taskId} was cancelled`));
      return { cancelled: true };
    },
  });
  return { core, asked };
}

function Kpis({ period }: { period: string }) {
  const kpis = useCall('kpis', { period: period as 'month' });
  const { workspaceChanged } = useCoreContext();
  return (
    <>
      <button type="button" onClick={workspaceChanged}>
        switch
      </button>
      <p data-testid="kpis">{kpis.error ? kpis.error.code : (kpis.value?.kpis[0]?.formula ?? 'loading')}</p>
    </>
  );
}

describe('useCall across workspaces and requests', () => {
  it('after a workspace switch asks the new workspace instead of joining the call made for the old one, and cancels that call', async () => {
    const { core, asked } = waitingCore();
    renderWith(<Kpis period="month" />, { core });
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'switch' }));
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    // the old workspace's call is let go: cancelled, and its answer (had it come) not shown
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'cancel').map((call) => call.request)).toEqual([{ taskId: asked[0]!.request.taskId }]));
    act(() => asked[1]!.settle.resolve(answer('new workspace')));
    expect((await screen.findByTestId('kpis')).textContent).toBe('new workspace');
  });

  it('cancels the call of a superseded request, and shows only the current one', async () => {
    const { core, asked } = waitingCore();
    const { rerender } = renderWith(<Kpis period="month" />, { core });
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    rerender(<Kpis period="week" />);
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    expect(asked[1]!.request).toMatchObject({ period: 'week' });
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'cancel').map((call) => call.request)).toEqual([{ taskId: asked[0]!.request.taskId }]));
    act(() => asked[1]!.settle.resolve(answer('weekly')));
    expect((await screen.findByText('weekly'))).toBeTruthy();
  });

  it('keeps a call shared by two components running while one of them still waits for it', async () => {
    const { core, asked } = waitingCore();
    function Two() {
      const [both, setBoth] = useState(true);
      return (
        <>
          <button type="button" onClick={() => setBoth(false)}>
            close one
          </button>
          <Kpis period="month" />
          {both && <Kpis period="month" />}
        </>
      );
    }
    renderWith(<Two />, { core });
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'close one' }));
    await act(async () => undefined);
    expect(core.calls.some((call) => call.method === 'cancel')).toBe(false);
    act(() => asked[0]!.settle.resolve(answer('shared')));
    expect((await screen.findByText('shared'))).toBeTruthy();
    expect(asked).toHaveLength(1);
  });
});

describe('usePagedSource across sorts', () => {
  /** Shows the first value of row 0, or "loading". */
  function FirstRow({ fetchPage }: { fetchPage: (offset: number, limit: number) => Promise<Table> }) {
    const paged = usePagedSource(3, fetchPage);
    const first = paged.source?.value(0, 0);
    return <p data-testid="first">{first === undefined || first === null ? 'loading' : String(first)}</p>;
  }

  it('a page of the superseded sort arriving late does not fill the rows of the new one', async () => {
    const ascending = deferred<Table>();
    const byName = vi.fn(() => ascending.promise);
    const byValue = vi.fn(async () => tableFromArrays({ id: ['c', 'b', 'a'] }));
    const { rerender } = renderWith(<FirstRow fetchPage={byName} />);
    await vi.waitFor(() => expect(byName).toHaveBeenCalledTimes(1));
    rerender(<FirstRow fetchPage={byValue} />);
    expect((await screen.findByText('c'))).toBeTruthy();
    // the old sort's first page answers now: it belongs to a cache nobody shows
    await act(async () => ascending.resolve(tableFromArrays({ id: ['a', 'b', 'c'] })));
    expect(screen.getByTestId('first').textContent).toBe('c');
    expect(byValue).toHaveBeenCalledTimes(1);
  });
});
