// @vitest-environment happy-dom
// Date axes tick by the period the chart is drawn by: monthly over a short range (not Plotly's two
// weeks), quarters as quarters in the reader's language, thinned on whole steps of the year.
import { cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChurnPeriodRow, ChurnSummaryResult, CohortMatrix, CohortRetentionResult, WorkspaceInfo } from '../../core/src/api/index.ts';
import { periodLabel, periodTicks } from '../../core/src/api/periodLabel.ts';
import { periodAxisTicks } from '../src/components/charts/periodAxis.ts';
import { ChurnScreen } from '../src/features/churn/ChurnScreen.tsx';
import { RetentionScreen } from '../src/features/retention/RetentionScreen.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

/** First days of the quarters of 2022 to 2024. */
const QUARTERS = [2022, 2023, 2024].flatMap((year) => ['01', '04', '07', '10'].map((month) => `${year}-${month}-01`));

describe('period labels and ticks', () => {
  it('writes a quarter in the reader’s language, and as the report does without one', () => {
    expect(periodLabel('quarter', '2024-04-01', 'en')).toBe('2024 Q2');
    expect(periodLabel('quarter', '2024-04-01', 'zh-CN')).toBe('2024年第2季度');
    expect(periodLabel('quarter', '2024-12-01T00:00:00')).toBe('2024-Q4');
    expect(periodLabel('month', '2024-04-01', 'zh-CN')).toBe('2024-04');
  });

  it('ticks every month of a two-month range', () => {
    expect(periodTicks('month', ['2024-02-01', '2024-01-01'], 8)).toEqual({ tickvals: ['2024-01-01', '2024-02-01'], ticktext: ['2024-01', '2024-02'] });
  });

  it('steps by whole parts of a year when every period does not fit', () => {
    // 24 months in at most 6 ticks: 24, 12 and 8 are too many, every 6 months gives 4
    const months = Array.from({ length: 24 }, (_, index) => `${2011 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`);
    expect(periodTicks('month', months, 6)?.ticktext).toEqual(['2011-01', '2011-07', '2012-01', '2012-07']);
    // a range starting mid-year ticks on the same months: 2011-03 to 2011-12 by 2 lands on odd months
    expect(periodTicks('month', months.slice(2, 12), 5)?.ticktext).toEqual(['2011-03', '2011-05', '2011-07', '2011-09', '2011-11']);
    // 12 quarters: by half years in 6, by years in 3
    expect(periodTicks('quarter', QUARTERS, 6, 'en')?.ticktext).toEqual(['2022 Q1', '2022 Q3', '2023 Q1', '2023 Q3', '2024 Q1', '2024 Q3']);
    expect(periodTicks('quarter', QUARTERS, 5, 'zh-CN')?.ticktext).toEqual(['2022年第1季度', '2023年第1季度', '2024年第1季度']);
  });

  it('ticks every week or day that fits and leaves longer runs to Plotly', () => {
    const weeks = Array.from({ length: 9 }, (_, index) => new Date(Date.UTC(2024, 0, 1 + 7 * index)).toISOString().slice(0, 10));
    expect(periodTicks('week', weeks, 9)?.tickvals).toEqual(weeks);
    expect(periodTicks('week', weeks, 8)).toBeNull();
    expect(periodTicks('day', [], 8)).toBeNull();
  });

  it('fits as many labels as a half-width chart holds: fewer of the longer Chinese quarters', () => {
    expect(periodAxisTicks('quarter', QUARTERS, 'en')?.ticktext).toHaveLength(6);
    expect(periodAxisTicks('quarter', QUARTERS, 'zh-CN')?.ticktext).toEqual(['2022年第1季度', '2023年第1季度', '2024年第1季度']);
  });
});

const WORKSPACE: WorkspaceInfo = { path: 'w', tables: [], orders: 1, customers: 1, tickets: 0, dateRange: null, sources: [], filledColumns: { orders: [], tickets: [] }, userTables: [], alerts: [] };
const RULE = { windowDays: 90, windowSource: 'p90' as const, asOf: '2024-03-01', statuses: ['completed' as const], repeatCustomers: 10 };

/** The last draw of the chart named `title`. */
function drawOf(plotly: ReturnType<typeof fakePlotly>, title: string) {
  const element = document.querySelector(`figure[aria-label="${title}"] .chart-plot`);
  return plotly.react.mock.calls.filter((call) => call[0] === element).at(-1);
}

/** The layout last drawn in the chart named `title`. */
function layoutOf(plotly: ReturnType<typeof fakePlotly>, title: string): { xaxis?: { tickvals?: string[]; ticktext?: string[] }; yaxis?: { ticktext?: string[] } } | undefined {
  return drawOf(plotly, title)?.[2];
}

/** What the hovers of the chart named `title` call each point's period, trace by trace. */
function hoverNames(plotly: ReturnType<typeof fakePlotly>, title: string): unknown[] {
  return (drawOf(plotly, title)?.[1] ?? []).map((trace) => trace.customdata);
}

describe('screens tick by their period', () => {
  it('Churn: a two-month range ticks by month, not every two weeks', async () => {
    const row = (period: string, churnRate: number): ChurnPeriodRow => ({ period, partial: false, active: 10, new: 5, returning: 5, resurrected: 0, churned: 2, churnedAfter: 2, censored: 0, churnRate });
    const summary: ChurnSummaryResult = {
      options: { period: 'month', statuses: ['completed'], asOf: '2024-03-01' },
      rule: RULE,
      customers: 20,
      churned: 4,
      censored: 0,
      periods: [row('2024-01-01', 0.2), row('2024-02-01', 0.3)],
    } as ChurnSummaryResult;
    const core = fakeCore({ describeWorkspace: async () => WORKSPACE, churnSummary: async () => summary });
    const plotly = fakePlotly();
    renderWith(<ChurnScreen />, { core, plotly: async () => plotly });
    await vi.waitFor(() => expect(layoutOf(plotly, 'Churn rate by period of last purchase')?.xaxis).toMatchObject({ tickvals: ['2024-01-01', '2024-02-01'], ticktext: ['2024-01', '2024-02'] }));
    expect(layoutOf(plotly, 'Customer lifecycle')?.xaxis?.ticktext).toEqual(['2024-01', '2024-02']);
    // hovers name the period as the ticks do, not as the date of its first day
    expect(hoverNames(plotly, 'Churn rate by period of last purchase')).toEqual([['2024-01', '2024-02'], ['2024-01', '2024-02']]);
  });

  it('Retention by quarter in Chinese: cohort rows and the trend read 2024年第1季度', async () => {
    const cohorts = ['2024-01-01', '2024-04-01'];
    const matrix: CohortMatrix = {
      segment: null,
      customers: 30,
      cohorts: cohorts.map((cohort, index) => ({ cohort, size: 20 - 10 * index, values: [20 - 10 * index, 4], rates: [1, 0.2], partialK: null })),
      weightedMean: [{ k: 0, rate: 1, cohorts: 2, customers: 30 }, { k: 1, rate: 0.2, cohorts: 2, customers: 30 }],
      simpleMean: [{ k: 0, rate: 1, cohorts: 2, customers: 30 }, { k: 1, rate: 0.2, cohorts: 2, customers: 30 }],
      trend: cohorts.map((cohort) => ({ cohort, size: 10, rate: 0.2, partial: false })),
    };
    const result: CohortRetentionResult = {
      options: { period: 'quarter', mode: 'on', metric: 'customers', relativeTo: 'first', segment: null, trendK: 1, statuses: ['completed'], asOf: '2024-09-01' },
      periods: 2,
      matrices: [matrix],
    };
    const core = fakeCore({ describeWorkspace: async () => WORKSPACE, cohortRetention: async () => result });
    const plotly = fakePlotly();
    renderWith(<RetentionScreen />, { core, language: 'zh-CN', plotly: async () => plotly });
    await vi.waitFor(() => expect(layoutOf(plotly, '各客户组留存趋势')?.xaxis?.ticktext).toEqual(['2024年第1季度', '2024年第2季度']));
    expect(layoutOf(plotly, '分组留存热力图')?.yaxis?.ticktext).toEqual(['2024年第1季度 · 20 位', '2024年第2季度 · 10 位']);
    expect(hoverNames(plotly, '各客户组留存趋势')).toEqual([['2024年第1季度', '2024年第2季度']]);
  });
});
