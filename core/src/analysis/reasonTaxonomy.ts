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
import { UNKNOWN_REASON, type ChurnType, type Taxonomy, type TaxonomyInfo, type TaxonomyReason, type TaxonomyTerms } from '../api/reasons.ts';
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
  patterns.forEach((pattern, index) => {
    try {
      new RegExp(pattern, 'iu');
    } catch (error) {
      fail(`${where}.patterns[${index}]`, `not a valid regular expression (${(error as Error).message})`);
    }
  });
  const keywords = terms(entry.keywords, `${where}.keywords`);
  const categories = texts(entry.categories, `${where}.categories`);
  if (keywords.zh.length + keywords.en.length + patterns.length + categories.length === 0) {
    fail(where, `reason "${key}" has no keyword, pattern or category, so nothing could ever match it`);
  }
  return {
    key,
    zh: text(entry.zh, `${where}.zh`),
    en: text(entry.en, `${where}.en`),
    churnType: churnType(entry.churnType, `${where}.churnType`, types),
    keywords,
    patterns,
    categories,
  };
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
  return {
    version: top.version as number,
    negations: terms(top.negations, 'negations'),
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
