// Import entry points (previewImport, importFiles): prepare the files, decide the mapping, load in one transaction.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type {
  ColumnMapping,
  EncodingName,
  ImportAlert,
  ImportKind,
  ImportOptions,
  ImportPreview,
  ImportRequest,
  ImportResult,
  PreviewImportRequest,
} from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { countCustomers } from '../analysis/activity.ts';
import type { Workspace } from '../db/workspace.ts';
import type { ProgressUpdate, TaskScope } from '../task/scope.ts';
import { ordersInPlaceError, ordersReadInPlace } from './inPlace.ts';
import { loadInTransaction } from './load.ts';
import { columnStats, hasAmount, proposeMapping, requireMapping, typedCandidates, type ColumnStats, type MappingDecision } from './mapping.ts';
import { IMPLAUSIBLE_DATE, NORMALISE_MACROS, type RowPlan } from './normalise.ts';
import { checkTableName, columnTypes, loadTable } from './table.ts';
import { olistRecipe, type Recipe } from './olist.ts';
import { resolveLimits, retryLineSize, type IngestLimits } from './limits.ts';
import { prepareFile, type PreparedFile } from './prepare.ts';
import { taobaoRecipe } from './taobao.ts';
import { expandInputs } from './probe.ts';
import { DEFAULT_READ_LIMITS, readerSql, shortMessage, type NativeType, type OutputColumn, type ReadLimits, type ReadOptions, type SqlPiece } from './reader.ts';
import { STATUS_WORDS, fieldsOf, headerKey, ORDER_FIELDS, TICKET_FIELDS, type FieldSpec } from './vocabulary.ts';

const ENCODINGS: readonly EncodingName[] = ['utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'gbk', 'big5', 'windows-1252'];
const PREVIEW_ROWS = 20;

/** Imports run one at a time per workspace: two concurrent loads would race for source ids. */
const queues = new WeakMap<Workspace, Promise<unknown>>();

function serialised<T>(workspace: Workspace, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(workspace) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  queues.set(workspace, next);
  return next;
}

/** Checks a request that crossed a process boundary. */
function validated<T extends ImportOptions>(request: T): T {
  if (request === null || typeof request !== 'object') throw new CoreError('E_ARGS', 'import: the request must be an object');
  if (request.kind !== 'orders' && request.kind !== 'tickets' && request.kind !== 'surveys' && request.kind !== 'table') {
    throw new CoreError('E_ARGS', `kind must be orders, tickets, surveys or table, got "${String(request.kind)}"`);
  }
  if (request.kind === 'table') {
    checkTableName(request.table);
    if (request.mapping !== undefined) throw new CoreError('E_ARGS', 'a table import keeps every column as written: mapping is for orders, tickets and surveys');
  }
  else if (request.table !== undefined) throw new CoreError('E_ARGS', 'table names the table of a kind table import; orders, tickets and surveys go to their own tables');
  if (!Array.isArray(request.files) || request.files.length === 0 || request.files.some((file) => typeof file !== 'string')) {
    throw new CoreError('E_ARGS', 'files must be a non-empty list of paths');
  }
  if (request.encoding !== undefined && !ENCODINGS.includes(request.encoding)) {
    throw new CoreError('E_ARGS', `encoding must be one of ${ENCODINGS.join(', ')}, got "${String(request.encoding)}"`);
  }
  if (request.mode !== undefined && request.mode !== 'append' && request.mode !== 'replace') throw new CoreError('E_ARGS', `mode must be append or replace, got "${String(request.mode)}"`);
  if (request.sheet !== undefined && typeof request.sheet !== 'string') throw new CoreError('E_ARGS', 'sheet must be a string (name or 1-based index)');
  resolveLimits(request.limits);
  if (request.creditNotes !== undefined && request.creditNotes !== 'refund' && request.creditNotes !== 'cancel') {
    throw new CoreError('E_ARGS', `creditNotes must be refund or cancel, got "${String(request.creditNotes)}"`);
  }
  for (const key of ['datesFrom', 'datesTo'] as const) {
    const value = request[key];
    if (value !== undefined && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))) {
      throw new CoreError('E_ARGS', `${key} must be a date written YYYY-MM-DD, got "${String(value)}"`);
    }
  }
  if (request.mapping !== undefined) {
    if (request.mapping === null || typeof request.mapping !== 'object' || Object.values(request.mapping).some((value) => typeof value !== 'string')) {
      throw new CoreError('E_ARGS', 'mapping must be an object of field names to header names');
    }
  }
  return request;
}

/** Dates before this are taken for misreadings unless the user says otherwise (`datesFrom`). */
export const DEFAULT_DATES_FROM = '1980-01-01';

/** The plausible date range of an import: the user's, or from DEFAULT_DATES_FROM to 1 January two years after today. */
export function plausibleDates(request: Pick<ImportOptions, 'datesFrom' | 'datesTo'>, today = new Date()): { from: string; to: string } {
  const to = request.datesTo ?? `${today.getUTCFullYear() + 2}-01-01`;
  const from = request.datesFrom ?? DEFAULT_DATES_FROM;
  if (from >= to) throw new CoreError('E_ARGS', `datesFrom (${from}) must come before datesTo (${to})`);
  return { from, to };
}

/** Defines the normalisation macros and the status vocabulary on an import's connection. */
async function defineMacros(connection: DuckDBConnection): Promise<void> {
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

const KNOWN_HEADERS = new Set([...ORDER_FIELDS, ...TICKET_FIELDS].flatMap((field) => field.synonyms.map(headerKey)));

/** Everything decided before loading: the files, the mapping and how to read them. */
interface ImportPlan {
  files: PreparedFile[];
  recipe: Recipe | null;
  /** Headers the mapping was decided on (the first file's, or the recipe's joined columns). */
  headers: string[];
  decision: MappingDecision;
  plan: RowPlan;
  /** Typed fields whose sample DuckDB's reader takes as they are: an order-level read may read them typed. */
  native: ReadonlySet<string>;
  /** Every file's rows, columns named by field; the `native` fields it is given are read typed. */
  source(options: (position: number) => ReadOptions, native?: ReadonlySet<string>): SqlPiece;
  orderedSource(position: number, options: ReadOptions): SqlPiece | null;
  /** The first rows, every header as a column h0, h1, ... */
  sample: SqlPiece;
  warnings: string[];
  /** What the user must see: no amount, an unreadable amount column, duplicate headers. */
  alerts: ImportAlert[];
}

interface PlanOptions {
  connection: DuckDBConnection;
  tempDir: string;
  signal: AbortSignal;
  progress: (update: ProgressUpdate) => void;
  limits: ReadLimits;
  /** Preview only: convert just the head of files that need converting. */
  preview?: boolean;
}

/** Every input file (folders expanded) probed, converted where needed and sniffed. */
async function prepareAll(request: ImportOptions, options: PlanOptions): Promise<PreparedFile[]> {
  const ingest = resolveLimits(request.limits);
  const paths = await expandInputs(request.files, ingest);
  const files: PreparedFile[] = [];
  for (const [position, path] of paths.entries()) {
    files.push(
      await prepareFile(path, position, {
        connection: options.connection,
        tempDir: options.tempDir,
        signal: options.signal,
        progress: options.progress,
        ...(request.encoding === undefined ? {} : { encoding: request.encoding }),
        ...(request.sheet === undefined ? {} : { sheet: request.sheet }),
        // A table's first line names its columns whatever they are called; orders and tickets know their headers.
        knownHeader: request.kind === 'table' ? () => true : (header) => KNOWN_HEADERS.has(headerKey(header)),
        limits: options.limits,
        ingest,
        ...(options.preview ? { preview: true } : {}),
      }),
    );
  }
  return files;
}

/** An import into the canonical orders or tickets, which maps its columns. */
type MappedImport = ImportOptions & { kind: ImportKind };

async function planImport(request: MappedImport, options: PlanOptions): Promise<ImportPlan> {
  const files = await prepareAll(request, options);
  const kind = request.kind;
  const recipe = olistRecipe(kind, files) ?? taobaoRecipe(kind, files);
  const first = files[0] as PreparedFile;
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
  const positionsOf = (file: PreparedFile) =>
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
  const warnings = [
    ...(recipe?.id === 'olist' ? [`joined ${files.length} Olist files: ${recipe.headers.length} columns from orders, customers, items, payments and products`] : []),
    ...(recipe && recipe.id !== 'olist' ? ['joined the Taobao order report (buyer, times, payment, refund) and item report (one row per item) by 订单编号'] : []),
    ...(statuses.unknown.length > 0 ? [`status words not recognised, read as completed: ${statuses.unknown.join(', ')}`] : []),
    ...files.flatMap((file) => file.warnings),
    ...(decision.profile?.note && decision.mapping.customer_id === '@order_id' ? [decision.profile.note] : []),
  ];
  return { files, recipe, headers, decision, plan, native, source, orderedSource, sample, warnings, alerts: mappingAlerts(kind, headers, decision) };
}

/**
 * Alerts the mapping alone can tell: orders with no amount (every revenue figure would be empty),
 * an amount column whose sample holds no number, and a mapped header that the file repeats
 * (DuckDB names the second copy "amount_1"; the mapping reads the first).
 */
function mappingAlerts(kind: ImportKind, headers: readonly string[], decision: MappingDecision): ImportAlert[] {
  const alerts: ImportAlert[] = [];
  if (kind === 'orders' && !hasAmount(decision.mapping)) {
    alerts.push({
      code: 'no_amount',
      message: 'no amount column was mapped: orders load without amounts, so revenue, value and refund figures will be empty; map one with --mapping {"amount": "HEADER"}',
    });
  }
  for (const field of decision.unreadable) {
    alerts.push({
      code: 'amount_unreadable',
      message: `column "${decision.mapping[field]}" is mapped to ${field} by its name, but its first values are not numbers (NaN, Infinity or text): rows whose value cannot be read are rejected`,
    });
  }
  const mapped = new Set(Object.values(decision.mapping));
  for (const [index, header] of headers.entries()) {
    const copy = /^(.*)_(\d+)$/.exec(header);
    const original = copy?.[1];
    if (original === undefined || !mapped.has(original)) continue;
    const first = headers.indexOf(original);
    if (first < 0 || first > index) continue;
    alerts.push({
      code: 'duplicate_header',
      message: `two columns are headed "${original}" (columns ${first + 1} and ${index + 1}): the mapping reads column ${first + 1}; the other is named "${header}", map it by that name to read it instead`,
    });
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
  files: readonly PreparedFile[],
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

/**
 * Runs `work` with an import connection's macros and a temporary folder. DuckDB errors that a more
 * tolerant read cures are retried: a field longer than the line limit (with the limit raised to
 * fit it), and a file the strict RFC 4180 parser gives up on (mixed line ends, stray quotes).
 */
async function withImportContext<T>(
  workspace: Workspace,
  connection: DuckDBConnection,
  request: ImportOptions,
  work: (tempDir: string, limits: ReadLimits) => Promise<T>,
): Promise<T> {
  const ingest: IngestLimits = resolveLimits(request.limits);
  await defineMacros(connection);
  await mkdir(workspace.settings.tempDirectory, { recursive: true });
  let limits = DEFAULT_READ_LIMITS;
  for (;;) {
    const tempDir = await mkdtemp(join(workspace.settings.tempDirectory, 'import-'));
    try {
      return await work(tempDir, limits);
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      const lineSize = retryLineSize(error, limits.maxLineSize, ingest, request.files);
      if (lineSize !== null) limits = { ...limits, maxLineSize: lineSize };
      else if (/state machine reached an invalid state/.test(message) && limits.strict) limits = { ...limits, strict: false };
      else throw error;
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  }
}

/** Turns DuckDB's errors into coded, one-line ones that name the file. */
function coded(error: unknown, files: readonly string[]): never {
  if (error instanceof CoreError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  if (/INTERRUPT|Interrupted/.test(message)) throw new CoreError('E_CANCELLED', 'import cancelled');
  const place = files.join(', ');
  if (/Invalid unicode|invalid UTF-?8|not (valid )?UTF-?8/i.test(message)) {
    const line = /line (\d+)/i.exec(message)?.[1];
    throw new CoreError('E_ENCODING', `${place}${line ? ` line ${line}` : ''}: bytes that are not UTF-8 (${shortMessage(error)}); try --encoding gb18030`, { files: [...files] });
  }
  if (/CSV Error|sniff|Could not convert|Conversion Error/i.test(message)) throw new CoreError('E_FORMAT', `${place}: ${shortMessage(error)}`, { files: [...files] });
  throw new CoreError('E_INTERNAL', `${place}: ${shortMessage(error)}`, { files: [...files] });
}

/** Orders cannot be imported into a workspace whose orders are a view over Parquet files; tickets, surveys and tables can. */
async function refuseOrdersInPlace(connection: DuckDBConnection, request: ImportOptions): Promise<void> {
  if (request.kind !== 'orders') return;
  const source = await ordersReadInPlace(connection);
  if (source !== null) throw ordersInPlaceError(source);
}

function isMapped(request: ImportOptions): request is MappedImport {
  return request.kind !== 'table';
}

/** Sniffs the files: format, encoding, headers, first rows and the proposed mapping; loads nothing. */
export async function previewImport(workspace: Workspace, request: PreviewImportRequest): Promise<ImportPreview> {
  validated(request);
  const connection = await workspace.connect();
  const signal = new AbortController().signal;
  const limit = Math.max(1, Math.min(1000, request.rows ?? PREVIEW_ROWS));
  try {
    await refuseOrdersInPlace(connection, request);
    return await withImportContext(workspace, connection, request, async (tempDir, limits) => {
      const options: PlanOptions = { connection, tempDir, signal, progress: () => undefined, limits, preview: true };
      if (!isMapped(request)) {
        const files = await prepareAll(request, options);
        const first = files[0] as PreparedFile;
        const sample = readerSql(first, 0, first.headers.map((_, index) => ({ name: `h${index}`, index })), { ...limits, rejectsTables: null, sample: true });
        const types = await columnTypes(connection, `(${sample.sql} LIMIT 1000)`, first.headers.length, sample.params);
        return {
          ...previewOf(files, first.headers, await sampleRows(connection, sample, limit), {
            mapping: {}, columns: [], profile: null, missingRequired: [], lineLevel: false, warnings: [], alerts: [],
          }),
          tableColumns: first.headers.map((name, index) => ({ name, type: types[index] ?? 'VARCHAR' })),
        };
      }
      const planned = await planImport(request, options);
      return previewOf(planned.files, planned.headers, await sampleRows(connection, planned.sample, limit), {
        mapping: planned.decision.mapping,
        columns: planned.decision.columns,
        profile: planned.recipe ? planned.recipe.id : (planned.decision.profile?.id ?? null),
        missingRequired: planned.decision.missingRequired,
        lineLevel: planned.decision.lineLevel,
        warnings: planned.warnings,
        alerts: [...planned.alerts, ...(await existingIds(connection, request.kind, planned, limits))],
      });
    });
  } catch (error) {
    coded(error, request.files);
  } finally {
    workspace.release(connection);
  }
}

async function sampleRows(connection: DuckDBConnection, sample: SqlPiece, limit: number): Promise<string[][]> {
  const rows = await connection.runAndReadAll(`SELECT * EXCLUDE (__src) FROM (${sample.sql}) LIMIT ${limit}`, sample.params);
  return rows.getRowsJS().map((row) => row.map((value) => (value === null ? '' : String(value))));
}

function previewOf(
  files: readonly PreparedFile[],
  headers: string[],
  rows: string[][],
  decided: Pick<ImportPreview, 'mapping' | 'columns' | 'profile' | 'missingRequired' | 'lineLevel' | 'warnings' | 'alerts'>,
): ImportPreview {
  const first = files[0] as PreparedFile;
  return {
    file: first.path,
    format: first.format,
    encoding: first.encoding ?? 'binary',
    delimiter: first.reader.kind === 'csv' ? first.reader.dialect.delimiter : first.reader.kind === 'whitespace' ? ' ' : null,
    sheets: first.sheets,
    headers,
    rows,
    ...decided,
    files: files.map((file) => file.path),
  };
}

/**
 * How many of the files' order (or ticket) ids the workspace holds already: an append replaces
 * those orders, their customer and their lines, so the preview says so before it happens. A
 * preview converts only the head of files that need converting; those are counted on that head.
 */
async function existingIds(connection: DuckDBConnection, kind: ImportKind, planned: ImportPlan, limits: ReadLimits): Promise<ImportAlert[]> {
  const field = kind === 'orders' ? 'order_id' : 'ticket_id';
  const table = kind === 'orders' ? 'orders' : 'tickets';
  const header = planned.decision.mapping[field];
  if (!header || header.startsWith('@')) return [];
  const { held } = await queryOne<{ held: number }>(connection, `SELECT count(*) AS held FROM ${table}`);
  if (Number(held) === 0) return [];
  const source = planned.source(() => ({ ...limits, rejectsTables: null }));
  const { existing } = await queryOne<{ existing: number }>(
    connection,
    `SELECT count(DISTINCT id) AS existing FROM (SELECT cw_id(${quoteIdent(field)}) AS id FROM (${source.sql})) WHERE id IN (SELECT ${field} FROM ${table})`,
    source.params,
  );
  if (Number(existing) === 0) return [];
  const what = kind === 'orders' ? 'order ids' : 'ticket ids';
  return [
    {
      code: 'existing_ids',
      count: Number(existing),
      message: `${Number(existing).toLocaleString('en-US')} ${what} of this import are already in the workspace: appending replaces those ${kind} (and their customer${kind === 'orders' ? ' and lines' : ''}) with this file's rows`,
    },
  ];
}

/** Imports files atomically into the workspace: all rows of all files, or nothing. */
export async function importFiles(workspace: Workspace, scope: TaskScope, request: ImportRequest): Promise<ImportResult> {
  validated(request);
  return serialised(workspace, async () => {
    const started = performance.now();
    const progress = (update: ProgressUpdate) => scope.progress.update(update);
    const seconds = () => Math.round((performance.now() - started) / 10) / 100;
    try {
      await refuseOrdersInPlace(scope.connection, request);
      return await withImportContext(workspace, scope.connection, request, async (tempDir, limits) => {
        scope.progress.update({ phase: 'sniff' }, true);
        const options: PlanOptions = { connection: scope.connection, tempDir, signal: scope.signal, progress, limits };
        if (!isMapped(request)) return { ...(await importTable(scope, request, await prepareAll(request, options), limits)), seconds: seconds() };
        const planned = await planImport(request, options);
        requireMapping(planned.decision, request.kind, planned.files[0]?.path ?? '', planned.headers);
        // Direct reads hash the file while DuckDB reads it: two cores, two jobs.
        for (const file of planned.files) void file.digest();
        const outcome = await loadInTransaction(scope, {
          kind: request.kind,
          plan: planned.plan,
          files: planned.files,
          auxiliary: planned.recipe?.auxiliary ?? new Set(),
          source: planned.source,
          native: planned.native,
          orderedSource: planned.orderedSource,
          mapping: planned.decision.mapping,
          mode: request.mode ?? 'append',
          limits,
        });
        const summary = await summarise(scope.connection, request.kind, outcome.base);
        scope.progress.update({ phase: 'done', rows: outcome.perFile.reduce((sum, counts) => sum + counts.rowsLoaded, 0) }, true);
        const first = planned.files[0] as PreparedFile;
        return {
          files: planned.files.map((file) => file.path),
          sourceIds: planned.files.map((_, position) => outcome.base + position),
          rowsRead: outcome.perFile.reduce((sum, counts) => sum + counts.rowsRead, 0),
          rowsLoaded: outcome.perFile.reduce((sum, counts) => sum + counts.rowsLoaded, 0),
          rowsRejected: outcome.perFile.reduce((sum, counts) => sum + counts.rowsRejected, 0),
          rowsReplaced: outcome.rowsReplaced,
          rowsFolded: outcome.rowsFolded,
          ...summary,
          mapping: planned.decision.mapping,
          profile: planned.recipe ? planned.recipe.id : (planned.decision.profile?.id ?? null),
          lineLevel: planned.decision.lineLevel,
          rejectsSample: outcome.rejectsSample,
          encoding: first.encoding ?? 'binary',
          format: first.format,
          warnings: planned.warnings,
          alerts: [...planned.alerts, ...(await loadAlerts(scope.connection, request, planned.plan, outcome))],
          seconds: seconds(),
        };
      });
    } catch (error) {
      if (scope.signal.aborted) throw new CoreError('E_CANCELLED', 'import cancelled');
      coded(error, request.files);
    }
  });
}

/** Alerts only the load can tell: implausible dates rejected, ids repeated within the import, credit notes and how they were read. */
async function loadAlerts(
  connection: DuckDBConnection,
  request: MappedImport,
  plan: RowPlan,
  outcome: Awaited<ReturnType<typeof loadInTransaction>>,
): Promise<ImportAlert[]> {
  const alerts: ImportAlert[] = [];
  const { implausible } = await queryOne<{ implausible: number }>(connection, 'SELECT count(*) AS implausible FROM rejects WHERE source_id >= $base AND reason = $reason', {
    base: outcome.base,
    reason: IMPLAUSIBLE_DATE,
  });
  if (Number(implausible) > 0) {
    const { from, to } = plan.plausibleDates;
    alerts.push({
      code: 'implausible_dates',
      count: Number(implausible),
      message: `${Number(implausible).toLocaleString('en-US')} rows dated before ${from} or on/after ${to} were rejected as misread dates; widen the range with --dates-from / --dates-to if they are real`,
    });
  }
  // Ids derived per customer and day fold same-day rows by design: nothing to announce.
  if (outcome.rowsFolded > 0 && !('order_id' in plan.derived)) {
    const what = request.kind === 'orders' ? 'orders' : 'tickets';
    alerts.push({
      code: 'repeated_ids',
      count: outcome.rowsFolded,
      message: `${outcome.rowsFolded.toLocaleString('en-US')} rows repeat an id of another row of this import and were folded into it: ${what} count each id once`,
    });
  }
  if (outcome.creditNotes > 0 || (plan.creditNotes === 'cancel' && plan.fields.some((field) => field.name === 'items' || field.name === 'amount'))) {
    const { cancelled } = await queryOne<{ cancelled: number }>(
      connection,
      `SELECT count(*) AS cancelled FROM orders WHERE source_id >= $base AND status = 'cancelled' AND regexp_full_match(order_id, '[Cc][0-9]+') AND amount < 0`,
      { base: outcome.base },
    );
    if (outcome.creditNotes > 0) {
      alerts.push({
        code: 'credit_notes',
        count: outcome.creditNotes,
        message: `${outcome.creditNotes.toLocaleString('en-US')} negative invoices with a "C" id were read as credit notes: money given back to their customer, counted by the refund rates, not orders (--credit-notes cancel reads them as cancelled orders)`,
      });
    } else if (Number(cancelled) > 0) {
      alerts.push({
        code: 'credit_notes',
        count: Number(cancelled),
        message: `${Number(cancelled).toLocaleString('en-US')} negative invoices with a "C" id were read as cancelled orders, as asked (--credit-notes refund reads them as refunds)`,
      });
    }
  }
  return alerts;
}

/** A kind `table` import: the rows stored as they are, in a typed table of their own. */
async function importTable(scope: TaskScope, request: ImportOptions, files: PreparedFile[], limits: ReadLimits): Promise<Omit<ImportResult, 'seconds'>> {
  const table = checkTableName(request.table);
  for (const file of files) void file.digest();
  const outcome = await loadTable(scope, { files, table, replace: request.mode === 'replace', limits });
  const summary = await workspaceCounts(scope.connection);
  scope.progress.update({ phase: 'done', rows: outcome.rowsLoaded }, true);
  const first = files[0] as PreparedFile;
  return {
    files: files.map((file) => file.path),
    sourceIds: files.map((_, position) => outcome.base + position),
    rowsRead: outcome.rowsRead,
    rowsLoaded: outcome.rowsLoaded,
    rowsRejected: outcome.rowsRejected,
    rowsReplaced: outcome.rowsReplaced,
    rowsFolded: 0,
    ...summary,
    dateRange: null,
    mapping: {},
    profile: null,
    lineLevel: false,
    rejectsSample: outcome.rejectsSample,
    encoding: first.encoding ?? 'binary',
    format: first.format,
    warnings: [],
    alerts: [],
    table: outcome.table,
  };
}

/** Orders, customers (ids with a completed order) and tickets in the workspace. */
async function workspaceCounts(connection: DuckDBConnection) {
  const row = await queryOne<{ orders: number; tickets: number }>(connection, 'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM tickets) AS tickets');
  return { orders: Number(row.orders), customers: await countCustomers(connection), tickets: Number(row.tickets) };
}

/** Workspace counts after the import, and the date range of the rows this import loaded. */
async function summarise(connection: DuckDBConnection, kind: ImportKind, base: number) {
  const table = kind === 'orders' ? 'orders' : kind === 'surveys' ? 'surveys' : 'tickets';
  const time = kind === 'orders' ? 'ordered_at' : kind === 'surveys' ? 'responded_at' : 'created_at';
  const row = await queryOne<{ from: string | null; to: string | null }>(
    connection,
    `SELECT strftime(min(${time}), '%Y-%m-%dT%H:%M:%S') AS "from", strftime(max(${time}), '%Y-%m-%dT%H:%M:%S') AS "to" FROM ${table} WHERE source_id >= $base`,
    { base },
  );
  return { ...(await workspaceCounts(connection)), dateRange: row.from && row.to ? { from: row.from, to: row.to } : null };
}
