// KPI formulas from one structured source: the terms the analysis used, worded in English and
// Chinese here, and the report's KPI table (one number format per column, formulas in its language).
import { describe, expect, it } from 'vitest';
import { kpiFormula, type KpiFormulaTerms } from '../../src/api/kpiFormula.ts';
import type { KpiKey, KpisResult } from '../../src/api/retention.ts';
import { kpiSections } from '../../src/report/sections/kpis.ts';
import { formatTableRows, readTable } from '../../src/report/table.ts';

const TERMS: KpiFormulaTerms = {
  statuses: ['completed', 'refunded'],
  asOf: '2024-04-20T12:00:00Z',
  period: 'month',
  retentionPeriod: '2024-02-01',
  churnPeriod: '2024-01-01',
  windowDays: 97,
  windowSource: 'p90',
  repeatDays: 2,
  creditNotes: 3,
  tickets: 12,
  linkedTickets: 12,
  lowRatingAtMost: 2,
  topShare: 0.2,
  topCustomers: 2,
};

const KEYS: KpiKey[] = [
  'customers', 'repeatPurchaseRate', 'retentionRate', 'churnRate', 'orderCompletionRate', 'refundRateOrders', 'refundRateAmount',
  'complaintRate', 'averageRating', 'lowRatingShare', 'revenuePerCustomer', 'averageOrderValue', 'topRevenueShare', 'gini',
];

describe('KPI formulas', () => {
  it('word the terms in English', () => {
    expect(kpiFormula('customers', TERMS, 'en')).toBe('customers with an order of status in (completed, refunded) up to 2024-04-20 12:00');
    expect(kpiFormula('churnRate', TERMS, 'en')).toBe(
      "customers active in the month of 2024-01-01 whose last activity was then, followed by more than 97 calendar days without activity (P90 of repeat customers' gaps between purchase days) / customers active then (the latest month whose customers can all be judged)",
    );
    expect(kpiFormula('retentionRate', { ...TERMS, retentionPeriod: null }, 'en')).toBe('needs two months of data, the later one complete');
    expect(kpiFormula('topRevenueShare', TERMS, 'en')).toBe('revenue of the top 20% of customers (2 by revenue) / all revenue');
  });

  it('word the same terms in Chinese', () => {
    expect(kpiFormula('customers', TERMS, 'zh-CN')).toBe('有已完成、已退款订单（截至 2024-04-20 12:00）的客户数');
    expect(kpiFormula('churnRate', TERMS, 'zh-CN')).toBe(
      '在以 2024-01-01 开始的月活跃、最后一次活跃在该月、之后超过 97 天未再活跃（按自然日计，窗口为复购客户购买间隔的第 90 百分位）的客户 / 该月活跃的客户（最近一个可完整判定的月）',
    );
    expect(kpiFormula('churnRate', { ...TERMS, churnPeriod: null, windowSource: 'user' }, 'zh-CN')).toBe('尚无可用 97 天窗口完整判定其客户的月');
    expect(kpiFormula('refundRateOrders', TERMS, 'zh-CN')).toBe('退款（已退款或有退款金额的订单，以及 3 张贷项凭证） / 截至 2024-04-20 12:00 已完成或已退款的订单');
  });

  it.each(KEYS)('state the same numbers in both languages, and no English word in Chinese (%s)', (key) => {
    const numbers = (text: string) => [...new Set(text.match(/\d+(?:[.:-]\d+)*/g) ?? [])].sort();
    const zh = kpiFormula(key, TERMS, 'zh-CN');
    expect(numbers(zh)).toEqual(numbers(kpiFormula(key, TERMS, 'en')));
    expect(zh).not.toMatch(/[A-Za-z]{3,}/);
  });
});

describe('the report KPI table', () => {
  const kpi = (key: KpiKey, value: number, numerator: number | null, denominator: number | null) => ({ key, value, numerator, denominator, formula: kpiFormula(key, TERMS, 'en') });
  const result = {
    options: { period: 'month', paretoShare: 0.2, lowRatingAtMost: 2, lorenzPoints: 100, statuses: TERMS.statuses, asOf: TERMS.asOf },
    rule: { statuses: TERMS.statuses, asOf: TERMS.asOf, windowDays: 97, windowSource: 'p90', repeatCustomers: 6 },
    kpis: [
      kpi('customers', 4339, 4339, null),
      kpi('retentionRate', 622 / 1364, 622, 1364),
      kpi('revenuePerCustomer', 8_911_407.9 / 4339, 8_911_407.9, 4339),
      kpi('gini', 2937.79 / 4107.58, 2937.79, 4107.58),
    ],
    lorenz: [],
    formulaTerms: TERMS,
  } as unknown as KpisResult;

  it.each(['en', 'zh-CN'] as const)('puts rates, money and plain values in columns of their own, formulas in the report language (%s)', (lang) => {
    const table = readTable(kpiSections(result, lang)[0]!.table!);
    expect(table.columns.map((column) => column.format)).toEqual(['text', 'percent', 'money', 'number', 'number', 'number', 'text']);
    // customers, retention rate, revenue per customer, Gini: each value in its one column
    expect(table.rows.map((row) => row.slice(1, 4))).toEqual([
      [null, null, 4339],
      [622 / 1364, null, null],
      [null, 8_911_407.9 / 4339, null],
      [null, null, 2937.79 / 4107.58],
    ]);
    expect(table.rows[1]![6]).toBe(kpiFormula('retentionRate', TERMS, lang));
  });

  it.each(['en', 'zh-CN'] as const)('prints counts as whole numbers and the Gini as two sums of money (%s)', (lang) => {
    const table = readTable(kpiSections(result, lang)[0]!.table!);
    const cells = formatTableRows(table, lang, 'GBP').map((row) => row.slice(3, 6));
    expect(cells).toEqual([
      ['4,339', '4,339', ''],
      ['', '622', '1,364'],
      ['', '£8,911,407.90', '4,339'],
      ['0.72', '£2,937.79', '£4,107.58'],
    ]);
  });
});

describe('the Gini formula', () => {
  it('states in words the two sums its numerator and denominator hold, in both languages', () => {
    expect(kpiFormula('gini', TERMS, 'en')).toBe(
      'average revenue gap between two customers (each paired with every customer) / twice the revenue per customer: 0 when all bring the same, near 1 when a few bring almost all',
    );
    expect(kpiFormula('gini', TERMS, 'zh-CN')).toBe('两位客户收入之差的平均值（每位客户与所有客户两两配对） / 客均收入的两倍：客户收入都相同时为 0，越接近 1 表示收入越集中于少数客户');
  });
});
