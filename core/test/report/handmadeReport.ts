// A hand-made report model exercising every writer path: a heatmap (image on slides) with a wide
// table, native bar and line charts, a small table beside its chart, a long table on its own slide,
// formula-looking text, and notes.
import type { ReportLang, ReportModel } from '../../src/api/report.ts';
import { makeTable } from '../../src/report/table.ts';

/** Cohort retention fractions: row c, month m → 1 at m = 0, then falling by cohort. */
export function cohortValue(cohort: number, month: number): number {
  return month === 0 ? 1 : Math.round((0.5 - cohort * 0.02) * 0.9 ** (month - 1) * 1000) / 1000;
}

export const FORMULA_TEXTS = ['=HYPERLINK("http://evil.example","x")', '+cmd|\'/C calc\'!A0', '-2+3', '@SUM(1,1)', '\tTAB', '\rCR'];

export function handmadeReport(lang: ReportLang): ReportModel {
  const zh = lang === 'zh-CN';
  const months = Array.from({ length: 13 }, (_, month) => month);
  const cohorts = Array.from({ length: 6 }, (_, cohort) => `2024-0${cohort + 1}`);
  const cohortRows = cohorts.map((name, cohort) => ({
    cohort: name,
    customers: 100 + cohort * 10,
    ...Object.fromEntries(months.map((month) => [`m${month}`, cohortValue(cohort, month)])),
  }));
  const reasons = [
    { reason: zh ? '物流配送' : 'Logistics', churned: 40, share: 0.4 },
    { reason: zh ? '服务质量' : 'Service', churned: 30, share: 0.3 },
    { reason: zh ? '产品质量' : 'Product quality', churned: 20, share: 0.2 },
    { reason: FORMULA_TEXTS[0]!, churned: 10, share: 0.1 },
  ];
  const atRisk = Array.from({ length: 40 }, (_, index) => ({
    customer: index < FORMULA_TEXTS.length ? FORMULA_TEXTS[index]! : `C${String(index).padStart(4, '0')}`,
    value: 1000 - index * 10.5,
    alive: 0.3 + index / 100,
    last: `2024-0${(index % 9) + 1}-15`,
  }));
  return {
    version: 1,
    lang,
    title: zh ? '客户流失分析报告' : 'Customer churn report',
    subtitle: zh ? 'sample.duckdb · 2024-01-01 至 2024-12-31 · 1,234 笔订单 · 456 位客户' : 'sample.duckdb · 2024-01-01 to 2024-12-31 · 1,234 orders · 456 customers',
    createdAt: '2025-03-04T05:06:07.000Z',
    sections: [
      {
        id: 'retention.cohorts',
        area: 'retention',
        title: zh ? '同期群留存' : 'Cohort retention',
        headline: zh ? '2024-06 同期群第 3 个月留存最低，为 32.4%，比平均低 4.1 个百分点。' : 'The 2024-06 cohort retains worst at month 3: 32.4%, 4.1 points below the average.',
        chart: {
          data: [
            {
              type: 'heatmap',
              x: months.map((month) => `M${month}`),
              y: cohorts,
              z: cohortRows.map((row) => months.map((month) => row[`m${month}` as keyof typeof row] as number)),
              colorscale: 'Blues',
              hovertemplate: '%{y} %{x}: %{z:.1%}<extra></extra>',
            },
          ],
          layout: { yaxis: { autorange: 'reversed', type: 'category' }, xaxis: { title: { text: zh ? '首单后月数' : 'Months since first order' } } },
        },
        table: makeTable(
          zh ? '同期群留存' : 'Cohort retention',
          [
            { key: 'cohort', label: zh ? '同期群' : 'Cohort', format: 'text' },
            { key: 'customers', label: zh ? '客户数' : 'Customers', format: 'integer' },
            ...months.map((month) => ({ key: `m${month}`, label: `M${month}`, format: 'percent' as const })),
          ],
          cohortRows,
        ),
        options: [
          { label: zh ? '周期' : 'Period', value: zh ? '月' : 'month' },
          { label: zh ? '流失窗口' : 'Churn window', value: zh ? '90 天（P90）' : '90 days (P90)' },
        ],
        note: zh ? '春节后的同期群留存明显偏低。\n\n建议针对首单后第二个月做召回。' : 'Cohorts after the spring festival retain worse.\n\nTarget a win-back in the second month.',
      },
      {
        id: 'reasons.shares',
        area: 'reasons',
        title: zh ? '流失原因' : 'Churn reasons',
        headline: zh ? '物流配送出现在 40.0% 的流失客户之前，是最大的流失原因。' : 'Logistics precedes 40.0% of churn, the largest share of any reason.',
        chart: {
          data: [{ type: 'bar', orientation: 'h', x: reasons.map((row) => row.share).reverse(), y: reasons.map((row) => row.reason).reverse(), name: zh ? '流失客户占比' : 'Share of churned' }],
          layout: { xaxis: { tickformat: '.0%', title: { text: zh ? '流失客户占比' : 'Share of churned customers' } }, margin: { l: 160 } },
          height: 320,
        },
        table: makeTable(
          zh ? '流失原因' : 'Churn reasons',
          [
            { key: 'reason', label: zh ? '原因' : 'Reason', format: 'text' },
            { key: 'churned', label: zh ? '流失客户' : 'Churned', format: 'integer' },
            { key: 'share', label: zh ? '占比' : 'Share', format: 'percent' },
          ],
          reasons,
        ),
        options: [{ label: zh ? '归因窗口' : 'Attribution window', value: zh ? '流失前 90 天' : '90 days before churn' }],
        note: '=1+1 looks like a formula but is a note',
      },
      {
        id: 'retention.curve',
        area: 'retention',
        title: zh ? '留存曲线' : 'Retention curve',
        headline: zh ? '第 1 个月平均留存 45.0%，第 12 个月降至 14.1%。' : 'Average retention is 45.0% at month 1 and 14.1% at month 12.',
        chart: {
          data: [
            { type: 'scatter', mode: 'lines+markers', x: months.map((month) => `M${month}`), y: months.map((month) => cohortValue(0, month)), name: '2024-01' },
            { type: 'scatter', mode: 'lines+markers', x: months.map((month) => `M${month}`), y: months.map((month) => cohortValue(5, month)), name: '2024-06' },
          ],
          layout: { yaxis: { tickformat: '.0%', title: { text: zh ? '留存率' : 'Retention' } } },
        },
        options: [],
        note: '',
      },
      {
        id: 'customers.atRisk',
        area: 'customers',
        title: zh ? '高风险客户' : 'At-risk customers',
        headline: zh ? '前 40 位高风险客户的预期价值合计 31,810。' : 'The top 40 at-risk customers are worth 31,810 in expected value.',
        table: makeTable(
          zh ? '高风险客户' : 'At-risk customers',
          [
            { key: 'customer', label: zh ? '客户' : 'Customer', format: 'text' },
            { key: 'value', label: zh ? '预期价值' : 'Expected value', format: 'money' },
            { key: 'alive', label: 'P(alive)', format: 'percent' },
            { key: 'last', label: zh ? '最后下单' : 'Last order', format: 'date' },
          ],
          atRisk,
          500,
        ),
        options: [{ label: zh ? '模型' : 'Model', value: 'BG/NBD + Gamma-Gamma' }],
        note: zh ? '交给客户成功团队逐一回访。' : 'Hand to the customer success team.',
      },
    ],
  };
}
