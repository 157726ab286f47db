// Headlines on hand-made analysis results: the choices and fallbacks the database fixtures do not reach.
import { describe, expect, it } from 'vitest';
import type { CustomerValueResult } from '../../src/api/customers.ts';
import type { CohortMatrix, CohortRow, KpisResult, SurvivalCurve } from '../../src/api/retention.ts';
import { survivalHeadline } from '../../src/report/sections/churn.ts';
import { valueHeadline } from '../../src/report/sections/customers.ts';
import { kpiHeadline } from '../../src/report/sections/kpis.ts';
import { cohortHeadline, curveHeadline, MIN_HEADLINE_COHORT } from '../../src/report/sections/retention.ts';

function cohort(first: string, size: number, rates: (number | null)[], partialK: number | null = null): CohortRow {
  return { cohort: first, size, values: rates.map((rate) => (rate === null ? null : rate * size)), rates, partialK };
}

function matrix(cohorts: CohortRow[], weighted: { k: number; rate: number | null; cohorts: number }[]): CohortMatrix {
  const points = weighted.map((point) => ({ ...point, customers: 0 }));
  return { segment: null, customers: cohorts.reduce((sum, row) => sum + row.size, 0), cohorts, weightedMean: points, simpleMean: points, trend: [] };
}

describe('cohort headline', () => {
  it('leaves cohorts under the minimum size out when larger ones exist', () => {
    const rows = [cohort('2024-01-01', 100, [1, 0.3, 0.2, 0.15]), cohort('2024-02-01', 50, [1, 0.3, 0.2, 0.1]), cohort('2024-03-01', MIN_HEADLINE_COHORT - 1, [1, 0, 0, 0])];
    // worst of the two large cohorts at month 3: 2024-02 at 10%; the average given is 12%, so 2.0 points below
    expect(cohortHeadline(matrix(rows, [{ k: 3, rate: 0.12, cohorts: 3 }]), 'month', 'en')).toBe(
      'The 2024-02 cohort retains worst in month 3: 10.0% of its 50 customers bought then, 2.0 points below the average of 12.0%.',
    );
  });

  it('never names a cohort under the minimum size as the worst: steps back to a period large cohorts reach, else says they are too small', () => {
    // Month 3: only the two small cohorts (6 and 12 customers) are complete; month 2 adds the 80-customer one.
    const rows = [cohort('2024-01-01', 6, [1, 0.5, 0.2, 0]), cohort('2024-02-01', 12, [1, 0.5, 0.25, 0.25]), cohort('2024-03-01', 80, [1, 0.4, 0.3, null], 3)];
    const weighted = [
      { k: 2, rate: 0.29, cohorts: 3 },
      { k: 3, rate: 1 / 6, cohorts: 2 },
    ];
    // month 3 has only small cohorts, so month 2 is compared, where the 80-customer cohort is the only large one (above the average the small ones pull down)
    expect(cohortHeadline(matrix(rows, weighted), 'month', 'en')).toBe(
      'The 2024-03 cohort retains worst in month 2: 30.0% of its 80 customers bought then, 1.0 points above the average of 29.0%.',
    );
    const small = rows.slice(0, 2);
    expect(cohortHeadline(matrix(small, weighted), 'month', 'zh-CN')).toBe(
      `平均 16.7% 的客户在第 3 个月有购买；能观察到该期的同期群都不足 ${MIN_HEADLINE_COHORT} 位客户（最大的有 12 位），人数太少，不指出哪个最差。`,
    );
  });

  it('steps back to an earlier period when no cohort has the headline period complete, and says when only one cohort is there', () => {
    // Month 3 is partial for the only cohort that reaches it, so month 2 is compared.
    const rows = [cohort('2024-01-01', 40, [1, 0.5, 0.25, 0.1], 3), cohort('2024-02-01', 40, [1, 0.4, null, null], 2)];
    expect(cohortHeadline(matrix(rows, [{ k: 2, rate: 0.25, cohorts: 1 }]), 'month', 'en')).toBe(
      'Only the 2024-01 cohort can be followed to month 2 yet: 25.0% of its 40 customers bought then.',
    );
    const quarters = [cohort('2024-01-01', 40, [1, 0.5])];
    expect(cohortHeadline(matrix(quarters, [{ k: 1, rate: 0.5, cohorts: 1 }]), 'quarter', 'zh-CN')).toBe('目前只有 2024年第1季度 同期群可观察到第 1 季度：40 位客户中 50.0% 当期有购买。');
  });

  it('speaks of weeks for weekly cohorts', () => {
    const rows = [cohort('2024-01-01', 40, [1, 0.5, 0.4, 0.3, 0.2]), cohort('2024-01-08', 40, [1, 0.5, 0.4, 0.3, 0.25])];
    expect(cohortHeadline(matrix(rows, [{ k: 4, rate: 0.225, cohorts: 2 }]), 'week', 'zh-CN')).toBe(
      '2024-01-01 同期群第 4 周留存最低：40 位客户中 20.0% 当期有购买，比平均水平 22.5% 低 2.5 个百分点。',
    );
  });
});

describe('curve headline', () => {
  it('ends where as many cohorts as can still contribute, and counts one cohort in words', () => {
    const rows = [cohort('2024-01-01', 10, [1, 0.5, 0.4])];
    expect(
      curveHeadline(
        matrix(rows, [
          { k: 0, rate: 1, cohorts: 1 },
          { k: 1, rate: 0.5, cohorts: 1 },
          { k: 2, rate: 0.4, cohorts: 1 },
        ]),
        'month',
        'en',
      ),
    ).toBe('On average 50.0% of customers buy again in month 1 and 40.0% in month 2 (the one cohort that reaches it).');
    expect(
      curveHeadline(
        matrix(rows, [
          { k: 1, rate: 0.3, cohorts: 5 },
          { k: 2, rate: 0.2, cohorts: 3 },
          { k: 3, rate: 0.9, cohorts: 1 },
        ]),
        'month',
        'en',
      ),
    ).toBe('On average 30.0% of customers buy again in month 1 and 20.0% in month 2 (the 3 cohorts that reach it).');
  });
});

describe('survival headline', () => {
  const point = (time: number, survival: number) => ({ time, atRisk: 10, events: 1, censored: 0, survival, lower: null, upper: null });
  const curve = (median: number | null, limits: [number | null, number | null], points = [point(30, 0.8), point(90, 0.45)]): SurvivalCurve => ({
    group: null,
    subjects: 10,
    events: 2,
    median,
    medianLower: limits[0],
    medianUpper: limits[1],
    points,
  });

  it('orders the confidence limits of the median whichever band gave which', () => {
    expect(survivalHeadline(curve(90, [120, 60]), 0.95, 'en')).toBe('Half of customers have churned 90 days after their first order (95% CI 60 to 120 days).');
    expect(survivalHeadline(curve(90, [60, null]), 0.9, 'zh-CN')).toBe('一半客户在首单后 90 天内流失。');
  });

  it('says how many are still active at the end when the curve never reaches one half', () => {
    expect(survivalHeadline(curve(null, [null, null], [point(30, 0.9), point(400, 0.62)]), 0.95, 'en')).toBe(
      'More than half of customers are still active 400 days after their first order: 62.0% by the curve’s end.'.replace('’', "'"),
    );
  });
});

describe('KPI headline', () => {
  const result = (values: Partial<Record<'topRevenueShare' | 'gini' | 'repeatPurchaseRate' | 'averageRating', number>>): KpisResult =>
    ({
      options: { paretoShare: 0.1 },
      kpis: (['topRevenueShare', 'gini', 'repeatPurchaseRate', 'averageRating'] as const).map((key) => ({ key, value: values[key] ?? null, numerator: null, denominator: null, formula: '' })),
      lorenz: [],
    }) as unknown as KpisResult;

  it('states the Pareto share with the option used, then falls back to the repeat rate, then to any known indicator', () => {
    expect(kpiHeadline(result({ topRevenueShare: 0.5, gini: 0.41 }), 'en')).toBe('The top 10% of customers bring 50.0% of revenue (Gini 0.41).');
    expect(kpiHeadline(result({ topRevenueShare: 0.5 }), 'zh-CN')).toBe('前 10% 的客户贡献了 50.0% 的收入。');
    expect(kpiHeadline(result({ repeatPurchaseRate: 0.25 }), 'en')).toBe('25.0% of customers bought more than once.');
    expect(kpiHeadline(result({ averageRating: 4.25 }), 'en')).toBe('Average rating: 4.25');
  });
});

describe('customer value headline', () => {
  const result = (summary: Partial<CustomerValueResult['summary']>): CustomerValueResult =>
    ({
      options: { horizonMonths: 12 },
      summary: { customers: 956, meanPAlive: 0.9999, totalClv: 1_555_249, totalValueAtRisk: 100_000, ...summary },
    }) as unknown as CustomerValueResult;

  it('states the share of value at risk the listed customers hold', () => {
    expect(valueHeadline(result({}), 100, 25_000, 'en')).toBe('The 100 customers most at risk hold 25,000 of value at risk, 25.0% of the 100,000 total.');
  });

  it('states the value to come when the risk is under 1% of it, and P(alive) without a spend model', () => {
    // 15,000 is 0.96% of 1,555,249
    expect(valueHeadline(result({ totalValueAtRisk: 15_000 }), 100, 10, 'en')).toBe(
      'The model values the next 12 months of the 956 customers at 1,555,249 and sees little risk of losing them: P(alive) averages 100.0%.',
    );
    expect(valueHeadline(result({ totalClv: null, totalValueAtRisk: null, meanPAlive: 0.42 }), 100, 0, 'zh-CN')).toBe('模型预计 956 位客户的平均存活概率为 42.0%。');
  });
});

describe('executive summary', () => {
  it('takes up to five headlines, churn and KPIs first, in the report’s order otherwise', async () => {
    const { executiveSummary } = await import('../../src/report/defaultReport.ts');
    const section = (id: string, headline: string) => ({ id, headline }) as Parameters<typeof executiveSummary>[0][number];
    const sections = ['customers.shopper', 'retention.curve', 'kpis.overview', 'churn.summary', 'reasons.churn', 'customers.rfm', 'retention.cohorts'].map((id) => section(id, `${id} finding`));
    expect(executiveSummary(sections)).toEqual(['churn.summary finding', 'kpis.overview finding', 'retention.cohorts finding', 'reasons.churn finding', 'customers.rfm finding']);
    expect(executiveSummary([section('custom.1', ' '), section('retention.curve', 'curve')])).toEqual(['curve']);
  });
});
