// Words every report uses in both languages, and the number formats headlines are written with.
import type { ReportLang } from '../api/report.ts';
import { formatMoneyValue } from './table.ts';

export interface CommonText {
  reportTitle: string;
  /** What the report covers. */
  /** What the report covers; `workspace` null when the branding hides the file name. */
  subtitle(facts: { workspace: string | null; from: string; to: string; orders: number; customers: number }): string;
  /** The cover line naming who the report is for. */
  preparedFor(client: string): string;
  generatedAt(date: string): string;
  contents: string;
  options: string;
  note: string;
  section: string;
  headline: string;
  /** Caption under a table that holds only the first rows. */
  rowsShown(shown: number, total: number): string;
  /** Footer of printed pages and slides. */
  product: string;
  /** Heading of the cover's findings. */
  summary: string;
  summarySheet: string;
  /** Title of the slide that holds a section's table. */
  tableOf(section: string): string;
}

export const COMMON_TEXT: Record<ReportLang, CommonText> = {
  'zh-CN': {
    reportTitle: '客户流失分析报告',
    subtitle: ({ workspace, from, to, orders, customers }) =>
      [workspace, `${from} 至 ${to}`, `${formatCount(orders, 'zh-CN')} 笔订单`, `${formatCount(customers, 'zh-CN')} 位客户`].filter((part) => part !== null).join(' · '),
    preparedFor: (client) => `客户：${client}`,
    generatedAt: (date) => `生成于 ${date}`,
    contents: '目录',
    options: '分析选项',
    note: '分析师备注',
    section: '章节',
    headline: '主要发现',
    rowsShown: (shown, total) => `显示前 ${formatCount(shown, 'zh-CN')} 行，共 ${formatCount(total, 'zh-CN')} 行`,
    product: '流失分析工作台',
    summary: '核心结论',
    summarySheet: '摘要',
    tableOf: (section) => `${section} · 数据表`,
  },
  en: {
    reportTitle: 'Customer churn report',
    subtitle: ({ workspace, from, to, orders, customers }) =>
      [workspace, `${from} to ${to}`, `${formatCount(orders, 'en')} orders`, `${formatCount(customers, 'en')} customers`].filter((part) => part !== null).join(' · '),
    preparedFor: (client) => `Prepared for ${client}`,
    generatedAt: (date) => `Generated ${date}`,
    contents: 'Contents',
    options: 'Options',
    note: "Analyst's note",
    section: 'Section',
    headline: 'Finding',
    rowsShown: (shown, total) => `First ${formatCount(shown, 'en')} of ${formatCount(total, 'en')} rows`,
    product: 'Churn Workbench',
    summary: 'Executive summary',
    summarySheet: 'Summary',
    tableOf: (section) => `${section} · table`,
  },
};

export function formatCount(value: number, lang: ReportLang): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(value);
}

/** A fraction as a percentage with `digits` decimals: 0.256 → "25.6%". */
export function formatPercent(fraction: number, lang: ReportLang, digits = 1): string {
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction);
}

/** A difference of two fractions in percentage points: 0.082 → "8.2". */
export function formatPoints(fractionDifference: number, lang: ReportLang): string {
  return new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(fractionDifference) * 100);
}

/** Money in headlines: whole units, or cents below 100 so that small sums do not read as 0; with the currency's symbol when one is set. */
export function formatMoney(value: number, lang: ReportLang, currency: string | null = null): string {
  return formatMoneyValue(value, lang, currency, Math.abs(value) >= 100 ? 0 : 2);
}

export function formatDecimal(value: number, lang: ReportLang, digits = 1): string {
  return new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** "1 customer", "2 customers": an English count with its noun (Chinese nouns do not change). */
export function countOf(value: number, noun: string, lang: ReportLang): string {
  return `${formatCount(value, lang)} ${noun}${value === 1 ? '' : 's'}`;
}
