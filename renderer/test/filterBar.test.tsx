// @vitest-environment happy-dom
// The filter bar sets the scope the client adds to every analysis call; saved views keep it in the workspace.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisScope, SavedView, ScopeChoices } from '../../core/src/api/index.ts';
import { useCall } from '../src/client/hooks.ts';
import { FilterBar } from '../src/components/FilterBar.tsx';
import { fakeCore, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const CHOICES: ScopeChoices = {
  firstDay: '2010-12-01',
  lastDay: '2011-12-09',
  columns: { channel: [], region: [{ value: 'United Kingdom', customers: 3950 }, { value: 'Germany', customers: 95 }, { value: 'France', customers: 87 }], category: [] },
};

/** Stands in for any screen: one analysis call, whose requests the fake core records. */
function KpisProbe() {
  const { value } = useCall('kpis', { windowDays: 90 });
  return <div data-testid="probe">{value ? 'ready' : 'waiting'}</div>;
}

function setup(language: 'en' | 'zh-CN' = 'en', saved: SavedView[] = []) {
  let views = saved;
  const core = fakeCore({
    scopeChoices: async () => CHOICES,
    listViews: async () => views,
    saveView: async (request) => (views = [...views.filter((view) => view.name !== request.name), { ...request, settings: request.settings ?? {}, savedAt: '2026-01-01T00:00:00.000Z' }]),
    deleteView: async ({ name }) => (views = views.filter((view) => view.name !== name)),
    kpis: async () => ({ options: {}, rule: {}, kpis: [], lorenz: [] }) as never,
  });
  const onOpenScreen = vi.fn();
  renderWith(
    <>
      <FilterBar screenId="retention" onOpenScreen={onOpenScreen} />
      <KpisProbe />
    </>,
    { core, language },
  );
  const kpiScopes = () => core.calls.filter((call) => call.method === 'kpis').map((call) => (call.request as { scope?: AnalysisScope }).scope);
  return { core, onOpenScreen, kpiScopes };
}

describe('FilterBar', () => {
  it('applies a range, column values and top N to every analysis call, and says so', async () => {
    const { kpiScopes } = setup();
    await screen.findByText('United Kingdom (3,950 customers)');
    expect(kpiScopes()).toEqual([undefined]);
    expect(screen.getByTestId('filter-summary').textContent).toContain('the whole workspace');
    fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2011-01-01' } });
    fireEvent.change(screen.getByTestId('filter-to'), { target: { value: '2011-06-30' } });
    // column values are checkboxes: several are picked without a modifier key
    fireEvent.click(screen.getByRole('checkbox', { name: 'Germany (95 customers)' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'France (87 customers)' }));
    fireEvent.change(screen.getByTestId('filter-top'), { target: { value: '5' } });
    // nothing runs while typing: Apply (or Enter in a field) does
    expect(kpiScopes()).toHaveLength(1);
    fireEvent.click(screen.getByTestId('filter-apply'));
    await waitFor(() => expect(kpiScopes()).toHaveLength(2));
    expect(kpiScopes()[1]).toEqual({ from: '2011-01-01', to: '2011-06-30', where: [{ column: 'region', values: ['Germany', 'France'] }], segmentTop: 5, otherLabel: 'Other' });
    expect(screen.getByTestId('filter-summary').textContent).toContain('orders 2011-01-01 to 2011-06-30 · Region: Germany, France · top 5 segments + Other');
    // days are typed as YYYY-MM-DD whatever the locale; the data's first and last days show the format
    expect(screen.getByTestId('filter-from')).toMatchObject({ type: 'text', placeholder: '2010-12-01' });
    expect(screen.getByTestId('filter-to')).toMatchObject({ type: 'text', placeholder: '2011-12-09' });
    fireEvent.click(screen.getByTestId('filter-clear'));
    await waitFor(() => expect(kpiScopes()).toHaveLength(3));
    expect(kpiScopes()[2]).toBeUndefined();
  });

  it('names the merged group in Chinese in zh-CN', async () => {
    const { kpiScopes } = setup('zh-CN');
    await screen.findByText('United Kingdom（3,950 位客户）');
    fireEvent.change(screen.getByTestId('filter-min-group'), { target: { value: '30' } });
    fireEvent.submit(screen.getByTestId('filter-min-group'));
    await waitFor(() => expect(kpiScopes()).toHaveLength(2));
    expect(kpiScopes()[1]).toEqual({ minGroupSize: 30, otherLabel: '其他' });
    expect(screen.getByTestId('filter-summary').textContent).toContain('不足 30 位客户的分组并入其他');
  });

  it('states a filter with the full-width colon in zh-CN, and sizes the view name field to its placeholder', async () => {
    const { kpiScopes } = setup('zh-CN');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Germany（95 位客户）' }));
    fireEvent.click(screen.getByTestId('filter-apply'));
    await waitFor(() => expect(kpiScopes()).toHaveLength(2));
    expect(screen.getByTestId('filter-summary').textContent).toContain('地区：Germany');
    // 新视图名称: five characters two columns wide each, and a margin
    expect((screen.getByTestId('view-name') as HTMLInputElement).size).toBe(12);
  });

  it('refuses a day that is not YYYY-MM-DD or does not exist, saying how to type it', async () => {
    const { kpiScopes } = setup();
    await screen.findByText('United Kingdom (3,950 customers)');
    fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '01/31/2011' } });
    expect(screen.getByTestId('filter-bad-day').textContent).toContain('YYYY-MM-DD');
    expect(screen.getByTestId('filter-apply')).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2011-13-01' } });
    fireEvent.submit(screen.getByTestId('filter-from'));
    expect(screen.getByTestId('filter-from').getAttribute('aria-invalid')).toBe('true');
    expect(kpiScopes()).toHaveLength(1);
    fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2011-01-31' } });
    expect(screen.queryByTestId('filter-bad-day')).toBeNull();
    fireEvent.click(screen.getByTestId('filter-apply'));
    await waitFor(() => expect(kpiScopes()).toHaveLength(2));
    expect(kpiScopes()[1]).toEqual({ from: '2011-01-31' });
  });

  it('saves the scope with the screen as a view, and picking a view applies it and opens its screen', async () => {
    const { core, onOpenScreen, kpiScopes } = setup('en', [
      { name: 'H1 Germany', scope: { from: '2011-01-01', to: '2011-06-30', where: [{ column: 'region', values: ['Germany'] }], segmentTop: 3 }, settings: { screen: 'churn' }, savedAt: '' },
    ]);
    await screen.findByText('H1 Germany');
    fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2011-03-01' } });
    fireEvent.change(screen.getByTestId('filter-top'), { target: { value: '4' } });
    fireEvent.change(screen.getByTestId('view-name'), { target: { value: 'Spring' } });
    fireEvent.keyDown(screen.getByTestId('view-name'), { key: 'Enter' });
    await screen.findByRole('option', { name: 'Spring' });
    // the merged group's name stays out of the view: it follows the language the view is opened in
    expect(core.calls.find((call) => call.method === 'saveView')?.request).toEqual({ name: 'Spring', scope: { from: '2011-03-01', segmentTop: 4 }, settings: { screen: 'retention' } });
    fireEvent.change(screen.getByTestId('view-select'), { target: { value: 'H1 Germany' } });
    await waitFor(() => expect(kpiScopes().at(-1)).toEqual({ from: '2011-01-01', to: '2011-06-30', where: [{ column: 'region', values: ['Germany'] }], segmentTop: 3, otherLabel: 'Other' }));
    expect(onOpenScreen).toHaveBeenCalledWith('churn');
    expect((screen.getByTestId('filter-from') as HTMLInputElement).value).toBe('2011-01-01');
    fireEvent.click(screen.getByTestId('view-delete'));
    await waitFor(() => expect(screen.queryByRole('option', { name: 'H1 Germany' })).toBeNull());
    expect(core.calls.find((call) => call.method === 'deleteView')?.request).toEqual({ name: 'H1 Germany' });
  });
});
