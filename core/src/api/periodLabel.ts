// One written style per period unit, shared by the screens (chart ticks, cohort labels) and the
// report (tables, headlines), in both languages: a month is "2011-01" everywhere. A quarter is
// written in the reader's language where one is given ("2024 Q1", "2024年第1季度").
import type { ReportLang } from './report.ts';
import type { RetentionPeriod } from './retention.ts';

/** The quarter (1-4) of an ISO day. */
function quarterOf(date: string): number {
  return Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1;
}

/**
 * A period's label from its first day (ISO): 2024-01 for months, the date for days and weeks; a
 * quarter is 2024 Q1 in English and 2024年第1季度 in Chinese, or 2024-Q1 without a language.
 */
export function periodLabel(period: RetentionPeriod, firstDay: string, language?: ReportLang): string {
  const date = firstDay.slice(0, 10);
  if (period === 'month') return date.slice(0, 7);
  if (period !== 'quarter') return date;
  const [year, quarter] = [date.slice(0, 4), quarterOf(date)];
  if (language === 'zh-CN') return `${year}年第${quarter}季度`;
  return language === 'en' ? `${year} Q${quarter}` : `${year}-Q${quarter}`;
}

/** Plotly tick formats of a date axis in the same style: days as 2011-01-03, months as 2011-01, years as 2011. */
export const DATE_TICK_FORMATS = [
  { dtickrange: [null, 86_400_000], value: '%H:%M' },
  { dtickrange: [86_400_000, 'M1'], value: '%Y-%m-%d' },
  { dtickrange: ['M1', 'M12'], value: '%Y-%m' },
  { dtickrange: ['M12', null], value: '%Y' },
];

/** Ticks of a period axis: at period starts (ISO days) with their labels. */
export interface PeriodTicks {
  tickvals: string[];
  ticktext: string[];
}

/** Steps between labelled months, in months: each divides a year or is whole years, so ticks fall on the same months every year. */
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120];

/**
 * Ticks of a date axis whose points are periods starting on `firstDays`: one per period while at most
 * `maxTicks` fit, else for months and quarters every 2, 3, 6 ... months aligned on the year (the
 * axis then reads 2024 Q1, 2024 Q3, 2025 Q1). Days and weeks that do not fit answer null: Plotly's
 * own steps (DATE_TICK_FORMATS) suit long ranges of them.
 */
export function periodTicks(period: RetentionPeriod, firstDays: readonly string[], maxTicks: number, language?: ReportLang): PeriodTicks | null {
  const days = [...new Set(firstDays.map((day) => day.slice(0, 10)))].sort();
  const [first, last] = [days[0], days.at(-1)];
  if (first === undefined || last === undefined) return null;
  const ticks = (values: string[]): PeriodTicks => ({ tickvals: values, ticktext: values.map((day) => periodLabel(period, day, language)) });
  if (period === 'day' || period === 'week') return days.length <= maxTicks ? ticks(days) : null;
  const monthIndex = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
  const [from, to] = [monthIndex(first), monthIndex(last)];
  const periodMonths = period === 'quarter' ? 3 : 1;
  const step = MONTH_STEPS.filter((months) => months % periodMonths === 0).find((months) => Math.floor(to / months) - Math.ceil(from / months) + 1 <= maxTicks) ?? MONTH_STEPS.at(-1)!;
  // A step wider than the whole range would leave the axis bare: its first period then carries the one tick.
  const starts: string[] = [];
  for (let index = Math.ceil(from / step) * step; index <= to; index += step) starts.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`);
  return ticks(starts.length > 0 ? starts : [first]);
}
