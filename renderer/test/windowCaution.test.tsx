// @vitest-environment happy-dom
// A churn window derived from a handful of repeat customers is flagged above the Churn screen's
// numbers, in the reader's language and with the field to fix it in; a steady one is not.
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChurnSummaryResult, WorkspaceInfo } from '../../core/src/api/index.ts';
import { STEADY_WINDOW_REPEAT_CUSTOMERS } from '../../core/src/api/index.ts';
import { ChurnScreen } from '../src/features/churn/ChurnScreen.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const WORKSPACE: WorkspaceInfo = { path: 'w', tables: [], orders: 1, customers: 1, tickets: 0, dateRange: null, sources: [], filledColumns: { orders: [], tickets: [] }, userTables: [], alerts: [] };

function summaryWith(repeatCustomers: number): ChurnSummaryResult {
  return {
    options: { period: 'month', statuses: ['completed'], asOf: '2018-10-17' },
    rule: { windowDays: 214, windowSource: 'p90', asOf: '2018-10-17', statuses: ['completed'], repeatCustomers },
    customers: 100,
    churned: 100,
    censored: 0,
    periods: [
      { period: '2018-01-01', partial: false, active: 50, new: 50, returning: 0, resurrected: 0, churned: 50, churnedAfter: 50, censored: 0, churnRate: 1 },
      { period: '2018-02-01', partial: false, active: 50, new: 50, returning: 0, resurrected: 0, churned: 50, churnedAfter: 50, censored: 0, churnRate: 1 },
    ],
  } as ChurnSummaryResult;
}

describe('the churn window caution', () => {
  it('says in English that a window from 2 repeat customers mostly restates itself, and where to type one', async () => {
    renderWith(<ChurnScreen />, { core: fakeCore({ describeWorkspace: async () => WORKSPACE, churnSummary: async () => summaryWith(2) }), plotly: async () => fakePlotly() });
    expect((await screen.findByTestId('window-caution')).textContent).toBe(
      'The 214-day churn window is the 90th percentile of the gaps between purchase days of only 2 repeat customers: too few for a steady window, so the churn figures below mostly restate it. Type a window that fits your purchase cycle in "Churn window (days)".',
    );
  });

  it('says it in Chinese', async () => {
    renderWith(<ChurnScreen />, { core: fakeCore({ describeWorkspace: async () => WORKSPACE, churnSummary: async () => summaryWith(2) }), language: 'zh-CN', plotly: async () => fakePlotly() });
    const caution = (await screen.findByTestId('window-caution')).textContent!;
    expect(caution).toMatch(/^214 天的流失窗口仅由 2 位复购客户的购买间隔取第 90 百分位得出/);
    expect(caution).not.toMatch(/[A-Za-z]/);
  });

  it('stays silent from the steady count on', async () => {
    renderWith(<ChurnScreen />, { core: fakeCore({ describeWorkspace: async () => WORKSPACE, churnSummary: async () => summaryWith(STEADY_WINDOW_REPEAT_CUSTOMERS) }), plotly: async () => fakePlotly() });
    await screen.findByText('Churn rate by period of last purchase');
    expect(screen.queryByTestId('window-caution')).toBeNull();
  });
});
