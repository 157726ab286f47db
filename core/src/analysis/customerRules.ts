// The editable rules of the customers area (resources/segments/*.json): where they live, and checking them.
//
// A rules file edited by hand fails with E_TAXONOMY naming the file and the JSON path of the
// first bad field, so the user can fix it; rules passed in a request are checked the same way.
import { readFileSync } from 'node:fs';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import JSON5 from 'json5';
import { join } from 'node:path';
import {
  COMPARISONS,
  SHOPPER_FEATURES,
  type FeatureCondition,
  type Label,
  type RfmRules,
  type ScoreRange,
  type SegmentKeywords,
  type ShopperCondition,
  type ShopperRules,
} from '../api/customers.ts';
import { CoreError } from '../api/errors.ts';

/** Folder of the shipped rules; CHURNWB_RESOURCES_DIR overrides it (the packaged app points it at its resources). */
export function segmentsDirectory(): string {
  return join(process.env.CHURNWB_RESOURCES_DIR ?? join(import.meta.dirname, '..', '..', '..', 'resources'), 'segments');
}

type Where = string;

class RulesChecker {
  constructor(private readonly source: string) {}

  fail(where: Where, message: string): never {
    throw new CoreError('E_TAXONOMY', `${this.source} ${where}: ${message}`, { file: this.source, path: where });
  }

  object(value: unknown, where: Where): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(where, 'must be an object');
    return value as Record<string, unknown>;
  }

  array(value: unknown, where: Where, nonEmpty = false): unknown[] {
    if (!Array.isArray(value)) this.fail(where, 'must be a list');
    if (nonEmpty && value.length === 0) this.fail(where, 'must not be empty');
    return value;
  }

  text(value: unknown, where: Where): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(where, 'must be a non-empty text');
    return value;
  }

  number(value: unknown, where: Where): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(where, 'must be a number');
    return value;
  }

  label(value: unknown, where: Where): Label {
    const record = this.object(value, where);
    return { en: this.text(record.en, `${where}.en`), zh: this.text(record.zh, `${where}.zh`) };
  }

  version(record: Record<string, unknown>): void {
    if (record.version !== 1) this.fail('version', 'must be 1');
  }

  uniqueKeys(keys: string[], where: Where): void {
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key)) this.fail(`${where}[${index}].key`, `duplicate key "${key}"`);
      seen.add(key);
    });
  }

  keywords(value: unknown, where: Where): string[] {
    return this.array(value, where).map((item, index) => this.text(item, `${where}[${index}]`).toLowerCase());
  }
}

/** Reads a rules file; JSON5, so hand edits may keep comments and trailing commas. */
function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CoreError('E_NOT_FOUND', `cannot read rules file ${path}: ${(error as Error).message}`, { file: path });
  }
  try {
    return JSON5.parse(text);
  } catch (error) {
    const { lineNumber, columnNumber, message } = error as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const place = lineNumber === undefined ? '' : ` line ${lineNumber} column ${columnNumber}`;
    throw new CoreError('E_TAXONOMY', `${path}${place}: not valid JSON (${message.replace(/^JSON5: /, '')})`, { file: path, line: lineNumber });
  }
}

function scoreRange(check: RulesChecker, value: unknown, where: Where): ScoreRange {
  const list = check.array(value, where);
  const [low, high] = list;
  if (list.length !== 2 || !Number.isInteger(low) || !Number.isInteger(high) || (low as number) < 1 || (high as number) > 5 || (low as number) > (high as number)) {
    check.fail(where, 'must be [low, high] with whole scores 1 <= low <= high <= 5');
  }
  return [low as number, high as number];
}

/** Checks RFM rules; every one of the 125 (r, f, m) score cells must fall into some segment. */
export function checkRfmRules(value: unknown, source: string): RfmRules {
  const check = new RulesChecker(source);
  const record = check.object(value, '(top)');
  check.version(record);
  const segments = check.array(record.segments, 'segments', true).map((item, index) => {
    const where = `segments[${index}]`;
    const segment = check.object(item, where);
    return {
      key: check.text(segment.key, `${where}.key`),
      label: check.label(segment.label, `${where}.label`),
      ...(segment.description === undefined ? {} : { description: check.label(segment.description, `${where}.description`) }),
      r: scoreRange(check, segment.r, `${where}.r`),
      f: scoreRange(check, segment.f, `${where}.f`),
      m: segment.m === undefined ? ([1, 5] as ScoreRange) : scoreRange(check, segment.m, `${where}.m`),
    };
  });
  check.uniqueKeys(segments.map((segment) => segment.key), 'segments');
  const inRange = (score: number, [low, high]: ScoreRange) => score >= low && score <= high;
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      for (let m = 1; m <= 5; m++) {
        if (!segments.some((s) => inRange(r, s.r) && inRange(f, s.f) && inRange(m, s.m))) {
          check.fail('segments', `no segment covers the scores r=${r} f=${f} m=${m}; add a rule (or widen one) so every cell has a segment`);
        }
      }
    }
  }
  return { version: 1, segments };
}

function featureCondition(check: RulesChecker, value: unknown, where: Where): FeatureCondition {
  const record = check.object(value, where);
  const feature = check.text(record.feature, `${where}.feature`);
  if (!(SHOPPER_FEATURES as readonly string[]).includes(feature)) check.fail(`${where}.feature`, `unknown feature "${feature}"; one of ${SHOPPER_FEATURES.join(', ')}`);
  const op = check.text(record.op, `${where}.op`);
  if (!(COMPARISONS as readonly string[]).includes(op)) check.fail(`${where}.op`, `must be one of ${COMPARISONS.join(' ')}`);
  const ifMissing = record.ifMissing ?? 'unjudgeable';
  if (ifMissing !== 'unjudgeable' && ifMissing !== 'skip') check.fail(`${where}.ifMissing`, 'must be "unjudgeable" or "skip"');
  return { feature: feature as FeatureCondition['feature'], op: op as FeatureCondition['op'], value: check.number(record.value, `${where}.value`), ifMissing };
}

function condition(check: RulesChecker, value: unknown, where: Where): ShopperCondition {
  const record = check.object(value, where);
  if ('any' in record) {
    return { any: check.array(record.any, `${where}.any`, true).map((item, index) => featureCondition(check, item, `${where}.any[${index}]`)) };
  }
  return featureCondition(check, record, where);
}

/** Checks shopper-type rules. */
export function checkShopperRules(value: unknown, source: string): ShopperRules {
  const check = new RulesChecker(source);
  const record = check.object(value, '(top)');
  check.version(record);
  const types = check.array(record.types, 'types', true).map((item, index) => {
    const where = `types[${index}]`;
    const type = check.object(item, where);
    const key = check.text(type.key, `${where}.key`);
    if (key === 'undetermined') check.fail(`${where}.key`, '"undetermined" is reserved for customers no type fits');
    const minOrders = check.number(type.minOrders, `${where}.minOrders`);
    if (!Number.isInteger(minOrders) || minOrders < 1) check.fail(`${where}.minOrders`, 'must be a whole number >= 1');
    return {
      key,
      label: check.label(type.label, `${where}.label`),
      description: check.label(type.description, `${where}.description`),
      minOrders,
      all: check.array(type.all, `${where}.all`, true).map((c, i) => condition(check, c, `${where}.all[${i}]`)),
    };
  });
  check.uniqueKeys(types.map((type) => type.key), 'types');
  const promotion = check.object(record.promotionDays, 'promotionDays');
  const recurring = check.array(promotion.recurring, 'promotionDays.recurring').map((item, index) => {
    const where = `promotionDays.recurring[${index}]`;
    const day = check.object(item, where);
    const monthDay = check.text(day.monthDay, `${where}.monthDay`);
    if (!/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(monthDay)) check.fail(`${where}.monthDay`, 'must be MM-DD, e.g. "11-11"');
    const around = (field: 'daysBefore' | 'daysAfter') => {
      const days = day[field] === undefined ? 0 : check.number(day[field], `${where}.${field}`);
      if (!Number.isInteger(days) || days < 0 || days > 31) check.fail(`${where}.${field}`, 'must be a whole number of days, 0..31');
      return days;
    };
    return { monthDay, label: check.text(day.label, `${where}.label`), daysBefore: around('daysBefore'), daysAfter: around('daysAfter') };
  });
  const dates = check.array(promotion.dates, 'promotionDays.dates').map((item, index) => {
    const date = check.text(item, `promotionDays.dates[${index}]`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) check.fail(`promotionDays.dates[${index}]`, 'must be an ISO date YYYY-MM-DD');
    return date;
  });
  const peakRatio = promotion.peakRatio === null ? null : check.number(promotion.peakRatio, 'promotionDays.peakRatio');
  if (peakRatio !== null && peakRatio <= 1) check.fail('promotionDays.peakRatio', 'must be above 1 (or null to turn peak detection off)');
  const groups = check.object(record.groups, 'groups');
  const minItems = groups.businessMinItemsPerOrder === null ? null : check.number(groups.businessMinItemsPerOrder, 'groups.businessMinItemsPerOrder');
  return {
    version: 1,
    types,
    promotionDays: { recurring, dates, peakRatio },
    groups: { businessMinItemsPerOrder: minItems, homeRegions: check.keywords(groups.homeRegions, 'groups.homeRegions') },
  };
}

/** Checks keyword lists (lower-cased here, so matching can lower-case only the data). */
export function checkKeywords(value: unknown, source: string): SegmentKeywords {
  const check = new RulesChecker(source);
  const record = check.object(value, '(top)');
  check.version(record);
  return {
    version: 1,
    sportsEntertainment: check.keywords(record.sportsEntertainment, 'sportsEntertainment'),
    presaleInquiry: check.keywords(record.presaleInquiry, 'presaleInquiry'),
    business: check.keywords(record.business, 'business'),
    crossBorder: check.keywords(record.crossBorder, 'crossBorder'),
  };
}

/** A request's rules, or the shipped file's; both checked. */
function loadRules<T>(given: T | undefined, file: string, checkFn: (value: unknown, source: string) => T): { rules: T; source: 'default' | 'request' } {
  if (given !== undefined) return { rules: checkFn(given, 'rules in the request'), source: 'request' };
  const path = join(segmentsDirectory(), file);
  return { rules: checkFn(readJson(path), path), source: 'default' };
}

export const loadRfmRules = (given?: RfmRules) => loadRules(given, 'rfm.json', checkRfmRules);
export const loadShopperRules = (given?: ShopperRules) => loadRules(given, 'shopper-types.json', checkShopperRules);
export const loadKeywords = (given?: SegmentKeywords) => loadRules(given, 'keywords.json', checkKeywords);

/** Reads a rules file a user names (CLI --rules), checking it as the kind it claims to be. */
export function readRulesFile<T>(path: string, checkFn: (value: unknown, source: string) => T): T {
  return checkFn(readJson(path), path);
}

/**
 * A list of texts as a bound parameter; an empty list binds NULL because DuckDB cannot type an
 * empty list value. SQL casts it (CAST($x AS VARCHAR[])) and a NULL list matches nothing.
 */
export function textListParam(values: readonly string[]): DuckDBValue {
  return values.length === 0 ? null : listValue([...values]);
}

/**
 * Keywords as one regular expression (alternatives of escaped literals) to match lower-cased text
 * with regexp_matches: one RE2 pass per value instead of one `contains` call per keyword.
 * NULL for an empty list, which matches nothing.
 */
export function keywordPatternParam(keywords: readonly string[]): DuckDBValue {
  return keywords.length === 0 ? null : keywords.map((keyword) => keyword.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|');
}
