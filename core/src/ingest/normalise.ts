// Value normalisation in SQL: the macros and SELECT lists that turn raw export text into canonical rows.
//
// Every value is read as VARCHAR and normalised here, per row, inside DuckDB. The shape of each
// expression is chosen for speed: a cheap `try_cast` runs on every row in an inner projection,
// and the slow path (currency signs, thousands separators, full-width digits, Chinese dates,
// Excel serials) runs only on rows the cheap cast could not read, because DuckDB evaluates the
// branches of CASE lazily (COALESCE it does not: measured 2.5x slower on clean data).
//
// A row that cannot be loaded carries `__reject_field`, `__reject_raw` and `__reject_reason`;
// the loader sends those rows to `rejects` and the others to the canonical tables.
import type { ImportKind } from '../api/workspace.ts';
import { quoteIdent } from '../db/sql.ts';
import { TICKET_CONTENT_FIELDS, type FieldSpec } from './vocabulary.ts';

/** Temporary macros every import connection defines once; values never appear in them. */
export const NORMALISE_MACROS = [
  // Full-width digits and punctuation (common in Chinese spreadsheets) to ASCII.
  `cw_ascii(x) AS translate(x, '０１２３４５６７８９．，－＋：／　', '0123456789.,-+:/ ')`,
  `cw_text(x) AS nullif(trim(x), '')`,
  // Ids written by spreadsheets as numbers ("17850.0") lose the ".0"; zero-padded ids are kept as they are.
  `cw_id(x) AS CASE WHEN ends_with(x, '.0') AND regexp_full_match(trim(x), '[0-9]+\\.0+') THEN regexp_extract(trim(x), '^[0-9]+') ELSE nullif(trim(x), '') END`,
  `cw_finite(v) AS CASE WHEN isfinite(v) THEN v END`,
  // Currency signs and codes, spaces: gone. "(12.50)" is negative. "1,234.50" and "1.234,50" both read as 1234.5.
  `cw_money_clean(x) AS regexp_replace(cw_ascii(trim(x)), '[\\s¥￥$€£₩元圆]|[A-Za-z]{1,3}\\$|RMB|CNY|USD|EUR|GBP|HKD|JPY|BRL', '', 'g')`,
  `cw_money_plain(s) AS CASE
      WHEN regexp_full_match(s, '[-+]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]*)?') THEN replace(s, ',', '')
      WHEN regexp_full_match(s, '[-+]?[0-9]{1,3}(\\.[0-9]{3})+(,[0-9]*)?|[-+]?[0-9]+,[0-9]{1,2}') THEN replace(replace(s, '.', ''), ',', '.')
      ELSE s END`,
  `cw_money_signed(s) AS CASE WHEN regexp_full_match(s, '\\(.*\\)') THEN '-' || cw_money_plain(s[2:-2]) ELSE cw_money_plain(s) END`,
  `cw_number_slow(x) AS cw_finite(try_cast(cw_money_signed(cw_money_clean(x)) AS DOUBLE))`,
  // Dates: time zone suffixes dropped (exports carry shop-local wall-clock time), then every layout users bring.
  `cw_ts_clean(x) AS regexp_replace(cw_ascii(trim(x)), '\\s*(Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})$', '')`,
  // Each layout is recognised by its shape and rewritten to the ISO form DuckDB casts natively:
  // try_strptime over a list of formats costs about 20 µs per value, a regex and a cast about 1 µs.
  `cw_ts_layouts(s, day_first) AS CASE
      WHEN regexp_full_match(s, '(19|20)[0-9]{6}') THEN try_strptime(s, '%Y%m%d')
      WHEN regexp_full_match(s, '[0-9]{5}(\\.[0-9]+)?') THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(s AS DOUBLE) * 86400000000) AS BIGINT))
      WHEN regexp_full_match(s, '1[0-9]{9}') THEN make_timestamp(CAST(s AS BIGINT) * 1000000)
      WHEN regexp_full_match(s, '1[0-9]{12}') THEN make_timestamp(CAST(s AS BIGINT) * 1000)
      WHEN regexp_matches(s, '[年月日时分秒]') THEN try_cast(rtrim(regexp_replace(trim(translate(s, '年月日时分秒', '-- ::')), '\\s+', ' ', 'g'), ':') AS TIMESTAMP)
      WHEN regexp_matches(s, '^[0-9]{4}[/.][0-9]{1,2}[/.][0-9]{1,2}') THEN try_cast(regexp_replace(s, '^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})', '\\1-\\2-\\3') AS TIMESTAMP)
      WHEN day_first AND regexp_matches(s, '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}') THEN try_cast(regexp_replace(s, '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})', '\\3-\\2-\\1') AS TIMESTAMP)
      WHEN regexp_matches(s, '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}') THEN try_cast(regexp_replace(s, '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})', '\\3-\\1-\\2') AS TIMESTAMP)
      WHEN day_first AND regexp_matches(s, '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}(\\s|$)') THEN try_cast(regexp_replace(s, '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2})', '20\\3-\\2-\\1') AS TIMESTAMP)
      WHEN regexp_matches(s, '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}(\\s|$)') THEN try_cast(regexp_replace(s, '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2})', '20\\3-\\1-\\2') AS TIMESTAMP)
      WHEN regexp_matches(s, '[A-Za-z]{3}') THEN try_strptime(s, ['%d %b %Y', '%d %B %Y', '%b %d, %Y', '%B %d, %Y', '%d-%b-%Y', '%d-%b-%y', '%d %b %Y %H:%M', '%d %b %Y %H:%M:%S'])
    END`,
  // DuckDB's own cast reads "1/5/24" as the year 1: day-month-year shapes never reach it.
  `cw_ts_slow(x, day_first) AS CASE
      WHEN regexp_matches(cw_ts_clean(x), '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-]') THEN cw_ts_layouts(cw_ts_clean(x), day_first)
      ELSE coalesce(try_cast(cw_ts_clean(x) AS TIMESTAMP), cw_ts_layouts(cw_ts_clean(x), day_first)) END`,
  // Dates before 1900 or from 2100 are misread values (an amount taken for an Excel serial), not dates.
  `cw_ts_range(t) AS CASE WHEN t >= TIMESTAMP '1900-01-01' AND t < TIMESTAMP '2100-01-01' THEN t END`,
  // Ratings: numbers, "4/5", "4 stars", "4分", star glyphs, and the words review platforms use.
  `cw_rating_slow(x) AS CASE
      WHEN contains(x, '★') THEN CAST(length(x) - length(replace(x, '★', '')) AS DOUBLE)
      WHEN lower(trim(x)) IN ('good', 'positive', 'satisfied', '好评', '满意', '非常满意') THEN 5.0
      WHEN lower(trim(x)) IN ('neutral', '中评', '一般') THEN 3.0
      WHEN lower(trim(x)) IN ('bad', 'negative', 'unsatisfied', 'dissatisfied', '差评', '不满意', '非常不满意') THEN 1.0
      ELSE try_cast(regexp_extract(cw_ascii(x), '([0-9]+(\\.[0-9]+)?)', 1) AS DOUBLE) END`,
] as const;

/** How each mapped field is read; derived fields (`@...`) are computed from other fields. */
export interface RowPlan {
  kind: ImportKind;
  /** Canonical fields present as VARCHAR columns of the source relation. */
  fields: readonly FieldSpec[];
  /** Timestamp fields whose sample reads day first (13/04/2024). */
  dayFirst: ReadonlySet<string>;
  /** Derived fields, e.g. { order_id: '@customer_day' }. */
  derived: Readonly<Record<string, string>>;
  /** The header each field comes from, named in rejects. */
  headers: Readonly<Record<string, string>>;
  /** Line-level export: customer and date are checked per order, not per row. */
  lineLevel: boolean;
}

const ident = quoteIdent;
const fast = (field: string) => ident(`~${field}`);

/** Cheap casts per row (inner projection) for the typed fields. */
function fastCasts(plan: RowPlan): string[] {
  return plan.fields.flatMap((field) => {
    switch (field.type) {
      case 'timestamp':
        return [`try_cast(${ident(field.name)} AS TIMESTAMP) AS ${fast(field.name)}`];
      case 'money':
      case 'number':
      case 'rating':
        return [`try_cast(${ident(field.name)} AS DOUBLE) AS ${fast(field.name)}`];
      default:
        return [];
    }
  });
}

/** The normalised value of a field, reading its raw column `name` and its fast cast. */
function normalised(field: FieldSpec, dayFirst: boolean): string {
  const raw = ident(field.name);
  const cheap = fast(field.name);
  switch (field.type) {
    case 'id':
      return `cw_id(${raw})`;
    case 'text':
    case 'status':
      return `cw_text(${raw})`;
    case 'timestamp':
      // The range check repeats its argument: kept off the slow path's expression for the common rows.
      return `CASE WHEN ${cheap} >= TIMESTAMP '1900-01-01' AND ${cheap} < TIMESTAMP '2100-01-01' THEN ${cheap}
        WHEN ${raw} IS NULL THEN NULL ELSE cw_ts_range(cw_ts_slow(${raw}, ${dayFirst})) END`;
    case 'money':
      return `CASE WHEN ${cheap} IS NOT NULL AND isfinite(${cheap}) THEN round(${cheap}, 2) WHEN ${raw} IS NULL THEN NULL ELSE round(cw_number_slow(${raw}), 2) END`;
    case 'number':
      return `CASE WHEN ${cheap} IS NOT NULL AND isfinite(${cheap}) THEN ${cheap} WHEN ${raw} IS NULL THEN NULL ELSE cw_number_slow(${raw}) END`;
    case 'rating':
      return `CASE WHEN ${cheap} IS NOT NULL AND isfinite(${cheap}) THEN ${cheap} WHEN ${raw} IS NULL THEN NULL ELSE cw_rating_slow(${raw}) END`;
  }
}

/** A check that sends a row to rejects: the field it names, and the reason. */
interface Check {
  field: string;
  failed: string;
  reason: string;
}

/** Typed fields whose raw text is present but unreadable make the row a reject (ratings never do: their words vary too much). */
function valueChecks(plan: RowPlan): Check[] {
  return plan.fields.flatMap((field): Check[] => {
    const value = ident(field.name);
    const raw = ident(`raw:${field.name}`);
    const unreadable = `${value} IS NULL AND ${raw} IS NOT NULL AND trim(${raw}) <> ''`;
    if (field.type === 'timestamp') return [{ field: field.name, failed: unreadable, reason: 'not a date' }];
    if (field.type === 'money' || field.type === 'number') return [{ field: field.name, failed: unreadable, reason: 'not a number' }];
    return [];
  });
}

function requiredCheck(field: string): Check {
  return { field, failed: `${ident(field)} IS NULL`, reason: 'missing value' };
}

/** Value checks first, so an unreadable required date says "not a date" rather than "missing value". */
function withRequired(required: readonly string[], values: Check[]): Check[] {
  const requiredValues = values.filter((check) => required.includes(check.field));
  const others = values.filter((check) => !required.includes(check.field));
  return [...requiredValues, ...required.map(requiredCheck), ...others];
}

/** Required fields checked on every row: per order for line-level exports, where they may sit on the first line only. */
function rowChecks(plan: RowPlan): Check[] {
  const has = (name: string) => plan.fields.some((field) => field.name === name) || name in plan.derived;
  if (plan.kind === 'tickets') {
    const content = TICKET_CONTENT_FIELDS.filter(has);
    const empty: Check = { field: 'body', failed: content.map((name) => `${ident(name)} IS NULL`).join(' AND ') || 'TRUE', reason: 'empty ticket: no text, category, rating or label' };
    return [...withRequired(has('ticket_id') ? ['ticket_id'] : [], valueChecks(plan)), empty];
  }
  return withRequired(plan.lineLevel ? ['order_id'] : ['order_id', 'customer_id', 'ordered_at'], valueChecks(plan));
}

function rejectColumns(plan: RowPlan, checks: Check[]): string[] {
  if (checks.length === 0) return ['NULL::VARCHAR AS __reject_field', 'NULL::VARCHAR AS __reject_raw', 'NULL::VARCHAR AS __reject_reason'];
  const header = (field: string) => `'${(plan.headers[field] ?? field).replaceAll("'", "''")}'`;
  const rawOf = (field: string) => (plan.fields.some((spec) => spec.name === field) ? `substr(${ident(`raw:${field}`)}, 1, 1000)` : 'NULL');
  return [
    `CASE ${checks.map((check) => `WHEN ${check.failed} THEN ${header(check.field)}`).join(' ')} END AS __reject_field`,
    `CASE ${checks.map((check) => `WHEN ${check.failed} THEN ${rawOf(check.field)}`).join(' ')} END AS __reject_raw`,
    `CASE ${checks.map((check) => `WHEN ${check.failed} THEN '${check.reason}'`).join(' ')} END AS __reject_reason`,
  ];
}

/**
 * Row status before folding: the export's own status when it has one (unknown words count as
 * completed and are reported), else a return when quantities or amounts are negative
 * ("C"-prefixed invoices are cancellations), a refund when the refund covers the amount, pending
 * when a payment time column exists but is empty, completed otherwise.
 */
function statusExpression(plan: RowPlan): string {
  const has = (name: string) => plan.fields.some((field) => field.name === name);
  const rules: string[] = [];
  if (has('status')) rules.push(`WHEN ${ident('status')} IS NOT NULL THEN coalesce(${ident('~status')}, 'completed')`);
  const negative = [has('items') ? `${ident('items')} < 0` : null, has('amount') ? `${ident('amount')} < 0` : null, has('line_amount') ? `${ident('line_amount')} < 0` : null]
    .filter((rule): rule is string => rule !== null)
    .join(' OR ');
  if (negative) {
    rules.push(`WHEN (${negative}) AND regexp_full_match(${ident('order_id')}, '[Cc][0-9]+') THEN 'cancelled'`);
    rules.push(`WHEN ${negative} THEN 'refunded'`);
  }
  if (has('refund_amount') && has('amount')) rules.push(`WHEN ${ident('refund_amount')} > 0 AND ${ident('refund_amount')} >= ${ident('amount')} THEN 'refunded'`);
  if (has('paid_at') && !plan.lineLevel) rules.push(`WHEN ${ident('paid_at')} IS NULL THEN 'pending'`);
  return rules.length > 0 ? `CASE ${rules.join(' ')} ELSE 'completed' END` : `'completed'`;
}

/**
 * The SELECT that reads `source` (a relation of VARCHAR columns named by canonical field, plus
 * `__src`) and returns one normalised row per source row, with the reject columns. Orders get
 * `__row_status`; line-level exports also get `__line_amount`. `carry` names source columns
 * passed through unchanged (`__record`).
 */
export function normalisedRowsSql(plan: RowPlan, source: string, carry: readonly string[] = []): string {
  const fieldNames = plan.fields.map((field) => field.name);
  const inner = [`__src`, ...carry, ...fieldNames.map((name) => `src.${ident(name)}`), ...fastCasts(plan)];
  let join = '';
  if (plan.kind === 'orders' && fieldNames.includes('status')) {
    inner.push(`sm.status AS ${fast('status')}`);
    join = `LEFT JOIN cw_status_map sm ON sm.key = lower(trim(src.${ident('status')}))`;
  }
  const values = plan.fields.map((field) => `${normalised(field, plan.dayFirst.has(field.name))} AS ${ident(field.name)}`);
  // The raw text as read, for reject reports and the content hash of @row ids.
  const raws = plan.fields.map((field) => `${ident(field.name)} AS ${ident(`raw:${field.name}`)}`);
  const passThrough = fieldNames.includes('status') && plan.kind === 'orders' ? [fast('status')] : [];
  const derived = derivedColumns(plan);
  const checks = rowChecks(plan);
  const extras: string[] = [];
  if (plan.kind === 'orders') {
    extras.push(`${statusExpression(plan)} AS __row_status`);
    if (plan.lineLevel) {
      const lineAmount = fieldNames.includes('line_amount')
        ? ident('line_amount')
        : fieldNames.includes('unit_price') && fieldNames.includes('items')
          ? `round(${ident('items')} * ${ident('unit_price')}, 2)`
          : 'NULL::DOUBLE';
      extras.push(`${lineAmount} AS __line_amount`);
    }
  }
  const typed = `SELECT ${['__src', ...carry, ...values, ...raws, ...passThrough].join(', ')} FROM (SELECT ${inner.join(', ')} FROM (${source}) src ${join})`;
  const complete = derived.length > 0 ? `SELECT *, ${derived.join(', ')} FROM (${typed})` : typed;
  return `SELECT *, ${[...extras, ...rejectColumns(plan, checks)].join(', ')} FROM (${complete})`;
}

/** Derived fields (`@customer_day`, `@order_id`, `@row`), computed from the normalised row they are absent from. */
function derivedColumns(plan: RowPlan): string[] {
  return Object.entries(plan.derived).map(([field, value]) => {
    if (value === '@customer_day') {
      return `CASE WHEN ${ident('customer_id')} IS NOT NULL AND ${ident('ordered_at')} IS NOT NULL THEN ${ident('customer_id')} || '@' || strftime(${ident('ordered_at')}, '%Y-%m-%d') END AS ${ident(field)}`;
    }
    if (value === '@order_id') return `${ident('order_id')} AS ${ident(field)}`;
    // @row: identical rows are interchangeable, so numbering them within their content hash is deterministic.
    const content = `md5(concat_ws(chr(31), ${plan.fields.map((spec) => `coalesce(${ident(`raw:${spec.name}`)}, '')`).join(', ')}))`;
    return `substr(${content}, 1, 16) || '-' || row_number() OVER (PARTITION BY ${content}) AS ${ident(field)}`;
  });
}
