// The reasons section on hand-made results: the headline's choice of reason and its fallbacks, the
// Pareto order (unknown last) and cumulative line, and the table's numbers.
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { ChurnReasonsResult, ReasonRow } from '../../src/api/reasons.ts';
import { reasonsHeadline, reasonsSections } from '../../src/report/sections/reasons.ts';

function row(key: string, en: string, zh: string, churned: number, lift: [number, number, number] | null = null): ReasonRow {
  return {
    key,
    zh,
    en,
    churnType: key === 'unknown' ? null : 'disappointment',
    tickets: churned + 5,
    customers: churned + 10,
    churnedCustomers: churned,
    shareOfChurned: churned / 40,
    churnRateWith: 0.6,
    churnRateWithout: 0.3,
    lift: lift?.[0] ?? null,
    liftLow: lift?.[1] ?? null,
    liftHigh: lift?.[2] ?? null,
    revenueAtStake: churned * 100,
    medianDaysTicketToLastOrder: 14,
  };
}

// 40 churned customers, 30 with tickets. Unknown (12) outnumbers delivery (9) but is not a reason to rank.
const RESULT: ChurnReasonsResult = {
  options: { statuses: ['completed'], asOf: '2024-06-30T00:00:00.000Z', windowDays: 97, daysBeforeLastOrder: 90, churnFlag: null },
  rule: { windowDays: 97, windowSource: 'p90', asOf: '2024-06-30T00:00:00.000Z', statuses: ['completed'], repeatCustomers: 250 },
  taxonomyVersion: 2,
  churnedCustomers: 40,
  judgedCustomers: 100,
  churnedWithTickets: 30,
  attributedTickets: 45,
  mostlyUnknown: null,
  reasons: [row('product_quality', 'Product quality', '产品质量', 15, [2.04, 1.31, 3.18]), row('unknown', 'Unknown', '未知原因', 12), row('logistics', 'Delivery', '物流配送', 9, [0.9, 0.55, 1.47])],
  churnTypes: [{ ...row('disappointment', 'Disappointment churn', '失望流失', 15), churnType: null }],
  trend: [],
};

describe('reasons headline', () => {
  it('says first when most tickets name no reason, since the finding rests on the few that do', () => {
    const sentence = { en: 'Most tickets name no reason.', zh: '大多数工单没有原因。' };
    const headline = reasonsHeadline({ ...RESULT, mostlyUnknown: { share: 0.9, sentence } }, 'en');
    expect(headline.startsWith('Most tickets name no reason. Product quality precedes the largest share of churn')).toBe(true);
    expect(reasonsHeadline({ ...RESULT, mostlyUnknown: { share: 0.9, sentence } }, 'zh-CN').startsWith('大多数工单没有原因。')).toBe(true);
  });

  it('names the known reason behind the most churned customers, with its lift and interval', () => {
    // 15 of 40 churned customers = 37.5%.
    expect(reasonsHeadline(RESULT, 'en')).toBe(
      'Product quality precedes the largest share of churn: 37.5% of churned customers (15 of 40) had a ticket about it before they left; customers with it churn 2.0 times as often as customers without it (95% CI 1.3 to 3.2).',
    );
    expect(reasonsHeadline(RESULT, 'zh-CN')).toBe(
      '产品质量是流失前最常见的原因：37.5% 的流失客户（40 位中的 15 位）流失前有相关工单；有此原因的客户流失率是无此原因客户的 2.0 倍（95% 置信区间 1.3–3.2）。',
    );
  });

  it('says when the interval includes no difference, and leaves the lift out when there is none', () => {
    const delivery = { ...RESULT, reasons: [RESULT.reasons[1]!, RESULT.reasons[2]!] };
    expect(reasonsHeadline(delivery, 'en')).toBe(
      'Delivery precedes the largest share of churn: 22.5% of churned customers (9 of 40) had a ticket about it before they left; customers with it churn 0.9 times as often as customers without it (95% CI 0.6 to 1.5, which includes no difference).',
    );
    const noLift = { ...RESULT, reasons: [row('price', 'Price', '价格', 4)] };
    expect(reasonsHeadline(noLift, 'zh-CN')).toBe('价格是流失前最常见的原因：10.0% 的流失客户（40 位中的 4 位）流失前有相关工单。');
  });

  it('falls back when nobody churned, no churned customer had tickets, or every ticket is unknown', () => {
    expect(reasonsHeadline({ ...RESULT, churnedCustomers: 0, churnedWithTickets: 0 }, 'en')).toBe('No customer has churned under the rule yet, so no reason can be attributed.');
    expect(reasonsHeadline({ ...RESULT, churnedWithTickets: 0 }, 'zh-CN')).toBe('40 位流失客户在流失前的时间窗内都没有工单，无法归因流失原因。');
    expect(reasonsHeadline({ ...RESULT, reasons: [RESULT.reasons[1]!] }, 'en')).toBe('No ticket of a churned customer names a known reason: all 30 churned customers with tickets are unknown.');
  });
});

describe('reasons section', () => {
  const [section] = reasonsSections(RESULT, 'en');

  it('ranks known reasons in the Pareto chart, unknown last, with the cumulative share of known attributions', () => {
    const [bars, line] = section!.chart!.data;
    expect(bars!.x).toEqual(['Product quality', 'Delivery', 'Unknown']);
    expect(bars!.y).toEqual([15, 9, 12]);
    expect(line!.x).toEqual(['Product quality', 'Delivery']);
    // 15 of the 24 known attributions, then all 24.
    expect(line!.y).toEqual([15 / 24, 1]);
  });

  it('holds every reason’s numbers in the table, in the chart’s order', () => {
    const table = tableFromIPC(section!.table!.arrow);
    expect(table.getChild('reason')!.toArray()).toEqual(['Product quality', 'Delivery', 'Unknown']);
    expect(table.schema.fields.map((field) => field.name)).toEqual(['reason', 'tickets', 'churned', 'share', 'rateWith', 'rateWithout', 'lift', 'liftLow', 'liftHigh', 'revenue', 'medianDays']);
    expect(Array.from(table.getChild('churned')!.toArray() as Float64Array)).toEqual([15, 9, 12]);
    expect(table.getChild('lift')!.get(0)).toBe(2.04);
    expect(table.getChild('lift')!.get(2)).toBeNull();
    expect(table.getChild('share')!.get(1)).toBe(9 / 40);
  });

  it('states the churn rule, the ticket window and the taxonomy version', () => {
    expect(section!.options).toEqual([
      { label: 'Churn window', value: '97 days (P90 of the gaps of 250 repeat customers)' },
      { label: 'Orders counted', value: 'completed' },
      { label: 'As of', value: '2024-06-30' },
      { label: 'Tickets counted', value: 'from 90 days before the last order to the churn date' },
      { label: 'Taxonomy version', value: '2' },
    ]);
  });

  it('has no section when there is no reason row at all', () => {
    expect(reasonsSections({ ...RESULT, reasons: [] }, 'en')).toEqual([]);
  });
});
