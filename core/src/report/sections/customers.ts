// Customer sections: RFM segments (which segment holds the revenue), the six shopper types, and
// the at-risk list of the BG/NBD + Gamma-Gamma value model.
//
// The customer analyses store their per-customer results in the workspace (one current run per
// table), so building a report re-runs them. It re-runs them with the analyst's own rules and
// statuses when the current run used them, so the report and the Customers screen agree.
import type { DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import type { CustomerValueResult, Label, RfmRules, RfmSegmentsResult, SegmentOptionsUsed, SegmentSize, ShopperFeature, ShopperRules, ShopperSegmentsResult } from '../../api/customers.ts';
import type { LogEvent } from '../../api/events.ts';
import type { ReportColumn, ReportLang, ReportOption, ReportSection } from '../../api/report.ts';
import { customerValue } from '../../analysis/clv.ts';
import { currentRun } from '../../analysis/customerResults.ts';
import { rfm } from '../../analysis/rfm.ts';
import { shopperTypes } from '../../analysis/shopperTypes.ts';
import type { OrderStatus } from '../../db/schema.ts';
import { currencySymbol, makeTable } from '../table.ts';
import { formatCount, formatMoney, formatPercent } from '../text.ts';
import { activityOptions, sectionsOrSkip, statusesOption, type Bilingual } from './common.ts';
import { CHART_COLORS } from '../theme.ts';

/** The analysis states its scoring in English; this is the same rule for Chinese reports. */
const RFM_SCORING_ZH = '每项得分 = 1 + ⌊5 × 该项表现更差的客户数 / 客户总数⌋（向下取整）：按排名五等分，取值相同的客户共享其中最低位次的得分（大量并列时某些分数可能为空）。更差指最近购买间隔更长、订单更少、消费总额更低。';

/** The shopper features in Chinese (the app's catalogue has the same names). */
const FEATURE_NAMES_ZH: Record<ShopperFeature, string> = {
  orders: '订单数',
  purchase_days: '购买天数',
  tenure_days: '成为客户的天数',
  avg_order_value: '平均订单金额',
  order_size_ratio: '平均订单金额与全店订单中位数之比',
  discount_order_share: '折扣订单占比',
  promotion_day_share: '大促日订单占比',
  gap_cv: '购买间隔离散度',
  mean_gap_days: '平均购买间隔（天）',
  distinct_categories: '购买品类数',
  category_entropy: '品类分散度',
  top_category_share: '第一品类占比',
  sports_share: '运动娱乐消费占比',
  repeat_item_share: '重复购买商品占比',
  tickets: '客服工单数',
  tickets_per_order: '每单工单数',
  presale_inquiries: '售前咨询数',
};

/** Customers the value section's chart shows by name. */
const CHART_AT_RISK = 15;

const TEXT = {
  rfmTitle: { 'zh-CN': 'RFM 客户分群', en: 'RFM segments' },
  shopperTitle: { 'zh-CN': '购物者类型', en: 'Online shopper types' },
  valueTitle: { 'zh-CN': '高价值流失风险客户', en: 'Customers most at risk' },
  segment: { 'zh-CN': '分群', en: 'Segment' },
  type: { 'zh-CN': '类型', en: 'Type' },
  customers: { 'zh-CN': '客户数', en: 'Customers' },
  customerShare: { 'zh-CN': '客户占比', en: 'Share of customers' },
  revenue: { 'zh-CN': '收入', en: 'Revenue' },
  revenueShare: { 'zh-CN': '收入占比', en: 'Share of revenue' },
  recency: { 'zh-CN': '平均最近购买间隔（天）', en: 'Mean recency (days)' },
  frequency: { 'zh-CN': '平均购买次数', en: 'Mean orders' },
  monetary: { 'zh-CN': '平均消费金额', en: 'Mean spend' },
  secondary: { 'zh-CN': '兼具该类型的客户', en: 'Also of this type' },
  rules: { 'zh-CN': '规则', en: 'Rules' },
  defaultRules: { 'zh-CN': '默认规则文件', en: 'default rules file' },
  ownRules: { 'zh-CN': '分析师自定义规则', en: "analyst's own rules" },
  scoring: { 'zh-CN': '评分方法', en: 'Scoring' },
  notJudged: { 'zh-CN': '无法判定的类型', en: 'Types not judged' },
  customer: { 'zh-CN': '客户', en: 'Customer' },
  pAlive: { 'zh-CN': '存活概率 P(alive)', en: 'P(alive)' },
  orders: { 'zh-CN': '复购次数', en: 'Repeat purchases' },
  expectedPurchases: { 'zh-CN': '预期购买次数', en: 'Expected purchases' },
  clv: { 'zh-CN': '客户终身价值 CLV', en: 'CLV' },
  valueAtRisk: { 'zh-CN': '风险价值', en: 'Value at risk' },
  lastPurchase: { 'zh-CN': '最后购买', en: 'Last purchase' },
  model: { 'zh-CN': '模型', en: 'Model' },
  horizon: { 'zh-CN': '预测期', en: 'Horizon' },
  discount: { 'zh-CN': '月贴现率', en: 'Monthly discount rate' },
  riskDefinition: { 'zh-CN': '风险价值的定义', en: 'Value at risk' },
  riskFormula: {
    'zh-CN': '（1 − 存活概率）× 客户仍活跃时预测期内的贴现价值；CLV 已按存活概率加权，二者之和即全部客户都活跃时的价值',
    en: '(1 − P(alive)) × the discounted value over the horizon if the customer is still active; CLV already weighs that value by P(alive), so CLV + value at risk = the value if every customer stayed',
  },
} satisfies Record<string, Bilingual>;

function labelOf(label: Label, lang: ReportLang): string {
  return lang === 'en' ? label.en : label.zh;
}

/** The rules and statuses of the analyst's current run of a customer table, when they chose their own. */
async function analystChoices<Rules>(connection: DuckDBConnection, table: 'rfm' | 'shopper'): Promise<{ rules?: Rules; statuses?: OrderStatus[] }> {
  const run = await currentRun(connection, table);
  if (!run) return {};
  // The analysis checks both again, so a stored run that no longer fits fails with a named error.
  const statuses = Array.isArray(run.options.statuses) ? { statuses: run.options.statuses as OrderStatus[] } : {};
  return run.options.rulesSource === 'request' && run.options.rules !== undefined ? { rules: run.options.rules as Rules, ...statuses } : statuses;
}

export async function buildCustomerSections(
  connection: DuckDBConnection,
  lang: ReportLang,
  log: (event: LogEvent) => void,
  currency: string | null = null,
): Promise<ReportSection[]> {
  // Each analysis stands alone: one the data cannot support (no repeat buyers for BG/NBD) leaves out only its own section.
  return [
    ...(await sectionsOrSkip('RFM', async () => rfmSections(await rfm(connection, await analystChoices<RfmRules>(connection, 'rfm')), lang), log)),
    ...(await sectionsOrSkip('shopper type', async () => shopperSections(await shopperTypes(connection, await analystChoices<ShopperRules>(connection, 'shopper')), lang), log)),
    ...(await sectionsOrSkip('customer value', async () => valueSectionsOrWhy(await customerValue(connection, {}), lang, log, currency), log)),
  ];
}

function segmentOptions(options: SegmentOptionsUsed, lang: ReportLang): ReportOption[] {
  return [
    { label: TEXT.rules[lang], value: options.rulesSource === 'request' ? TEXT.ownRules[lang] : TEXT.defaultRules[lang] },
    ...activityOptions(options, lang),
  ];
}

/** The columns every segment table starts with; `extra` adds the scheme's own. */
interface SegmentSectionSpec<T extends SegmentSize> {
  id: string;
  title: Bilingual;
  nameLabel: Bilingual;
  sizes: T[];
  headline: string;
  options: ReportOption[];
  extra: { column: ReportColumn; value: (size: T) => number | null }[];
}

/** A segmentation as a section: customer and revenue shares side by side per segment, and its table. */
function segmentSection<T extends SegmentSize>(spec: SegmentSectionSpec<T>, lang: ReportLang): ReportSection {
  const names = spec.sizes.map((size) => labelOf(size.label, lang));
  // Horizontal bars read bottom-up, so the traces list the segments in reverse to show them top-down.
  const bars = (name: string, shares: (number | null)[], color: string) => ({
    type: 'bar',
    orientation: 'h',
    name,
    y: [...names].reverse(),
    x: shares.map((share) => share ?? 0).reverse(),
    marker: { color },
  });
  return {
    id: spec.id,
    area: 'customers',
    title: spec.title[lang],
    headline: spec.headline,
    chart: {
      data: [
        bars(TEXT.customerShare[lang], spec.sizes.map((size) => size.customerShare), CHART_COLORS[5]!),
        bars(TEXT.revenueShare[lang], spec.sizes.map((size) => size.revenueShare), CHART_COLORS[0]!),
      ],
      layout: { barmode: 'group', xaxis: { tickformat: '.0%' }, margin: { l: 140 } },
      height: Math.max(360, 34 * spec.sizes.length + 100),
    },
    table: makeTable(
      spec.title[lang],
      [
        { key: 'name', label: spec.nameLabel[lang], format: 'text' },
        { key: 'customers', label: TEXT.customers[lang], format: 'integer' },
        { key: 'customerShare', label: TEXT.customerShare[lang], format: 'percent' },
        { key: 'revenue', label: TEXT.revenue[lang], format: 'money' },
        { key: 'revenueShare', label: TEXT.revenueShare[lang], format: 'percent' },
        ...spec.extra.map((extra) => extra.column),
      ],
      spec.sizes.map((size, index) => ({
        name: names[index]!,
        customers: size.customers,
        customerShare: size.customerShare,
        revenue: size.revenue,
        revenueShare: size.revenueShare,
        ...Object.fromEntries(spec.extra.map((extra) => [extra.column.key, extra.value(size)])),
      })),
    ),
    options: spec.options,
    note: '',
  };
}

export function rfmSections(result: RfmSegmentsResult, lang: ReportLang): ReportSection[] {
  const segments = result.segments.filter((segment) => segment.customers > 0);
  if (segments.length === 0) return [];
  const top = segments.reduce((best, segment) => ((segment.revenueShare ?? 0) > (best.revenueShare ?? 0) ? segment : best));
  const name = labelOf(top.label, lang);
  const headline =
    lang === 'en'
      ? `${name} are ${formatPercent(top.customerShare, lang)} of customers and bring ${formatPercent(top.revenueShare ?? 0, lang)} of revenue, more than any other segment.`
      : `「${name}」占客户的 ${formatPercent(top.customerShare, lang)}，贡献了 ${formatPercent(top.revenueShare ?? 0, lang)} 的收入，高于其他任何分群。`;
  return [
    segmentSection(
      {
        id: 'customers.rfm',
        title: TEXT.rfmTitle,
        nameLabel: TEXT.segment,
        sizes: segments,
        headline,
        options: [...segmentOptions(result.options, lang), { label: TEXT.scoring[lang], value: lang === 'en' ? result.scoring : RFM_SCORING_ZH }],
        extra: [
          { column: { key: 'recency', label: TEXT.recency[lang], format: 'number' }, value: (segment) => segment.meanRecencyDays },
          { column: { key: 'frequency', label: TEXT.frequency[lang], format: 'number' }, value: (segment) => segment.meanFrequency },
          { column: { key: 'monetary', label: TEXT.monetary[lang], format: 'money' }, value: (segment) => segment.meanMonetary },
        ],
      },
      lang,
    ),
  ];
}

export function shopperSections(result: ShopperSegmentsResult, lang: ReportLang): ReportSection[] {
  const types = result.types.filter((type) => type.customers > 0);
  if (types.length === 0) return [];
  const judged = types.filter((type) => type.key !== 'undetermined');
  const undeterminedShare = formatPercent(result.types.find((type) => type.key === 'undetermined')?.customerShare ?? 0, lang);
  const largest = judged.reduce<(typeof judged)[number] | null>((best, type) => (best === null || type.customers > best.customers ? type : best), null);
  const headline = largest
    ? lang === 'en'
      ? `${labelOf(largest.label, lang)} is the largest shopper type: ${formatPercent(largest.customerShare, lang)} of customers and ${formatPercent(largest.revenueShare ?? 0, lang)} of revenue; ${undeterminedShare} could not be typed.`
      : `「${labelOf(largest.label, lang)}」是最多的客户类型：占客户的 ${formatPercent(largest.customerShare, lang)}、收入的 ${formatPercent(largest.revenueShare ?? 0, lang)}；${undeterminedShare} 的客户无法判定类型。`
    : lang === 'en'
      ? `No customer could be given a shopper type: the data lacks what the rules judge by.`
      : `没有客户能被判定类型：数据缺少规则所需的字段。`;
  const notJudged = result.judgements
    .filter((judgement) => judgement.judged === 'none')
    .map((judgement) => {
      const rule = result.types.find((type) => type.key === judgement.type);
      // The analysis says why in English ("orders.discount has no values"); a Chinese report names the features instead.
      const reasons = lang === 'en' ? [...new Set(judgement.missing.map((missing) => missing.reason))].join('; ') : `缺少：${[...new Set(judgement.missing.map((missing) => FEATURE_NAMES_ZH[missing.feature]))].join('、')}`;
      return `${rule ? labelOf(rule.label, lang) : judgement.type}${lang === 'en' ? ` (${reasons})` : `（${reasons}）`}`;
    });
  return [
    segmentSection(
      {
        id: 'customers.shopper',
        title: TEXT.shopperTitle,
        nameLabel: TEXT.type,
        sizes: types,
        headline,
        options: [...segmentOptions(result.options, lang), ...(notJudged.length ? [{ label: TEXT.notJudged[lang], value: notJudged.join(lang === 'en' ? '; ' : '；') }] : [])],
        extra: [{ column: { key: 'secondary', label: TEXT.secondary[lang], format: 'integer' }, value: (type) => type.secondaryCustomers }],
      },
      lang,
    ),
  ];
}

interface AtRiskRow {
  customer_id: string;
  value_at_risk: number | null;
}

function valueSectionsOrWhy(result: CustomerValueResult, lang: ReportLang, log: (event: LogEvent) => void, currency: string | null): ReportSection[] {
  if (result.fitQuality.degenerate) log({ type: 'log', level: 'warn', message: `report: no customer value section: ${result.warnings.join('; ')}` });
  return valueSections(result, lang, currency);
}

/** No section from a fit that cannot rank customers (on a bound, or every P(alive) alike): its list would be noise. */
export function valueSections(result: CustomerValueResult, lang: ReportLang, currency: string | null = null): ReportSection[] {
  if (result.fitQuality.degenerate) return [];
  const arrow = tableFromIPC(result.atRisk);
  const rows = arrow.toArray().map((row) => row.toJSON() as unknown as AtRiskRow);
  if (rows.length === 0) return [];
  const { summary, options } = result;
  const listed = rows.reduce((sum, row) => sum + (row.value_at_risk ?? 0), 0);
  const headline = valueHeadline(result, rows.length, listed, lang, currency);
  const charted = rows.filter((row) => row.value_at_risk !== null).slice(0, CHART_AT_RISK);
  const months = options.horizonMonths;
  return [
    {
      id: 'customers.value',
      area: 'customers',
      title: TEXT.valueTitle[lang],
      headline,
      ...(charted.length
        ? {
            chart: {
              data: [
                {
                  type: 'bar',
                  orientation: 'h',
                  name: TEXT.valueAtRisk[lang],
                  y: charted.map((row) => row.customer_id).reverse(),
                  x: charted.map((row) => row.value_at_risk!).reverse(),
                  marker: { color: CHART_COLORS[3]! },
                },
              ],
              layout: { xaxis: { title: { text: TEXT.valueAtRisk[lang] }, tickformat: ',.0f', ...(currency ? { tickprefix: currencySymbol(lang, currency) } : {}) }, yaxis: { type: 'category' }, margin: { l: 120 } },
              height: Math.max(360, 26 * charted.length + 100),
            },
          }
        : {}),
      table: {
        name: TEXT.valueTitle[lang],
        columns: [
          { key: 'customer_id', label: TEXT.customer[lang], format: 'text' },
          { key: 'frequency', label: TEXT.orders[lang], format: 'integer' },
          { key: 'p_alive', label: TEXT.pAlive[lang], format: 'percent' },
          { key: 'expected_purchases', label: TEXT.expectedPurchases[lang], format: 'number' },
          { key: 'clv', label: TEXT.clv[lang], format: 'money' },
          { key: 'value_at_risk', label: TEXT.valueAtRisk[lang], format: 'money' },
          { key: 'last_purchase', label: TEXT.lastPurchase[lang], format: 'date' },
        ],
        arrow: result.atRisk,
        totalRows: summary.customers,
      },
      options: [
        { label: TEXT.model[lang], value: result.gammaGamma ? 'BG/NBD + Gamma-Gamma' : 'BG/NBD' },
        { label: TEXT.horizon[lang], value: lang === 'en' ? `${months} months` : `${months} 个月` },
        { label: TEXT.discount[lang], value: formatPercent(options.monthlyDiscountRate, lang) },
        ...(options.statuses ? [statusesOption(options.statuses, lang)] : []),
        { label: TEXT.riskDefinition[lang], value: TEXT.riskFormula[lang] },
      ],
      note: '',
    },
  ];
}

/** Below this share of the total CLV, value at risk is no finding: the model sees almost no one leaving. */
export const NEGLIGIBLE_RISK_SHARE = 0.01;

/**
 * "The 100 customers most at risk hold 3,471 of value at risk, 50.6% of the 6,860 total." When the
 * model expects almost everyone to stay (value at risk under 1% of CLV), the value to come instead.
 */
export function valueHeadline(result: CustomerValueResult, listedRows: number, listedRisk: number, lang: ReportLang, currency: string | null = null): string {
  const { summary, options } = result;
  const total = summary.totalValueAtRisk;
  const customers = formatCount(summary.customers, lang);
  const alive = formatPercent(summary.meanPAlive, lang);
  if (total !== null && summary.totalClv !== null && total >= NEGLIGIBLE_RISK_SHARE * summary.totalClv) {
    const shown = formatCount(listedRows, lang);
    return lang === 'en'
      ? `The ${shown} customers most at risk hold ${formatMoney(listedRisk, lang, currency)} of value at risk, ${formatPercent(listedRisk / total, lang)} of the ${formatMoney(total, lang, currency)} total.`
      : `风险最高的 ${shown} 位客户合计风险价值 ${formatMoney(listedRisk, lang, currency)}，占总额 ${formatMoney(total, lang, currency)} 的 ${formatPercent(listedRisk / total, lang)}。`;
  }
  if (summary.totalClv !== null) {
    return lang === 'en'
      ? `The model values the next ${options.horizonMonths} months of the ${customers} customers at ${formatMoney(summary.totalClv, lang, currency)} and sees little risk of losing them: P(alive) averages ${alive}.`
      : `模型估计 ${customers} 位客户未来 ${options.horizonMonths} 个月的价值为 ${formatMoney(summary.totalClv, lang, currency)}，流失风险很低：平均存活概率 ${alive}。`;
  }
  return lang === 'en' ? `The model expects ${alive} of ${customers} customers to still be active on average.` : `模型预计 ${customers} 位客户的平均存活概率为 ${alive}。`;
}
