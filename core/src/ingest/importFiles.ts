// The import, run as a pipeline of stages, each in a module of its own and each handing the next a
// typed value (README, Architecture):
//
//   probe.ts   paths           -> ProbedFile[]    format, encoding, compression; the head within limits
//   decode.ts  ProbedFile      -> DecodedFile     UTF-8 text or Parquet/JSON DuckDB reads: transcoded, extracted, inflated
//   read.ts    DecodedFile     -> ReadFile        reader, CSV dialect, headers as written and as named
//   map.ts     ReadFile[]      -> MappedImport    recipe, mapping, row plan, the relation of every row  (not for kind table)
//   load.ts    MappedImport    -> LoadedImport    rows into the canonical tables, rejects, folds; one transaction with
//   record.ts                                     the files written to sources
//
// This module drives them: the entry points (previewImport, importFiles), the checks of a request,
// one import at a time per workspace, and the retry of the whole pipeline when DuckDB asks for a
// more tolerant read. A table import (`kind table`) goes from the read stage to table.ts.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
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
import { queryOne, quoteIdent } from '../db/sql.ts';
import type { Workspace } from '../db/workspace.ts';
import type { ProgressUpdate, TaskScope } from '../task/scope.ts';
import { decodeFile, type DecodedFile } from './decode.ts';
import { ordersInPlaceError, ordersReadInPlace } from './inPlace.ts';
import { resolveLimits, retryLineSize, type IngestLimits } from './limits.ts';
import { loadImport } from './load.ts';
import { mapImport, type MappedImport, type MappedRequest } from './map.ts';
import { requireMapping } from './mapping.ts';
import { defineMacros } from './normalise.ts';
import { loadAlerts, summarise, workspaceCounts } from './outcome.ts';
import { amountCurrency, recordAmountCurrency } from '../report/displaySettings.ts';
import { probeFiles } from './probe.ts';
import { readFile, type ReadFile } from './read.ts';
import { DEFAULT_READ_LIMITS, readerSql, shortMessage, type ReadLimits, type SqlPiece } from './reader.ts';
import { checkTableName, columnTypes, loadTable } from './table.ts';
import { headerKey, ORDER_FIELDS, TICKET_FIELDS } from './vocabulary.ts';

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


const KNOWN_HEADERS = new Set([...ORDER_FIELDS, ...TICKET_FIELDS].flatMap((field) => field.synonyms.map(headerKey)));

interface StageOptions {
  connection: DuckDBConnection;
  tempDir: string;
  signal: AbortSignal;
  progress: (update: ProgressUpdate) => void;
  limits: ReadLimits;
  /** Preview only: decode just the head of files that need converting. */
  preview?: boolean;
}

/** The probe, decode and read stages, for every file of the request (folders expanded). */
async function readFiles(request: ImportOptions, options: StageOptions): Promise<ReadFile[]> {
  const ingest = resolveLimits(request.limits);
  const probed = await probeFiles(request.files, { ...(request.encoding === undefined ? {} : { encoding: request.encoding }), limits: ingest });
  // A table's first line names its columns whatever they are called; orders and tickets know their headers.
  const knownHeader = request.kind === 'table' ? () => true : (header: string) => KNOWN_HEADERS.has(headerKey(header));
  const stage = { connection: options.connection, signal: options.signal, knownHeader, limits: options.limits, ingest };
  const decoded: DecodedFile[] = [];
  for (const file of probed) {
    decoded.push(
      await decodeFile(file, {
        ...stage,
        tempDir: options.tempDir,
        progress: options.progress,
        ...(request.sheet === undefined ? {} : { sheet: request.sheet }),
        ...(options.preview ? { preview: true } : {}),
      }),
    );
  }
  const files: ReadFile[] = [];
  for (const file of decoded) files.push(await readFile(file, stage));
  return files;
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

function isMapped(request: ImportOptions): request is MappedRequest {
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
      const files = await readFiles(request, { connection, tempDir, signal, progress: () => undefined, limits, preview: true });
      if (!isMapped(request)) {
        const first = files[0] as ReadFile;
        const sample = readerSql(first, 0, first.headers.map((_, index) => ({ name: `h${index}`, index })), { ...limits, rejectsTables: null, sample: true });
        const types = await columnTypes(connection, `(${sample.sql} LIMIT 1000)`, first.headers.length, sample.params);
        return {
          ...previewOf(files, first.headers, await sampleRows(connection, sample, limit), {
            mapping: {}, columns: [], profile: null, missingRequired: [], lineLevel: false, warnings: [], alerts: [],
          }),
          tableColumns: first.headers.map((name, index) => ({ name, type: types[index] ?? 'VARCHAR' })),
        };
      }
      const mapped = await mapImport(request, files, { connection, limits });
      return previewOf(mapped.files, mapped.headers, await sampleRows(connection, mapped.sample, limit), {
        mapping: mapped.mapping,
        columns: mapped.decision.columns,
        profile: mapped.recipe ? mapped.recipe.id : (mapped.decision.profile?.id ?? null),
        missingRequired: mapped.decision.missingRequired,
        lineLevel: mapped.decision.lineLevel,
        warnings: mapped.warnings,
        alerts: [...mapped.alerts, ...(await existingIds(connection, request.kind, mapped, limits))],
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
  files: readonly ReadFile[],
  headers: string[],
  rows: string[][],
  decided: Pick<ImportPreview, 'mapping' | 'columns' | 'profile' | 'missingRequired' | 'lineLevel' | 'warnings' | 'alerts'>,
): ImportPreview {
  const first = files[0] as ReadFile;
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
async function existingIds(connection: DuckDBConnection, kind: ImportKind, planned: MappedImport, limits: ReadLimits): Promise<ImportAlert[]> {
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
        const files = await readFiles(request, { connection: scope.connection, tempDir, signal: scope.signal, progress, limits });
        if (!isMapped(request)) return { ...(await importTable(scope, request, files, limits)), seconds: seconds() };
        const mapped = await mapImport(request, files, { connection: scope.connection, limits });
        requireMapping(mapped.decision, request.kind, mapped.files[0]?.path ?? '', mapped.headers);
        // Direct reads hash the file while DuckDB reads it: two cores, two jobs.
        for (const file of mapped.files) void file.digest();
        const loaded = await loadImport(scope, { ...mapped, mode: request.mode ?? 'append', limits });
        if (request.kind === 'orders') await recordAmountCurrency(scope.connection, await amountCurrency(scope.connection, mapped.source(() => ({ ...limits, rejectsTables: null, sample: true })), mapped.mapping));
        const summary = await summarise(scope.connection, request.kind, loaded.base);
        const count = (key: 'rowsRead' | 'rowsLoaded' | 'rowsRejected') => loaded.perFile.reduce((sum, counts) => sum + counts[key], 0);
        scope.progress.update({ phase: 'done', rows: count('rowsLoaded') }, true);
        const first = mapped.files[0] as ReadFile;
        return {
          files: mapped.files.map((file) => file.path),
          sourceIds: mapped.files.map((_, position) => loaded.base + position),
          rowsRead: count('rowsRead'),
          rowsLoaded: count('rowsLoaded'),
          rowsRejected: count('rowsRejected'),
          rowsReplaced: loaded.rowsReplaced,
          rowsFolded: loaded.rowsFolded,
          ...summary,
          mapping: mapped.mapping,
          profile: mapped.recipe ? mapped.recipe.id : (mapped.decision.profile?.id ?? null),
          lineLevel: mapped.decision.lineLevel,
          rejectsSample: loaded.rejectsSample,
          rejectCounts: loaded.rejectCounts,
          encoding: first.encoding ?? 'binary',
          format: first.format,
          warnings: mapped.warnings,
          alerts: [...mapped.alerts, ...(await loadAlerts(scope.connection, request, mapped.plan, loaded))],
          seconds: seconds(),
        };
      });
    } catch (error) {
      if (scope.signal.aborted) throw new CoreError('E_CANCELLED', 'import cancelled');
      coded(error, request.files);
    }
  });
}

/** A kind `table` import: the rows stored as they are, in a typed table of their own. */
async function importTable(scope: TaskScope, request: ImportOptions, files: ReadFile[], limits: ReadLimits): Promise<Omit<ImportResult, 'seconds'>> {
  const table = checkTableName(request.table);
  for (const file of files) void file.digest();
  const outcome = await loadTable(scope, { files, table, replace: request.mode === 'replace', limits });
  const summary = await workspaceCounts(scope.connection);
  scope.progress.update({ phase: 'done', rows: outcome.rowsLoaded }, true);
  const first = files[0] as ReadFile;
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
    rejectCounts: outcome.rejectCounts,
    encoding: first.encoding ?? 'binary',
    format: first.format,
    warnings: [],
    alerts: [],
    table: outcome.table,
  };
}

