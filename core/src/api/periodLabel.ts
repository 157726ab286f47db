// One written style per period unit, shared by the screens (chart ticks, cohort labels) and the
// report (tables, headlines), in both languages: a month is "2011-01" everywhere.
import type { RetentionPeriod } from './retention.ts';

/** A period's label from its first day (ISO): 2024-01 for months, 2024-Q1 for quarters, the date otherwise. */
export function periodLabel(period: RetentionPeriod, firstDay: string): string {
  const date = firstDay.slice(0, 10);
  if (period === 'month') return date.slice(0, 7);
  if (period === 'quarter') return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  return date;
}

/** Plotly tick formats of a date axis in the same style: days as 2011-01-03, months as 2011-01, years as 2011. */
export const DATE_TICK_FORMATS = [
  { dtickrange: [null, 86_400_000], value: '%H:%M' },
  { dtickrange: [86_400_000, 'M1'], value: '%Y-%m-%d' },
  { dtickrange: ['M1', 'M12'], value: '%Y-%m' },
  { dtickrange: ['M12', null], value: '%Y' },
];
