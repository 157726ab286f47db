// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoreError } from '../../core/src/api/index.ts';
import type { Classification, ReasonRow, Taxonomy } from '../../core/src/api/reasons.ts';
import type { PlotlyPoint } from '../src/components/charts/plotlyBundle.ts';
import { highlightSegments } from '../src/features/reasons/highlight.tsx';
import { ticketIds } from '../src/features/reasons/ReasonMembers.tsx';
import { liftTraces, paretoTraces, trendLayout, trendTraces } from '../src/features/reasons/reasonsCharts.ts';
import { missingCause, missingCauses } from '../src/features/reasons/ReasonsTable.tsx';
import { ReasonsScreen } from '../src/features/reasons/ReasonsScreen.tsx';
import { cleanTaxonomy } from '../src/features/reasons/TaxonomyEditor.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';
import { CORRECTIONS, EVIDENCE, ONLY_UNKNOWN, REASONS, RESULT, TAXONOMY, workspace } from './reasonsFixtures.ts';

afterEach(cleanup);

function clickablePlotly() {
  const clicks = new Map<HTMLElement, (data: { points: PlotlyPoint[] }) => void>();
  const plotly = fakePlotly(async (element: HTMLElement) => {
    Object.assign(element, { on: (_event: string, handler: (data: { points: PlotlyPoint[] }) => void) => clicks.set(element, handler), removeAllListeners: () => undefined });
  });
  return { plotly, clicks };
}

describe('reasons charts', () => {
  const name = (r: ReasonRow) => r.en;

  it('ranks known reasons in the Pareto, unknown last, and adds up only the known ones', () => {
    const [bars, line] = paretoTraces(REASONS, name, { churned: 'c', cumulative: 'p' });
    expect(bars!.x).toEqual(['Product quality', 'Delivery', 'Unknown']);
    expect(bars!.y).toEqual([6, 3, 4]);
    expect(line!.x).toEqual(['Product quality', 'Delivery']);
    // 6 of the 9 known attributions, then all 9.
    expect(line!.y).toEqual([6 / 9, 1]);
  });

  it('draws lift with whiskers to its 95% limits, lowest first, leaving out rows without a lift', () => {
    const [points] = liftTraces(REASONS, name, { lift: 'l', interval: 'i' });
    expect(points!.y).toEqual(['Delivery', 'Product quality']);
    expect(points!.x).toEqual([0.8, 2]);
    const whiskers = points!.error_x as { array: number[]; arrayminus: number[] };
    expect(whiskers.array[0]).toBeCloseTo(0.8);
    expect(whiskers.arrayminus[0]).toBeCloseTo(0.4);
    expect(whiskers.array[1]).toBeCloseTo(1.3);
    expect(whiskers.arrayminus[1]).toBeCloseTo(0.8);
  });

  it('fills months without a reason’s tickets with 0 on a shared month axis', () => {
    const traces = trendTraces(RESULT.trend, REASONS, name);
    expect(traces.map((trace) => trace.name)).toEqual(['Product quality', 'Delivery']);
    expect(traces[0]!.x).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(traces[0]!.y).toEqual([2, 0, 5]);
    expect(traces[1]!.y).toEqual([0, 1, 0]);
  });

  it('leaves Unknown out of the monthly trend, names even a single line, and ticks small counts once per whole ticket', () => {
    const withUnknown = [...RESULT.trend, { month: '2024-02-01', reason: 'unknown', tickets: 300, customers: 250 }];
    const traces = trendTraces(withUnknown, REASONS, name);
    expect(traces.map((trace) => trace.name)).toEqual(['Product quality', 'Delivery']);
    // at most 5 tickets a month: Plotly's own steps were halves, printed "0 0 1 1 2 2"
    expect(trendLayout(traces)).toMatchObject({ showlegend: true, yaxis: { dtick: 1, tickformat: ',d' } });
    const busy = trendTraces([{ month: '2024-01-01', reason: 'logistics', tickets: 40, customers: 30 }], REASONS, name);
    expect((trendLayout(busy).yaxis as { dtick?: number }).dtick).toBeUndefined();
    expect(trendTraces(ONLY_UNKNOWN.trend, ONLY_UNKNOWN.reasons, name)).toEqual([]);
  });

  it('says why a reason’s number cannot be computed, from the counts behind it', () => {
    const [unknown, noTickets] = ONLY_UNKNOWN.reasons;
    expect(['rate_with', 'lift', 'lift_interval', 'median_days'].map((column) => missingCause(column as 'lift', noTickets!))).toEqual(['noCustomers', 'noCustomers', 'noCustomers', 'noCustomers']);
    expect(missingCauses(ONLY_UNKNOWN.reasons)).toEqual([{ cause: 'noCustomers', rows: 2 }]);
    // every churned customer has the reason: no churn without it, so no ratio and no interval
    const everyChurned = { ...unknown!, churnRateWithout: 0, lift: null, liftLow: null, liftHigh: null };
    expect([missingCause('lift', everyChurned), missingCause('lift_interval', everyChurned)]).toEqual(['noChurnedWithout', 'noChurnedWithout']);
    // customers with it, none churned: a lift of 0 without an interval
    const noneChurned = { ...unknown!, churnedCustomers: 0, lift: 0, liftLow: null, liftHigh: null, medianDaysTicketToLastOrder: null };
    expect([missingCause('lift_interval', noneChurned), missingCause('median_days', noneChurned)]).toEqual(['noChurnedWith', 'noChurnedWith']);
    // churn from a yes/no column has no orders for days or revenue
    const flagged = { ...unknown!, revenueAtStake: null, medianDaysTicketToLastOrder: null };
    expect([missingCause('revenue', flagged), missingCause('median_days', flagged)]).toEqual(['noOrders', 'noOrders']);
    expect(missingCause('median_days', { ...unknown!, medianDaysTicketToLastOrder: null })).toBe('noDates');
  });

  it('marks matched and negated words, case-insensitively', () => {
    expect(highlightSegments('没有质量问题，但是物流慢', [{ term: '物流慢', kind: 'match' }, { term: '质量问题', kind: 'negated' }])).toEqual([
      { text: '没有', kind: null },
      { text: '质量问题', kind: 'negated' },
      { text: '，但是', kind: null },
      { text: '物流慢', kind: 'match' },
    ]);
    expect(highlightSegments('Late Delivery again', [{ term: 'late delivery', kind: 'match' }])).toEqual([
      { text: 'Late Delivery', kind: 'match' },
      { text: ' again', kind: null },
    ]);
  });

  it('reads ticket ids from JSON text, comma lists and plain arrays', () => {
    expect(ticketIds('["TK1","TK2"]')).toEqual(['TK1', 'TK2']);
    expect(ticketIds('TK1, TK2')).toEqual(['TK1', 'TK2']);
    expect(ticketIds(['TK3'])).toEqual(['TK3']);
    expect(ticketIds(null)).toEqual([]);
  });

  it('drops blank lines and padding from every list before the taxonomy leaves the editor', () => {
    const draft: Taxonomy = { ...TAXONOMY, negations: { zh: ['没有', ''], en: [' no problem with '] }, reasons: [{ ...TAXONOMY.reasons[0]!, keywords: { zh: ['质量问题', '  '], en: ['defective', 'broken '] }, aspects: { zh: ['质量', ''], en: [' quality'] }, patterns: ['', 'fake\\s+goods'] }] };
    const clean = cleanTaxonomy(draft);
    expect(clean.negations).toEqual({ zh: ['没有'], en: ['no problem with'] });
    expect(clean.reasons[0]!.keywords).toEqual({ zh: ['质量问题'], en: ['defective', 'broken'] });
    expect(clean.reasons[0]!.patterns).toEqual(['fake\\s+goods']);
    expect(clean.reasons[0]!.aspects).toEqual({ zh: ['质量'], en: ['quality'] });
    expect(clean.reasons[0]!.categories).toBeUndefined();
    expect(clean.reasons[0]!.actions).toBeUndefined();
  });
});

describe('Reasons screen', () => {
  it('points to the ticket import when the workspace has no tickets, and asks nothing of the analysis', async () => {
    const core = fakeCore({ describeWorkspace: async () => workspace(0), getTaxonomy: async () => ({ taxonomy: TAXONOMY, source: 'bundled' }) });
    renderWith(<ReasonsScreen />, { core, plotly: async () => fakePlotly() });
    const banner = await screen.findByTestId('reasons-empty');
    expect(within(banner).getByRole('link', { name: 'Import tickets' }).getAttribute('href')).toBe('#/data');
    expect(core.calls.some((call) => call.method === 'churnReasons')).toBe(false);
  });

  it.each([
    ['en', 'null', 'No customer has a ticket with this reason.', /No dated ticket names a known reason/],
    ['zh-CN', '空', '没有客户的工单提到该原因。', /没有带日期的工单提到已知原因/],
  ] as const)('shows numbers that cannot be computed as "—" with why, and says in words that no known reason has a line to draw (%s)', async (language, rawNull, why, trendNote) => {
    const core = fakeCore({
      describeWorkspace: async () => workspace(12),
      getTaxonomy: async () => ({ taxonomy: TAXONOMY, source: 'bundled' }),
      churnReasons: async () => ONLY_UNKNOWN,
      reasonCorrections: async () => CORRECTIONS,
    });
    const plotly = fakePlotly();
    renderWith(<ReasonsScreen />, { core, language, plotly: async () => plotly });
    const grid = await screen.findByRole('grid');
    await vi.waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(ONLY_UNKNOWN.reasons.length + 1));
    const cells = within(grid).getAllByRole('gridcell').map((cell) => cell.textContent);
    expect(cells).not.toContain(rawNull);
    // Rate with, lift, interval and days of both reasons without tickets
    const dashes = grid.querySelectorAll('.not-available');
    expect(dashes).toHaveLength(8);
    expect(dashes[0]!.textContent).toBe('—');
    expect(dashes[0]!.getAttribute('title')).toBe(why);
    expect(screen.getByTestId('reasons-missing').textContent).toContain(why);
    expect(screen.getByTestId('reasons-trend-note').textContent).toMatch(trendNote);
    // the result's own caution, and the window's from 2 repeat customers, above the numbers
    expect(screen.getByTestId('reasons-mostly-unknown').textContent).toBe(ONLY_UNKNOWN.mostlyUnknown!.sentence[language === 'en' ? 'en' : 'zh']);
    expect(screen.getByTestId('window-caution').textContent).toContain(language === 'en' ? 'only 2 repeat customers' : '仅由 2 位复购客户');
    // no empty chart under the words: the Pareto, lift and churn types only
    await vi.waitFor(() => expect(plotly.react).toHaveBeenCalledTimes(3));
    expect(screen.queryByRole('figure', { name: language === 'en' ? 'Tickets per reason by month' : '各原因的月度工单数' })).toBeNull();
  });

  it('drills from a reason bar to its customers and from a ticket id to the marked evidence; the table opens a reason by keyboard', async () => {
    const members = tableToIPC(
      tableFromArrays({ customer_id: ['c-1'], churned: [true], tickets: Float64Array.from([2]), ticket_ids: ['["TK7","TK9"]'], revenue_12m: Float64Array.from([120]) }),
      'stream',
    );
    const core = fakeCore({
      describeWorkspace: async () => workspace(12),
      getTaxonomy: async () => ({ taxonomy: TAXONOMY, source: 'bundled' }),
      churnReasons: async () => RESULT,
      reasonMembers: async () => members,
      ticketEvidence: async () => EVIDENCE,
      reasonCorrections: async () => CORRECTIONS,
      correctTicketReason: async () => CORRECTIONS,
    });
    const { plotly, clicks } = clickablePlotly();
    const { container } = renderWith(<ReasonsScreen />, { core, plotly: async () => plotly });
    expect(await screen.findByText('Churned customers by reason')).toBeTruthy();
    expect(screen.getAllByText('Product quality').length).toBeGreaterThan(0);

    fireEvent.change(screen.getByTestId('reasons-days-before'), { target: { value: '30' } });
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'churnReasons').at(-1)?.request).toEqual({ statuses: ['completed'], daysBeforeLastOrder: 30, taskId: expect.stringMatching(/.+/) }));

    const pareto = screen.getByRole('figure', { name: 'Churned customers by reason' }).querySelector('.chart-plot') as HTMLElement;
    await vi.waitFor(() => expect(clicks.has(pareto)).toBe(true));
    act(() => clicks.get(pareto)?.({ points: [{ x: 'Product quality', y: 6, curveNumber: 0, customdata: 'product_quality' }] }));
    expect(await screen.findByText('c-1')).toBeTruthy();
    expect(core.calls.find((call) => call.method === 'reasonMembers')?.request).toEqual({ statuses: ['completed'], daysBeforeLastOrder: 30, key: 'product_quality', level: 'reason', churnedOnly: true, taskId: expect.stringMatching(/.+/) });

    fireEvent.click(screen.getByRole('button', { name: 'TK7' }));
    expect(await screen.findByText('Evidence for ticket TK7')).toBeTruthy();
    expect(core.calls.find((call) => call.method === 'ticketEvidence')?.request).toEqual({ ticketId: 'TK7' });
    // the panel's heading shows at once; its text and marks come with the evidence, a moment later
    await vi.waitFor(() => expect([...container.querySelectorAll('mark.term-match')].map((mark) => mark.textContent)).toEqual(['物流慢']));
    expect([...container.querySelectorAll('mark.term-negated')].map((mark) => mark.textContent)).toEqual(['质量问题']);

    // The analyst corrects the ticket; the corrections panel shows the count and the cross-validated scores
    await vi.waitFor(() => expect((screen.getByTestId('ticket-correction') as HTMLSelectElement).disabled).toBe(false));
    fireEvent.change(screen.getByTestId('ticket-correction'), { target: { value: 'none' } });
    await vi.waitFor(() => expect(core.calls.find((call) => call.method === 'correctTicketReason')?.request).toEqual({ ticketId: 'TK7', reason: 'none' }));
    expect(screen.getByTestId('corrections-count').textContent).toContain('7 corrections.');
    expect([...screen.getByTestId('corrections-scores').querySelectorAll('tbody tr')].map((row) => row.textContent)).toEqual(['Delivery475.0%75.0%', 'No reason366.7%66.7%']);

    // A churn type's bar asks for that level: `natural` names both a reason and a churn type.
    const types = screen.getByRole('figure', { name: 'Churn types' }).querySelector('.chart-plot') as HTMLElement;
    await vi.waitFor(() => expect(clicks.has(types)).toBe(true));
    act(() => clicks.get(types)?.({ points: [{ x: 6, y: 'Disappointment churn', curveNumber: 0, customdata: 'disappointment' }] }));
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'reasonMembers').at(-1)?.request).toMatchObject({ key: 'disappointment', level: 'churnType' }));
    expect(await screen.findByText('Customers with “Disappointment churn”')).toBeTruthy();

    // Arrow down to the second row (Unknown), Enter: its customers.
    const grid = screen.getByRole('grid', { name: 'Reasons' });
    const viewport = grid.querySelector('.grid-viewport') as HTMLElement;
    fireEvent.keyDown(viewport, { key: 'ArrowDown' });
    fireEvent.keyDown(viewport, { key: 'Enter' });
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'reasonMembers').at(-1)?.request).toMatchObject({ key: 'unknown' }));
    expect(screen.getByText('Customers with “Unknown”')).toBeTruthy();
  });

  it('shows the classification’s ticket count and rate while it runs, and Cancel stops it with a way to run it again', async () => {
    const asked: { taskId: string; settle: { resolve: (result: typeof RESULT) => void; reject: (error: unknown) => void } }[] = [];
    const core = fakeCore({
      describeWorkspace: async () => workspace(12),
      getTaxonomy: async () => ({ taxonomy: TAXONOMY, source: 'bundled' }),
      churnReasons: (request) => new Promise((resolve, reject) => asked.push({ taskId: request.taskId ?? '', settle: { resolve, reject } })),
      cancel: async ({ taskId }) => {
        asked.find((call) => call.taskId === taskId)?.settle.reject(new CoreError('E_CANCELLED', `task ${taskId} was cancelled`));
        return { cancelled: true };
      },
    });
    renderWith(<ReasonsScreen />, { core, plotly: async () => fakePlotly() });
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    const [first] = asked;
    expect(first!.taskId).not.toBe('');
    expect(await screen.findByText('Starting…')).toBeTruthy();

    // Another task's progress is not this screen's.
    act(() => core.emit({ type: 'progress', taskId: 'someone-else', phase: 'read', bytesDone: 0, bytesTotal: 0, rows: 5, rowsPerSec: 5 }));
    expect(screen.queryByTestId('progress-rows')).toBeNull();
    act(() => core.emit({ type: 'progress', taskId: first!.taskId, phase: 'classify', bytesDone: 0, bytesTotal: 0, rows: 12_000, rowsPerSec: 4_500 }));
    expect(screen.getByText('Classifying tickets')).toBeTruthy();
    expect(screen.getByTestId('progress-rows').textContent).toBe('12,000 tickets');
    expect(screen.getByTestId('progress-rate').textContent).toBe('4,500 tickets/s');

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect((await screen.findByTestId('reasons-cancelled')).textContent).toContain('Classification cancelled.');
    expect(core.calls.find((call) => call.method === 'cancel')?.request).toEqual({ taskId: first!.taskId });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByTestId('progress-rows')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Run again' }));
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    expect(asked[1]!.taskId).not.toBe(first!.taskId);
    act(() => asked[1]!.settle.resolve(RESULT));
    expect(await screen.findByText('Churned customers by reason')).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByTestId('reasons-cancelled')).toBeNull();
  });

  it('tries a text against the unsaved taxonomy, saves it, and shows the core’s validation error naming the entry', async () => {
    const classification: Classification = { primary: 'logistics', reasons: [{ reason: 'logistics', confidence: 0.5, evidence: [{ field: 'body', terms: ['slow courier'] }] }], negated: [], praised: [] };
    let saves = 0;
    const core = fakeCore({
      describeWorkspace: async () => workspace(12),
      getTaxonomy: async () => ({ taxonomy: TAXONOMY, source: 'bundled' }),
      churnReasons: async () => RESULT,
      classifyText: async () => classification,
      setTaxonomy: async (request) => {
        saves += 1;
        if (saves === 2) throw new CoreError('E_ARGS', 'taxonomy reasons[1] (logistics): pattern "(" is not a valid regular expression');
        return { taxonomy: request.taxonomy ?? TAXONOMY, source: 'workspace' };
      },
    });
    renderWith(<ReasonsScreen />, { core, plotly: async () => fakePlotly() });
    fireEvent.click(await screen.findByRole('tab', { name: 'Taxonomy' }));
    fireEvent.click(await screen.findByRole('button', { name: /Delivery/ }));
    fireEvent.change(screen.getByTestId('keywords-en'), { target: { value: 'late delivery\nslow courier\n' } });
    fireEvent.change(screen.getByTestId('taxonomy-try'), { target: { value: 'The slow courier lost it' } });
    await vi.waitFor(() => expect(core.calls.some((call) => call.method === 'classifyText')).toBe(true));
    const tried = core.calls.find((call) => call.method === 'classifyText')?.request as { text: string; taxonomy: Taxonomy };
    expect(tried.text).toBe('The slow courier lost it');
    expect(tried.taxonomy.reasons[1]!.keywords.en).toEqual(['late delivery', 'slow courier']);
    expect((await screen.findByText('slow courier', { selector: 'mark' })).className).toBe('term-match');

    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(saves).toBe(1));
    // Saving reloads the analyses and the taxonomy in force.
    expect(await screen.findByText('saved')).toBeTruthy();
    expect((core.calls.find((call) => call.method === 'setTaxonomy')?.request as { taxonomy: Taxonomy }).taxonomy.reasons[1]!.keywords.en).toEqual(['late delivery', 'slow courier']);

    fireEvent.click(screen.getByRole('button', { name: /Delivery/ }));
    fireEvent.change(screen.getByTestId('keywords-en'), { target: { value: 'late delivery\n(' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('reasons[1] (logistics)');
  });
});
