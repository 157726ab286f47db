// KPI formulas as data, worded in each language from this one place. The KPI analysis fills in the
// terms it used (statuses, evaluation moment, periods, window, thresholds); the app's tiles, the
// report's KPI table and the command line's CSV word them here, so a Chinese formula is never a
// second copy of the English one that can drift from it.
import type { KpiKey, OrderStatusName, RetentionPeriod } from './retention.ts';

export type FormulaLang = 'zh-CN' | 'en';

/** The quantities the KPI formulas name; each formula reads the ones it needs. */
export interface KpiFormulaTerms {
  /** Order statuses that count as activity. */
  statuses: string[];
  /** ISO timestamp activity is judged at. */
  asOf: string;
  period: RetentionPeriod;
  /** The earlier of the two last complete periods the retention rate compares (its label); null without two. */
  retentionPeriod: string | null;
  /** The latest period whose customers can all be judged for churn (its label); null when there is none yet. */
  churnPeriod: string | null;
  /** Null when no window was given and none can be derived from the gaps (no repeat customer). */
  windowDays: number | null;
  windowSource: 'p90' | 'user' | null;
  /** A repeat customer bought on at least this many different days. */
  repeatDays: number;
  creditNotes: number;
  /** Tickets up to the evaluation date: with none, the complaint rate is unknown, not 0%. */
  tickets: number;
  /** Those of them that name a customer: with tickets but none of these, the complaint rate is unknown too. */
  linkedTickets: number;
  lowRatingAtMost: number;
  /** The top share of customers of the Pareto view, as a fraction. */
  topShare: number;
  topCustomers: number;
}

/** A word in both languages. */
export type Bilingual = Record<FormulaLang, string>;

export const PERIOD_WORDS: Record<RetentionPeriod, Bilingual> = {
  day: { 'zh-CN': '天', en: 'day' },
  week: { 'zh-CN': '周', en: 'week' },
  month: { 'zh-CN': '月', en: 'month' },
  quarter: { 'zh-CN': '季度', en: 'quarter' },
};

export const ORDER_STATUS_WORDS: Record<OrderStatusName, Bilingual> = {
  completed: { 'zh-CN': '已完成', en: 'completed' },
  cancelled: { 'zh-CN': '已取消', en: 'cancelled' },
  refunded: { 'zh-CN': '已退款', en: 'refunded' },
  pending: { 'zh-CN': '待处理', en: 'pending' },
};

/** "completed, refunded" / "已完成、已退款"; a status outside the canonical four reads as itself. */
export function statusWords(statuses: readonly string[], lang: FormulaLang): string {
  const name = (status: string) => ORDER_STATUS_WORDS[status as OrderStatusName]?.[lang] ?? status;
  return statuses.map(name).join(lang === 'en' ? ', ' : '、');
}

/** An ISO timestamp as a formula states it: "2011-12-09 12:50", the time left out at midnight, seconds only when there are some. */
export function readableTimestamp(iso: string): string {
  const [day = iso, time = ''] = iso.replace(/Z$/, '').replace(/\.0+$/, '').split('T');
  const clock = time.replace(/:00$/, '');
  return clock === '' || clock === '00:00' ? day : `${day} ${clock}`;
}

/** How a KPI is computed, in words of `lang`, with the terms the analysis used. */
export function kpiFormula(key: KpiKey, terms: KpiFormulaTerms, lang: FormulaLang): string {
  return lang === 'en' ? englishFormula(key, terms) : chineseFormula(key, terms);
}

function englishFormula(key: KpiKey, terms: KpiFormulaTerms): string {
  const asOf = readableTimestamp(terms.asOf);
  const activity = `status in (${terms.statuses.join(', ')}) up to ${asOf}`;
  const period = PERIOD_WORDS[terms.period].en;
  switch (key) {
    case 'customers':
      return `customers with an order of ${activity}`;
    case 'repeatPurchaseRate':
      return `customers who bought on ${terms.repeatDays} or more different days / customers (orders of ${activity})`;
    case 'retentionRate':
      return terms.retentionPeriod === null
        ? `needs two ${period}s of data, the later one complete`
        : `customers active in both the ${period} of ${terms.retentionPeriod} and the next (the last complete one) / customers active in the ${period} of ${terms.retentionPeriod}`;
    case 'churnRate':
      if (terms.windowDays === null) return 'needs a churn window: no customer bought on two different days, so none can be derived from the gaps between purchases; choose one (--window-days, or the Churn window field)';
      return terms.churnPeriod === null
        ? `no ${period} whose customers can all be judged with a ${terms.windowDays}-day window yet`
        : `customers active in the ${period} of ${terms.churnPeriod} whose last activity was then, followed by more than ${terms.windowDays} calendar days without activity (${terms.windowSource === 'p90' ? "P90 of repeat customers' gaps between purchase days" : 'chosen window'}) / customers active then (the latest ${period} whose customers can all be judged)`;
    case 'orderCompletionRate':
      return `orders with status completed / all orders up to ${asOf} (credit notes are not orders)`;
    case 'refundRateOrders':
      return `refunds (orders refunded or with a refund amount, ${terms.creditNotes} credit notes) / orders completed or refunded, up to ${asOf}`;
    case 'refundRateAmount':
      return 'money given back (refund amounts, the whole amount of refunded orders without one, credit notes) / amount of orders completed or refunded';
    case 'complaintRate':
      return terms.tickets === 0
        ? 'needs tickets: the workspace has none up to the evaluation date; import a tickets export'
        : terms.linkedTickets === 0
          ? `needs tickets that name their customer: none of the ${terms.tickets} tickets does; import them again with their customer column mapped`
          : `customers with a ticket up to ${asOf} / customers with an order of ${activity}`;
    case 'averageRating':
      return 'sum of ticket ratings / tickets with a rating';
    case 'lowRatingShare':
      return `tickets rated ${terms.lowRatingAtMost} or lower / tickets with a rating`;
    case 'revenuePerCustomer':
      return `amount of orders of ${activity} / customers`;
    case 'averageOrderValue':
      return `amount of orders of ${activity} / those orders`;
    case 'topRevenueShare':
      return `revenue of the top ${Math.round(terms.topShare * 100)}% of customers (${terms.topCustomers} by revenue) / all revenue`;
    case 'gini':
      return 'average revenue gap between two customers (each paired with every customer) / twice the revenue per customer: 0 when all bring the same, near 1 when a few bring almost all';
  }
}

function chineseFormula(key: KpiKey, terms: KpiFormulaTerms): string {
  const asOf = readableTimestamp(terms.asOf);
  const activity = `${statusWords(terms.statuses, 'zh-CN')}订单（截至 ${asOf}）`;
  const period = PERIOD_WORDS[terms.period]['zh-CN'];
  const windowSource = terms.windowSource === 'p90' ? '窗口为复购客户购买间隔的第 90 百分位' : '窗口为手动设定';
  switch (key) {
    case 'customers':
      return `有${activity}的客户数`;
    case 'repeatPurchaseRate':
      return `在 ${terms.repeatDays} 个及以上不同日期有${activity}的客户 / 有${activity}的客户`;
    case 'retentionRate':
      return terms.retentionPeriod === null
        ? `需要两个${period}的数据，且后一个${period}完整`
        : `在以 ${terms.retentionPeriod} 开始的${period}及其后一${period}（最近一个完整${period}）都活跃的客户 / 在以 ${terms.retentionPeriod} 开始的${period}活跃的客户`;
    case 'churnRate':
      if (terms.windowDays === null) return '需要流失窗口：没有客户在两个不同的日子购买过，无法根据购买间隔推算；请手动设定（--window-days，或「流失窗口（天）」输入框）';
      return terms.churnPeriod === null
        ? `尚无可用 ${terms.windowDays} 天窗口完整判定其客户的${period}`
        : `在以 ${terms.churnPeriod} 开始的${period}活跃、最后一次活跃在该${period}、之后超过 ${terms.windowDays} 天未再活跃（按自然日计，${windowSource}）的客户 / 该${period}活跃的客户（最近一个可完整判定的${period}）`;
    case 'orderCompletionRate':
      return `状态为已完成的订单 / 截至 ${asOf} 的全部订单（贷项凭证不算订单）`;
    case 'refundRateOrders':
      return `退款（已退款或有退款金额的订单，以及 ${terms.creditNotes} 张贷项凭证） / 截至 ${asOf} 已完成或已退款的订单`;
    case 'refundRateAmount':
      return '退还的金额（退款金额；已退款但无退款金额的订单计全额；贷项凭证金额） / 已完成或已退款订单的金额';
    case 'complaintRate':
      return terms.tickets === 0
        ? '需要工单数据：截至评估日工作区中没有工单，请导入工单导出文件'
        : terms.linkedTickets === 0
          ? `需要注明客户的工单：${terms.tickets} 张工单都没有客户编号；请映射工单的客户列后重新导入`
          : `截至 ${asOf} 有工单的客户 / 有${activity}的客户`;
    case 'averageRating':
      return '工单评分之和 / 有评分的工单数';
    case 'lowRatingShare':
      return `评分不高于 ${terms.lowRatingAtMost} 的工单 / 有评分的工单数`;
    case 'revenuePerCustomer':
      return `${activity}的金额 / 客户数`;
    case 'averageOrderValue':
      return `${activity}的金额 / 这些订单的笔数`;
    case 'topRevenueShare':
      return `按收入排名前 ${Math.round(terms.topShare * 100)}% 客户（${terms.topCustomers} 位）的收入 / 全部收入`;
    case 'gini':
      return '两位客户收入之差的平均值（每位客户与所有客户两两配对） / 客均收入的两倍：客户收入都相同时为 0，越接近 1 表示收入越集中于少数客户';
  }
}
