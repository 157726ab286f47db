// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoreError, type WorkspaceInfo } from '../../core/src/api/index.ts';
import type { ChurnReasonsResult, Classification, ReasonRow, Taxonomy, TicketEvidence } from '../../core/src/api/reasons.ts';
import type { PlotlyPoint } from '../src/components/charts/plotlyBundle.ts';
import { highlightSegments } from '../src/features/reasons/highlight.tsx';
import { ticketIds } from '../src/features/reasons/ReasonMembers.tsx';
import { liftTraces, paretoTraces, trendTraces } from '../src/features/reasons/reasonsCharts.ts';
import { ReasonsScreen } from '../src/features/reasons/ReasonsScreen.tsx';
import { cleanTaxonomy } from '../src/features/reasons/TaxonomyEditor.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const row = (key: string, en: string, churned: number, lift: [number, number, number] | null, churnType: ReasonRow['churnType'] = 'disappointment'): ReasonRow => ({
  key,
  zh: `${en}（中）`,
  en,
  churnType,
  tickets: churned * 2,
  customers: churned + 1,
  churnedCustomers: churned,
  shareOfChurned: churned / 10,
  churnRateWith: 0.5,
  churnRateWithout: 0.25,
  lift: lift?.[0] ?? null,
  liftLow: lift?.[1] ?? null,
  liftHigh: lift?.[2] ?? null,
  revenueAtStake: 1000,
  medianDaysTicketToLastOrder: 12,
});

// Contract order: by churned customers, largest first, unknown included where it falls.
const REASONS: ReasonRow[] = [row('product_quality', 'Product quality', 6, [2, 1.2, 3.3]), row('unknown', 'Unknown', 4, null, null), row('logistics', 'Delivery', 3, [0.8, 0.4, 1.6], 'big_shop_neglect')];

const RESULT: ChurnReasonsResult = {
  options: { statuses: ['completed'], asOf: '2024-06-30', windowDays: 90, daysBeforeLastOrder: 90, churnFlag: null },
  rule: { windowDays: 90, windowSource: 'p90', asOf: '2024-06-30', statuses: ['completed'], repeatCustomers: 40 },
  taxonomyVersion: 3,
  churnedCustomers: 10,
  judgedCustomers: 30,
  churnedWithTickets: 8,
  reasons: REASONS,
  churnTypes: [{ ...row('disappointment', 'Disappointment churn', 6, [1.9, 1.1, 3.2]), churnType: null }],
  trend: [
    { month: '2024-01-01', reason: 'product_quality', tickets: 2, customers: 2 },
    { month: '2024-03-01', reason: 'product_quality', tickets: 5, customers: 4 },
    { month: '2024-02-01', reason: 'logistics', tickets: 1, customers: 1 },
  ],
};

const TAXONOMY: Taxonomy = {
  version: 3,
  negations: { zh: ['没有'], en: ['no problem with'] },
  churnTypes: [
    { key: 'disappointment', zh: '失望流失', en: 'Disappointment churn' },
    { key: 'big_shop_neglect', zh: '店大欺客', en: 'Big shop neglect' },
  ],
  reasons: [
    { key: 'product_quality', zh: '产品质量', en: 'Product quality', churnType: 'disappointment', keywords: { zh: ['质量问题'], en: ['defective'] } },
    { key: 'logistics', zh: '物流配送', en: 'Delivery', churnType: 'big_shop_neglect', keywords: { zh: ['物流慢'], en: ['late delivery'] } },
  ],
};

const EVIDENCE: TicketEvidence = {
  ticket: { ticketId: 'TK7', customerId: 'c-1', createdAt: '2024-02-03T10:00:00.000Z', category: '投诉', subject: null, body: '没有质量问题，但是物流慢得离谱', refundReason: null, rating: 1 },
  classification: { reasons: [{ reason: 'logistics', confidence: 0.6, evidence: [{ field: 'body', terms: ['物流慢'] }] }], negated: [{ field: 'body', terms: ['质量问题'] }] },
};

const workspace = (tickets: number): WorkspaceInfo => ({ path: 'w', tables: [], orders: 50, customers: 30, tickets, dateRange: null, sources: [], filledColumns: { orders: [], tickets: [] } });

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
    const draft: Taxonomy = { ...TAXONOMY, negations: { zh: ['没有', ''], en: [' no problem with '] }, reasons: [{ ...TAXONOMY.reasons[0]!, keywords: { zh: ['质量问题', '  '], en: ['defective', 'broken '] }, patterns: ['', 'fake\\s+goods'] }] };
    const clean = cleanTaxonomy(draft);
    expect(clean.negations).toEqual({ zh: ['没有'], en: ['no problem with'] });
    expect(clean.reasons[0]!.keywords).toEqual({ zh: ['质量问题'], en: ['defective', 'broken'] });
    expect(clean.reasons[0]!.patterns).toEqual(['fake\\s+goods']);
    expect(clean.reasons[0]!.categories).toBeUndefined();
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
    });
    const { plotly, clicks } = clickablePlotly();
    const { container } = renderWith(<ReasonsScreen />, { core, plotly: async () => plotly });
    expect(await screen.findByText('Churned customers by reason')).toBeTruthy();
    expect(screen.getAllByText('Product quality').length).toBeGreaterThan(0);

    fireEvent.change(screen.getByTestId('reasons-days-before'), { target: { value: '30' } });
    await vi.waitFor(() => expect(core.calls.filter((call) => call.method === 'churnReasons').at(-1)?.request).toEqual({ statuses: ['completed'], daysBeforeLastOrder: 30 }));

    const pareto = screen.getByRole('figure', { name: 'Churned customers by reason' }).querySelector('.chart-plot') as HTMLElement;
    await vi.waitFor(() => expect(clicks.has(pareto)).toBe(true));
    act(() => clicks.get(pareto)?.({ points: [{ x: 'Product quality', y: 6, curveNumber: 0, customdata: 'product_quality' }] }));
    expect(await screen.findByText('c-1')).toBeTruthy();
    expect(core.calls.find((call) => call.method === 'reasonMembers')?.request).toEqual({ statuses: ['completed'], daysBeforeLastOrder: 30, key: 'product_quality', level: 'reason', churnedOnly: true });

    fireEvent.click(screen.getByRole('button', { name: 'TK7' }));
    expect(await screen.findByText('Evidence for ticket TK7')).toBeTruthy();
    expect(core.calls.find((call) => call.method === 'ticketEvidence')?.request).toEqual({ ticketId: 'TK7' });
    expect([...container.querySelectorAll('mark.term-match')].map((mark) => mark.textContent)).toEqual(['物流慢']);
    expect([...container.querySelectorAll('mark.term-negated')].map((mark) => mark.textContent)).toEqual(['质量问题']);

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

  it('tries a text against the unsaved taxonomy, saves it, and shows the core’s validation error naming the entry', async () => {
    const classification: Classification = { reasons: [{ reason: 'logistics', confidence: 0.5, evidence: [{ field: 'body', terms: ['slow courier'] }] }], negated: [] };
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
