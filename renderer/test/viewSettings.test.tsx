// @vitest-environment happy-dom
// A saved view keeps the options of the screen it was saved on; picking it puts them back and opens that screen.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriversRequest, CohortRetentionRequest, CohortRetentionResult, CoreApi, SavedView, WhatIfRequest, WorkspaceInfo } from '../../core/src/api/index.ts';
import { driversResult, whatIfResult } from '../../core/test/drivers/driversResultFixture.ts';
import { FilterBar } from '../src/components/FilterBar.tsx';
import { CustomersScreen } from '../src/features/customers/CustomersScreen.tsx';
import { DriversScreen } from '../src/features/drivers/DriversScreen.tsx';
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

const SCREENS = { retention: <RetentionScreen />, customers: <CustomersScreen />, drivers: <DriversScreen /> };

/** The app shell in small: the filter bar over the screen it opens, one of SCREENS or an empty one. */
function Shell({ first }: { first: keyof typeof SCREENS }) {
  const [screenId, setScreenId] = useState<string>(first);
  return (
    <>
      <FilterBar screenId={screenId} onOpenScreen={setScreenId} />
      <button type="button" onClick={() => setScreenId('other')}>
        leave
      </button>
      {screenId in SCREENS ? SCREENS[screenId as keyof typeof SCREENS] : <p>other screen</p>}
    </>
  );
}

/** The shell on `first` over a fake core keeping saved views in memory; `verbs` answer the screen's own calls. */
function renderShell(first: keyof typeof SCREENS, saved: SavedView[], verbs: Partial<CoreApi>) {
  let views = saved;
  const core = fakeCore({
    describeWorkspace: async () => WORKSPACE,
    scopeChoices: async () => ({ firstDay: null, lastDay: null, columns: { channel: [], region: [], category: [] } }),
    listViews: async () => views,
    saveView: async (request) => (views = [...views.filter((view) => view.name !== request.name), { ...request, settings: request.settings ?? {}, savedAt: '' }]),
    ...verbs,
  });
  const plotly = fakePlotly();
  renderWith(<Shell first={first} />, { core, plotly: async () => plotly });
  const savedSettings = () => (core.calls.findLast((call) => call.method === 'saveView')?.request as { settings: Record<string, string> }).settings;
  return { core, savedSettings };
}

/** Saves the current scope and screen as `name` from the views menu. */
async function saveViewAs(name: string) {
  fireEvent.change(screen.getByTestId('view-name'), { target: { value: name } });
  fireEvent.click(screen.getByTestId('view-save'));
  await screen.findByRole('option', { name });
}

function setup(saved: SavedView[] = []) {
  const { core } = renderShell('retention', saved, {
    cohortRetention: async (request) => ({ options: { ...request, asOf: '2024-02-15' }, periods: 0, matrices: [] }) as unknown as CohortRetentionResult,
  });
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
    // the screen mounts afresh: its segment choices come from the workspace description, which answers a moment later
    expect((await screen.findByRole('option', { name: 'Region' })).closest('select')?.value).toBe('region');
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

describe('saved views keep the Customers and Drivers options', () => {
  it('keeps the Customers tab: a view saved on Shopper types opens it again after a switch to Value', async () => {
    const segmentsResult = { scheme: 'shopper', resultId: 'r1', customers: 0, types: [], undetermined: { insufficientData: 0, noRuleMatched: 0 }, features: [] };
    const { core, savedSettings } = renderShell('customers', [], {
      customerSegments: async () => segmentsResult as unknown as Awaited<ReturnType<CoreApi['customerSegments']>>,
      customerValue: async () => new Promise(() => undefined),
    });
    const tab = (name: string) => screen.getByRole('tab', { name });
    fireEvent.click(tab('Shopper types'));
    await waitFor(() => expect(core.calls.findLast((call) => call.method === 'customerSegments')?.request).toMatchObject({ scheme: 'shopper' }));
    await saveViewAs('Shoppers');
    expect(savedSettings()).toMatchObject({ screen: 'customers', 'customers.tab': '"shopper"' });

    fireEvent.click(tab('Value at risk'));
    await waitFor(() => expect(tab('Value at risk').getAttribute('aria-selected')).toBe('true'));
    fireEvent.click(screen.getByText('leave'));
    await screen.findByText('other screen');
    fireEvent.change(screen.getByTestId('view-select'), { target: { value: 'Shoppers' } });
    await waitFor(() => expect(tab('Shopper types').getAttribute('aria-selected')).toBe('true'));
  });

  it('keeps the Drivers factors, the per-SD switch and the what-if', async () => {
    const { core, savedSettings } = renderShell('drivers', [], { churnDrivers: async () => driversResult, whatIf: async (request) => whatIfResult(request) });
    const lastDrivers = () => core.calls.findLast((call) => call.method === 'churnDrivers')?.request as DriversRequest | undefined;
    const lastWhatIf = () => core.calls.findLast((call) => call.method === 'whatIf')?.request as WhatIfRequest | undefined;
    const reduction = () => screen.getByRole('textbox', { name: 'Churn cut by (%)' }) as HTMLInputElement;
    await screen.findByTestId('what-if-result');
    fireEvent.click(screen.getByTestId('driver-channel'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Numbers per standard deviation' }));
    await waitFor(() => expect(lastDrivers()).toMatchObject({ covariates: ['reason', 'channel'], standardize: true }));
    fireEvent.change(await screen.findByRole('textbox', { name: 'Churn cut by (%)' }), { target: { value: '35' } });
    await waitFor(() => expect(lastWhatIf()).toMatchObject({ reduction: 0.35 }));
    await saveViewAs('Per channel');
    expect(JSON.parse(savedSettings()['drivers.covariates'] ?? '')).toEqual(['reason', 'channel']);

    fireEvent.click(screen.getByTestId('driver-channel'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Numbers per standard deviation' }));
    fireEvent.change(reduction(), { target: { value: '10' } });
    await waitFor(() => expect(lastWhatIf()).toMatchObject({ reduction: 0.1 }));
    expect(lastDrivers()).toMatchObject({ covariates: ['reason'], standardize: false });

    fireEvent.change(screen.getByTestId('view-select'), { target: { value: 'Per channel' } });
    await waitFor(() => expect(lastDrivers()).toMatchObject({ covariates: ['reason', 'channel'], standardize: true }));
    await waitFor(() => expect(lastWhatIf()).toMatchObject({ reduction: 0.35, horizonMonths: 12 }));
    expect(reduction().value).toBe('35');
    expect((screen.getByTestId('driver-channel') as HTMLInputElement).checked).toBe(true);
  });
});
