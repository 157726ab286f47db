// @vitest-environment happy-dom
// The whole app through a workspace switch from the native menu: the report draft belongs to the
// workspace it was made from.
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoreError, type OpenWorkspaceRequest, type WorkspaceInfo } from '../../core/src/api/index.ts';
import { App } from '../src/app/App.tsx';
import type { MenuCommand } from '../src/client/ipcWire.ts';
import { fakeCore, fakeHost, fakePlotly, renderWith } from './fakeCore.tsx';
import { CORRECTIONS, RESULT, TAXONOMY, workspace } from './reasonsFixtures.ts';

afterEach(() => {
  cleanup();
  history.replaceState(null, '', '#');
});

/** The app on the Reasons screen, with a menu the test drives. */
function renderApp(openWorkspace: (request: OpenWorkspaceRequest) => Promise<WorkspaceInfo>) {
  let menu: ((command: MenuCommand) => void) | undefined;
  const host = fakeHost({
    onMenu: (listener) => {
      menu = listener;
      return () => (menu = undefined);
    },
  });
  const core = fakeCore({
    describeWorkspace: async () => workspace(12),
    getTaxonomy: async () => ({ taxonomy: TAXONOMY, source: 'bundled' }),
    churnReasons: async () => RESULT,
    reasonCorrections: async () => CORRECTIONS,
    openWorkspace,
    saveWorkspaceAs: async ({ path }) => ({ ...workspace(12), path }),
  });
  history.replaceState(null, '', '#/reasons');
  renderWith(<App />, { core, host, plotly: async () => fakePlotly() });
  return { core, send: (command: MenuCommand) => act(() => menu?.(command)) };
}

describe('the report draft across workspaces', () => {
  it('is kept through Save As and a failed open, and emptied once another workspace opens', async () => {
    const { core, send } = renderApp(async ({ path }) => {
      if (path === '/broken.duckdb') throw new CoreError('E_WORKSPACE', 'not a workspace file: /broken.duckdb');
      return { ...workspace(3), path };
    });
    const pareto = await screen.findByRole('figure', { name: 'Churned customers by reason' });
    fireEvent.click(within(pareto).getByRole('button', { name: 'Add to report' }));
    expect(screen.getByTestId('report-count').textContent).toBe('1');

    // The copy holds the same data, so the draft still describes it.
    send({ action: 'saveWorkspaceAs', path: '/copy.duckdb' });
    await vi.waitFor(() => expect(core.calls.some((call) => call.method === 'saveWorkspaceAs')).toBe(true));
    // A failed open leaves the old workspace current, and its draft with it.
    send({ action: 'openWorkspace', path: '/broken.duckdb' });
    expect((await screen.findByRole('alert')).textContent).toContain('not a workspace file');
    expect(screen.getByTestId('report-count').textContent).toBe('1');

    send({ action: 'openWorkspace', path: '/other.duckdb' });
    await vi.waitFor(() => expect(screen.queryByTestId('report-count')).toBeNull());
    fireEvent.click(screen.getByRole('link', { name: 'Report' }));
    expect(await screen.findByText('Build the report to see its sections.')).toBeTruthy();
    expect(screen.queryByRole('region', { name: /Churned customers by reason/ })).toBeNull();
  });
});
