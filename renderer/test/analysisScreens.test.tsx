// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChurnPeriodRow, CohortMatrix, CohortRetentionResult, WorkspaceInfo } from '../../core/src/api/index.ts';
import type { PlotlyPoint } from '../src/components/charts/plotlyBundle.ts';
import { themedLayout } from '../src/components/charts/PlotlyChart.tsx';
import { lifecycleTraces, survivalTraces, churnRateLayout, lifecycleLayout } from '../src/features/churn/churnCharts.ts';
import { cohortHeatmap, UNOBSERVED_COLOR } from '../src/features/retention/retentionCharts.ts';
import { RetentionScreen } from '../src/features/retention/RetentionScreen.tsx';
import { largestGroups, segmentMinimum } from '../src/features/segmentChoices.ts';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

// Two monthly cohorts, data ending in the second month: the January cohort has k = 0 and k = 1
// (k = 1 partial), the February cohort only k = 0; its k = 1 cell lies after the data and is null.
const matrix: CohortMatrix = {
  segment: null,
  customers: 30,
  cohorts: [
    { cohort: '2024-01-01', size: 20, values: [20, 5], rates: [1, 0.25], partialK: 1 },
    { cohort: '2024-02-01', size: 10, values: [10, null], rates: [1, null], partialK: 0 },
  ],
  weightedMean: [
    { k: 0, rate: 1, cohorts: 2, customers: 30 },
    { k: 1, rate: null, cohorts: 0, customers: 0 },
  ],
  simpleMean: [
    { k: 0, rate: 1, cohorts: 2, customers: 30 },
    { k: 1, rate: null, cohorts: 0, customers: 0 },
  ],
  trend: [
    { cohort: '2024-01-01', size: 20, rate: 0.25, partial: true },
    { cohort: '2024-02-01', size: 10, rate: null, partial: false },
  ],
};

const customersOf = (segment: CohortMatrix) => segment.customers;

describe('retention charts', () => {
  it('draws the largest segments only, none under the minimum size, and counts what it leaves out', () => {
    const segment = (name: string, customers: number) => ({ ...matrix, segment: name, customers });
    const matrices = [segment('UK', 800), segment('Iceland', 1), segment('France', 90), segment('EIRE', 40), segment('Spain', 19), segment('Germany', 95)];
    const { shown, hiddenGroups, hiddenCustomers } = largestGroups(matrices, customersOf, 3, 20);
    expect(shown.map((item) => item.segment)).toEqual(['UK', 'Germany', 'France']);
    expect([hiddenGroups, hiddenCustomers]).toEqual([3, 40 + 19 + 1]);
    // the whole base is drawn whatever its size
    expect(largestGroups([segment('all', 5)], customersOf, 3, 20).shown).toHaveLength(1);
  });

  it("takes the filter bar's minimum group size over the default 20 customers", () => {
    const segment = (name: string, customers: number) => ({ ...matrix, segment: name, customers });
    // the trial's sample under top 3 + min group 10: France (18) and Germany (15) pass a minimum of 10
    const matrices = [segment('United Kingdom', 300), segment('Other', 40), segment('France', 18), segment('Germany', 15)];
    expect(segmentMinimum({})).toBe(20);
    expect(largestGroups(matrices, customersOf, 6, segmentMinimum({ minGroupSize: 10 })).shown.map((item) => item.segment)).toEqual(['United Kingdom', 'Other', 'France', 'Germany']);
    expect(largestGroups(matrices, customersOf, 6, segmentMinimum({})).hiddenGroups).toBe(2);
  });

  it('leaves unobservable cells empty on a grey background and marks running periods', () => {
    const labels = {
      periodAxis: 'k',
      cohortAxis: 'cohort',
      percent: (rate: number) => `${Math.round(rate * 100)}%`,
      count: (value: number) => String(value),
      partialMark: '*',
      cohortLabel: (cohort: string, size: number) => `${cohort} · ${size}`,
      hover: (cohort: string, k: number, rate: string, retained: string, size: string) => `${cohort} k${k} ${rate} ${retained}/${size}`,
    };
    const figure = cohortHeatmap(matrix, 2, labels);
    const trace = figure.data[0]!;
    expect(trace.z).toEqual([
      [1, 0.25],
      [1, null],
    ]);
    expect(trace.text).toEqual([
      ['100%', '25%*'],
      ['100%*', ''],
    ]);
    expect(trace.hoverongaps).toBe(false);
    expect(figure.layout.plot_bgcolor).toBe(UNOBSERVED_COLOR);
    // each row names its cohort's size; a cell's tooltip gives the retained count of that size
    expect((figure.layout.yaxis as { ticktext: string[] }).ticktext).toEqual(['2024-01-01 · 20', '2024-02-01 · 10']);
    expect(trace.customdata).toEqual([
      ['2024-01-01 k0 100% 20/20', '2024-01-01 k1 25%* 5/20'],
      ['2024-02-01 k0 100%* 10/10', ''],
    ]);
    // the count view shows the values behind the rates
    expect(cohortHeatmap(matrix, 2, labels, 'count').data[0]!.text).toEqual([
      ['20', '5*'],
      ['10*', ''],
    ]);
  });
});

describe('churn charts', () => {
  it('titles every axis, draws one period as a category and few customers in whole steps', () => {
    const titles = { period: 'Period', rate: 'Rate', customers: 'Customers' };
    const one = lifecycleLayout(titles, { singlePeriod: true, maxCount: 2 }) as { xaxis: Record<string, unknown>; yaxis: Record<string, unknown> };
    expect(one.xaxis).toEqual({ title: { text: 'Period' }, type: 'category' });
    expect(one.yaxis).toMatchObject({ title: { text: 'Customers' }, dtick: 1 });
    const many = churnRateLayout(titles, { singlePeriod: false, maxCount: 400 }) as { xaxis: Record<string, unknown>; yaxis2: Record<string, unknown> };
    expect(many.xaxis).toEqual({ title: { text: 'Period' } });
    expect(many.yaxis2.dtick).toBeUndefined();
  });

  it('fixes the rate axis above the highest rate and keeps the right title clear of its ticks', () => {
    const titles = { period: 'Period', rate: 'Rate', customers: 'Customers' };
    const layout = churnRateLayout(titles, { singlePeriod: false, maxCount: 24, maxRate: 0.413 });
    const themed = themedLayout(layout, 300) as { yaxis: Record<string, unknown>; yaxis2: Record<string, unknown>; xaxis: Record<string, unknown> };
    // 0.413 x 1.1 = 0.4543: the 41.3% point sits inside the axis, not cut at 40%
    expect(themed.yaxis.range).toEqual([0, 0.413 * 1.1]);
    expect(themed.yaxis.autorange).toBe(false);
    expect(themed.yaxis2).toMatchObject({ automargin: true, title: { text: 'Customers', standoff: 12 } });
    // the chart's own axes keep the theme's automargin
    expect(themed.yaxis).toMatchObject({ automargin: true, tickformat: '.0%' });
    expect(themed.xaxis).toMatchObject({ automargin: true, title: { text: 'Period' } });
    // a flat zero line still gets a readable 0-5% axis
    expect((churnRateLayout(titles, { singlePeriod: false, maxCount: 3, maxRate: 0 }).yaxis as Record<string, unknown>).range).toEqual([0, 0.05]);
  });

  it('draws churned customers below the axis and starts survival at 100%', () => {
    const row: ChurnPeriodRow = { period: '2024-01-01', partial: false, active: 9, new: 5, returning: 3, resurrected: 1, churned: 4, churnedAfter: 2, censored: 0, churnRate: 0.22 };
    const traces = lifecycleTraces([row], { new: 'n', returning: 'r', resurrected: 'z', churned: 'c' }, (period) => period.slice(0, 7));
    expect(traces.map((trace) => (trace.y as number[])[0])).toEqual([5, 3, 1, -4]);
    const survival = survivalTraces(
      [{ group: 'web', subjects: 3, events: 1, median: null, medianLower: null, medianUpper: null, points: [{ time: 10, atRisk: 3, events: 1, censored: 0, survival: 2 / 3, lower: 0.05, upper: 0.95 }] }],
      'all',
    );
    expect(survival).toHaveLength(3);
    expect(survival[2]?.x).toEqual([0, 10]);
    expect(survival[2]?.y).toEqual([1, 2 / 3]);
    expect(survival[1]?.fill).toBe('tonexty');
  });
});

describe('Retention screen', () => {
  it('writes monthly cohorts as the report and the chart ticks do (2024-01), in Chinese too', async () => {
    const result: CohortRetentionResult = {
      options: { period: 'month', mode: 'on', metric: 'customers', relativeTo: 'first', segment: null, trendK: 1, statuses: ['completed'], asOf: '2024-02-15' },
      periods: 2,
      matrices: [matrix],
    };
    const workspace: WorkspaceInfo = { path: 'w', tables: [], orders: 1, customers: 1, tickets: 0, dateRange: null, sources: [], filledColumns: { orders: [], tickets: [] }, userTables: [], alerts: [] };
    const core = fakeCore({ describeWorkspace: async () => workspace, cohortRetention: async () => result });
    const plotly = fakePlotly();
    renderWith(<RetentionScreen />, { core, language: 'zh-CN', plotly: async () => plotly });
    const ticks = () =>
      plotly.react.mock.calls.map((call) => (call[2] as { yaxis?: { ticktext?: string[] } }).yaxis?.ticktext).find((ticktext) => ticktext !== undefined);
    await vi.waitFor(() => expect(ticks()).toEqual(['2024-01 · 20 位', '2024-02 · 10 位']));
  });

  it('asks for the chosen options and lists the customers of a clicked cell', async () => {
    const result: CohortRetentionResult = {
      options: { period: 'month', mode: 'on', metric: 'customers', relativeTo: 'first', segment: null, trendK: 1, statuses: ['completed'], asOf: '2024-02-15' },
      periods: 2,
      matrices: [matrix],
    };
    const workspace: WorkspaceInfo = { path: 'w', tables: [], orders: 1, customers: 1, tickets: 0, dateRange: null, sources: [], filledColumns: { orders: ['channel'], tickets: [] }, userTables: [], alerts: [] };
    const core = fakeCore({
      describeWorkspace: async () => workspace,
      cohortRetention: async () => result,
      cohortMembers: async () => tableToIPC(tableFromArrays({ customer_id: ['c-17'], cell_orders: Float64Array.from([2]) }), 'stream'),
    });
    const clicks = new Map<HTMLElement, (data: { points: PlotlyPoint[] }) => void>();
    const plotly = fakePlotly(async (element: HTMLElement) => {
      Object.assign(element, { on: (_event: string, handler: (data: { points: PlotlyPoint[] }) => void) => clicks.set(element, handler), removeAllListeners: () => undefined });
    });
    renderWith(<RetentionScreen />, { core, plotly: async () => plotly });
    expect(await screen.findByText('Cohorts')).toBeTruthy();
    fireEvent.change(screen.getByTestId('retention-period'), { target: { value: 'week' } });
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'cohortRetention').at(-1)?.request).toMatchObject({ period: 'week' }));
    expect(screen.getByRole('option', { name: 'Channel' })).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Refunded' }));
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'cohortRetention').at(-1)?.request).toMatchObject({ statuses: ['completed', 'refunded'] }));
    // The last status cannot be unticked: an analysis of no orders says nothing.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Refunded' }));
    expect((screen.getByRole('checkbox', { name: 'Completed' }) as HTMLInputElement).disabled).toBe(true);

    const heatmap = screen.getByRole('figure', { name: 'Cohort retention' }).querySelector('.chart-plot') as HTMLElement;
    await vi.waitFor(() => expect(clicks.has(heatmap)).toBe(true));
    act(() => clicks.get(heatmap)?.({ points: [{ x: 1, y: '2024-01-01', curveNumber: 0 }] }));
    expect(await screen.findByText('c-17')).toBeTruthy();
    expect(core.calls.find((call) => call.method === 'cohortMembers')?.request).toMatchObject({ cohort: '2024-01-01', k: 1, period: 'week', mode: 'on', statuses: ['completed'] });
  });
});
