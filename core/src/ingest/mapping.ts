// Column mapping: which header feeds which canonical field, from platform profiles, synonyms, the user's overrides and the values themselves.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnMapping, ImportKind, MappingCandidate } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import { queryRows, quoteIdent } from '../db/sql.ts';
import type { SqlPiece } from './reader.ts';
import {
  DERIVED_VALUES,
  PROFILES,
  REQUIRED_FIELDS,
  SURVEY_CONTENT_FIELDS,
  TICKET_CONTENT_FIELDS,
  fieldsOf,
  headerKey,
  type FieldSpec,
  type FieldType,
  type PlatformProfile,
} from './vocabulary.ts';

/** What a sample of a column's values looks like, for vetoing synonym matches by type. */
export interface ColumnStats {
  nonEmpty: number;
  dates: number;
  numbers: number;
  /** Some value reads only day-first (13/04/2024). */
  dayFirst: boolean;
  /** Some value is padded with blanks, empty, or a spreadsheet number ("17850.0"): the column needs tidying. */
  untidy: boolean;
  /** Values DuckDB's own cast reads as a timestamp within 1900-2099, and as a finite number: a column whose every value does can be read typed. */
  castDates: number;
  castNumbers: number;
}

export interface MappingDecision {
  profile: PlatformProfile | null;
  /** Field to header, or to a derived value (`@customer_day`, `@order_id`, `@row`). */
  mapping: ColumnMapping;
  columns: MappingCandidate[];
  missingRequired: string[];
  /** True when line fields (sku, product, unit price, ...) are mapped: one row per item. */
  lineLevel: boolean;
  /**
   * Fields mapped to a header named for them although its sample values do not read as the
   * field's type (an amount column of NaN, Infinity or text): mapped so that every unreadable
   * value is rejected and counted, rather than the column dropped and every amount silently empty.
   */
  unreadable: string[];
}

/** Whether the mapping yields an order amount: an amount column, line amounts, or unit price times quantity. */
export function hasAmount(mapping: ColumnMapping): boolean {
  return Boolean(mapping.amount || mapping.line_amount || (mapping.unit_price && mapping.items));
}

/** Share of a column's sample values that must read as its type for a synonym match to stand. */
const TYPE_SHARE = 0.6;

const NO_STATS: ColumnStats = { nonEmpty: 0, dates: 0, numbers: 0, dayFirst: false, untidy: false, castDates: 0, castNumbers: 0 };

/** Headers that might feed a typed field (date, money, number): only these need their values sampled. */
export function typedCandidates(kind: ImportKind, headers: readonly string[], override: ColumnMapping): number[] {
  const typed = fieldsOf(kind).filter((field) => field.type === 'timestamp' || field.type === 'money' || field.type === 'number');
  const names = new Set(typed.flatMap((field) => field.synonyms.map(headerKey)));
  for (const profile of PROFILES.filter((candidate) => candidate.kind === kind)) {
    for (const field of typed) [profile.mapping[field.name] ?? []].flat().forEach((header) => names.add(headerKey(header)));
  }
  for (const field of typed) if (override[field.name]) names.add(headerKey(override[field.name] ?? ''));
  return headers.map((header, index) => (names.has(headerKey(header)) ? index : -1)).filter((index) => index >= 0);
}

/**
 * Statistics of up to 1,000 sample rows (`sample` names its columns h0, h1, ...): whether each
 * column needs tidying, and for the `typed` candidates how many values read as dates or numbers.
 * Values over 40 characters are neither dates nor amounts and are not parsed.
 */
export async function columnStats(connection: DuckDBConnection, sample: SqlPiece, count: number, typed: readonly number[]): Promise<ColumnStats[]> {
  if (count === 0) return [];
  const all = Array.from({ length: count }, (_, index) => index);
  // Cleaned once per column in an inner projection: the parsing macros then work on column references.
  const columns = all.map((index) => {
    const column = quoteIdent(`h${index}`);
    const short = `CASE WHEN length(${column}) <= 40 THEN ${column} END`;
    return typed.includes(index) ? `${column}, cw_ts_clean(${short}) AS t${index}, cw_money_clean(${short}) AS m${index}` : column;
  });
  const parts = all.map((index) => {
    const column = quoteIdent(`h${index}`);
    const untidy = `coalesce(bool_or(${column} <> trim(${column}) OR ${column} = '' OR ends_with(${column}, '.0')), false) AS u${index}`;
    if (!typed.includes(index)) return untidy;
    const [time, money] = [`t${index}`, `m${index}`];
    return [
      untidy,
      `count(cw_text(${column})) AS n${index}`,
      `count(CASE WHEN cw_ts_in_range(cw_ts_parse(${time}, false)) OR cw_ts_in_range(cw_ts_parse(${time}, true)) THEN 1 END) AS d${index}`,
      `count(cw_money_parse(${money})) AS x${index}`,
      `coalesce(bool_or(regexp_matches(${time}, '^(1[3-9]|2[0-9]|3[01])[/.-](0?[1-9]|1[0-2])[/.-][0-9]{2,4}')), false) AS f${index}`,
      `count(CASE WHEN cw_ts_in_range(try_cast(${column} AS TIMESTAMP)) THEN 1 END) AS cd${index}`,
      `count(CASE WHEN isfinite(try_cast(${column} AS DOUBLE)) THEN 1 END) AS cx${index}`,
    ].join(', ');
  });
  const [row] = await queryRows(connection, `SELECT ${parts.join(', ')} FROM (SELECT ${columns.join(', ')} FROM (${sample.sql} LIMIT 1000))`, sample.params);
  return all.map((index) => ({
    ...NO_STATS,
    untidy: row?.[`u${index}`] === true,
    ...(typed.includes(index)
      ? {
          nonEmpty: Number(row?.[`n${index}`] ?? 0),
          dates: Number(row?.[`d${index}`] ?? 0),
          numbers: Number(row?.[`x${index}`] ?? 0),
          dayFirst: row?.[`f${index}`] === true,
          castDates: Number(row?.[`cd${index}`] ?? 0),
          castNumbers: Number(row?.[`cx${index}`] ?? 0),
        }
      : {}),
  }));
}

function typeFits(type: FieldType, stats: ColumnStats | undefined): boolean {
  if (!stats || stats.nonEmpty === 0) return true;
  if (type === 'timestamp') return stats.dates >= stats.nonEmpty * TYPE_SHARE;
  if (type === 'money' || type === 'number') return stats.numbers >= stats.nonEmpty * TYPE_SHARE;
  return true;
}

/** The platform profile whose signature headers are all present; the longest signature wins. */
export function detectProfile(kind: ImportKind, headers: readonly string[]): PlatformProfile | null {
  const keys = new Set(headers.map(headerKey));
  const matches = PROFILES.filter((profile) => profile.kind === kind && profile.signature.every((header) => keys.has(headerKey(header))));
  return matches.sort((a, b) => b.signature.length - a.signature.length)[0] ?? null;
}

/** The header a mapping names: exact first, then by key (case, spaces and punctuation ignored). */
function findHeader(headers: readonly string[], wanted: string): string | null {
  if (headers.includes(wanted)) return wanted;
  const key = headerKey(wanted);
  return headers.find((header) => headerKey(header) === key) ?? null;
}

/** Keys that name some field exactly: a header that is another field's synonym is no partial candidate. */
const EXACT_KEYS = new Map<string, Set<string>>(
  (['orders', 'tickets', 'surveys'] as const).map((kind) => [kind, new Set(fieldsOf(kind).flatMap((field) => field.synonyms.map(headerKey)))]),
);

/** Headers that could serve a field, best first: synonym matches, then headers sharing part of a synonym. */
function candidatesFor(field: FieldSpec, headers: readonly string[], kind: ImportKind): string[] {
  const keys = headers.map(headerKey);
  const own = new Set(field.synonyms.map(headerKey));
  const exact = field.synonyms.flatMap((synonym) => headers.filter((_, index) => keys[index] === headerKey(synonym)));
  const partial = headers.filter((_, index) => {
    const key = keys[index] ?? '';
    if (key.length < 2 || (EXACT_KEYS.get(kind)?.has(key) && !own.has(key))) return false;
    return [...own].some((word) => word.length >= 2 && (key.includes(word) || word.includes(key)));
  });
  return [...new Set([...exact, ...partial])];
}

function isDerived(field: string, value: string): boolean {
  return ((DERIVED_VALUES as Record<string, readonly string[]>)[field] ?? []).includes(value);
}

/**
 * Proposes the mapping for `headers`. Order of authority: the user's mapping, the platform
 * profile, then synonyms whose sample values fit the field's type. An override of '' unmaps a field.
 */
export function proposeMapping(
  kind: ImportKind,
  headers: readonly string[],
  override: ColumnMapping = {},
  stats: readonly ColumnStats[] = [],
  file = '',
): MappingDecision {
  const fields = fieldsOf(kind);
  const known = new Set(fields.map((field) => field.name));
  for (const [field, value] of Object.entries(override)) {
    if (!known.has(field)) {
      throw new CoreError('E_MAPPING', `mapping names unknown field "${field}" (fields of ${kind}: ${[...known].join(', ')})`, { field });
    }
    if (value.startsWith('@') && !isDerived(field, value)) {
      throw new CoreError('E_MAPPING', `mapping gives "${field}" the value "${value}", which is not a derived value of that field`, { field });
    }
    if (value !== '' && !value.startsWith('@') && !findHeader(headers, value)) {
      throw new CoreError('E_MAPPING', `${file}: mapping names column "${value}" for ${field}, but the file has no such column (headers: ${headers.join(', ')})`, {
        file,
        field,
        headers: [...headers],
      });
    }
  }
  const profile = detectProfile(kind, headers);
  const statsOf = (header: string) => stats[headers.indexOf(header)];
  const used = new Set<string>();
  const mapping: ColumnMapping = {};
  const take = (field: string, header: string) => {
    mapping[field] = header;
    if (!header.startsWith('@')) used.add(header);
  };
  // Overrides first, so a profile or a synonym never takes a header the user assigned elsewhere.
  for (const [field, value] of Object.entries(override)) {
    if (value !== '') take(field, value.startsWith('@') ? value : (findHeader(headers, value) ?? value));
  }
  for (const field of fields) {
    if (field.name in override) continue;
    const fromProfile = profile?.mapping[field.name];
    if (profile && fromProfile !== undefined) {
      const options = typeof fromProfile === 'string' ? [fromProfile] : fromProfile;
      const header = options.map((option) => (option.startsWith('@') ? option : findHeader(headers, option))).find((option) => option !== null && !used.has(option));
      if (header) take(field.name, header);
      continue;
    }
    // With a profile, line fields come only from the profile: its export's granularity is known.
    if (profile && field.line) continue;
    const header = candidatesFor(field, headers, kind)
      .filter((candidate) => field.synonyms.some((synonym) => headerKey(synonym) === headerKey(candidate)))
      .find((candidate) => !used.has(candidate) && typeFits(field.type, statsOf(candidate)));
    if (header) take(field.name, header);
  }
  // An amount-named column whose values do not read as money is still the amount: mapped, and its values rejected.
  const unreadable: string[] = [];
  const amountField = fields.find((field) => field.name === 'amount');
  if (kind === 'orders' && amountField && !('amount' in override) && !hasAmount(mapping)) {
    const named = candidatesFor(amountField, headers, kind).find(
      (candidate) => !used.has(candidate) && amountField.synonyms.some((synonym) => headerKey(synonym) === headerKey(candidate)),
    );
    if (named) {
      take('amount', named);
      if (!typeFits(amountField.type, statsOf(named))) unreadable.push('amount');
    }
  }
  // Survey questions are sentences ("您对本次购物的满意度？"): their scores are found by the words they contain
  if (kind === 'surveys') {
    for (const field of fields.filter((spec) => (SURVEY_CONTENT_FIELDS as readonly string[]).includes(spec.name) && !mapping[spec.name] && !(spec.name in override))) {
      const header = candidatesFor(field, headers, kind).find((candidate) => !used.has(candidate));
      if (header) take(field.name, header);
    }
  }
  const required = kind === 'orders' ? REQUIRED_FIELDS.orders.filter((field) => !mapping[field]) : [];
  const ticketContent = kind === 'tickets' && !TICKET_CONTENT_FIELDS.some((field) => mapping[field]) ? ['body'] : [];
  const surveyContent = kind === 'surveys' && !SURVEY_CONTENT_FIELDS.some((field) => mapping[field]) ? ['nps'] : [];
  const missingRequired = [...required, ...ticketContent, ...surveyContent];
  const columns: MappingCandidate[] = fields.map((field) => ({
    column: field.name,
    required: (REQUIRED_FIELDS[kind] as readonly string[]).includes(field.name) || (kind === 'tickets' && field.name === 'body'),
    header: mapping[field.name] ?? null,
    candidates: candidatesFor(field, headers, kind).filter((candidate) => candidate !== mapping[field.name]).slice(0, 5),
  }));
  const lineLevel = fields.some((field) => field.line && mapping[field.name]);
  return { profile, mapping, columns, missingRequired, lineLevel, unreadable };
}

/**
 * The hint that an orders file looks like a ticket export, for an error or an alert: the headers a
 * tickets import would read as a ticket's subject or text. An orders file with them and no amount is
 * most likely a ticket export chosen as orders (its order_id and dates map, so it would load as orders
 * without a word). Null when it has none.
 */
export function ticketExportHint(headers: readonly string[]): { headers: string[]; message: string } | null {
  const { mapping } = proposeMapping('tickets', headers);
  const texts = (['subject', 'body'] as const).map((field) => mapping[field]).filter((header): header is string => header !== undefined && !header.startsWith('@'));
  if (texts.length === 0) return null;
  return { headers: texts, message: `the file has ticket text columns (${texts.join(', ')}) and no amount: if it is a ticket export, import it as tickets (--kind tickets)` };
}

/** Fails with E_MAPPING naming each missing field, the headers that could serve it, and how to say so. */
export function requireMapping(decision: MappingDecision, kind: ImportKind, file: string, headers: readonly string[]): void {
  if (decision.missingRequired.length === 0) return;
  const parts = decision.missingRequired.map((field) => {
    const candidates = decision.columns.find((column) => column.column === field)?.candidates ?? [];
    const hint = field === 'customer_id' ? '; an export without buyers can use "@order_id" (each order its own customer)' : field === 'order_id' ? '; a log without order ids can use "@customer_day"' : '';
    const what = kind === 'tickets' ? 'no text, subject, category, rating or label column' : kind === 'surveys' ? 'no CSAT, NPS or comment column' : `no column for ${field}`;
    return `${what} (candidates: ${candidates.length > 0 ? candidates.join(', ') : 'none'}${hint})`;
  });
  // Taobao's item report names neither buyer nor time: they come from the order report of the same export.
  const together = decision.profile?.id === 'taobao_tmall_items' ? ' This is a Taobao 宝贝报表: import it together with its 订单报表 (both files, or their folder) to join each item to its order.' : '';
  const tickets = kind === 'orders' && !hasAmount(decision.mapping) ? ticketExportHint(headers) : null;
  throw new CoreError(
    'E_MAPPING',
    `${file}: ${parts.join('; ')}.${together}${tickets ? ` ${tickets.message[0]!.toUpperCase()}${tickets.message.slice(1)}.` : ''} Headers: ${headers.slice(0, 30).join(', ')}${headers.length > 30 ? ', …' : ''}. Pass --mapping FILE.json, e.g. {"${decision.missingRequired[0]}": "HEADER"}`,
    { file, missing: decision.missingRequired, headers: [...headers], columns: decision.columns.map((column) => ({ ...column })) },
  );
}
