// Stage 4 of an import (probe -> decode -> read -> map -> load -> record): which column of the
// read files is which canonical field, and how their rows are read and normalised.
//
// A platform recipe joins a multi-file export into one relation first (Olist, then the Taobao
// order and item reports); the mapping is decided on its columns, or on the first file's. The
// decision is made on a sample (the first rows): column statistics, the platform profile, the
// status words, and which date and number columns DuckDB's reader may read typed. Table imports
// (`kind table`) keep every column as written and skip this stage.
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnMapping, ImportAlert, ImportKind, ImportOptions, ImportWarning } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import { queryRows, quoteIdent } from '../db/sql.ts';
import { columnStats, hasAmount, proposeMapping, ticketExportHint, typedCandidates, type ColumnStats, type MappingDecision } from './mapping.ts';
import type { RowPlan } from './normalise.ts';
import { olistRecipe, type Recipe } from './olist.ts';
import { copyAlert, ID_FIELD, overlapAlert, sharedIds } from './overlap.ts';
import type { ReadFile } from './read.ts';
import { readerSql, shortMessage, type NativeType, type OutputColumn, type ReadLimits, type ReadOptions, type SqlPiece } from './reader.ts';
import { taobaoRecipe } from './taobao.ts';
import { fieldsOf, headerKey, type FieldSpec } from './vocabulary.ts';

/** A request for an import into the canonical orders, tickets or surveys, which maps its columns. */
export type MappedRequest = ImportOptions & { kind: ImportKind };

/** What the map stage hands on: the files, the mapping and how to read them. */
export interface MappedImport {
  kind: ImportKind;
  files: ReadFile[];
  recipe: Recipe | null;
  /** Files read for context only (a recipe's customers, payments, items ...): recorded in sources, not counted as rows. */
  auxiliary: ReadonlySet<number>;
  /** Headers the mapping was decided on (the first file's, or the recipe's joined columns). */
  headers: string[];
  decision: MappingDecision;
  mapping: ColumnMapping;
  plan: RowPlan;
  /** Typed fields whose sample DuckDB's reader takes as they are: an order-level read may read them typed. */
  native: ReadonlySet<string>;
  /** Every file's rows, columns named by field; the `native` fields it is given are read typed. */
  source(options: (position: number) => ReadOptions, native?: ReadonlySet<string>): SqlPiece;
  /** One file's rows in file order with `__record`, for numbering rejects; null when they cannot be numbered. */
  orderedSource(position: number, options: ReadOptions): SqlPiece | null;
  /** The first rows, every header as a column h0, h1, ... */
  sample: SqlPiece;
  warnings: ImportWarning[];
  /** What the user must see: no amount, an unreadable amount column, duplicate headers. */
  alerts: ImportAlert[];
}

/** Dates before this are taken for misreadings unless the user says otherwise (`datesFrom`). */
const DEFAULT_DATES_FROM = '1980-01-01';

/** The plausible date range of an import: the user's, or from DEFAULT_DATES_FROM to 1 January two years after today. */
function plausibleDates(request: Pick<ImportOptions, 'datesFrom' | 'datesTo'>, today = new Date()): { from: string; to: string } {
  const to = request.datesTo ?? `${today.getUTCFullYear() + 2}-01-01`;
  const from = request.datesFrom ?? DEFAULT_DATES_FROM;
  if (from >= to) throw new CoreError('E_ARGS', `datesFrom (${from}) must come before datesTo (${to})`);
  return { from, to };
}


/** The mapping decided on one file's sample (or a recipe's joined columns). */
interface Decided {
  headers: string[];
  sample: SqlPiece;
  stats: ColumnStats[];
  decision: MappingDecision;
}

/** The mapping of an import, decided on the first rows of its first file or of the recipe's relation. */
async function decide(request: MappedRequest, first: ReadFile, recipe: Recipe | null, options: { connection: DuckDBConnection; limits: ReadLimits }): Promise<Decided> {
  const kind = request.kind;
  const headers = recipe ? recipe.headers : first.headers;
  const sampleRead: ReadOptions = { ...options.limits, rejectsTables: null, sample: true };
  const sample: SqlPiece = recipe
    ? renamed(recipe.relation(() => sampleRead), headers.map((header, index) => [header, `h${index}`]))
    : readerSql(first, 0, headers.map((_, index) => ({ name: `h${index}`, index })), sampleRead);
  const mappingOverride: ColumnMapping = { ...(request.mapping ?? {}) };
  const stats = await columnStats(options.connection, sample, headers.length, typedCandidates(kind, headers, mappingOverride)).catch((error: unknown) => {
    throw new CoreError('E_FORMAT', `${first.path}: cannot read (${shortMessage(error)})`, { file: first.path });
  });
  const decision = proposeMapping(kind, headers, mappingOverride, stats, first.path);
  if (kind === 'tickets' && !decision.mapping.ticket_id) decision.mapping.ticket_id = '@row';
  if (kind === 'surveys' && !decision.mapping.survey_id) decision.mapping.survey_id = '@row';
  return { headers, sample, stats, decision };
}

/** The map stage: the read files of one import, mapped; files that copy another file of the import are left out (overlap.ts). */
export async function mapImport(request: MappedRequest, read: ReadFile[], options: { connection: DuckDBConnection; limits: ReadLimits }): Promise<MappedImport> {
  const kind = request.kind;
  const recipe = olistRecipe(kind, read) ?? taobaoRecipe(kind, read);
  let decided = await decide(request, read[0] as ReadFile, recipe, options);
  // A recipe's files play different parts, so only a plain import's files can copy one another.
  const idHeader = decided.decision.mapping[ID_FIELD[kind]];
  const { copies, overlaps } = recipe ? { copies: [], overlaps: [] } : await sharedIds(options.connection, read, idHeader && !idHeader.startsWith('@') ? idHeader : null, options.limits);
  const files = read.filter((file) => !copies.some((copy) => copy.file === file));
  const first = files[0] as ReadFile;
  // The mapping was decided on a file left out: it is decided again on the first file that loads.
  if (first !== read[0]) decided = await decide(request, first, null, options);
  const { headers, sample, stats, decision } = decided;
  const fields = fieldsOf(kind).filter((field) => decision.mapping[field.name] && !decision.mapping[field.name]?.startsWith('@'));
  const derived = Object.fromEntries(Object.entries(decision.mapping).filter(([, value]) => value.startsWith('@')));
  const headerOf = Object.fromEntries(fields.map((field) => [field.name, decision.mapping[field.name] as string]));
  const statsOf = (field: string) => stats[headers.indexOf(headerOf[field] ?? '')];
  const statuses = await sampleStatuses(options.connection, sample, headers, decision);
  const plan: RowPlan = {
    kind,
    fields,
    dayFirst: new Set(fields.filter((field) => field.type === 'timestamp' && statsOf(field.name)?.dayFirst).map((field) => field.name)),
    derived,
    headers: headerOf,
    lineLevel: decision.lineLevel,
    // Only the first file is sampled: an import of several files (or a joined recipe) tidies everything.
    untidy: new Set(fields.filter((field) => files.length > 1 || statsOf(field.name)?.untidy !== false).map((field) => field.name)),
    statusExact: files.length === 1 && statuses.exact,
    creditNotes: request.creditNotes ?? 'refund',
    orderFieldsOnEveryLine: decision.profile?.orderFieldsOnEveryLine === true,
    plausibleDates: plausibleDates(request),
  };
  // Every file of a plain import must carry the mapped headers; each is read by its own positions.
  const positionsOf = (file: ReadFile) =>
    fields.map((field) => {
      const wanted = headerOf[field.name] ?? '';
      const index = file.headers.findIndex((header) => header === wanted || headerKey(header) === headerKey(wanted));
      if (index < 0) {
        throw new CoreError('E_MAPPING', `${file.path}: no column "${wanted}" for ${field.name}, which ${first.path} has; files imported together need the same columns`, {
          file: file.path,
          field: field.name,
        });
      }
      return { name: field.name, index };
    });
  const columnsByFile = recipe ? [] : files.map(positionsOf);
  const native = recipe ? new Set<string>() : nativeFields(files, fields, headerOf, derived, statsOf);
  const source = (read: (position: number) => ReadOptions, typed: ReadonlySet<string> = new Set()): SqlPiece => {
    if (recipe) return renamed(recipe.relation(read), fields.map((field) => [headerOf[field.name] ?? '', field.name]));
    const typedColumns = (columns: OutputColumn[]) =>
      columns.map((column) => (typed.has(column.name) ? { ...column, type: nativeType(fields.find((field) => field.name === column.name)) } : column));
    const pieces = files.map((file, position) => readerSql(file, position, typedColumns(columnsByFile[position] ?? []), read(position)));
    return { sql: pieces.map((piece) => `(${piece.sql})`).join(' UNION ALL BY NAME '), params: Object.assign({}, ...pieces.map((piece) => piece.params)) };
  };
  const orderedSource = (position: number, read: ReadOptions): SqlPiece | null => {
    const file = files[position];
    if (recipe || !file || (file.reader.kind !== 'csv' && file.reader.kind !== 'whitespace')) return null;
    return readerSql(file, position, columnsByFile[position] ?? [], read);
  };
  const warnings: ImportWarning[] = [
    ...(recipe?.id === 'olist' ? [{ code: 'olist_joined' as const, count: files.length, message: `joined ${files.length} Olist files: ${recipe.joined} (${recipe.headers.length} columns)` }] : []),
    ...(recipe && recipe.id !== 'olist' ? [{ code: 'taobao_joined' as const, message: `joined ${recipe.joined}` }] : []),
    ...(recipe?.unreadReviews
      ? [
          {
            code: 'olist_reviews_apart' as const,
            files: [basename(recipe.unreadReviews)],
            message: `${basename(recipe.unreadReviews)} holds Olist reviews, which are not orders and were not read: import the same files as tickets (--kind tickets) to read them, the score as the rating and the comment as the text`,
          },
        ]
      : []),
    ...(statuses.unknown.length > 0 ? [{ code: 'statuses_unknown' as const, words: statuses.unknown, message: `status words not recognised, read as completed: ${statuses.unknown.join(', ')}` }] : []),
    ...files.flatMap((file) => file.warnings),
    ...(decision.profile?.note && decision.mapping.customer_id === '@order_id' ? [{ code: 'no_buyer' as const, profile: decision.profile.id, message: decision.profile.note }] : []),
  ];
  return {
    kind, files, recipe, auxiliary: recipe?.auxiliary ?? new Set(), headers, decision, mapping: decision.mapping, plan, native, source, orderedSource, sample, warnings,
    alerts: [
      ...mappingAlerts(kind, recipe ? null : first, decision),
      ...copies.map((copy) => copyAlert(copy, kind)),
      ...[overlapAlert(overlaps, kind, decision.lineLevel)].filter((alert) => alert !== null),
    ],
  };
}

/**
 * Alerts the mapping alone can tell: orders with no amount (every revenue figure would be empty),
 * an amount column whose sample holds no number, and a mapped column whose header the file writes
 * more than once (told from the headers as written; the mapping reads the column it names).
 */
function mappingAlerts(kind: ImportKind, file: ReadFile | null, decision: MappingDecision): ImportAlert[] {
  const alerts: ImportAlert[] = [];
  if (kind === 'orders' && !hasAmount(decision.mapping)) {
    alerts.push({
      code: 'no_amount',
      message: 'no amount column was mapped: orders load without amounts, so revenue, value and refund figures will be empty; map one with --mapping {"amount": "HEADER"}',
    });
    const tickets = file ? ticketExportHint(file.headers) : null;
    if (tickets) alerts.push({ code: 'looks_like_tickets', message: tickets.message, columns: tickets.headers.map((header) => ({ header })) });
  }
  for (const field of decision.unreadable) {
    alerts.push({
      code: 'amount_unreadable',
      message: `column "${decision.mapping[field]}" is mapped to ${field} by its name, but its first values are not numbers (NaN, Infinity or text): rows whose value cannot be read are rejected`,
      columns: [{ header: decision.mapping[field] ?? '' }],
      field,
    });
  }
  // A recipe's joined columns are its own; a plain file's are compared as it writes them.
  const written = file?.rawHeaders.map((header) => header.replace(/^\uFEFF/, '').trim()) ?? [];
  if (!file || written.length !== file.headers.length) return alerts;
  for (const header of new Set(Object.values(decision.mapping))) {
    const read = file.headers.indexOf(header);
    if (read < 0) continue;
    for (const [other, name] of written.entries()) {
      if (other === read || name !== written[read]) continue;
      alerts.push({
        code: 'duplicate_header',
        message: `two columns are headed "${name}" (columns ${Math.min(read, other) + 1} and ${Math.max(read, other) + 1}): the mapping reads column ${read + 1}; the other is named "${file.headers[other]}", map it by that name to read it instead`,
        columns: [
          { header: name, position: read + 1 },
          { header: file.headers[other] ?? name, position: other + 1 },
        ],
      });
    }
  }
  return alerts;
}

function nativeType(field: FieldSpec | undefined): NativeType {
  return field?.type === 'timestamp' ? 'TIMESTAMP' : 'DOUBLE';
}

/**
 * Date and number fields DuckDB's CSV reader can read typed, skipping the text path's casts and
 * cleaning (a tenth of a clean file's import): every non-empty sample value reads by DuckDB's own
 * cast, within range. Only for one plain CSV file (the sample is its head; joined exports are
 * read as text) with a column per field, and without `@row` ids (they hash the text as written). A later value the reader cannot take makes
 * the load start over the text way (see load.ts), so the sample only has to be right most of the time.
 */
function nativeFields(
  files: readonly ReadFile[],
  fields: readonly FieldSpec[],
  headerOf: Record<string, string>,
  derived: Record<string, string>,
  statsOf: (field: string) => ColumnStats | undefined,
): Set<string> {
  if (files.length !== 1 || files[0]?.reader.kind !== 'csv' || Object.values(derived).includes('@row')) return new Set();
  const headerUses = (field: FieldSpec) => fields.filter((other) => headerOf[other.name] === headerOf[field.name]).length;
  return new Set(
    fields
      .filter((field) => field.type === 'timestamp' || field.type === 'money' || field.type === 'number')
      .filter((field) => headerUses(field) === 1)
      .filter((field) => {
        const stats = statsOf(field.name);
        if (!stats) return false;
        return (field.type === 'timestamp' ? stats.castDates : stats.castNumbers) === stats.nonEmpty;
      })
      .map((field) => field.name),
  );
}

/** Wraps a relation so its columns take new names: [[from, to], ...], plus __src. */
function renamed(piece: SqlPiece, names: [string, string][]): SqlPiece {
  return { sql: `SELECT __src, ${names.map(([from, to]) => `${quoteIdent(from)} AS ${quoteIdent(to)}`).join(', ')} FROM (${piece.sql})`, params: piece.params };
}

/**
 * The sample's status words: those the vocabulary does not know (they load as completed, and the
 * user should hear of it), and whether every word is in the vocabulary exactly as written (then
 * the status join skips lower(trim()), which costs a tenth of the whole read).
 */
async function sampleStatuses(connection: DuckDBConnection, sample: SqlPiece, headers: string[], decision: MappingDecision): Promise<{ unknown: string[]; exact: boolean }> {
  const header = decision.mapping.status;
  const index = header ? headers.indexOf(header) : -1;
  if (index < 0) return { unknown: [], exact: true };
  const column = quoteIdent(`h${index}`);
  const rows = await queryRows<{ word: string; known: boolean; exact: boolean }>(
    connection,
    `SELECT DISTINCT ${column} AS word, lower(trim(${column})) IN (SELECT key FROM cw_status_map) AS known, ${column} IN (SELECT key FROM cw_status_map) AS exact
     FROM (${sample.sql} LIMIT 1000) WHERE cw_text(${column}) IS NOT NULL ORDER BY 1`,
    sample.params,
  );
  return { unknown: [...new Set(rows.filter((row) => !row.known).map((row) => row.word.trim()))].slice(0, 10), exact: rows.every((row) => row.exact) };
}

