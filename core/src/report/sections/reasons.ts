// Reasons section: which reason precedes the largest share of churn, with churned customers per
// reason as a Pareto chart and every reason's numbers (share, churn rate with and without, lift with
// its 95% interval, revenue at stake) as the table.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChurnReasonsResult, ReasonRow } from '../../api/reasons.ts';
import { UNKNOWN_REASON } from '../../api/reasons.ts';
import type { ReportLang, ReportOption, ReportSection } from '../../api/report.ts';
import { churnReasons } from '../../analysis/churnReasons.ts';
import { classifyTickets } from '../../analysis/reasonTickets.ts';
import { workspaceTaxonomy } from '../../analysis/reasonTaxonomy.ts';
import { queryOne } from '../../db/sql.ts';
import { makeTable } from '../table.ts';
import { formatCount, formatDecimal, formatPercent } from '../text.ts';
import { ruleOptions, type Bilingual } from './common.ts';
import { CHART_COLORS, ROLE_COLORS } from '../theme.ts';

const TEXT = {
  title: { 'zh-CN': '流失原因', en: 'Churn reasons' },
  reason: { 'zh-CN': '原因', en: 'Reason' },
  tickets: { 'zh-CN': '工单数', en: 'Tickets' },
  churned: { 'zh-CN': '流失客户', en: 'Churned customers' },
  share: { 'zh-CN': '占流失客户比例', en: 'Share of churned' },
  rateWith: { 'zh-CN': '有此原因流失率', en: 'Churn rate with' },
  rateWithout: { 'zh-CN': '无此原因流失率', en: 'Churn rate without' },
  lift: { 'zh-CN': '提升度', en: 'Lift' },
  liftLow: { 'zh-CN': '95% 下限', en: 'Lift 95% low' },
  liftHigh: { 'zh-CN': '95% 上限', en: 'Lift 95% high' },
  revenue: { 'zh-CN': '涉及收入（近 12 个月）', en: 'Revenue at stake (12 months)' },
  medianDays: { 'zh-CN': '工单至末单天数（中位）', en: 'Median days, ticket to last order' },
  cumulative: { 'zh-CN': '累计占比（已知原因）', en: 'Cumulative share (known reasons)' },
  ticketWindow: { 'zh-CN': '工单时间窗', en: 'Tickets counted' },
  churnFlag: { 'zh-CN': '流失标记', en: 'Churn flag' },
  taxonomy: { 'zh-CN': '原因分类表版本', en: 'Taxonomy version' },
} satisfies Record<string, Bilingual>;

const BAR_COLOR = CHART_COLORS[0]!;
const UNKNOWN_COLOR = ROLE_COLORS.unclear;
const LINE_COLOR = CHART_COLORS[1]!;

function nameOf(row: Pick<ReasonRow, 'zh' | 'en'>, lang: ReportLang): string {
  return lang === 'en' ? row.en : row.zh;
}

/** Known reasons by churned customers, largest first, then unknown: the order of a Pareto chart. */
function paretoOrder(rows: readonly ReasonRow[]): ReasonRow[] {
  const known = rows.filter((row) => row.key !== UNKNOWN_REASON).sort((a, b) => b.churnedCustomers - a.churnedCustomers);
  return [...known, ...rows.filter((row) => row.key === UNKNOWN_REASON)];
}

/** The section from the workspace's taxonomy and default options; none for a workspace without tickets. */
export async function buildReasonsSections(connection: DuckDBConnection, lang: ReportLang): Promise<ReportSection[]> {
  const { tickets } = await queryOne<{ tickets: number }>(connection, 'SELECT count(*) AS tickets FROM tickets');
  if (tickets === 0) return [];
  const { taxonomy } = await workspaceTaxonomy(connection);
  // Incremental: only tickets not yet classified under this taxonomy are read.
  await classifyTickets(connection, taxonomy);
  return reasonsSections(await churnReasons(connection, taxonomy, {}), lang);
}

export function reasonsSections(result: ChurnReasonsResult, lang: ReportLang): ReportSection[] {
  if (result.reasons.length === 0) return [];
  const ordered = paretoOrder(result.reasons);
  const known = ordered.filter((row) => row.key !== UNKNOWN_REASON);
  const attributions = known.reduce((sum, row) => sum + row.churnedCustomers, 0);
  let running = 0;
  const cumulative = known.map((row) => (running += row.churnedCustomers) / (attributions || 1));
  return [
    {
      id: 'reasons.churn',
      area: 'reasons',
      title: TEXT.title[lang],
      headline: reasonsHeadline(result, lang),
      chart: {
        data: [
          {
            type: 'bar',
            name: TEXT.churned[lang],
            x: ordered.map((row) => nameOf(row, lang)),
            y: ordered.map((row) => row.churnedCustomers),
            marker: { color: ordered.map((row) => (row.key === UNKNOWN_REASON ? UNKNOWN_COLOR : BAR_COLOR)) },
          },
          // A customer with two reasons counts under both: the line adds up attributions of known reasons.
          ...(attributions
            ? [
                {
                  type: 'scatter',
                  mode: 'lines+markers',
                  name: TEXT.cumulative[lang],
                  x: known.map((row) => nameOf(row, lang)),
                  y: cumulative,
                  yaxis: 'y2',
                  line: { color: LINE_COLOR, width: 2 },
                },
              ]
            : []),
        ],
        layout: {
          xaxis: { type: 'category', tickangle: -40, automargin: true },
          yaxis: { title: { text: TEXT.churned[lang] }, rangemode: 'tozero' },
          yaxis2: { overlaying: 'y', side: 'right', range: [0, 1.05], dtick: 0.2, tickformat: '.0%', showgrid: false, automargin: true },
          // Above the plot: below it the legend would sit on the slanted reason names.
          legend: { orientation: 'h', x: 0, y: 1.12 },
        },
        height: 420,
      },
      table: makeTable(
        TEXT.title[lang],
        [
          { key: 'reason', label: TEXT.reason[lang], format: 'text' },
          { key: 'tickets', label: TEXT.tickets[lang], format: 'integer' },
          { key: 'churned', label: TEXT.churned[lang], format: 'integer' },
          { key: 'share', label: TEXT.share[lang], format: 'percent' },
          { key: 'rateWith', label: TEXT.rateWith[lang], format: 'percent' },
          { key: 'rateWithout', label: TEXT.rateWithout[lang], format: 'percent' },
          { key: 'lift', label: TEXT.lift[lang], format: 'number' },
          { key: 'liftLow', label: TEXT.liftLow[lang], format: 'number' },
          { key: 'liftHigh', label: TEXT.liftHigh[lang], format: 'number' },
          { key: 'revenue', label: TEXT.revenue[lang], format: 'money' },
          { key: 'medianDays', label: TEXT.medianDays[lang], format: 'number' },
        ],
        ordered.map((row) => ({
          reason: nameOf(row, lang),
          tickets: row.tickets,
          churned: row.churnedCustomers,
          share: row.shareOfChurned,
          rateWith: row.churnRateWith,
          rateWithout: row.churnRateWithout,
          lift: row.lift,
          liftLow: row.liftLow,
          liftHigh: row.liftHigh,
          revenue: row.revenueAtStake,
          medianDays: row.medianDaysTicketToLastOrder,
        })),
      ),
      options: reasonsOptions(result, lang),
      note: '',
    },
  ];
}

function reasonsOptions(result: ChurnReasonsResult, lang: ReportLang): ReportOption[] {
  const { daysBeforeLastOrder, churnFlag } = result.options;
  const ticketWindow =
    lang === 'en'
      ? `from ${formatCount(daysBeforeLastOrder, lang)} days before the last order to the churn date`
      : `最后下单前 ${formatCount(daysBeforeLastOrder, lang)} 天至流失日`;
  return [
    ...(result.rule ? ruleOptions(result.rule, lang) : []),
    ...(churnFlag ? [{ label: TEXT.churnFlag[lang], value: `${churnFlag.table}.${churnFlag.eventColumn}` }] : []),
    { label: TEXT.ticketWindow[lang], value: churnFlag ? (lang === 'en' ? 'every ticket of the customer' : '客户的全部工单') : ticketWindow },
    { label: TEXT.taxonomy[lang], value: String(result.taxonomyVersion) },
  ];
}

/**
 * "Product quality precedes the largest share of churn: 38.2% of churned customers (123 of 322) had
 * a ticket about it before they left; they churn 1.8 times as often as customers without it (95% CI 1.4 to 2.3)."
 */
export function reasonsHeadline(result: ChurnReasonsResult, lang: ReportLang): string {
  const finding = reasonsFinding(result, lang);
  // tickets mostly read as no reason: said first, since the finding rests on the few that were read
  return result.mostlyUnknown ? `${result.mostlyUnknown.sentence[lang === 'en' ? 'en' : 'zh']} ${finding}` : finding;
}

function reasonsFinding(result: ChurnReasonsResult, lang: ReportLang): string {
  const churned = formatCount(result.churnedCustomers, lang);
  if (result.churnedCustomers === 0) {
    return lang === 'en' ? 'No customer has churned under the rule yet, so no reason can be attributed.' : '按当前规则尚无客户流失，无法归因流失原因。';
  }
  if (result.churnedWithTickets === 0) {
    return lang === 'en'
      ? `None of the ${churned} churned customers had a ticket in the window before they left, so no reason can be attributed.`
      : `${churned} 位流失客户在流失前的时间窗内都没有工单，无法归因流失原因。`;
  }
  const top = paretoOrder(result.reasons).find((row) => row.key !== UNKNOWN_REASON && row.churnedCustomers > 0);
  if (!top) {
    const withTickets = formatCount(result.churnedWithTickets, lang);
    return lang === 'en'
      ? `No ticket of a churned customer names a known reason: all ${withTickets} churned customers with tickets are unknown.`
      : `流失客户的工单均未匹配到已知原因：${withTickets} 位有工单的流失客户全部为未知原因。`;
  }
  const name = nameOf(top, lang);
  const share = formatPercent(top.churnedCustomers / result.churnedCustomers, lang);
  const count = formatCount(top.churnedCustomers, lang);
  const lift = liftClause(top, lang);
  return lang === 'en'
    ? `${name} precedes the largest share of churn: ${share} of churned customers (${count} of ${churned}) had a ticket about it before they left${lift ? `; ${lift}` : ''}.`
    : `${name}是流失前最常见的原因：${share} 的流失客户（${churned} 位中的 ${count} 位）流失前有相关工单${lift ? `；${lift}` : ''}。`;
}

/** "they churn 1.8 times as often as customers without it (95% CI 1.4 to 2.3)", or '' without a lift. */
function liftClause(row: ReasonRow, lang: ReportLang): string {
  if (row.lift === null) return '';
  const lift = formatDecimal(row.lift, lang);
  const interval = row.liftLow !== null && row.liftHigh !== null ? { low: formatDecimal(row.liftLow, lang), high: formatDecimal(row.liftHigh, lang), spansOne: row.liftLow <= 1 && row.liftHigh >= 1 } : null;
  if (lang === 'en') {
    const ci = interval ? ` (95% CI ${interval.low} to ${interval.high}${interval.spansOne ? ', which includes no difference' : ''})` : '';
    return `customers with it churn ${lift} times as often as customers without it${ci}`;
  }
  const ci = interval ? `（95% 置信区间 ${interval.low}–${interval.high}${interval.spansOne ? '，包含无差异' : ''}）` : '';
  return `有此原因的客户流失率是无此原因客户的 ${lift} 倍${ci}`;
}
