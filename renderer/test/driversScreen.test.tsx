// @vitest-environment happy-dom
// The Drivers screen against a fake core: the headline in the chosen language, the forest plot of the
// measurable ratios only, the checks in words, and the what-if with its assumptions.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { driversResult as result, whatIfResult } from '../../core/test/drivers/driversResultFixture.ts';
import { forestLayout, forestRows, forestTrace } from '../src/features/drivers/driverCharts.ts';
import { CoreError } from '../../core/src/api/index.ts';
import { DriversScreen } from '../src/features/drivers/DriversScreen.tsx';
import { SurveysScreen } from '../src/features/surveys/SurveysScreen.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);


const whatIf = whatIfResult();

describe('Drivers screen', () => {
  it('draws only measurable ratios, strongest first, coloured by direction', () => {
    const rows = forestRows(result.coefficients);
    expect(rows.map((row) => row.level)).toEqual(['logistics']);
    const trace = forestTrace(rows, ['Delivery']);
    expect(trace.x).toEqual([3]);
    // A factor that speeds churn takes the palette's vermillion, as in the report.
    expect((trace.marker as { color: string[] }).color).toEqual(['#d55e00']);
  });

  it('ticks the log axis with whole 1-2-5 steps from below the lowest interval to above the highest', () => {
    const rows = forestRows(result.coefficients);
    const { lower, upper } = rows[0]!;
    const axis = forestLayout(rows, 'Hazard ratio', 'en').xaxis as { tickvals: number[]; ticktext: string[]; range: [number, number] };
    expect(axis.tickvals[0]).toBeLessThanOrEqual(Math.min(1, lower!));
    expect(axis.tickvals.at(-1)).toBeGreaterThanOrEqual(upper!);
    expect(axis.tickvals).toContain(1);
    for (const tick of axis.tickvals) expect([1, 2, 5]).toContain(Number(tick.toExponential().split('e')[0]));
    expect(axis.ticktext).toEqual(axis.tickvals.map((tick) => tick.toLocaleString('en')));
  });

  it('flags a window derived from 2 repeat customers above the model', async () => {
    const derived = { ...result, rule: { ...result.rule!, windowSource: 'p90' as const, repeatCustomers: 2 } };
    renderWith(<DriversScreen />, { core: fakeCore({ churnDrivers: async () => derived, whatIf: async () => whatIf }), plotly: async () => fakePlotly() });
    expect((await screen.findByTestId('window-caution')).textContent).toContain('only 2 repeat customers');
  });

  it('takes the window the caution asks for in its own field, for the model and the what-if alike', async () => {
    const derived = { ...result, rule: { ...result.rule!, windowSource: 'p90' as const, repeatCustomers: 2, windowDays: 214 } };
    const core = fakeCore({ churnDrivers: async () => derived, whatIf: async () => whatIf });
    renderWith(<DriversScreen />, { core, plotly: async () => fakePlotly() });
    await screen.findByTestId('window-caution');
    // the caution names the field, and the field is on this screen with the derived window as its placeholder
    expect(screen.getByTestId('window-caution').textContent).toContain('"Churn window (days)"');
    const field = screen.getByTestId('drivers-window') as HTMLInputElement;
    expect(field.placeholder).toBe('auto: 214');
    fireEvent.change(field, { target: { value: '120 days' } });
    await waitFor(() => expect(core.calls.findLast((call) => call.method === 'churnDrivers')?.request).toMatchObject({ windowDays: 120 }));
    await waitFor(() => expect(core.calls.findLast((call) => call.method === 'whatIf')?.request).toMatchObject({ windowDays: 120, term: 'reason', level: 'logistics' }));
  });

  it('shows the headline, the checks and the what-if in Chinese', async () => {
    const core = fakeCore({ churnDrivers: async () => result, whatIf: async () => whatIf });
    renderWith(<DriversScreen />, { core, language: 'zh-CN', plotly: async () => fakePlotly() });
    expect(await screen.findByTestId('drivers-headline')).toHaveProperty('textContent', result.headline!.sentence.zh);
    expect(screen.getByTestId('drivers-warnings').textContent).toContain('「主要流失原因」的影响随时间变化。');
    expect(screen.getByText('无法估计')).toBeTruthy();
    // a window chosen by the user needs no caution
    expect(screen.queryByTestId('window-caution')).toBeNull();
    // the concordance says how many pairs it rests on: 700 + 290 + 10 in the fixture
    expect(screen.getByText('0.5 = 随机猜测，1 = 完全正确排序；基于 1,000 对可比较的客户')).toBeTruthy();
    const answer = await screen.findByTestId('what-if-result');
    expect(answer.textContent).toBe('如果主要流失原因「物流配送」的客户流失率降低 20%，未来 12 个月约可留住 12 名客户，保住近期收入 400。');
    expect(screen.getByText('流失率保持每月 10%。')).toBeTruthy();
    // the what-if asks about the headline's level, with the model's covariates
    expect(core.calls.find((call) => call.method === 'whatIf')?.request).toMatchObject({ term: 'reason', level: 'logistics', reduction: 0.2, horizonMonths: 12, drivers: { covariates: ['reason'] } });
  });
});

describe('Satisfaction screen', () => {
  /** What describeWorkspace answers for a workspace with orders and, given rows, one survey export. */
  const workspaceWith = (surveyRows: number | null) => ({
    path: 'w',
    tables: [],
    orders: 50,
    customers: 30,
    tickets: 0,
    dateRange: null,
    sources:
      surveyRows === null
        ? []
        : [{ sourceId: 1, file: 'nps.csv', kind: 'surveys' as const, format: 'csv' as const, encoding: 'utf-8', sizeBytes: 10, rowsRead: surveyRows, rowsLoaded: surveyRows, rowsRejected: 0, mapping: {}, importedAt: '2024-01-01T00:00:00' }],
    filledColumns: { orders: [], tickets: [] },
    userTables: [],
    alerts: [],
  });

  it('without survey answers, sends the user to import them and asks nothing of the analysis', async () => {
    const core = fakeCore({ describeWorkspace: async () => workspaceWith(null) });
    renderWith(<SurveysScreen />, { core, plotly: async () => fakePlotly() });
    expect((await screen.findByTestId('no-data')).textContent).toContain('No survey answers yet');
    expect(screen.queryByRole('alert')).toBeNull();
    // a request that can only fail showed in the browser's console as a 400 on every visit
    expect(core.calls.map((call) => call.method)).not.toContain('surveys');
  });

  it('says the same when the imported answers fall outside the scope', async () => {
    const core = fakeCore({
      describeWorkspace: async () => workspaceWith(12),
      surveys: async () => {
        throw new CoreError('E_NO_DATA', 'the workspace has no survey answers');
      },
    });
    renderWith(<SurveysScreen />, { core, plotly: async () => fakePlotly() });
    expect((await screen.findByTestId('no-data')).textContent).toContain('No survey answers yet');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(core.calls.map((call) => call.method)).toContain('surveys');
  });
});
