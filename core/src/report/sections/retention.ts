// Retention sections: the cohort matrix (which cohort retains worst, and by how much) and the mean curve.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportLang, ReportOption, ReportSection } from '../../api/report.ts';
import type { CohortMatrix, CohortRetentionResult, CohortRow, RetentionMetric, RetentionMode, RetentionPeriod } from '../../api/retention.ts';
import { cohortRetention } from '../../analysis/cohorts.ts';
import { RATE_SCALE, UNOBSERVED_COLOR } from '../../api/palette.ts';
import { makeTable } from '../table.ts';
import { countOf, formatCount, formatPercent, formatPoints } from '../text.ts';
import { activityOptions, periodLabel, periodOption, periodOrdinal, periodsSinceFirst, type Bilingual } from './common.ts';

/** The period the headline compares cohorts at: the third month, the fourth week, ... */
const HEADLINE_K: Record<RetentionPeriod, number> = { day: 7, week: 4, month: 3, quarter: 1 };
/**
 * Cohorts smaller than this are left out of the "worst cohort" comparison when larger ones exist:
 * a cohort of three customers swings from 0% to 67% on one purchase.
 */
export const MIN_HEADLINE_COHORT = 30;
/** Colour of the cells the data cannot fill yet (the Retention screen's grey). */
/** Cells a heatmap writes its percentages into; beyond this the numbers would not fit. */
const MAX_LABELLED_CELLS = 400;
/** The mean curve's end: the last period at least this many cohorts reach (one old cohort is not an average). */
const MIN_CURVE_COHORTS = 3;

const TEXT = {
  cohortsTitle: { 'zh-CN': '同期群留存', en: 'Cohort retention' },
  curveTitle: { 'zh-CN': '平均留存曲线', en: 'Average retention curve' },
  cohort: { 'zh-CN': '同期群', en: 'Cohort' },
  customers: { 'zh-CN': '客户数', en: 'Customers' },
  partialK: { 'zh-CN': '尚未结束的期', en: 'Period not over (k)' },
  weighted: { 'zh-CN': '加权平均', en: 'Weighted mean' },
  simple: { 'zh-CN': '简单平均', en: 'Simple mean' },
  cohorts: { 'zh-CN': '同期群数', en: 'Cohorts' },
  rate: { 'zh-CN': '留存率', en: 'Retention' },
  mode: { 'zh-CN': '留存口径', en: 'Counted as retained' },
  metric: { 'zh-CN': '度量', en: 'Measure' },
  legend: { 'zh-CN': '图例', en: 'Reading the grid' },
  legendText: { 'zh-CN': '灰色格子在数据结束之后，无法观察；* 表示该期尚未结束', en: 'grey cells lie after the end of the data and cannot be observed; * marks a period still running' },
} satisfies Record<string, Bilingual>;

const MODE_NAMES: Record<RetentionMode, Bilingual> = {
  on: { 'zh-CN': '当期有购买', en: 'bought in the period' },
  'on-or-after': { 'zh-CN': '当期或之后有购买', en: 'bought in the period or later' },
};

const METRIC_NAMES: Record<RetentionMetric, Bilingual> = {
  customers: { 'zh-CN': '客户数', en: 'customers' },
  orders: { 'zh-CN': '订单数', en: 'orders' },
  revenue: { 'zh-CN': '收入', en: 'revenue' },
};

export async function buildRetentionSections(connection: DuckDBConnection, lang: ReportLang): Promise<ReportSection[]> {
  return retentionSections(await cohortRetention(connection, {}), lang);
}

/** The cohort matrix and mean-curve sections of a cohort retention result (its first matrix: the whole base). */
export function retentionSections(result: CohortRetentionResult, lang: ReportLang): ReportSection[] {
  const matrix = result.matrices[0];
  if (!matrix || matrix.cohorts.length === 0) return [];
  const { period } = result.options;
  const options: ReportOption[] = [
    { label: TEXT.legend[lang], value: TEXT.legendText[lang] },
    periodOption(period, lang),
    { label: TEXT.mode[lang], value: MODE_NAMES[result.options.mode][lang] },
    { label: TEXT.metric[lang], value: METRIC_NAMES[result.options.metric][lang] },
    ...activityOptions(result.options, lang),
  ];
  const labels = matrix.cohorts.map((row) => periodLabel(period, row.cohort, lang));
  const ks = Array.from({ length: result.periods }, (_, k) => k);
  const later = matrix.cohorts.flatMap((row) => row.rates.slice(1)).filter((rate): rate is number => rate !== null);
  const labelled = matrix.cohorts.length * result.periods <= MAX_LABELLED_CELLS;

  const cohortSection: ReportSection = {
    id: 'retention.cohorts',
    area: 'retention',
    title: TEXT.cohortsTitle[lang],
    headline: cohortHeadline(matrix, period, lang),
    chart: {
      data: [
        {
          type: 'heatmap',
          x: ks,
          y: labels,
          z: matrix.cohorts.map((row) => row.rates),
          zmin: 0,
          // Month 0 is 100% by definition; scaling colours to the later months shows their differences.
          zmax: later.length ? Math.max(...later) : 1,
          colorscale: RATE_SCALE,
          xgap: 1,
          ygap: 1,
          hoverongaps: false,
          colorbar: { tickformat: '.0%', thickness: 12 },
          // The period still running is marked *, as on the Retention screen; cells after the data stay empty on grey.
          text: matrix.cohorts.map((row) => ks.map((k) => (row.rates[k] == null ? '' : `${formatPercent(row.rates[k], lang, 0)}${row.partialK === k ? '*' : ''}`))),
          hovertemplate: `${TEXT.cohort[lang]} %{y}<br>${periodsSinceFirst(period, lang)} %{x}<br>%{text}<extra></extra>`,
          ...(labelled ? { texttemplate: '%{text}', textfont: { size: 10 } } : {}),
        },
      ],
      layout: {
        plot_bgcolor: UNOBSERVED_COLOR,
        xaxis: { title: { text: periodsSinceFirst(period, lang) }, dtick: 1, showgrid: false, zeroline: false },
        yaxis: { title: { text: TEXT.cohort[lang] }, type: 'category', autorange: 'reversed', showgrid: false },
        margin: { l: 96, r: 24, t: 16, b: 56 },
      },
      height: Math.min(900, Math.max(320, 120 + 24 * matrix.cohorts.length)),
    },
    table: makeTable(
      TEXT.cohortsTitle[lang],
      [
        { key: 'cohort', label: TEXT.cohort[lang], format: 'text' },
        { key: 'size', label: TEXT.customers[lang], format: 'integer' },
        ...ks.map((k) => ({ key: `k${k}`, label: String(k), format: 'percent' as const })),
        // the heatmap marks that cell with *; a table cell stays a number, so the period is named beside the rates
        { key: 'partialK', label: TEXT.partialK[lang], format: 'integer' },
      ],
      matrix.cohorts.map((row, index) => ({ cohort: labels[index]!, size: row.size, ...Object.fromEntries(ks.map((k) => [`k${k}`, row.rates[k] ?? null])), partialK: row.partialK })),
    ),
    options,
    note: '',
  };

  const curve = matrix.weightedMean.filter((point) => point.rate !== null);
  if (curve.length < 2) return [cohortSection];
  const simple = new Map(matrix.simpleMean.map((point) => [point.k, point.rate]));
  const curveSection: ReportSection = {
    id: 'retention.curve',
    area: 'retention',
    title: TEXT.curveTitle[lang],
    headline: curveHeadline(matrix, period, lang),
    chart: {
      data: [
        { type: 'scatter', mode: 'lines+markers', name: TEXT.weighted[lang], x: curve.map((point) => point.k), y: curve.map((point) => point.rate) },
        { type: 'scatter', mode: 'lines+markers', name: TEXT.simple[lang], x: curve.map((point) => point.k), y: curve.map((point) => simple.get(point.k) ?? null) },
      ],
      layout: {
        xaxis: { title: { text: periodsSinceFirst(period, lang) }, dtick: 1 },
        yaxis: { title: { text: TEXT.rate[lang] }, tickformat: '.0%', rangemode: 'tozero' },
      },
    },
    table: makeTable(
      TEXT.curveTitle[lang],
      [
        { key: 'k', label: periodsSinceFirst(period, lang), format: 'integer' },
        { key: 'weighted', label: TEXT.weighted[lang], format: 'percent' },
        { key: 'simple', label: TEXT.simple[lang], format: 'percent' },
        { key: 'cohorts', label: TEXT.cohorts[lang], format: 'integer' },
      ],
      curve.map((point) => ({ k: point.k, weighted: point.rate, simple: simple.get(point.k) ?? null, cohorts: point.cohorts })),
    ),
    options,
    note: '',
  };
  return [cohortSection, curveSection];
}

/** A cohort's rate at k when the data has seen all of period k for it. */
function completeRate(row: CohortRow, k: number): number | null {
  return row.partialK === k ? null : (row.rates[k] ?? null);
}

/**
 * "The 2024-06 cohort retains worst in month 3: 32.4% of its 150 customers bought that month,
 * 4.1 points below the average of 36.5%." At the headline period, or the latest one cohorts reach.
 */
export function cohortHeadline(matrix: CohortMatrix, period: RetentionPeriod, lang: ReportLang): string {
  // The first (latest) period at which only small cohorts could be compared: said in words if no
  // earlier period has a cohort large enough to name as the worst.
  let smallOnly: { k: number; largest: number } | null = null;
  for (let k = HEADLINE_K[period]; k >= 1; k--) {
    const observed = matrix.cohorts.filter((row) => completeRate(row, k) !== null);
    if (observed.length === 0) continue;
    const at = periodOrdinal(period, k, lang);
    const average = matrix.weightedMean.find((point) => point.k === k)?.rate ?? null;
    if (observed.length === 1 || average === null) {
      // Stepping back past small cohorts, a period without an average names nothing.
      if (smallOnly !== null) continue;
      const only = observed[0]!;
      const rate = completeRate(only, k)!;
      const cohort = periodLabel(period, only.cohort, lang);
      const size = formatCount(only.size, lang);
      return lang === 'en'
        ? `Only the ${cohort} cohort can be followed to ${at} yet: ${formatPercent(rate, lang)} of its ${size} customers bought then.`
        : `目前只有 ${cohort} 同期群可观察到${at}：${size} 位客户中 ${formatPercent(rate, lang)} 当期有购买。`;
    }
    // A cohort of six swings from 0% to 50% on three purchases: never named the worst.
    const large = observed.filter((row) => row.size >= MIN_HEADLINE_COHORT);
    if (large.length === 0) {
      smallOnly ??= { k, largest: Math.max(...observed.map((row) => row.size)) };
      continue;
    }
    // Small cohorts stay in the average, so the worst large cohort can sit above it: said as such.
    const worst = large.reduce((best, row) => (completeRate(row, k)! < completeRate(best, k)! ? row : best));
    const rate = completeRate(worst, k)!;
    const cohort = periodLabel(period, worst.cohort, lang);
    const size = formatCount(worst.size, lang);
    return lang === 'en'
      ? `The ${cohort} cohort retains worst in ${at}: ${formatPercent(rate, lang)} of its ${size} customers bought then, ${formatPoints(average - rate, lang)} points ${rate <= average ? 'below' : 'above'} the average of ${formatPercent(average, lang)}.`
      : `${cohort} 同期群${at}留存最低：${size} 位客户中 ${formatPercent(rate, lang)} 当期有购买，比平均水平 ${formatPercent(average, lang)} ${rate <= average ? '低' : '高'} ${formatPoints(average - rate, lang)} 个百分点。`;
  }
  if (smallOnly !== null) {
    const at = periodOrdinal(period, smallOnly.k, lang);
    const average = matrix.weightedMean.find((point) => point.k === smallOnly.k)!.rate!;
    const minimum = formatCount(MIN_HEADLINE_COHORT, lang);
    const largest = formatCount(smallOnly.largest, lang);
    return lang === 'en'
      ? `On average ${formatPercent(average, lang)} of customers bought in ${at}; no cohort followed that far has ${minimum} customers (the largest has ${largest}), too few to name the worst.`
      : `平均 ${formatPercent(average, lang)} 的客户在${at}有购买；能观察到该期的同期群都不足 ${minimum} 位客户（最大的有 ${largest} 位），人数太少，不指出哪个最差。`;
  }
  return lang === 'en'
    ? `${countOf(matrix.customers, 'customer', lang)} in ${countOf(matrix.cohorts.length, 'cohort', lang)}; none is old enough yet to measure retention.`
    : `${matrix.cohorts.length} 个同期群共 ${formatCount(matrix.customers, lang)} 位客户，尚无同期群足够早，无法衡量留存。`;
}

/** "On average 23.3% of customers buy again in month 1 and 12.1% in month 12 (the 3 cohorts that reach it)." */
export function curveHeadline(matrix: CohortMatrix, period: RetentionPeriod, lang: ReportLang): string {
  const points = matrix.weightedMean.filter((point) => point.k >= 1 && point.rate !== null);
  const first = points[0];
  if (!first) return '';
  // The last period that as many cohorts reach as can (up to MIN_CURVE_COHORTS): one old cohort is not an average.
  const needed = Math.min(MIN_CURVE_COHORTS, Math.max(...points.map((point) => point.cohorts)));
  const last = points.filter((point) => point.cohorts >= needed).at(-1)!;
  const firstText = formatPercent(first.rate!, lang);
  if (last.k === first.k) {
    return lang === 'en'
      ? `On average ${firstText} of customers buy again in ${periodOrdinal(period, first.k, lang)}.`
      : `平均 ${firstText} 的客户在${periodOrdinal(period, first.k, lang)}再次购买。`;
  }
  return lang === 'en'
    ? `On average ${firstText} of customers buy again in ${periodOrdinal(period, first.k, lang)} and ${formatPercent(last.rate!, lang)} in ${periodOrdinal(period, last.k, lang)} (${last.cohorts === 1 ? 'the one cohort that reaches it' : `the ${last.cohorts} cohorts that reach it`}).`
    : `平均 ${firstText} 的客户在${periodOrdinal(period, first.k, lang)}再次购买，${periodOrdinal(period, last.k, lang)}为 ${formatPercent(last.rate!, lang)}（可观察到该期的 ${last.cohorts} 个同期群）。`;
}
