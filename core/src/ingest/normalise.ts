// Value normalisation in SQL: the macros and SELECT lists that turn raw export text into canonical rows.
//
// Every value is read as VARCHAR and normalised here, per row, inside DuckDB, in stacked
// projections shaped for speed:
// 1. a cheap `try_cast` of every typed field, on every row;
// 2. for the rows it could not read, and only those (DuckDB evaluates CASE branches lazily;
//    COALESCE it does not: 2.5x slower on clean data), the text cleaned once: full-width digits,
//    currency signs, time zones;
// 3. the cleaned text parsed by shape (Chinese dates, day-first dates, Excel serials, "1.234,50");
// 4. range and finiteness checks.
// Each macro is applied to a column of the level below, never to another macro's result: macros
// expand textually, and nesting them multiplied the regexes in one expression into the hundreds,
// which DuckDB compiles for every thread and chunk (0.6 s for 1,000 rows).
//
// A column the CSV reader already read as its type (`native`: its sample was clean) skips all
// three: it is only range-checked, and a value out of range fails the statement with
// NATIVE_MISS, so that the loader reads the file again the text way rather than reject a value
// the text path would have read (DuckDB's cast takes "1/5/24" for the year 1).
//
// A row that cannot be loaded carries `__reject_field`, `__reject_raw` and `__reject_reason`;
// the loader sends those rows to `rejects` and the others to the canonical tables. A read that
// only loads rows asks for `__loadable` instead: one boolean, not three strings, per row.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { ImportKind } from '../api/workspace.ts';
import { quoteIdent } from '../db/sql.ts';
import { STATUS_WORDS, SURVEY_CONTENT_FIELDS, TICKET_CONTENT_FIELDS, type FieldSpec } from './vocabulary.ts';

/** Temporary macros every import connection defines once; values never appear in them. Arguments are column references. */
export const NORMALISE_MACROS = [
  // Full-width digits and punctuation (common in Chinese spreadsheets) to ASCII.
  `cw_ascii(x) AS translate(x, '０１２３４５６７８９．，－＋：／　', '0123456789.,-+:/ ')`,
  `cw_text(x) AS nullif(trim(x), '')`,
  // Ids written by spreadsheets as numbers ("17850.0") lose the ".0"; zero-padded ids are kept as they are.
  `cw_id(x) AS CASE WHEN ends_with(x, '.0') AND regexp_full_match(trim(x), '[0-9]+\\.0+') THEN regexp_extract(trim(x), '^[0-9]+') ELSE nullif(trim(x), '') END`,
  // Currency signs and codes, spaces: gone. "(12.50)" is negative. "1,234.50" and "1.234,50" both read as 1234.5.
  `cw_money_clean(x) AS regexp_replace(cw_ascii(trim(x)), '[\\s¥￥$€£₩元圆]|[A-Za-z]{1,3}\\$|RMB|CNY|USD|EUR|GBP|HKD|JPY|BRL', '', 'g')`,
  `cw_money_plain(s) AS CASE
      WHEN regexp_full_match(s, '[-+]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]*)?') THEN replace(s, ',', '')
      WHEN regexp_full_match(s, '[-+]?[0-9]{1,3}(\\.[0-9]{3})+(,[0-9]*)?|[-+]?[0-9]+,[0-9]{1,2}') THEN replace(replace(s, '.', ''), ',', '.')
      ELSE s END`,
  `cw_money_signed(s) AS CASE WHEN regexp_full_match(s, '\\(.*\\)') THEN '-' || cw_money_plain(s[2:-2]) ELSE cw_money_plain(s) END`,
  // Finite numbers only: "nan" and "inf" are not amounts.
  `cw_money_parse(s) AS CASE WHEN isfinite(try_cast(cw_money_signed(s) AS DOUBLE)) THEN try_cast(cw_money_signed(s) AS DOUBLE) END`,
  // Dates: time zone suffixes dropped (exports carry shop-local wall-clock time).
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
  `cw_ts_parse(s, day_first) AS coalesce(CASE WHEN NOT regexp_matches(s, '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-]') THEN try_cast(s AS TIMESTAMP) END, cw_ts_layouts(s, day_first))`,
  // Dates before 1900 or from 2100 are misread values (an amount taken for an Excel serial), not dates.
  `cw_ts_in_range(t) AS t >= TIMESTAMP '1900-01-01' AND t < TIMESTAMP '2100-01-01'`,
  // Ratings: "4/5", "4 stars", "4分", star glyphs, and the words review platforms use (on trimmed ASCII-folded text).
  `cw_rating_parse(s) AS CASE
      WHEN contains(s, '★') THEN CAST(length(s) - length(replace(s, '★', '')) AS DOUBLE)
      WHEN lower(s) IN ('good', 'positive', 'satisfied', '好评', '满意', '非常满意') THEN 5.0
      WHEN lower(s) IN ('neutral', '中评', '一般') THEN 3.0
      WHEN lower(s) IN ('bad', 'negative', 'unsatisfied', 'dissatisfied', '差评', '不满意', '非常不满意') THEN 1.0
      ELSE try_cast(regexp_extract(s, '([0-9]+(\\.[0-9]+)?)', 1) AS DOUBLE) END`,
] as const;

/** How each mapped field is read; derived fields (`@...`) are computed from other fields. */
/** Defines the normalisation macros and the status vocabulary on an import's connection. */
export async function defineMacros(connection: DuckDBConnection): Promise<void> {
  for (const macro of NORMALISE_MACROS) await connection.run(`CREATE OR REPLACE TEMP MACRO ${macro}`);
  // Each word as written in lower, UPPER and Title case, so that most exports match exactly.
  const spellings = (word: string) => [word.toLowerCase(), word.toUpperCase(), word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()];
  const words = Object.entries(STATUS_WORDS).flatMap(([status, list]) => list.map((word) => [word.toLowerCase(), status] as const));
  const entries = [...new Map(words.flatMap(([word, status]) => spellings(word).map((spelling) => [spelling, status] as const))).entries()];
  await connection.run('CREATE OR REPLACE TEMP TABLE cw_status_map AS SELECT unnest($keys) AS key, unnest($statuses) AS status', {
    keys: listValue(entries.map(([word]) => word)),
    statuses: listValue(entries.map(([, status]) => status)),
  });
  // The same vocabulary as a lookup for the rare spelling the exact join misses (" Completed"); a
  // macro body cannot take parameters, and these words are the product's own constants.
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  await connection.run(`CREATE OR REPLACE TEMP MACRO cw_status_word(x) AS (MAP {${words.map(([word, status]) => `${literal(word)}: ${literal(status)}`).join(', ')}})[lower(trim(x))]`);
  // Progress of long statements is read from connection.progress; the console bar stays off.
  await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  // Pushing "WHERE __reject_reason IS NULL" below the projections would inline every normalising
  // expression into the filter once per reference: measured 9x slower on CDNOW's dates. And the
  // status join must build its hash table on the vocabulary, not on the file: DuckDB cannot
  // estimate a CSV's size and flipped the sides, hashing a million rows (1.8x slower insert).
  await connection.run("SET disabled_optimizers = 'filter_pushdown,build_side_probe_side'");
}

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
  /** Id and text fields whose sample shows padding, empty strings or "17850.0": only these pay for tidying. */
  untidy: ReadonlySet<string>;
  /** Every sample status is a word of the vocabulary as written: matched as is, without lower(trim()). */
  statusExact: boolean;
  /**
   * Negative invoices whose id starts with C (UCI's credit notes): `refund` gives their rows the
   * status CREDIT_NOTE, which the loader moves to `credit_notes`; `cancel` reads them as cancelled orders.
   */
  creditNotes: 'refund' | 'cancel';
  /** Line-level exports that repeat the order's amounts on every line (JD): amounts are read once per order, not summed. */
  orderFieldsOnEveryLine: boolean;
  /** Dates before `from` or from `to` on (ISO dates) are rejected as implausible: bound as $cw_dates_from, $cw_dates_to. */
  plausibleDates: { from: string; to: string };
}

/** The status rows of a credit note carry until the loader moves them out of `orders`. */
export const CREDIT_NOTE = 'credit_note';

/** Amounts and counts at or beyond this size are misreadings (1e308 in a cell), never a shop's numbers: rejected. */
export const MAX_ABS_NUMBER = 1e12;

/** The date a row stands on (an order's, a ticket's): outside the plausible range it is rejected; other dates read as empty. */
const ROW_DATES: readonly string[] = ['ordered_at', 'created_at'];

/** Reject reason of a date outside the plausible range. */
export const IMPLAUSIBLE_DATE = 'date outside the plausible range';

/** Parameters a statement over `normalisedRowsSql` binds (the date range, when a date field is mapped: DuckDB refuses unused parameters). */
export function rowParams(plan: RowPlan): Record<string, string> {
  if (!plan.fields.some((field) => field.type === 'timestamp')) return {};
  return { cw_dates_from: plan.plausibleDates.from, cw_dates_to: plan.plausibleDates.to };
}

const ident = quoteIdent;
const cast = (field: string) => ident(`~${field}`);
const cleaned = (field: string) => ident(`c:${field}`);

const TYPED = new Set(['timestamp', 'money', 'number', 'rating']);

/** The error a native column's out-of-range value raises: the load then starts over reading every column as text. */
export const NATIVE_MISS = 'churnwb: a typed column holds a value for the text path';

/** Level 1: the cheap cast of each typed field, on every row; native columns are typed already. */
function castColumn(field: FieldSpec, native: ReadonlySet<string>): string | null {
  if (native.has(field.name)) return `${ident(field.name)} AS ${cast(field.name)}`;
  if (field.type === 'timestamp') return `try_cast(${ident(field.name)} AS TIMESTAMP) AS ${cast(field.name)}`;
  return TYPED.has(field.type) ? `try_cast(${ident(field.name)} AS DOUBLE) AS ${cast(field.name)}` : null;
}

/** Level 2: the text of rows the cheap cast missed, cleaned once; NULL for the rows it read. */
function cleanColumn(field: FieldSpec, native: ReadonlySet<string>): string | null {
  if (native.has(field.name)) return null;
  const raw = ident(field.name);
  const read = field.type === 'timestamp' ? `cw_ts_in_range(${cast(field.name)})` : `isfinite(${cast(field.name)})`;
  // A cheap cast that read the value leaves nothing to clean; NaN and out-of-range dates take the slow path and fail there.
  const clean = field.type === 'timestamp' ? `cw_ts_clean(${raw})` : field.type === 'rating' ? `cw_ascii(trim(${raw}))` : `cw_money_clean(${raw})`;
  return TYPED.has(field.type) ? `CASE WHEN ${read} OR ${raw} IS NULL THEN NULL ELSE ${clean} END AS ${cleaned(field.name)}` : null;
}

/**
 * Level 3: the canonical value, from the cheap cast or from the cleaned text parsed by shape;
 * parsed dates outside 1900-2099 (an amount taken for an Excel serial) and non-finite numbers
 * are dropped. Id and text fields are tidied only when the sample showed they need it.
 */
function valueColumn(field: FieldSpec, plan: RowPlan, native: ReadonlySet<string>): string {
  const raw = ident(field.name);
  if (native.has(field.name)) {
    const typed = cast(field.name);
    const fits = field.type === 'timestamp' ? `cw_ts_in_range(${typed})` : `isfinite(${typed})`;
    const value = `CASE WHEN ${fits} OR ${typed} IS NULL THEN ${typed} ELSE error('${NATIVE_MISS}') END`;
    return `${field.type === 'money' ? `round(${value}, 2)` : value} AS ${raw}`;
  }
  const clean = cleaned(field.name);
  const from = (parse: string) => `CASE WHEN ${clean} IS NULL THEN ${cast(field.name)} ELSE ${parse} END`;
  const untidy = plan.untidy.has(field.name);
  switch (field.type) {
    case 'id':
      return `${untidy ? `cw_id(${raw})` : raw} AS ${raw}`;
    case 'text':
    case 'status':
      return `${untidy ? `cw_text(${raw})` : raw} AS ${raw}`;
    case 'timestamp': {
      // The range check repeats its argument, so it wraps only the slow path's parse.
      const parse = `cw_ts_parse(${clean}, ${plan.dayFirst.has(field.name)})`;
      return `${from(`CASE WHEN cw_ts_in_range(${parse}) THEN ${parse} END`)} AS ${raw}`;
    }
    case 'money':
      return `round(${from(`cw_money_parse(${clean})`)}, 2) AS ${raw}`;
    case 'number':
      return `${from(`cw_money_parse(${clean})`)} AS ${raw}`;
    case 'rating':
      return `${from(`cw_rating_parse(${clean})`)} AS ${raw}`;
  }
}

/** A check that sends a row to rejects: the field it names, and the reason. */
interface Check {
  field: string;
  failed: string;
  reason: string;
}

/**
 * Typed fields whose raw text is present but unreadable make the row a reject (ratings never do:
 * their words vary too much). Native columns need no check: what their reader read is a value.
 */
function valueChecks(plan: RowPlan, native: ReadonlySet<string>): Check[] {
  return plan.fields.flatMap((field): Check[] => {
    const value = ident(field.name);
    // Range checks hold for every column, typed by the reader or parsed here.
    const range: Check[] =
      field.type === 'timestamp' && ROW_DATES.includes(field.name)
        ? [{ field: field.name, failed: `CASE WHEN ${value} IS NULL THEN FALSE ELSE ${value} < CAST($cw_dates_from AS TIMESTAMP) OR ${value} >= CAST($cw_dates_to AS TIMESTAMP) END`, reason: IMPLAUSIBLE_DATE }]
        : field.type === 'money' || field.type === 'number'
          ? [{ field: field.name, failed: `CASE WHEN ${value} IS NULL THEN FALSE ELSE abs(${value}) >= ${MAX_ABS_NUMBER} END`, reason: 'number out of range' }]
          : [];
    if (native.has(field.name)) return range;
    const raw = ident(`raw:${field.name}`);
    // A CASE, not an AND: in a projection DuckDB evaluates every operand of AND on every row, and
    // trimming each typed field's text on every row cost about a tenth of a clean file's insert.
    const unreadable = `CASE WHEN ${value} IS NULL THEN ${raw} IS NOT NULL AND trim(${raw}) <> '' ELSE FALSE END`;
    if (field.type === 'timestamp') return [{ field: field.name, failed: unreadable, reason: 'not a date' }, ...range];
    if (field.type === 'money' || field.type === 'number') return [{ field: field.name, failed: unreadable, reason: 'not a number' }, ...range];
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
function rowChecks(plan: RowPlan, native: ReadonlySet<string>): Check[] {
  const has = (name: string) => plan.fields.some((field) => field.name === name) || name in plan.derived;
  if (plan.kind === 'tickets') {
    const content = TICKET_CONTENT_FIELDS.filter(has);
    const empty: Check = { field: 'body', failed: content.map((name) => `${ident(name)} IS NULL`).join(' AND ') || 'TRUE', reason: 'empty ticket: no text, category, rating or label' };
    return [...withRequired(has('ticket_id') ? ['ticket_id'] : [], valueChecks(plan, native)), empty];
  }
  if (plan.kind === 'surveys') {
    const content = SURVEY_CONTENT_FIELDS.filter(has);
    const empty: Check = { field: 'nps', failed: content.map((name) => `${ident(name)} IS NULL`).join(' AND ') || 'TRUE', reason: 'empty survey answer: no CSAT, NPS or comment' };
    return [...withRequired(['survey_id'], valueChecks(plan, native)), empty];
  }
  return withRequired(plan.lineLevel ? ['order_id'] : ['order_id', 'customer_id', 'ordered_at'], valueChecks(plan, native));
}

/** True for a row that passes every check. */
function loadableColumn(checks: Check[]): string {
  return checks.length === 0 ? 'TRUE AS __loadable' : `NOT coalesce(${checks.map((check) => `(${check.failed})`).join(' OR ')}, FALSE) AS __loadable`;
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
 * Row status before folding: refunded when an after-sale column says so or the refund covers the
 * amount; the export's own status when it has one (unknown words count as completed and are
 * reported), else a return when quantities or amounts are negative
 * ("C"-prefixed invoices are credit notes, or cancellations as `creditNotes` says), a refund when the refund covers the amount, pending
 * when a payment time column exists but is empty, completed otherwise.
 */
function statusExpression(plan: RowPlan): string {
  const has = (name: string) => plan.fields.some((field) => field.name === name);
  const rules: string[] = [];
  // A refund the export states (an after-sale refund word, a refund covering the payment) outranks the order status: Taobao closes refunded orders as 交易关闭.
  if (has('refund_status')) rules.push(`WHEN cw_status_word(${ident('refund_status')}) = 'refunded' THEN 'refunded'`);
  if (has('refund_amount') && has('amount')) rules.push(`WHEN ${ident('refund_amount')} > 0 AND ${ident('refund_amount')} >= ${ident('amount')} THEN 'refunded'`);
  if (has('status')) rules.push(`WHEN ${ident('status')} IS NOT NULL THEN coalesce(${ident('~status')}, 'completed')`);
  const negative = [has('items') ? `${ident('items')} < 0` : null, has('amount') ? `${ident('amount')} < 0` : null, has('line_amount') ? `${ident('line_amount')} < 0` : null]
    .filter((rule): rule is string => rule !== null)
    .join(' OR ');
  if (negative) {
    const creditNote = plan.creditNotes === 'refund' ? `'${CREDIT_NOTE}'` : `'cancelled'`;
    rules.push(`WHEN (${negative}) AND regexp_full_match(${ident('order_id')}, '[Cc][0-9]+') THEN ${creditNote}`);
    rules.push(`WHEN ${negative} THEN 'refunded'`);
  }
  if (has('paid_at') && !plan.lineLevel) rules.push(`WHEN ${ident('paid_at')} IS NULL THEN 'pending'`);
  return rules.length > 0 ? `CASE ${rules.join(' ')} ELSE 'completed' END` : `'completed'`;
}

/**
 * The SELECT that reads `source` (a relation of VARCHAR columns named by canonical field, plus
 * `__src`) and returns one normalised row per source row, with the reject columns. Orders get
 * `__row_status` and `__line_amount` (NULL unless line-level). `carry` names source columns
 * passed through unchanged (`__record`). With `loadableOnly`, the reject columns give way to
 * `__loadable`; only such a read may name `native` fields, which the source holds typed.
 */
export function normalisedRowsSql(plan: RowPlan, source: string, carry: readonly string[] = [], loadableOnly = false, native: ReadonlySet<string> = new Set()): string {
  if (native.size > 0 && !loadableOnly) throw new Error('native columns are for reads that only load rows: rejects need the text');
  const fieldNames = plan.fields.map((field) => field.name);
  const keep = ['__src', ...carry];
  const status = plan.kind === 'orders' && fieldNames.includes('status');
  // The status vocabulary is a join, not a CASE: a hash probe per row instead of a walk through ~120 words.
  const casts = [...keep, ...fieldNames.map((name) => `src.${ident(name)}`), ...plan.fields.flatMap((field) => castColumn(field, native) ?? []), ...(status ? [`sm.status AS ${cast('status')}`] : [])];
  const key = plan.statusExact ? `src.${ident('status')}` : `lower(trim(src.${ident('status')}))`;
  const join = status ? `LEFT JOIN cw_status_map sm ON sm.key = ${key}` : '';
  const level1 = `SELECT ${casts.join(', ')} FROM (${source}) src ${join}`;
  const cleans = plan.fields.flatMap((field) => cleanColumn(field, native) ?? []);
  const level2 = cleans.length > 0 ? `SELECT *, ${cleans.join(', ')} FROM (${level1})` : level1;
  // The raw text as read, for reject reports and the content hash of @row ids.
  const raws = plan.fields.filter((field) => !native.has(field.name)).map((field) => `${ident(field.name)} AS ${ident(`raw:${field.name}`)}`);
  // An exact join misses odd spellings of known words; those few rows look the word up folded.
  const statusWord = plan.statusExact
    ? `CASE WHEN ${cast('status')} IS NULL AND ${ident('status')} IS NOT NULL THEN cw_status_word(${ident('status')}) ELSE ${cast('status')} END AS ${cast('status')}`
    : cast('status');
  const values = `SELECT ${[...keep, ...plan.fields.map((field) => valueColumn(field, plan, native)), ...raws, ...(status ? [statusWord] : [])].join(', ')} FROM (${level2})`;
  // A secondary date outside the plausible range (1970-01-01 for "not paid yet") says nothing: it reads as empty.
  const secondary = plan.fields.filter((field) => field.type === 'timestamp' && !ROW_DATES.includes(field.name));
  const outside = (column: string) => `${column} < CAST($cw_dates_from AS TIMESTAMP) OR ${column} >= CAST($cw_dates_to AS TIMESTAMP)`;
  const level3 =
    secondary.length > 0
      ? `SELECT * REPLACE (${secondary
          .flatMap((field) => {
            const value = ident(field.name);
            // The raw text goes too, so the value check does not take the emptied date for an unreadable one.
            const raw = native.has(field.name) ? [] : [`CASE WHEN ${outside(value)} THEN NULL ELSE ${ident(`raw:${field.name}`)} END AS ${ident(`raw:${field.name}`)}`];
            return [`CASE WHEN ${outside(value)} THEN NULL ELSE ${value} END AS ${value}`, ...raw];
          })
          .join(', ')}) FROM (${values})`
      : values;
  const derived = derivedColumns(plan);
  const complete = derived.length > 0 ? `SELECT *, ${derived.join(', ')} FROM (${level3})` : level3;
  const extras: string[] = [];
  if (plan.kind === 'orders') {
    extras.push(`${statusExpression(plan)} AS __row_status`);
    const lineAmount = !plan.lineLevel
      ? 'NULL::DOUBLE'
      : fieldNames.includes('line_amount')
        ? ident('line_amount')
        : fieldNames.includes('unit_price') && fieldNames.includes('items')
          ? `round(${ident('items')} * ${ident('unit_price')}, 2)`
          : 'NULL::DOUBLE';
    extras.push(`${lineAmount} AS __line_amount`);
  }
  const checks = rowChecks(plan, native);
  return `SELECT *, ${[...extras, ...(loadableOnly ? [loadableColumn(checks)] : rejectColumns(plan, checks))].join(', ')} FROM (${complete})`;
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
