// @vitest-environment happy-dom
// The Churn and Retention screens draw the same groups of a breakdown, with the same sentence for
// those left out, under the filter bar's minimum group size (one filter: features/segmentChoices.ts).
import { cleanup, fireEvent, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CohortMatrix, CohortRetentionResult, SurvivalCurve, SurvivalResult, WorkspaceInfo } from '../../core/src/api/index.ts';
import { FilterBar } from '../src/components/FilterBar.tsx';
import { ChurnScreen } from '../src/features/churn/ChurnScreen.tsx';
import { RetentionScreen } from '../src/features/retention/RetentionScreen.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const WORKSPACE: WorkspaceInfo = { path: 'w', tables: [], orders: 1, customers: 1, tickets: 0, dateRange: null, sources: [], filledColumns: { orders: ['region'], tickets: [] }, userTables: [], alerts: [] };

/** Four regions of 300, 40, 18 and 5 customers. */
const SIZES: [string, number][] = [
  ['UK', 300],
  ['Other', 40],
  ['France', 18],
  ['Iceland', 5],
];

const curve = (group: string, subjects: number): SurvivalCurve => ({ group, subjects, events: 0, median: null, medianLower: null, medianUpper: null, points: [{ time: 10, atRisk: subjects, events: 0, censored: 0, survival: 1, lower: null, upper: null }] });
const survival = { options: { source: null, segment: 'region', confidence: 0.95, statuses: ['completed'], asOf: null }, rule: null, timeUnit: 'day', curves: SIZES.map(([group, size]) => curve(group, size)) } as unknown as SurvivalResult;

const matrixOf = (segment: string, customers: number): CohortMatrix => ({
  segment,
  customers,
  cohorts: [{ cohort: '2024-01-01', size: customers, values: [customers, 1], rates: [1, 1 / customers], partialK: null }],
  weightedMean: [
    { k: 0, rate: 1, cohorts: 1, customers },
    { k: 1, rate: 1 / customers, cohorts: 1, customers },
  ],
  simpleMean: [
    { k: 0, rate: 1, cohorts: 1, customers },
    { k: 1, rate: 1 / customers, cohorts: 1, customers },
  ],
  trend: [{ cohort: '2024-01-01', size: customers, rate: 1 / customers, partial: false }],
});
const retention: CohortRetentionResult = {
  options: { period: 'month', mode: 'on', metric: 'customers', relativeTo: 'first', segment: 'region', trendK: 1, statuses: ['completed'], asOf: '2024-03-01' },
  periods: 2,
  matrices: SIZES.map(([segment, size]) => matrixOf(segment, size)),
};

function renderScreen(ui: ReactNode) {
  const core = fakeCore({
    describeWorkspace: async () => WORKSPACE,
    scopeChoices: async () => ({ firstDay: null, lastDay: null, columns: { channel: [], region: [], category: [] } }),
    listViews: async () => [],
    survival: async () => survival,
    cohortRetention: async () => retention,
  });
  const plotly = fakePlotly();
  renderWith(
    <>
      <FilterBar screenId="x" onOpenScreen={() => undefined} />
      {ui}
    </>,
    { core, plotly: async () => plotly },
  );
  return plotly;
}

/** The legend names of the curves last drawn in the chart titled `title`. */
function drawnNames(plotly: ReturnType<typeof fakePlotly>, title: string): string[] {
  const element = screen.getByRole('figure', { name: title }).querySelector('.chart-plot');
  const call = plotly.react.mock.calls.filter((args) => args[0] === element).at(-1);
  return (call?.[1] ?? []).flatMap((trace) => (typeof trace.name === 'string' ? [trace.name] : []));
}

async function setMinimumGroup(size: number) {
  fireEvent.change(screen.getByTestId('filter-min-group'), { target: { value: String(size) } });
  fireEvent.click(screen.getByTestId('filter-apply'));
}

const DEFAULT_NOTE = 'The 2 largest groups are drawn; 2 more (23 customers, groups under 20 customers or beyond the largest) are left out.';
const MIN_10_NOTE = 'The 3 largest groups are drawn; 1 more (5 customers, groups under 10 customers or beyond the largest) are left out.';

describe('largest groups over the minimum, one filter on both screens', () => {
  it('Churn: under 20 customers by default, then under the filter bar’s minimum of 10', async () => {
    const plotly = renderScreen(<ChurnScreen />);
    expect((await screen.findByText(new RegExp(DEFAULT_NOTE.replace(/[()]/g, '\\$&')))).textContent).toContain(DEFAULT_NOTE);
    await vi.waitFor(() => expect(drawnNames(plotly, 'Customer survival')).toEqual(['UK: 300', 'Other: 40']));
    await setMinimumGroup(10);
    expect((await screen.findByText(new RegExp(MIN_10_NOTE.replace(/[()]/g, '\\$&')))).textContent).toContain(MIN_10_NOTE);
    await vi.waitFor(() => expect(drawnNames(plotly, 'Customer survival')).toEqual(['UK: 300', 'Other: 40', 'France: 18']));
  });

  it('Retention: the same groups and sentence, with where to find the others', async () => {
    const plotly = renderScreen(<RetentionScreen />);
    expect((await screen.findByTestId('segments-hidden')).textContent).toBe(`${DEFAULT_NOTE} Pick one in the heatmap's segment list.`);
    await vi.waitFor(() => expect(drawnNames(plotly, 'Retention curves').filter((name) => name.endsWith('weighted mean'))).toEqual(['UK · weighted mean', 'Other · weighted mean']));
    await setMinimumGroup(10);
    await screen.findByText(`${MIN_10_NOTE} Pick one in the heatmap's segment list.`);
  });
});
