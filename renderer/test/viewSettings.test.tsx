// @vitest-environment happy-dom
// A saved view keeps the options of the screen it was saved on; picking it puts them back and opens that screen.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CohortRetentionRequest, CohortRetentionResult, SavedView, WorkspaceInfo } from '../../core/src/api/index.ts';
import { FilterBar } from '../src/components/FilterBar.tsx';
import { RetentionScreen } from '../src/features/retention/RetentionScreen.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const WORKSPACE: WorkspaceInfo = {
  path: 'w',
  tables: [],
  orders: 1,
  customers: 1,
  tickets: 0,
  dateRange: null,
  sources: [],
  filledColumns: { orders: ['channel', 'region'], tickets: [] },
  userTables: [],
  alerts: [],
};

/** The app shell in small: the filter bar over the screen it opens, Retention or an empty one. */
function Shell() {
  const [screenId, setScreenId] = useState('retention');
  return (
    <>
      <FilterBar screenId={screenId} onOpenScreen={setScreenId} />
      <button type="button" onClick={() => setScreenId('other')}>
        leave
      </button>
      {screenId === 'retention' ? <RetentionScreen /> : <p>other screen</p>}
    </>
  );
}

function setup(saved: SavedView[] = []) {
  let views = saved;
  const core = fakeCore({
    describeWorkspace: async () => WORKSPACE,
    scopeChoices: async () => ({ firstDay: null, lastDay: null, columns: { channel: [], region: [], category: [] } }),
    listViews: async () => views,
    saveView: async (request) => (views = [...views.filter((view) => view.name !== request.name), { ...request, settings: request.settings ?? {}, savedAt: '' }]),
    cohortRetention: async (request) => ({ options: { ...request, asOf: '2024-02-15' }, periods: 0, matrices: [] }) as unknown as CohortRetentionResult,
  });
  const plotly = fakePlotly();
  renderWith(<Shell />, { core, plotly: async () => plotly });
  const lastRetention = () => core.calls.filter((call) => call.method === 'cohortRetention').at(-1)?.request as CohortRetentionRequest | undefined;
  const period = () => screen.getByTestId('retention-period') as HTMLSelectElement;
  // the segment choice is the only select offering Region
  const segment = () => screen.getByRole('option', { name: 'Region' }).closest('select') as HTMLSelectElement;
  return { core, lastRetention, period, segment };
}

describe('saved views keep screen options', () => {
  it('saves Retention at week by region, and picking the view after a change shows week by region again', async () => {
    const { core, lastRetention, period, segment } = setup();
    await screen.findByRole('option', { name: 'Region' });
    fireEvent.change(period(), { target: { value: 'week' } });
    fireEvent.change(segment(), { target: { value: 'region' } });
    await waitFor(() => expect(lastRetention()).toMatchObject({ period: 'week', segment: 'region' }));
    fireEvent.change(screen.getByTestId('view-name'), { target: { value: 'Weekly by region' } });
    fireEvent.click(screen.getByTestId('view-save'));
    await screen.findByRole('option', { name: 'Weekly by region' });
    const settings = (core.calls.find((call) => call.method === 'saveView')?.request as { settings: Record<string, string> }).settings;
    expect(settings.screen).toBe('retention');
    expect(JSON.parse(settings['retention.options'] ?? '')).toMatchObject({ period: 'week', segment: 'region', mode: 'on', statuses: ['completed'] });

    fireEvent.change(period(), { target: { value: 'month' } });
    fireEvent.change(segment(), { target: { value: 'none' } });
    await waitFor(() => expect(lastRetention()).toMatchObject({ period: 'month', segment: null }));
    fireEvent.change(screen.getByTestId('view-select'), { target: { value: 'Weekly by region' } });
    await waitFor(() => expect(lastRetention()).toMatchObject({ period: 'week', segment: 'region' }));
    expect(period().value).toBe('week');
    expect(segment().value).toBe('region');
  });

  it('opens the view’s screen from another one with its options, the ones it does not name at their defaults', async () => {
    // a view written before trendK and statuses were kept names only two options
    const { lastRetention, period, segment } = setup([{ name: 'Old', scope: {}, settings: { screen: 'retention', 'retention.options': '{"period":"week","segment":"region"}' }, savedAt: '' }]);
    await screen.findByRole('option', { name: 'Region' });
    fireEvent.change(period(), { target: { value: 'quarter' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Refunded' }));
    await waitFor(() => expect(lastRetention()).toMatchObject({ period: 'quarter', statuses: ['completed', 'refunded'] }));
    fireEvent.click(screen.getByText('leave'));
    await screen.findByText('other screen');
    fireEvent.change(screen.getByTestId('view-select'), { target: { value: 'Old' } });
    await waitFor(() => expect(period().value).toBe('week'));
    expect(segment().value).toBe('region');
    // the statuses changed before are back at their default: the view's options replace the screen's
    expect(lastRetention()).toMatchObject({ period: 'week', mode: 'on', metric: 'customers', relativeTo: 'first', trendK: 1, segment: 'region', statuses: ['completed'] });
  });

  it('opens a view whose options cannot be read with the screen’s defaults', async () => {
    const { lastRetention, period } = setup([{ name: 'Broken', scope: {}, settings: { screen: 'retention', 'retention.options': '{"period":' }, savedAt: '' }]);
    await screen.findByRole('option', { name: 'Broken' });
    fireEvent.change(period(), { target: { value: 'week' } });
    await waitFor(() => expect(lastRetention()).toMatchObject({ period: 'week' }));
    fireEvent.change(screen.getByTestId('view-select'), { target: { value: 'Broken' } });
    await waitFor(() => expect(lastRetention()).toMatchObject({ period: 'month', segment: null }));
    expect(period().value).toBe('month');
  });
});
