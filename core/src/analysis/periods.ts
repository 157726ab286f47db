// Calendar periods as integer ordinals (SQL and JS agree), the data's last day, and the option checks the retention analyses share.
//
// Why ordinals: grouping and subtracting integers is the cheapest way to put 10M orders into
// cohort cells, and k = ordinal(order) - ordinal(cohort) needs no calendar arithmetic per row.
// Ordinals: day = days since 1970-01-01; week = ISO weeks (Monday first) since Monday 1970-01-05;
// month = year * 12 + month - 1; quarter = year * 4 + quarter - 1.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RetentionPeriod, SegmentColumn } from '../api/retention.ts';
import { CoreError } from '../api/errors.ts';
import { queryOne } from '../db/sql.ts';

export const RETENTION_PERIODS: readonly RetentionPeriod[] = ['day', 'week', 'month', 'quarter'];
export const SEGMENT_COLUMNS: readonly SegmentColumn[] = ['channel', 'region', 'category'];

const DAY_MS = 86_400_000;
/** Days from 1970-01-01 (a Thursday) to the first Monday. */
const FIRST_MONDAY = 4;

// Formulas state timestamps one way everywhere: the KPI formulas' wording owns it.
export { readableTimestamp } from '../api/kpiFormula.ts';

/** SQL: the ordinal of the period holding `day` (a DATE expression). */
export function periodOrdinalSql(period: RetentionPeriod, day: string): string {
  switch (period) {
    case 'day':
      return `date_diff('day', DATE '1970-01-01', ${day})`;
    case 'week':
      return `CAST(floor(date_diff('day', DATE '1970-01-05', ${day}) / 7) AS BIGINT)`;
    case 'month':
      return `(year(${day}) * 12 + month(${day}) - 1)`;
    case 'quarter':
      return `(year(${day}) * 4 + quarter(${day}) - 1)`;
  }
}

function epochDays(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) throw new CoreError('E_ARGS', `not an ISO date (YYYY-MM-DD): ${isoDate}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

function isoFromEpochDays(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** The ordinal of the period holding an ISO date (only its YYYY-MM-DD part is read). */
export function periodOrdinal(period: RetentionPeriod, isoDate: string): number {
  const days = epochDays(isoDate);
  const date = new Date(days * DAY_MS);
  switch (period) {
    case 'day':
      return days;
    case 'week':
      return Math.floor((days - FIRST_MONDAY) / 7);
    case 'month':
      return date.getUTCFullYear() * 12 + date.getUTCMonth();
    case 'quarter':
      return date.getUTCFullYear() * 4 + Math.floor(date.getUTCMonth() / 3);
  }
}

/** ISO date of the first day of a period ordinal. */
export function periodStart(period: RetentionPeriod, ordinal: number): string {
  switch (period) {
    case 'day':
      return isoFromEpochDays(ordinal);
    case 'week':
      return isoFromEpochDays(ordinal * 7 + FIRST_MONDAY);
    case 'month':
      return isoFromEpochDays(Date.UTC(Math.floor(ordinal / 12), ordinal % 12, 1) / DAY_MS);
    case 'quarter':
      return isoFromEpochDays(Date.UTC(Math.floor(ordinal / 4), (ordinal % 4) * 3, 1) / DAY_MS);
  }
}

/** ISO date of the last day of a period ordinal. */
export function periodLastDay(period: RetentionPeriod, ordinal: number): string {
  return isoFromEpochDays(epochDays(periodStart(period, ordinal + 1)) - 1);
}

/** Where the data ends, in periods: the last period, and whether the last day leaves it unfinished. */
export interface PeriodEnd {
  /** ISO date of the data's last day (the evaluation date's day; it counts as fully observed). */
  lastDay: string;
  ordinal: number;
  /** The last period runs past the last day, so its values are incomplete. */
  partial: boolean;
}

export function periodEnd(period: RetentionPeriod, lastDay: string): PeriodEnd {
  const ordinal = periodOrdinal(period, lastDay);
  return { lastDay, ordinal, partial: periodLastDay(period, ordinal) > lastDay };
}

/** The calendar day of an evaluation date-time, read the way DuckDB reads it in the activity filter. */
export async function evaluationDay(connection: DuckDBConnection, asOf: string): Promise<string> {
  try {
    const row = await queryOne<{ day: string }>(connection, `SELECT strftime(CAST($as_of AS TIMESTAMP), '%Y-%m-%d') AS day`, { as_of: asOf });
    return row.day;
  } catch (error) {
    throw new CoreError('E_ARGS', `asOf is not a date-time DuckDB can read: ${asOf} (${(error as Error).message})`);
  }
}

/** Groups items by a key, keeping first-seen order (Map.groupBy arrives only with Node 21). */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** A segment's value as results carry it. */
export function segmentLabel(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Checks an enumerated option; `fallback` when absent. */
export function choice<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CoreError('E_ARGS', `${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
}

/** Checks an optional segment column; null when absent. */
export function segmentChoice(value: unknown): SegmentColumn | null {
  return value === null || value === undefined ? null : choice('segment', value, SEGMENT_COLUMNS, 'channel');
}

/** Checks a numeric option against [min, max] (and wholeness when asked); `fallback` when absent, required without one. */
export function numberChoice(name: string, value: unknown, fallback: number | undefined, range: { min: number; max: number; whole?: boolean }): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= range.min && value <= range.max && (!range.whole || Number.isInteger(value));
  if (!ok) {
    throw new CoreError('E_ARGS', `${name} must be a ${range.whole ? 'whole ' : ''}number from ${range.min} to ${range.max}; got ${JSON.stringify(value)}`);
  }
  return value;
}
