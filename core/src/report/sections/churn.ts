// Churn sections: how many customers the inactivity rule judges churned, the lifecycle per period,
// and how long customers last (Kaplan-Meier median lifetime with its confidence interval).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportLang, ReportSection } from '../../api/report.ts';
import { windowRestsOnFew, type ChurnSummaryResult, type SurvivalCurve, type SurvivalResult } from '../../api/retention.ts';
import { churnSummary } from '../../analysis/churn.ts';
import { survival } from '../../analysis/survival.ts';
import { makeTable } from '../table.ts';
import { formatCount, formatPercent } from '../text.ts';
import { periodLabel, periodOption, ruleOptions, type Bilingual } from './common.ts';
import { CHART_COLORS, ROLE_COLORS } from '../theme.ts';

/** Days at which the survival table reads the curve. */
const LANDMARK_DAYS = [30, 90, 180, 365, 730];

const TEXT = {
  summaryTitle: { 'zh-CN': '流失概况', en: 'Churn overview' },
  survivalTitle: { 'zh-CN': '客户生命周期（生存分析）', en: 'Customer lifetime (survival)' },
  period: { 'zh-CN': '周期', en: 'Period' },
  active: { 'zh-CN': '活跃客户', en: 'Active' },
  new: { 'zh-CN': '新客户', en: 'New' },
  returning: { 'zh-CN': '回头客', en: 'Returning' },
  resurrected: { 'zh-CN': '召回客户', en: 'Resurrected' },
  churned: { 'zh-CN': '流失客户', en: 'Churned' },
  churnRate: { 'zh-CN': '流失率', en: 'Churn rate' },
  partial: { 'zh-CN': '不完整周期', en: 'Partial period' },
  customers: { 'zh-CN': '客户数', en: 'Customers' },
  days: { 'zh-CN': '首单后天数', en: 'Days since first order' },
  atRisk: { 'zh-CN': '仍在观察', en: 'At risk' },
  survival: { 'zh-CN': '存活率', en: 'Still active' },
  lower: { 'zh-CN': '下限', en: 'Lower' },
  upper: { 'zh-CN': '上限', en: 'Upper' },
  band: { 'zh-CN': '置信区间', en: 'Confidence band' },
  confidence: { 'zh-CN': '置信水平', en: 'Confidence' },
  yes: { 'zh-CN': '是', en: 'yes' },
} satisfies Record<string, Bilingual>;

export async function buildChurnSections(connection: DuckDBConnection, lang: ReportLang): Promise<ReportSection[]> {
  // Both with the defaults, so both derive the same rule (the P90 window) from the same data.
  const summary = await churnSummary(connection, {});
  const lifetimes = await survival(connection, {});
  return [...churnSummarySections(summary, lang), ...survivalSections(lifetimes, lang)];
}

export function churnSummarySections(summary: ChurnSummaryResult, lang: ReportLang): ReportSection[] {
  if (summary.customers === 0) return [];
  const { period } = summary.options;
  const labels = summary.periods.map((row) => periodLabel(period, row.period, lang));
  const bars = (key: 'new' | 'returning' | 'resurrected', color: string) => ({
    type: 'bar',
    name: TEXT[key][lang],
    x: labels,
    y: summary.periods.map((row) => row[key]),
    marker: { color },
  });
  return [
    {
      id: 'churn.summary',
      area: 'churn',
      title: TEXT.summaryTitle[lang],
      headline: churnHeadline(summary, lang),
      chart: {
        data: [
          bars('new', CHART_COLORS[0]!),
          bars('returning', ROLE_COLORS.good),
          bars('resurrected', ROLE_COLORS.middling),
          // Losses below the axis, gains above: one bar per period reads as the period's balance.
          { type: 'bar', name: TEXT.churned[lang], x: labels, y: summary.periods.map((row) => -row.churned), marker: { color: CHART_COLORS[3]! } },
        ],
        layout: { barmode: 'relative', xaxis: { type: 'category' }, yaxis: { title: { text: TEXT.customers[lang] } } },
      },
      table: makeTable(
        TEXT.summaryTitle[lang],
        [
          { key: 'period', label: TEXT.period[lang], format: 'text' },
          { key: 'active', label: TEXT.active[lang], format: 'integer' },
          { key: 'new', label: TEXT.new[lang], format: 'integer' },
          { key: 'returning', label: TEXT.returning[lang], format: 'integer' },
          { key: 'resurrected', label: TEXT.resurrected[lang], format: 'integer' },
          { key: 'churned', label: TEXT.churned[lang], format: 'integer' },
          { key: 'churnRate', label: TEXT.churnRate[lang], format: 'percent' },
          { key: 'partial', label: TEXT.partial[lang], format: 'text' },
        ],
        summary.periods.map((row, index) => ({
          period: labels[index]!,
          active: row.active,
          new: row.new,
          returning: row.returning,
          resurrected: row.resurrected,
          churned: row.churned,
          churnRate: row.churnRate,
          partial: row.partial ? TEXT.yes[lang] : '',
        })),
      ),
      options: [periodOption(period, lang), ...ruleOptions(summary.rule, lang)],
      note: '',
    },
  ];
}

/** "62.4% of customers have churned: 2,911 of 4,665 went more than 64 days without buying; 1,754 bought within the window and are too recent to judge." */
export function churnHeadline(summary: ChurnSummaryResult, lang: ReportLang): string {
  const share = formatPercent(summary.churned / summary.customers, lang);
  const [churned, customers, censored] = [summary.churned, summary.customers, summary.censored].map((n) => formatCount(n, lang));
  const days = summary.rule.windowDays;
  const finding =
    lang === 'en'
      ? `${share} of customers have churned: ${churned} of ${customers} went more than ${days} days without buying; ${censored} bought within the window and are too recent to judge.`
      : `${share} 的客户已流失：${customers} 位客户中 ${churned} 位超过 ${days} 天未再购买；${censored} 位在窗口期内有购买，尚无法判断。`;
  if (!windowRestsOnFew(summary.rule)) return finding;
  const repeaters = formatCount(summary.rule.repeatCustomers ?? 0, lang);
  return lang === 'en'
    ? `Caution: the ${days}-day window rests on the gaps of only ${repeaters} repeat customers, too few to trust; choose a window that fits the purchase cycle. ${finding}`
    : `注意：${days} 天的窗口仅由 ${repeaters} 位复购客户的购买间隔得出，样本太少，不宜采信；请按业务的购买周期手动设定窗口。${finding}`;
}

export function survivalSections(result: SurvivalResult, lang: ReportLang): ReportSection[] {
  const curve = result.curves[0];
  if (!curve || curve.points.length === 0 || result.rule === null) return [];
  const times = [0, ...curve.points.map((point) => point.time)];
  const step = (values: (number | null)[]) => ({ x: times, y: [1, ...values] });
  // Before the first event the band is undefined (null); it collapses onto the curve there.
  const band = (limit: 'lower' | 'upper') => step(curve.points.map((point) => point[limit] ?? point.survival));
  const last = curve.points[curve.points.length - 1]!;
  const landmarks = LANDMARK_DAYS.filter((day) => day <= last.time);
  const confidence = formatPercent(result.options.confidence, lang, 0);
  return [
    {
      id: 'churn.survival',
      area: 'churn',
      title: TEXT.survivalTitle[lang],
      headline: survivalHeadline(curve, result.options.confidence, lang),
      chart: {
        data: [
          { type: 'scatter', mode: 'lines', ...band('upper'), line: { shape: 'hv', width: 0 }, hoverinfo: 'skip', showlegend: false },
          {
            type: 'scatter',
            mode: 'lines',
            name: `${TEXT.band[lang]} ${confidence}`,
            ...band('lower'),
            line: { shape: 'hv', width: 0 },
            fill: 'tonexty',
            fillcolor: 'rgba(0,114,178,0.15)',
            hoverinfo: 'skip',
          },
          { type: 'scatter', mode: 'lines', name: TEXT.survival[lang], ...step(curve.points.map((point) => point.survival)), line: { shape: 'hv', color: CHART_COLORS[0]!, width: 2 } },
        ],
        layout: {
          xaxis: { title: { text: TEXT.days[lang] }, rangemode: 'tozero' },
          yaxis: { title: { text: TEXT.survival[lang] }, tickformat: '.0%', range: [0, 1.02] },
        },
      },
      ...(landmarks.length
        ? {
            table: makeTable(
              TEXT.survivalTitle[lang],
              [
                { key: 'days', label: TEXT.days[lang], format: 'integer' },
                { key: 'atRisk', label: TEXT.atRisk[lang], format: 'integer' },
                { key: 'survival', label: TEXT.survival[lang], format: 'percent' },
                { key: 'lower', label: TEXT.lower[lang], format: 'percent' },
                { key: 'upper', label: TEXT.upper[lang], format: 'percent' },
              ],
              landmarks.map((day) => {
                const point = pointAt(curve, day);
                return { days: day, atRisk: point?.atRisk ?? curve.subjects, survival: point?.survival ?? 1, lower: point?.lower ?? null, upper: point?.upper ?? null };
              }),
            ),
          }
        : {}),
      options: [...ruleOptions(result.rule, lang), { label: TEXT.confidence[lang], value: confidence }],
      note: '',
    },
  ];
}

/** The curve's last point at or before `day` (the Kaplan-Meier estimate is a step function). */
function pointAt(curve: SurvivalCurve, day: number) {
  return curve.points.filter((point) => point.time <= day).at(-1) ?? null;
}

/** "Half of customers have churned 142 days after their first order (95% CI 130 to 155 days)." */
export function survivalHeadline(curve: SurvivalCurve, confidence: number, lang: ReportLang): string {
  const level = formatPercent(confidence, lang, 0);
  if (curve.median === null) {
    const last = curve.points[curve.points.length - 1]!;
    return lang === 'en'
      ? `More than half of customers are still active ${formatCount(last.time, lang)} days after their first order: ${formatPercent(last.survival, lang)} by the curve's end.`
      : `首单后 ${formatCount(last.time, lang)} 天，仍有超过一半的客户保持活跃（曲线末端为 ${formatPercent(last.survival, lang)}）。`;
  }
  const median = formatCount(curve.median, lang);
  // Ordered here, not trusted: the limits come from two bands, and which band gives the earlier time is easy to swap.
  const limits = curve.medianLower !== null && curve.medianUpper !== null ? [curve.medianLower, curve.medianUpper].sort((a, b) => a - b) : null;
  const interval = limits ? { lower: formatCount(limits[0]!, lang), upper: formatCount(limits[1]!, lang) } : null;
  return lang === 'en'
    ? `Half of customers have churned ${median} days after their first order${interval ? ` (${level} CI ${interval.lower} to ${interval.upper} days)` : ''}.`
    : `一半客户在首单后 ${median} 天内流失${interval ? `（${level} 置信区间 ${interval.lower}–${interval.upper} 天）` : ''}。`;
}
