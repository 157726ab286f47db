// A drivers result worked out by hand (a categorical reason term, one level measurable and one
// infinite), shared by the report section's test and the Drivers screen's test.
import type { DriverCoefficient, DriversResult, WhatIfRequest, WhatIfResult } from '../../src/api/index.ts';

const coefficient = (level: string, hazardRatio: number, pValue: number, infinite = false): DriverCoefficient => ({
  term: 'reason',
  level,
  coefficient: Math.log(hazardRatio),
  infinite,
  hazardRatio,
  standardError: infinite ? null : 0.1,
  lower: infinite ? null : hazardRatio * 0.8,
  upper: infinite ? null : hazardRatio * 1.25,
  z: infinite ? null : 3,
  pValue: infinite ? null : pValue,
});

export const driversResult: DriversResult = {
  options: { source: null, covariates: ['reason'], reference: { reason: 'none' }, standardize: false, confidence: 0.95, statuses: ['completed'], asOf: '2024-04-20T00:00:00.000Z' },
  rule: { windowDays: 30, windowSource: 'user', asOf: '2024-04-20T00:00:00.000Z', statuses: ['completed'], repeatCustomers: null },
  timeUnit: 'day',
  subjects: 100,
  events: 40,
  excludedRows: 0,
  terms: [
    {
      term: 'reason',
      kind: 'categorical',
      reference: 'none',
      levels: [
        { level: 'none', subjects: 60, events: 10, names: { zh: '无工单', en: 'no ticket' } },
        { level: 'logistics', subjects: 30, events: 25, names: { zh: '物流配送', en: 'Delivery' } },
        { level: 'unknown', subjects: 10, events: 0, names: { zh: '未知原因', en: 'Unknown reason' } },
      ],
      mean: null,
      sd: null,
      standardized: false,
      proportionalHazards: { statistic: 6, df: 2, pValue: 0.04 },
    },
  ],
  coefficients: [coefficient('logistics', 3, 0.001), coefficient('unknown', 1e-12, 1, true)],
  logLikelihood: { null: -200, model: -180 },
  likelihoodRatio: { statistic: 40, df: 2, pValue: 2e-9 },
  wald: { statistic: 35, df: 2, pValue: 1e-8 },
  score: { statistic: 38, df: 2, pValue: 5e-9 },
  concordance: { value: 0.71, concordant: 700, discordant: 290, tiedRisk: 10 },
  proportionalHazardsGlobal: { statistic: 6, df: 2, pValue: 0.04 },
  iterations: 12,
  converged: true,
  headline: {
    term: 'reason',
    kind: 'categorical',
    level: 'logistics',
    than: 'none',
    factor: 3,
    direction: null,
    pValue: 0.001,
    sentence: { en: 'Customers with main churn reason "Delivery" leave 3 times as fast as those with "no ticket".', zh: '主要流失原因为「物流配送」的客户，流失速度是「无工单」客户的 3 倍。' },
  },
  finding: { en: 'Customers with main churn reason "Delivery" leave 3 times as fast as those with "no ticket".', zh: '主要流失原因为「物流配送」的客户，流失速度是「无工单」客户的 3 倍。' },
  warnings: [{ kind: 'proportionalHazards', term: 'reason', pValue: 0.04, sentence: { en: 'The effect of main churn reason changes over time.', zh: '「主要流失原因」的影响随时间变化。' } }],
};

/** A what-if answer for a request's group and cut (default: logistics, 20% over 12 months); the scenario is fixed. */
export function whatIfResult(request: Partial<Pick<WhatIfRequest, 'term' | 'level' | 'reduction' | 'horizonMonths'>> = {}): WhatIfResult {
  return {
    options: { term: request.term ?? 'reason', level: request.level ?? 'logistics', reduction: request.reduction ?? 0.2, horizonMonths: request.horizonMonths ?? 12 },
    activeCustomers: 5,
    groupCustomers: 30,
    groupEvents: 25,
    monthlyChurnRate: 0.1,
    trailingRevenue: 1200,
    scenario: { reduction: 0.2, churnersNow: 35.5, churnersAfter: 23.8, customersKept: 11.7, revenueKept: 400, clvKept: null },
    model: null,
    assumptions: { en: ['Rate stays at 10% a month.'], zh: ['流失率保持每月 10%。'] },
  };
}
