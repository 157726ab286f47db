// What every section builder shares: period words, cohort labels, and the options every analysis reports.
import { CoreError, type ErrorCode } from '../../api/errors.ts';
import type { LogEvent } from '../../api/events.ts';
import type { ReportLang, ReportOption, ReportSection } from '../../api/report.ts';
import { PERIOD_WORDS, statusWords } from '../../api/kpiFormula.ts';
import { windowRestsOnFew, type ChurnRuleInfo, type RetentionPeriod } from '../../api/retention.ts';
import { formatCount } from '../text.ts';

/** A word in both languages. */
export type Bilingual = Record<ReportLang, string>;

/** The period words of the KPI formulas, so a report and its formulas name periods alike. */
export const PERIOD_NAMES: Record<RetentionPeriod, Bilingual> = PERIOD_WORDS;

/** "month 3" / "第 3 个月": period k after the first. */
export function periodOrdinal(period: RetentionPeriod, k: number, lang: ReportLang): string {
  if (lang === 'en') return `${PERIOD_NAMES[period].en} ${k}`;
  return period === 'month' ? `第 ${k} 个月` : `第 ${k} ${PERIOD_NAMES[period]['zh-CN']}`;
}

/** Axis title of "periods since the first order". */
export function periodsSinceFirst(period: RetentionPeriod, lang: ReportLang): string {
  return lang === 'en' ? `${capitalise(PERIOD_NAMES[period].en)}s since first order` : `首单后${period === 'month' ? '月' : PERIOD_NAMES[period]['zh-CN']}数`;
}

export { periodLabel } from '../../api/periodLabel.ts';

const OPTION_LABELS = {
  period: { 'zh-CN': '周期', en: 'Period' },
  statuses: { 'zh-CN': '计入活跃的订单状态', en: 'Orders counted' },
  asOf: { 'zh-CN': '评估日期', en: 'As of' },
  window: { 'zh-CN': '流失窗口', en: 'Churn window' },
} satisfies Record<string, Bilingual>;

export function periodOption(period: RetentionPeriod, lang: ReportLang): ReportOption {
  return { label: OPTION_LABELS.period[lang], value: PERIOD_NAMES[period][lang] };
}

export function statusesOption(statuses: readonly string[], lang: ReportLang): ReportOption {
  return { label: OPTION_LABELS.statuses[lang], value: statusWords(statuses, lang) };
}

/** The activity options every analysis reports: the statuses that count and the evaluation date. */
export function activityOptions(options: { statuses: readonly string[]; asOf: string }, lang: ReportLang): ReportOption[] {
  return [statusesOption(options.statuses, lang), { label: OPTION_LABELS.asOf[lang], value: options.asOf.slice(0, 10) }];
}

/** Errors that mean "this data cannot support this analysis": its sections are left out, the report goes on. */
const SKIPPABLE: readonly ErrorCode[] = ['E_NO_DATA', 'E_CONVERGENCE', 'E_TAXONOMY', 'E_ARGS', 'E_NOT_FOUND'];

/** Runs one analysis's section builder; when the data cannot support it, logs why and returns no sections. */
export async function sectionsOrSkip(name: string, build: () => Promise<ReportSection[]>, log: (event: LogEvent) => void): Promise<ReportSection[]> {
  try {
    return await build();
  } catch (error) {
    if (!(error instanceof CoreError) || !SKIPPABLE.includes(error.code)) throw error;
    log({ type: 'log', level: 'warn', message: `report: no ${name} section: ${error.message}` });
    return [];
  }
}

/** "64 days (P90 of 1,234 repeat customers' gaps)" or "90 days (chosen)". */
export function windowText(rule: ChurnRuleInfo, lang: ReportLang): string {
  if (rule.windowSource === 'user') return lang === 'en' ? `${rule.windowDays} days (chosen)` : `${rule.windowDays} 天（手动设定）`;
  const customers = formatCount(rule.repeatCustomers ?? 0, lang);
  if (windowRestsOnFew(rule)) {
    return lang === 'en'
      ? `${rule.windowDays} days (P90 of the gaps of only ${customers} repeat customers: too few for a steady window, so churn rates and survival mostly restate it; choose a window that fits the purchase cycle)`
      : `${rule.windowDays} 天（仅由 ${customers} 位复购客户的购买间隔得出第 90 百分位：样本太少，窗口不稳定，流失率与生存分析基本只是在重复这个窗口；请按业务的购买周期手动设定窗口）`;
  }
  return lang === 'en'
    ? `${rule.windowDays} days (P90 of the gaps of ${customers} repeat customers)`
    : `${rule.windowDays} 天（${customers} 位复购客户购买间隔的第 90 百分位）`;
}

/** The options of a result that applied no window: none was given and none could be derived. */
export function noWindowOptions(activity: { statuses: readonly string[]; asOf: string }, lang: ReportLang): ReportOption[] {
  const window =
    lang === 'en'
      ? 'none: no customer bought on two different days, so none can be derived; choose one for the churn rate'
      : '无：没有客户在两个不同的日子购买过，无法推算；如需流失率，请手动设定';
  return [{ label: OPTION_LABELS.window[lang], value: window }, ...activityOptions(activity, lang)];
}

export function ruleOptions(rule: ChurnRuleInfo, lang: ReportLang): ReportOption[] {
  return [{ label: OPTION_LABELS.window[lang], value: windowText(rule, lang) }, ...activityOptions(rule, lang)];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
