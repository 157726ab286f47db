// KPI section: the headline indicators with their formulas, and the Pareto view (what share of
// revenue the top customers bring) with the Lorenz curve.
import type { ReportColumnFormat, ReportLang, ReportSection } from '../../api/report.ts';
import type { KpiKey, KpisResult } from '../../api/retention.ts';
import { formatCell, makeTable } from '../table.ts';
import { formatDecimal, formatPercent } from '../text.ts';
import { kpiFormula } from '../../api/kpiFormula.ts';
import { noWindowOptions, periodOption, ruleOptions, type Bilingual } from './common.ts';
import { CHART_COLORS } from '../theme.ts';

/**
 * Each KPI's name, the format of its value and the units of its numerator and denominator: counts
 * print as whole numbers and money as money, whatever the other rows of the column hold.
 */
interface KpiShape extends Bilingual {
  format: ReportColumnFormat;
  numerator: ReportColumnFormat;
  denominator: ReportColumnFormat;
}

const KPI_NAMES: Record<KpiKey, KpiShape> = {
  customers: { 'zh-CN': '客户数', en: 'Customers', format: 'integer', numerator: 'integer', denominator: 'integer' },
  repeatPurchaseRate: { 'zh-CN': '重复购买率', en: 'Repeat purchase rate', format: 'percent', numerator: 'integer', denominator: 'integer' },
  retentionRate: { 'zh-CN': '客户留存率', en: 'Customer retention rate', format: 'percent', numerator: 'integer', denominator: 'integer' },
  churnRate: { 'zh-CN': '流失率', en: 'Churn rate', format: 'percent', numerator: 'integer', denominator: 'integer' },
  orderCompletionRate: { 'zh-CN': '订单完成率', en: 'Order completion rate', format: 'percent', numerator: 'integer', denominator: 'integer' },
  refundRateOrders: { 'zh-CN': '退货率（订单）', en: 'Refund rate (orders)', format: 'percent', numerator: 'integer', denominator: 'integer' },
  refundRateAmount: { 'zh-CN': '退货率（金额）', en: 'Refund rate (amount)', format: 'percent', numerator: 'money', denominator: 'money' },
  complaintRate: { 'zh-CN': '投诉率', en: 'Complaint rate', format: 'percent', numerator: 'integer', denominator: 'integer' },
  // a sum of ratings can hold halves (4.5 stars)
  averageRating: { 'zh-CN': '平均评分', en: 'Average rating', format: 'number', numerator: 'number', denominator: 'integer' },
  lowRatingShare: { 'zh-CN': '低分评价占比', en: 'Low-rating share', format: 'percent', numerator: 'integer', denominator: 'integer' },
  revenuePerCustomer: { 'zh-CN': '客均收入', en: 'Revenue per customer', format: 'money', numerator: 'money', denominator: 'integer' },
  averageOrderValue: { 'zh-CN': '客单价', en: 'Average order value', format: 'money', numerator: 'money', denominator: 'integer' },
  topRevenueShare: { 'zh-CN': '头部客户收入占比', en: 'Top customers’ revenue share', format: 'percent', numerator: 'money', denominator: 'money' },
  // the average revenue gap between two customers over twice the revenue per customer
  gini: { 'zh-CN': '基尼系数', en: 'Gini coefficient', format: 'number', numerator: 'money', denominator: 'money' },
};

/**
 * The column of the KPI table a value of each format goes in: rates and money have their own, so
 * each holds one unit; counts and plain numbers share the value column, each cell in its own format.
 */
const VALUE_COLUMN: Record<ReportColumnFormat, 'rate' | 'amount' | 'value'> = { percent: 'rate', money: 'amount', integer: 'value', number: 'value', text: 'value', date: 'value' };

const TEXT = {
  title: { 'zh-CN': '关键指标与帕累托分布', en: 'Key indicators and the Pareto view' },
  // The table's name (a spreadsheet's sheet, a CSV file): the indicators alone, short enough for Excel's 31 characters
  tableName: { 'zh-CN': '关键指标', en: 'Key indicators' },
  kpi: { 'zh-CN': '指标', en: 'Indicator' },
  rate: { 'zh-CN': '比率', en: 'Rate' },
  amount: { 'zh-CN': '金额', en: 'Amount' },
  value: { 'zh-CN': '数值', en: 'Value' },
  numerator: { 'zh-CN': '分子', en: 'Numerator' },
  denominator: { 'zh-CN': '分母', en: 'Denominator' },
  formula: { 'zh-CN': '计算方法', en: 'Formula' },
  lorenz: { 'zh-CN': '洛伦兹曲线', en: 'Lorenz curve' },
  equality: { 'zh-CN': '完全均等', en: 'Equal shares' },
  customersAxis: { 'zh-CN': '客户累计占比（按收入从低到高）', en: 'Share of customers (by revenue, lowest first)' },
  revenueAxis: { 'zh-CN': '收入累计占比', en: 'Share of revenue' },
  pareto: { 'zh-CN': '头部客户比例', en: 'Top share of customers' },
} satisfies Record<string, Bilingual>;

export function kpiSections(result: KpisResult, lang: ReportLang): ReportSection[] {
  const known = result.kpis.filter((kpi) => kpi.value !== null);
  if (known.length === 0) return [];
  return [
    {
      id: 'kpis.overview',
      area: 'kpis',
      title: TEXT.title[lang],
      headline: kpiHeadline(result, lang),
      chart: {
        data: [
          {
            type: 'scatter',
            mode: 'lines',
            name: TEXT.lorenz[lang],
            x: result.lorenz.map((point) => point.customers),
            y: result.lorenz.map((point) => point.revenue),
            line: { color: CHART_COLORS[0]!, width: 2 },
            fill: 'tozeroy',
            fillcolor: 'rgba(0,114,178,0.10)',
          },
          { type: 'scatter', mode: 'lines', name: TEXT.equality[lang], x: [0, 1], y: [0, 1], line: { color: CHART_COLORS[5]!, dash: 'dot', width: 1 } },
        ],
        layout: {
          xaxis: { title: { text: TEXT.customersAxis[lang] }, tickformat: '.0%', range: [0, 1] },
          yaxis: { title: { text: TEXT.revenueAxis[lang] }, tickformat: '.0%', range: [0, 1] },
        },
      },
      table: makeTable(
        TEXT.tableName[lang],
        [
          { key: 'kpi', label: TEXT.kpi[lang], format: 'text' },
          { key: 'rate', label: TEXT.rate[lang], format: 'percent' },
          { key: 'amount', label: TEXT.amount[lang], format: 'money' },
          { key: 'value', label: TEXT.value[lang], format: 'number', formatKey: 'valueFormat' },
          // Numerators and denominators are counts or money, by KPI
          { key: 'numerator', label: TEXT.numerator[lang], format: 'number', formatKey: 'numeratorFormat' },
          { key: 'denominator', label: TEXT.denominator[lang], format: 'number', formatKey: 'denominatorFormat' },
          { key: 'formula', label: TEXT.formula[lang], format: 'text' },
        ],
        known.map((kpi) => {
          const shape = KPI_NAMES[kpi.key];
          return {
            kpi: shape[lang],
            [VALUE_COLUMN[shape.format]]: kpi.value,
            valueFormat: shape.format,
            numerator: kpi.numerator,
            numeratorFormat: shape.numerator,
            denominator: kpi.denominator,
            denominatorFormat: shape.denominator,
            formula: kpiFormula(kpi.key, result.formulaTerms, lang),
          };
        }),
      ),
      options: [periodOption(result.options.period, lang), { label: TEXT.pareto[lang], value: formatPercent(result.options.paretoShare, lang, 0) }, ...(result.rule ? ruleOptions(result.rule, lang) : noWindowOptions(result.options, lang))],
      note: '',
    },
  ];
}

/** "The top 20% of customers bring 61.5% of revenue (Gini 0.58)." Falls back to the repeat purchase rate. */
export function kpiHeadline(result: KpisResult, lang: ReportLang): string {
  const value = (key: KpiKey) => result.kpis.find((kpi) => kpi.key === key)?.value ?? null;
  const top = value('topRevenueShare');
  const gini = value('gini');
  const share = formatPercent(result.options.paretoShare, lang, 0);
  if (top !== null) {
    const giniText = gini === null ? '' : lang === 'en' ? ` (Gini ${formatDecimal(gini, lang, 2)})` : `（基尼系数 ${formatDecimal(gini, lang, 2)}）`;
    return lang === 'en' ? `The top ${share} of customers bring ${formatPercent(top, lang)} of revenue${giniText}.` : `前 ${share} 的客户贡献了 ${formatPercent(top, lang)} 的收入${giniText}。`;
  }
  const repeat = value('repeatPurchaseRate');
  if (repeat !== null) return lang === 'en' ? `${formatPercent(repeat, lang)} of customers bought more than once.` : `${formatPercent(repeat, lang)} 的客户有重复购买。`;
  const known = result.kpis.find((kpi) => kpi.value !== null)!;
  return `${KPI_NAMES[known.key][lang]}: ${formatCell(known.value, KPI_NAMES[known.key].format, lang)}`;
}
