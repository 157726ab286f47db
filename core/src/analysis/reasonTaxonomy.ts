// The churn-reason taxonomy (resources/taxonomy/churn-reasons.json): where it lives, checking it, and the workspace's edit.
//
// A hand-edited file or an edit from the app fails with E_TAXONOMY naming the JSON path of the first
// bad entry (`reasons[3].keywords.zh[2]: empty`), so the user can fix it. The workspace keeps an
// edit in `settings`; without one the bundled file is in force.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import JSON5 from 'json5';
import { CoreError } from '../api/errors.ts';
import { UNKNOWN_REASON, type ChurnType, type Taxonomy, type TaxonomyInfo, type TaxonomyLexicon, type TaxonomyReason, type TaxonomyTerms } from '../api/reasons.ts';
import { queryRows } from '../db/sql.ts';

export const CHURN_TYPES = ['competitive', 'natural', 'detail_neglect', 'market_fluctuation', 'disappointment', 'big_shop_neglect'] as const satisfies readonly ChurnType[];

/** Default `lowRating`: ratings of 1 and 2 on the usual 1-5 scale. */
export const DEFAULT_LOW_RATING = 2;

const SETTINGS_KEY = 'reasons.taxonomy';

/** The shipped taxonomy file; CHURNWB_RESOURCES_DIR overrides the folder (the packaged app points it at its resources). */
export function bundledTaxonomyPath(): string {
  return join(process.env.CHURNWB_RESOURCES_DIR ?? join(import.meta.dirname, '..', '..', '..', 'resources'), 'taxonomy', 'churn-reasons.json');
}

function fail(where: string, message: string): never {
  throw new CoreError('E_TAXONOMY', `taxonomy ${where}: ${message}`, { path: where });
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(where, 'must be an object');
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(where, 'must be a list');
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, 'must be a text');
  if (value.trim() === '') fail(where, 'empty');
  return value;
}

function texts(value: unknown, where: string): string[] {
  return list(value ?? [], where).map((item, index) => text(item, `${where}[${index}]`));
}

function terms(value: unknown, where: string): TaxonomyTerms {
  const entry = record(value, where);
  return { zh: texts(entry.zh, `${where}.zh`), en: texts(entry.en, `${where}.en`) };
}

/** Optional word lists: absent stays absent, so a taxonomy saved before they existed reads as it was written. */
function optionalTerms(value: unknown, where: string): TaxonomyTerms | undefined {
  return value === undefined ? undefined : terms(value, where);
}

/**
 * Repeats that can backtrack without bound: a repeated group holding a repeat or an alternative
 * ((a+)+, (a|aa)*), back-references and look-arounds. A pattern without them backtracks at most
 * polynomially, and with at most two unbounded repeats on a clause of at most 300 characters
 * (reasonClassify.ts cuts longer ones) its cost stays small.
 */
function patternHazard(pattern: string): string | null {
  if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(pattern)) return 'back-references and look-arounds are not allowed';
  const groups: { repeatsInside: boolean }[] = [{ repeatsInside: false }];
  let unbounded = 0;
  let lastClosed: { repeatsInside: boolean } | null = null;
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at]!;
    if (char === '\\') {
      at++;
      lastClosed = null;
      continue;
    }
    if (char === '[') {
      // Skip the class: its ] may be escaped
      for (at++; at < pattern.length && pattern[at] !== ']'; at++) if (pattern[at] === '\\') at++;
      lastClosed = null;
      continue;
    }
    const repeat = char === '*' || char === '+' || (char === '{' && /^\{\d*,?\d*\}/.test(pattern.slice(at)));
    if (repeat) {
      const bound = char === '{' ? /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(at))! : null;
      const repeats = bound === null || (bound[2] === ',' ? true : Number(bound[1]) > 1);
      const isUnbounded = bound === null || (bound[2] === ',' && bound[3] === '');
      if (repeats && lastClosed?.repeatsInside) return `a repeated group that itself repeats or alternates (as in (a+)+) can take forever`;
      if (isUnbounded) unbounded++;
      if (repeats) groups.at(-1)!.repeatsInside = true;
      if (bound) at += bound[0].length - 1;
      lastClosed = null;
      continue;
    }
    if (char === '|') groups.at(-1)!.repeatsInside = true;
    if (char === '(') groups.push({ repeatsInside: false });
    lastClosed = null;
    if (char === ')' && groups.length > 1) {
      lastClosed = groups.pop()!;
      if (lastClosed.repeatsInside) groups.at(-1)!.repeatsInside = true;
    }
  }
  if (unbounded > 2) return `at most two unbounded repeats (* + {n,}) per pattern, this one has ${unbounded}`;
  return null;
}

/** A checked pattern compiled for matching clauses; throws E_TAXONOMY for one that could hang. */
export function safePattern(pattern: string, where = 'pattern'): RegExp {
  const hazard = patternHazard(pattern);
  if (hazard) fail(where, `unsafe regular expression ${JSON.stringify(pattern)}: ${hazard}`);
  try {
    return new RegExp(pattern, 'giu');
  } catch (error) {
    return fail(where, `not a valid regular expression (${(error as Error).message})`);
  }
}

function churnType(value: unknown, where: string, known: readonly string[]): ChurnType {
  if (typeof value !== 'string' || !known.includes(value)) fail(where, `must be one of ${known.join(', ')}, got ${JSON.stringify(value)}`);
  return value as ChurnType;
}

function reason(value: unknown, where: string, types: readonly string[]): TaxonomyReason {
  const entry = record(value, where);
  const key = text(entry.key, `${where}.key`);
  if (!/^[a-z][a-z0-9_]*$/.test(key)) fail(`${where}.key`, `"${key}" must be lower-case letters, digits and _`);
  if (key === UNKNOWN_REASON) fail(`${where}.key`, `"${UNKNOWN_REASON}" is reserved for tickets no reason matches`);
  const patterns = texts(entry.patterns, `${where}.patterns`);
  patterns.forEach((pattern, index) => safePattern(pattern, `${where}.patterns[${index}]`));
  const keywords = terms(entry.keywords, `${where}.keywords`);
  const aspects = optionalTerms(entry.aspects, `${where}.aspects`);
  const actions = optionalTerms(entry.actions, `${where}.actions`);
  const opinionsEntry = entry.opinions === undefined ? undefined : record(entry.opinions, `${where}.opinions`);
  const opinions = opinionsEntry && {
    negative: optionalTerms(opinionsEntry.negative, `${where}.opinions.negative`) ?? { zh: [], en: [] },
    positive: optionalTerms(opinionsEntry.positive, `${where}.opinions.positive`) ?? { zh: [], en: [] },
  };
  const categories = texts(entry.categories, `${where}.categories`);
  const words = [keywords, aspects, actions, opinions?.negative].reduce((sum, list) => sum + (list ? list.zh.length + list.en.length : 0), 0);
  if (words + patterns.length + categories.length === 0) {
    fail(where, `reason "${key}" has no keyword, aspect, action, opinion, pattern or category, so nothing could ever match it`);
  }
  return {
    key,
    zh: text(entry.zh, `${where}.zh`),
    en: text(entry.en, `${where}.en`),
    churnType: churnType(entry.churnType, `${where}.churnType`, types),
    keywords,
    ...(aspects ? { aspects } : {}),
    ...(actions ? { actions } : {}),
    ...(opinions ? { opinions } : {}),
    patterns,
    categories,
  };
}

const LEXICON_LISTS = ['positive', 'negative', 'fixed', 'blockers', 'contrast', 'wishes'] as const satisfies readonly (keyof TaxonomyLexicon)[];

function lexicon(value: unknown): TaxonomyLexicon {
  const entry = record(value, 'lexicon');
  return Object.fromEntries(LEXICON_LISTS.map((name) => [name, optionalTerms(entry[name], `lexicon.${name}`) ?? { zh: [], en: [] }])) as unknown as TaxonomyLexicon;
}

/** Checks a taxonomy (parsed JSON, or an edit from the app) and returns it with optional lists filled in. */
export function checkTaxonomy(value: unknown): Taxonomy {
  const top = record(value, '(top)');
  if (!Number.isInteger(top.version) || (top.version as number) < 1) fail('version', 'must be a whole number from 1');
  const churnTypes = list(top.churnTypes, 'churnTypes').map((item, index) => {
    const entry = record(item, `churnTypes[${index}]`);
    return {
      key: churnType(entry.key, `churnTypes[${index}].key`, CHURN_TYPES),
      zh: text(entry.zh, `churnTypes[${index}].zh`),
      en: text(entry.en, `churnTypes[${index}].en`),
    };
  });
  const typeKeys = churnTypes.map((type) => type.key);
  const reasons = list(top.reasons, 'reasons').map((item, index) => reason(item, `reasons[${index}]`, typeKeys));
  if (reasons.length === 0) fail('reasons', 'must not be empty');
  const seen = new Set<string>();
  reasons.forEach((entry, index) => {
    if (seen.has(entry.key)) fail(`reasons[${index}].key`, `duplicate key "${entry.key}"`);
    seen.add(entry.key);
  });
  if (top.lowRating !== undefined && (typeof top.lowRating !== 'number' || !Number.isFinite(top.lowRating))) fail('lowRating', 'must be a number');
  if (top.unnamedAspect !== undefined && !reasons.some((entry) => entry.key === top.unnamedAspect)) {
    fail('unnamedAspect', `must be the key of a reason, got ${JSON.stringify(top.unnamedAspect)}`);
  }
  return {
    version: top.version as number,
    negations: terms(top.negations, 'negations'),
    ...(top.lexicon === undefined ? {} : { lexicon: lexicon(top.lexicon) }),
    ...(top.unnamedAspect === undefined ? {} : { unnamedAspect: top.unnamedAspect as string }),
    churnTypes,
    reasons,
    lowRating: (top.lowRating as number | undefined) ?? DEFAULT_LOW_RATING,
  };
}

/** Reads and checks a taxonomy file; JSON5, so hand edits may keep comments and trailing commas. */
export function readTaxonomyFile(path: string): Taxonomy {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CoreError('E_NOT_FOUND', `cannot read taxonomy file ${path}: ${(error as Error).message}`, { file: path });
  }
  let parsed: unknown;
  try {
    parsed = JSON5.parse(source);
  } catch (error) {
    const { lineNumber, columnNumber, message } = error as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const place = lineNumber === undefined ? '' : ` line ${lineNumber} column ${columnNumber}`;
    throw new CoreError('E_TAXONOMY', `${path}${place}: not valid JSON (${message.replace(/^JSON5: /, '')})`, { file: path, line: lineNumber });
  }
  try {
    return checkTaxonomy(parsed);
  } catch (error) {
    if (error instanceof CoreError) throw new CoreError(error.code, `${path}: ${error.message}`, { ...error.details, file: path });
    throw error;
  }
}

let bundled: Taxonomy | null = null;

export function bundledTaxonomy(): Taxonomy {
  bundled ??= readTaxonomyFile(bundledTaxonomyPath());
  return bundled;
}

/** The bundled file's shared words: used by a taxonomy without a lexicon of its own (one saved before lexicons existed). */
export function bundledLexicon(): TaxonomyLexicon {
  return bundledTaxonomy().lexicon ?? lexicon({});
}

/** Fingerprint of a taxonomy's content: stored classifications are redone when it changes, even at the same version. */
export function taxonomyHash(taxonomy: Taxonomy): string {
  return createHash('sha256').update(JSON.stringify(taxonomy)).digest('hex').slice(0, 16);
}

/** The taxonomy in force for the workspace: its saved edit, else the bundled file. */
export async function workspaceTaxonomy(connection: DuckDBConnection): Promise<TaxonomyInfo> {
  const [row] = await queryRows<{ value: string }>(connection, 'SELECT value FROM settings WHERE key = $key', { key: SETTINGS_KEY });
  if (row) return { taxonomy: checkTaxonomy(JSON.parse(row.value)), source: 'workspace' };
  return { taxonomy: bundledTaxonomy(), source: 'bundled' };
}

/**
 * Saves an edit (or, with null, returns to the bundled file). The version is raised above both the
 * one in force and the edit's own, so an edit always reads as new and stored results are redone.
 */
export async function saveWorkspaceTaxonomy(connection: DuckDBConnection, edit: unknown | null): Promise<TaxonomyInfo> {
  if (edit === null) {
    await connection.run('DELETE FROM settings WHERE key = $key', { key: SETTINGS_KEY });
    return workspaceTaxonomy(connection);
  }
  const checked = checkTaxonomy(edit);
  const current = await workspaceTaxonomy(connection);
  const taxonomy = { ...checked, version: Math.max(checked.version, current.taxonomy.version + 1) };
  await connection.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($key, $value)', { key: SETTINGS_KEY, value: JSON.stringify(taxonomy) });
  return { taxonomy, source: 'workspace' };
}
