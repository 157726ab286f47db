// The atomic part of an import: one transaction that loads rows and records rejects and sources.
//
// Two ways in, both inside the transaction, so a failure or a cancel leaves the workspace as it was:
// - direct: order-level CSV exports are normalised and inserted into `orders` by one
//   INSERT ... SELECT straight from the file, the fastest path DuckDB has (one parse, one write).
//   Date and number columns whose sample was clean are read typed by DuckDB's reader; when a later
//   value proves the sample wrong, the transaction is rolled back and the load starts over with
//   every column read as text, so such a file pays for two reads and loads exactly as the text
//   path alone would load it;
// - staged: line-level orders, tickets and other formats are normalised into a temporary table,
//   then folded into orders (amount = sum of lines) and order_lines, or into tickets.
// Rejected rows are numbered by a second, single-threaded read of the same file when, and only
// when, some rows did not load: clean files never pay for line numbers.
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ColumnMapping, ImportKind, ImportRequestKind, RejectSample } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import type { TaskPhase } from '../api/events.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { refreshSummaries } from '../db/summaries.ts';
import type { TaskScope } from '../task/scope.ts';
import { CREDIT_NOTE, NATIVE_MISS, normalisedRowsSql, rowParams, type RowPlan } from './normalise.ts';
import { LongLine } from './limits.ts';
import type { PreparedFile } from './prepare.ts';
import type { ReadLimits, ReadOptions, SqlPiece } from './reader.ts';

export interface LoadInput {
  kind: ImportKind;
  plan: RowPlan;
  files: readonly PreparedFile[];
  /** Files read for context only (Olist customers, payments, ...): recorded in sources, not counted as rows. */
  auxiliary: ReadonlySet<number>;
  /** The relation of every file's rows, columns named by canonical field, plus `__src` (file position); `native` fields read typed. */
  source(options: (position: number) => ReadOptions, native?: ReadonlySet<string>): SqlPiece;
  /** Fields the direct read may take typed (their sample was clean). */
  native: ReadonlySet<string>;
  /** One file's rows in file order with `__record`, for numbering rejects; null when they cannot be numbered. */
  orderedSource(position: number, options: ReadOptions): SqlPiece | null;
  mapping: ColumnMapping;
  mode: 'append' | 'replace';
  limits: ReadLimits;
}

export interface FileCounts {
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

export interface LoadOutcome {
  /** Source id of the first file; the import's rows carry source ids from here on. */
  base: number;
  perFile: FileCounts[];
  rowsReplaced: number;
  /** Rows of this import folded into another of its rows because they repeat its id (order-level orders, tickets). */
  rowsFolded: number;
  /** Credit notes this import stored in `credit_notes` instead of `orders`. */
  creditNotes: number;
  rejectsSample: RejectSample[];
}

/** What a load path knows per file: rows loaded, and rows parsed when it staged them (exact) or null (direct). */
interface Loaded {
  loaded: Map<number, number>;
  parsed: Map<number, number> | null;
  /** Temp table of order ids rejected as a whole (line-level exports), for numbering their lines. */
  rejectedOrders: string | null;
  /** Temp table holding every normalised row, when staged. */
  stage: string | null;
}

const ORDER_COLUMNS = ['order_id', 'customer_id', 'ordered_at', 'paid_at', 'amount', 'discount', 'refund_amount', 'status', 'channel', 'region', 'category', 'items'] as const;
const COLUMN_TYPES: Record<string, string> = {
  ordered_at: 'TIMESTAMP', paid_at: 'TIMESTAMP', created_at: 'TIMESTAMP', amount: 'DOUBLE', discount: 'DOUBLE', refund_amount: 'DOUBLE',
  items: 'DOUBLE', unit_price: 'DOUBLE', line_no: 'DOUBLE', rating: 'DOUBLE',
};

let tableCounter = 0;

/**
 * The connection as the load sees it: every statement first checks for a cancel. DuckDB forgets an
 * interrupt that arrives between two statements, so without this check a cancel landing there
 * would wait for the next (possibly longest) statement to finish.
 */
function cancellable(connection: DuckDBConnection, signal: AbortSignal): DuckDBConnection {
  return new Proxy(connection, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key !== 'run' && key !== 'runAndReadAll') return value.bind(target);
      return (...args: unknown[]) => {
        if (signal.aborted) throw new CoreError('E_CANCELLED', 'import cancelled');
        return value.apply(target, args);
      };
    },
  });
}

/** A typed read met a value it cannot take as is: the load is redone with every column read as text. */
class NativeMiss extends Error {}

/**
 * Runs the whole load in one transaction; rolls back on any failure, a cancel included. A load
 * whose typed columns met a value for the text path is rolled back and run again without them.
 */
export async function loadInTransaction(scope: TaskScope, input: LoadInput): Promise<LoadOutcome> {
  const raw = scope.connection;
  const interrupt = () => raw.interrupt();
  scope.signal.addEventListener('abort', interrupt);
  const guarded: TaskScope = { ...scope, connection: cancellable(raw, scope.signal) };
  const attempt = async (attempted: LoadInput) => {
    await guarded.connection.run('BEGIN TRANSACTION');
    try {
      const outcome = await load(guarded, attempted);
      scope.progress.update({ phase: 'swap' }, true);
      await guarded.connection.run('COMMIT');
      return outcome;
    } catch (error) {
      await raw.run('ROLLBACK').catch(() => undefined); // an interrupted transaction may be gone already
      const miss = error instanceof NativeMiss || (error instanceof Error && error.message.includes(NATIVE_MISS));
      throw miss && !scope.signal.aborted ? new NativeMiss() : error;
    }
  };
  try {
    return await attempt(input).catch((error: unknown) => {
      if (!(error instanceof NativeMiss)) throw error;
      return attempt({ ...input, native: new Set() });
    });
  } finally {
    scope.signal.removeEventListener('abort', interrupt);
  }
}

/** A statement whose progress is polled from DuckDB every 250 ms while it runs; returns the rows it changed. */
async function tracked(scope: TaskScope, phase: TaskPhase, bytesTotal: number, sql: string, params: Record<string, DuckDBValue>): Promise<number> {
  const timer = setInterval(() => {
    const progress = scope.connection.progress;
    if (progress.percentage < 0) return;
    scope.progress.update({ phase, bytesDone: Math.round((bytesTotal * Math.min(100, progress.percentage)) / 100), bytesTotal, rows: Number(progress.rows_processed) });
  }, 250);
  try {
    const result = await scope.connection.run(sql, params);
    return Number(result.rowsChanged);
  } finally {
    clearInterval(timer);
  }
}

/** A canonical column of the normalised rows, or a typed NULL when the import does not map it. */
function column(plan: RowPlan, name: string): string {
  const present = plan.fields.some((field) => field.name === name) || name in plan.derived;
  return present ? quoteIdent(name) : `NULL::${COLUMN_TYPES[name] ?? 'VARCHAR'}`;
}

function has(plan: RowPlan, name: string): boolean {
  return plan.fields.some((field) => field.name === name);
}

function countsBySource(rows: { src: number; n: number }[]): Map<number, number> {
  return new Map(rows.map((row) => [Number(row.src), Number(row.n)]));
}

async function load(scope: TaskScope, input: LoadInput): Promise<LoadOutcome> {
  const connection = scope.connection;
  const { base } = await queryOne<{ base: number }>(connection, 'SELECT coalesce(max(source_id), 0) + 1 AS base FROM sources');
  if (input.mode === 'replace') await clearKind(connection, input.kind);
  const suffix = ++tableCounter;
  const positions = input.files.map((_, index) => index).filter((index) => !input.auxiliary.has(index));
  const csvTables = (position: number) => ({ errors: `cw_csv_errors_${suffix}_${position}`, scans: `cw_csv_scans_${suffix}_${position}` });
  const bytesTotal = input.files.reduce((sum, file) => sum + file.sizeBytes, 0);
  const direct = input.kind === 'orders' && !input.plan.lineLevel && input.files.every((file) => file.reader.kind === 'csv' || file.reader.kind === 'whitespace');
  const native = direct ? input.native : new Set<string>();
  const source = input.source((position) => ({ ...input.limits, rejectsTables: input.auxiliary.has(position) ? null : csvTables(position) }), native);
  const params = { ...source.params, ...rowParams(input.plan), cw_base: base };
  // The direct read only loads; which rows failed, and why, is the business of the numbered re-read.
  const rows = normalisedRowsSql(input.plan, source.sql, [], direct, native);
  const loaded = direct
    ? await insertOrdersDirect(scope, input.plan, rows, params, bytesTotal)
    : input.kind === 'orders'
      ? await insertOrderLines(scope, input.plan, rows, params, bytesTotal, suffix)
      : input.kind === 'surveys'
        ? await insertSurveys(scope, input.plan, rows, params, bytesTotal, suffix)
        : await insertTickets(scope, input.plan, rows, params, bytesTotal, suffix);

  if (native.size > 0) {
    for (const position of positions) if (await castErrors(connection, csvTables(position).errors)) throw new NativeMiss();
  }

  const perFile: FileCounts[] = input.files.map(() => ({ rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 }));
  for (const position of positions) {
    const counts = perFile[position] as FileCounts;
    const file = input.files[position] as PreparedFile;
    const sourceId = base + position;
    counts.rowsLoaded = loaded.loaded.get(position) ?? 0;
    const malformed = await recordCsvErrors(connection, csvTables(position), sourceId, file);
    let valueRejects: number;
    if (loaded.parsed) {
      valueRejects = (loaded.parsed.get(position) ?? 0) - counts.rowsLoaded;
      if (valueRejects > 0) await recordValueRejects(scope, input, position, sourceId, loaded);
    } else {
      // Direct: the newline count bounds the records; fewer loaded rows than that means rejects to find.
      const digest = await file.digest();
      const records = Math.max(0, digest.newlines + (digest.unterminated ? 1 : 0) - file.leadingLines);
      valueRejects = counts.rowsLoaded + malformed < records ? await recordValueRejects(scope, input, position, sourceId, loaded) : 0;
    }
    counts.rowsRejected = malformed + valueRejects;
    counts.rowsRead = counts.rowsLoaded + counts.rowsRejected;
  }
  const totals = perFile.reduce((sum, counts) => ({ read: sum.read + counts.rowsRead, loaded: sum.loaded + counts.rowsLoaded }), { read: 0, loaded: 0 });
  const names = positions.map((position) => input.files[position]?.path ?? '').join(', ');
  if (totals.read === 0) throw new CoreError('E_NO_DATA', `${names}: no data rows to import`, { files: names });
  if (totals.loaded === 0) {
    const [first] = await rejectsOf(connection, base, 1);
    throw new CoreError('E_VALUE', `${names}: no row could be loaded; first problem: ${first ? describeReject(first) : 'unknown'}`, { files: names });
  }

  scope.progress.update({ phase: 'swap' }, true);
  const rowsFolded = direct
    ? await foldDuplicateOrders(connection, base, !('order_id' in input.plan.derived))
    : input.kind === 'tickets'
      ? totals.loaded - (await queryOne<{ n: number }>(connection, 'SELECT count(*) AS n FROM tickets WHERE source_id >= $base', { base })).n
      : 0;
  const rowsReplaced =
    input.kind === 'orders' ? await replaceOlderOrders(connection, base) : input.kind === 'surveys' ? await replaceOlderSurveys(connection, base) : await replaceOlderTickets(connection, base);
  const creditNotes = input.kind === 'orders' ? await moveCreditNotes(connection, base) : { moved: 0, replaced: 0 };
  if (input.kind === 'orders') await refreshSummaries(connection, base);
  await recordSources(connection, input, base, perFile);
  return {
    base,
    perFile,
    rowsReplaced: rowsReplaced + creditNotes.replaced,
    rowsFolded: Number(rowsFolded),
    creditNotes: creditNotes.moved,
    rejectsSample: await rejectsOf(connection, base, 10),
  };
}

async function clearKind(connection: DuckDBConnection, kind: ImportKind): Promise<void> {
  for (const table of kind === 'orders' ? ['orders', 'order_lines', 'credit_notes'] : kind === 'surveys' ? ['surveys'] : ['tickets']) await connection.run(`DELETE FROM ${quoteIdent(table)}`);
  await connection.run('DELETE FROM rejects WHERE source_id IN (SELECT source_id FROM sources WHERE kind = $kind)', { kind });
  await connection.run('DELETE FROM sources WHERE kind = $kind', { kind });
}

async function insertOrdersDirect(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number): Promise<Loaded> {
  const values = ORDER_COLUMNS.map((name) => (name === 'status' ? '__row_status' : column(plan, name)));
  await tracked(
    scope,
    'read',
    bytesTotal,
    `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}, source_id) SELECT ${values.join(', ')}, $cw_base + __src FROM (${rows}) WHERE __loadable`,
    params,
  );
  const counts = await queryRows<{ src: number; n: number }>(scope.connection, 'SELECT source_id - $base AS src, count(*) AS n FROM orders WHERE source_id >= $base GROUP BY 1', { base: params.cw_base ?? 0 });
  return { loaded: countsBySource(counts), parsed: null, rejectedOrders: null, stage: null };
}

/** Status of orders whose rows repeat an id: completed if any row is, then pending, refunded, cancelled. */
const REPEATED_STATUS = `CASE WHEN bool_and(status = '${CREDIT_NOTE}') THEN '${CREDIT_NOTE}' WHEN bool_or(status = 'completed') THEN 'completed' WHEN bool_or(status = 'pending') THEN 'pending'
  WHEN bool_or(status = 'refunded') THEN 'refunded' ELSE 'cancelled' END`;

/**
 * Status of an order folded from its rows. Line-level: from the statuses of the lines that carry
 * one (Shopify puts it on the first line only; completed if any line is), else from the lines'
 * amounts (all credit notes, all cancelled, all returned), pending when unpaid. Order-level rows
 * that repeat an id: as REPEATED_STATUS.
 */
function foldedStatus(plan: RowPlan): string {
  if (!plan.lineLevel) return REPEATED_STATUS.replaceAll('status =', '__row_status =');
  const rules: string[] = [`WHEN bool_and(__row_status = '${CREDIT_NOTE}') THEN '${CREDIT_NOTE}'`];
  // Lines that carry a status (all of them on Taobao and JD, the first on Shopify) fold by REPEATED_STATUS: one kept line keeps the order.
  if (has(plan, 'status')) {
    const stated = REPEATED_STATUS.replace(/bool_(or|and)\(status = ('[a-z_]+')\)/g, `bool_$1(__row_status = $2) FILTER (WHERE ${quoteIdent('status')} IS NOT NULL)`);
    rules.push(`WHEN count(${quoteIdent('status')}) > 0 THEN ${stated}`);
  }
  rules.push(`WHEN bool_and(__row_status = 'cancelled') THEN 'cancelled'`);
  rules.push(`WHEN bool_and(__row_status IN ('cancelled', 'refunded')) THEN 'refunded'`);
  if (has(plan, 'paid_at')) rules.push(`WHEN max(${quoteIdent('paid_at')}) IS NULL THEN 'pending'`);
  return `CASE ${rules.join(' ')} ELSE 'completed' END`;
}

async function insertOrderLines(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number, suffix: number): Promise<Loaded> {
  const connection = scope.connection;
  const stage = `cw_stage_${suffix}`;
  const folded = `cw_orders_${suffix}`;
  const rejectedOrders = `cw_rejected_orders_${suffix}`;
  const { cw_base: base = 0, ...readParams } = params;
  await tracked(scope, 'read', bytesTotal, `CREATE TEMP TABLE ${stage} AS ${rows}`, readParams);
  scope.progress.update({ phase: 'normalise', bytesDone: bytesTotal, bytesTotal }, true);
  const c = (name: string) => column(plan, name);
  // Order-level amounts on line rows: summed when each line carries its share (Shopify's Total on the first line), read once when every line repeats them (JD).
  const once = (name: string) => (plan.orderFieldsOnEveryLine ? `max(${c(name)})` : `sum(${c(name)})`);
  // Without a refund column, the refund of an order is what its refunded lines were worth (Taobao's item report marks lines 退款成功).
  const refund = has(plan, 'refund_amount') || !(has(plan, 'status') || has(plan, 'refund_status'))
    ? once('refund_amount')
    : `round(sum(__line_amount) FILTER (WHERE __row_status = 'refunded'), 2)`;
  await connection.run(`
    CREATE TEMP TABLE ${folded} AS
    SELECT order_id, any_value(${c('customer_id')}) AS customer_id, min(${c('ordered_at')}) AS ordered_at, max(${c('paid_at')}) AS paid_at,
           coalesce(${once('amount')}, round(sum(__line_amount), 2)) AS amount, ${once('discount')} AS discount,
           ${refund} AS refund_amount, ${foldedStatus(plan)} AS status, any_value(${c('channel')}) AS channel,
           any_value(${c('region')}) AS region, any_value(${c('category')}) AS category, sum(${c('items')}) AS items, min(__src) AS __src
    FROM (SELECT ${plan.lineLevel ? 'ALL' : 'DISTINCT'} * FROM ${stage} WHERE __reject_reason IS NULL) GROUP BY order_id`);
  await connection.run(`
    CREATE TEMP TABLE ${rejectedOrders} AS
    SELECT order_id, CASE WHEN customer_id IS NULL THEN 'customer_id' ELSE 'ordered_at' END AS field
    FROM ${folded} WHERE customer_id IS NULL OR ordered_at IS NULL`);
  await connection.run(
    `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}, source_id) SELECT ${ORDER_COLUMNS.join(', ')}, $base + __src FROM ${folded} WHERE customer_id IS NOT NULL AND ordered_at IS NOT NULL`,
    { base },
  );
  const lineNo = has(plan, 'line_no')
    ? `coalesce(CAST(${quoteIdent('line_no')} AS INTEGER), CAST(row_number() OVER (PARTITION BY order_id ORDER BY ${c('sku')}, ${c('product')}, ${c('items')}, ${c('unit_price')}) AS INTEGER))`
    : `CAST(row_number() OVER (PARTITION BY order_id ORDER BY ${c('sku')}, ${c('product')}, ${c('items')}, ${c('unit_price')}) AS INTEGER)`;
  // Rows with nothing of a line (an Olist order without items) are orders, not lines.
  await connection.run(
    `INSERT INTO order_lines (order_id, line_no, sku, product, category, quantity, unit_price, amount, source_id)
     SELECT order_id, ${lineNo}, ${c('sku')}, ${c('product')}, ${c('category')}, ${c('items')}, ${c('unit_price')}, __line_amount, $base + __src
     FROM ${stage}
     WHERE __reject_reason IS NULL AND order_id NOT IN (SELECT order_id FROM ${rejectedOrders})
       AND (${c('sku')} IS NOT NULL OR ${c('product')} IS NOT NULL OR ${c('unit_price')} IS NOT NULL)`,
    { base },
  );
  const counts = await queryRows<{ src: number; parsed: number; loaded: number }>(
    connection,
    `SELECT __src AS src, count(*) AS parsed,
            count(*) FILTER (WHERE __reject_reason IS NULL AND order_id NOT IN (SELECT order_id FROM ${rejectedOrders})) AS loaded
     FROM ${stage} GROUP BY 1`,
  );
  return {
    loaded: new Map(counts.map((row) => [Number(row.src), Number(row.loaded)])),
    parsed: new Map(counts.map((row) => [Number(row.src), Number(row.parsed)])),
    rejectedOrders,
    stage,
  };
}

async function insertTickets(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number, suffix: number): Promise<Loaded> {
  const connection = scope.connection;
  const stage = `cw_stage_${suffix}`;
  const { cw_base: base = 0, ...readParams } = params;
  await tracked(scope, 'read', bytesTotal, `CREATE TEMP TABLE ${stage} AS ${rows}`, readParams);
  scope.progress.update({ phase: 'normalise', bytesDone: bytesTotal, bytesTotal }, true);
  const c = (name: string) => (has(plan, name) || name in plan.derived ? `s.${quoteIdent(name)}` : column(plan, name));
  // Tickets that name an order but no customer belong to the customer of that order (Olist reviews).
  const byOrder = has(plan, 'order_id')
    ? `LEFT JOIN (SELECT order_id, any_value(customer_id) AS customer_id FROM orders GROUP BY order_id) o ON o.order_id = s.order_id`
    : '';
  const customer = has(plan, 'order_id') ? `coalesce(any_value(${c('customer_id')}), any_value(o.customer_id))` : `any_value(${c('customer_id')})`;
  // A ticket id seen twice (one row per comment) becomes one ticket whose body holds every distinct text.
  await connection.run(
    `INSERT INTO tickets (ticket_id, customer_id, created_at, channel, category, subject, body, rating, order_id, refund_reason, label, source_id)
     SELECT s.ticket_id, ${customer}, min(${c('created_at')}), any_value(${c('channel')}), any_value(${c('category')}), any_value(${c('subject')}),
            string_agg(DISTINCT ${c('body')}, chr(10) ORDER BY ${c('body')}), avg(${c('rating')}), any_value(${c('order_id')}),
            any_value(${c('refund_reason')}), any_value(${c('label')}), $base + min(s.__src)
     FROM ${stage} s ${byOrder}
     WHERE s.__reject_reason IS NULL
     GROUP BY s.ticket_id`,
    { base },
  );
  return stagedCounts(connection, stage);
}

/** Rows parsed and loaded per file of a staged read whose rejected rows stay in the stage (tickets, surveys). */
async function stagedCounts(connection: DuckDBConnection, stage: string): Promise<Loaded> {
  const counts = await queryRows<{ src: number; parsed: number; loaded: number }>(
    connection,
    `SELECT __src AS src, count(*) AS parsed, count(*) FILTER (WHERE __reject_reason IS NULL) AS loaded FROM ${stage} GROUP BY 1`,
  );
  return {
    loaded: new Map(counts.map((row) => [Number(row.src), Number(row.loaded)])),
    parsed: new Map(counts.map((row) => [Number(row.src), Number(row.parsed)])),
    rejectedOrders: null,
    stage,
  };
}

/** Survey answers: one per response id (a response split over rows keeps its first time and every distinct comment). */
async function insertSurveys(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number, suffix: number): Promise<Loaded> {
  const stage = `cw_stage_${suffix}`;
  const { cw_base: base = 0, ...readParams } = params;
  await tracked(scope, 'read', bytesTotal, `CREATE TEMP TABLE ${stage} AS ${rows}`, readParams);
  scope.progress.update({ phase: 'normalise', bytesDone: bytesTotal, bytesTotal }, true);
  const c = (name: string) => (has(plan, name) || name in plan.derived ? `s.${quoteIdent(name)}` : column(plan, name));
  await scope.connection.run(
    `INSERT INTO surveys (survey_id, customer_id, responded_at, csat, nps, comment, source_id)
     SELECT s.survey_id, any_value(${c('customer_id')}), min(${c('responded_at')}), avg(${c('csat')}), avg(${c('nps')}),
            string_agg(DISTINCT ${c('comment')}, chr(10) ORDER BY ${c('comment')}), $base + min(s.__src)
     FROM ${stage} s WHERE s.__reject_reason IS NULL GROUP BY s.survey_id`,
    { base },
  );
  return stagedCounts(scope.connection, stage);
}

/** Whether a read kept its rejects in `table`: DuckDB creates the table when the read runs, empty when every line was fine. */
async function hasRejectsTable(connection: DuckDBConnection, table: string): Promise<boolean> {
  const [exists] = await queryRows(connection, `SELECT 1 FROM duckdb_tables() WHERE table_name = $table`, { table });
  return exists !== undefined;
}

/** Whether DuckDB's reader stored values it could not read as a typed column's type. */
async function castErrors(connection: DuckDBConnection, table: string): Promise<boolean> {
  if (!(await hasRejectsTable(connection, table))) return false;
  const { casts } = await queryOne<{ casts: number }>(connection, `SELECT count(*) AS casts FROM ${quoteIdent(table)} WHERE error_type = 'CAST'`);
  return Number(casts) > 0;
}

/**
 * Copies DuckDB's malformed-line records (ragged rows, unterminated quotes) into rejects, one per
 * line: DuckDB may report a line twice (an unterminated quote, then the column count it causes),
 * and the cause is the one kept. A short line names its first missing column (DuckDB's 1-based
 * column_idx is then the count of fields found). Lines of a file read in parts are numbered as in
 * the original (`lineOffsets`, by the part's path in DuckDB's scans table). Returns how many lines were rejected.
 */
export async function recordCsvErrors(connection: DuckDBConnection, tables: { errors: string; scans: string }, sourceId: number, file: PreparedFile): Promise<number> {
  if (!(await hasRejectsTable(connection, tables.errors))) return 0;
  const lines = { offsets: listValue(file.lineOffsets), paths: listValue(file.readPaths) };
  // A line past DuckDB's line size is not a bad line: read again with a larger size (or refused by maxLineBytes), not rejected
  const [long] = await queryRows<{ line: number; bytes: number }>(
    connection,
    `SELECT e.line + coalesce(list_extract($offsets, list_position($paths, s.file_path)), 0) AS line,
            CAST(regexp_extract(e.error_message, 'Actual Size:\\s*(\\d+)', 1) AS BIGINT) AS bytes
     FROM ${quoteIdent(tables.errors)} e JOIN ${quoteIdent(tables.scans)} s USING (scan_id, file_id)
     WHERE e.error_type = 'LINE SIZE OVER MAXIMUM' ORDER BY bytes DESC LIMIT 1`,
    lines,
  );
  if (long) throw new LongLine(Number(long.bytes), file.path, Number(long.line));
  const inserted = await connection.run(
    `INSERT INTO rejects (source_id, file, line, "column", raw, reason)
     SELECT $source_id, $file, line, list_extract($headers, CAST(column_idx AS INTEGER) + CASE error_type WHEN 'MISSING COLUMNS' THEN 1 ELSE 0 END), substr(csv_line, 1, 1000), lower(error_type) || ': ' || error_message
     FROM (
       SELECT e.line + coalesce(list_extract($offsets, list_position($paths, s.file_path)), 0) AS line, e.column_idx, e.error_type, e.csv_line, e.error_message
       FROM ${quoteIdent(tables.errors)} e JOIN ${quoteIdent(tables.scans)} s USING (scan_id, file_id)
     )
     QUALIFY row_number() OVER (PARTITION BY line ORDER BY error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS'), column_idx) = 1`,
    { source_id: sourceId, file: file.path, headers: listValue(file.headers), ...lines },
  );
  return Number(inserted.rowsChanged);
}

/**
 * Writes the rejects of one file with their line numbers, from a numbered re-read of the file;
 * formats without line order (Parquet, JSON, joined exports) take them from the stage, unnumbered.
 * The re-read skips malformed lines, so its numbers are moved past those `recordCsvErrors` stored
 * for this source: the k-th record read is record k + i, where i counts the malformed records m_j
 * with m_j - j < k (an ASOF join on m_j - j, which never decreases). Returns how many rows were rejected.
 */
async function recordValueRejects(scope: TaskScope, input: LoadInput, position: number, sourceId: number, loaded: Loaded): Promise<number> {
  const file = input.files[position] as PreparedFile;
  scope.progress.update({ phase: 'normalise', file: file.path }, true);
  const ordered = input.orderedSource(position, { ...input.limits, rejectsTables: null, ordered: true });
  const byOrder = loaded.rejectedOrders
    ? `LEFT JOIN ${loaded.rejectedOrders} ro ON ro.order_id = r.order_id`
    : 'LEFT JOIN (SELECT NULL::VARCHAR AS order_id, NULL::VARCHAR AS field) ro ON FALSE';
  const reason = `coalesce(r.__reject_reason, 'missing value')`;
  const field = `coalesce(r.__reject_field, CASE ro.field WHEN 'customer_id' THEN $customer_header ELSE $date_header END)`;
  const where = 'r.__reject_reason IS NOT NULL OR ro.order_id IS NOT NULL';
  const headers = { customer_header: input.plan.headers.customer_id ?? 'customer_id', date_header: input.plan.headers.ordered_at ?? 'ordered_at' };
  if (ordered) {
    const rows = normalisedRowsSql(input.plan, ordered.sql, ['__record']);
    return tracked(
      scope,
      'normalise',
      file.sizeBytes,
      `INSERT INTO rejects (source_id, file, line, "column", raw, reason)
       WITH malformed AS (SELECT line - $leading AS record, row_number() OVER (ORDER BY line) AS j FROM rejects WHERE source_id = $source_id AND line IS NOT NULL),
            skipped AS (SELECT record - j AS before, max(j) AS j FROM malformed GROUP BY 1)
       SELECT $source_id, $file, v.__record + coalesce(s.j, 0) + $leading, v.field, v.raw, v.reason
       FROM (SELECT r.__record, ${field} AS field, r.__reject_raw AS raw, ${reason} AS reason FROM (${rows}) r ${byOrder} WHERE ${where}) v
       ASOF LEFT JOIN skipped s ON v.__record > s.before`,
      { ...ordered.params, ...rowParams(input.plan), ...headers, source_id: sourceId, file: file.path, leading: file.leadingLines },
    );
  }
  if (!loaded.stage) return 0;
  return Number(
    (
      await scope.connection.run(
        `INSERT INTO rejects (source_id, file, line, "column", raw, reason)
         SELECT $source_id, $file, NULL, ${field}, r.__reject_raw, ${reason} FROM ${loaded.stage} r ${byOrder} WHERE r.__src = $position AND (${where})`,
        { ...headers, source_id: sourceId, file: file.path, position },
      )
    ).rowsChanged,
  );
}

/** Up to this many new orders, repeats are counted exactly; above, a HyperLogLog estimate screens first. */
const EXACT_REPEAT_CHECK = 2_000_000;

/**
 * Whether this import's orders repeat an order id. Exact up to EXACT_REPEAT_CHECK orders (a
 * distinct count: 0.2 s per million). Above that, DuckDB's HyperLogLog estimate (0.03 s per
 * million, about 1% error) screens first and the exact count runs only when the estimate falls
 * 3% short: a line-level export read as orders repeats ids far more than that, while a few stray
 * repeats in a file of many millions may pass. This keeps a 10M-row import within reach of
 * DuckDB's own read speed.
 */
async function hasRepeatedOrders(connection: DuckDBConnection, base: number): Promise<boolean> {
  const { rows, estimate } = await queryOne<{ rows: number; estimate: number }>(
    connection,
    'SELECT count(*) AS rows, approx_count_distinct(order_id) AS estimate FROM orders WHERE source_id >= $base',
    { base },
  );
  if (Number(rows) > EXACT_REPEAT_CHECK && Number(estimate) >= Number(rows) * 0.97) return false;
  const { repeats } = await queryOne<{ repeats: number }>(connection, 'SELECT count(*) - count(DISTINCT order_id) AS repeats FROM orders WHERE source_id >= $base', { base });
  return Number(repeats) > 0;
}

/**
 * Order ids repeated within this import: the latest file's rows win; rows of one file that repeat
 * an id are folded, so no order is counted twice. With real order ids an exact duplicate row is a
 * row exported twice and counts once (`collapseDuplicates`); with ids derived per customer and day
 * identical rows are separate purchases and all of them are summed.
 */
async function foldDuplicateOrders(connection: DuckDBConnection, base: number, collapseDuplicates: boolean): Promise<number> {
  if (!(await hasRepeatedOrders(connection, base))) return 0;
  const { before } = await queryOne<{ before: number }>(connection, 'SELECT count(*) AS before FROM orders WHERE source_id >= $base', { base });
  await connection.run(
    `DELETE FROM orders o USING (
       SELECT order_id, max(source_id) AS latest FROM orders WHERE source_id >= $base GROUP BY order_id HAVING count(DISTINCT source_id) > 1
     ) k
     WHERE o.order_id = k.order_id AND o.source_id >= $base AND o.source_id < k.latest`,
    { base },
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE cw_folded AS
     SELECT order_id, any_value(customer_id) AS customer_id, min(ordered_at) AS ordered_at, max(paid_at) AS paid_at, sum(amount) AS amount,
            sum(discount) AS discount, sum(refund_amount) AS refund_amount,
            ${REPEATED_STATUS} AS status,
            any_value(channel) AS channel, any_value(region) AS region, any_value(category) AS category, sum(items) AS items, min(source_id) AS source_id
     FROM (SELECT ${collapseDuplicates ? 'DISTINCT' : 'ALL'} * FROM orders WHERE source_id >= $base) GROUP BY order_id`,
    { base },
  );
  await connection.run('DELETE FROM orders WHERE source_id >= $base', { base });
  const after = await connection.run(`INSERT INTO orders (${ORDER_COLUMNS.join(', ')}, source_id) SELECT ${ORDER_COLUMNS.join(', ')}, source_id FROM cw_folded`);
  return Number(before) - Number(after.rowsChanged);
}

/**
 * Moves this import's credit notes (orders whose rows all carry CREDIT_NOTE) from `orders` to
 * `credit_notes`, with the amount given back as a positive number; earlier credit notes with an id
 * this import brings are replaced. Their lines stay in order_lines, the record of what came back.
 */
async function moveCreditNotes(connection: DuckDBConnection, base: number): Promise<{ moved: number; replaced: number }> {
  const status = { base, credit: CREDIT_NOTE };
  const replaced = await connection.run(
    `DELETE FROM credit_notes WHERE source_id < $base AND credit_note_id IN (SELECT order_id FROM orders WHERE source_id >= $base AND status = $credit)`,
    status,
  );
  const moved = await connection.run(
    `INSERT INTO credit_notes (credit_note_id, customer_id, issued_at, amount, source_id)
     SELECT order_id, customer_id, ordered_at, -amount, source_id FROM orders WHERE source_id >= $base AND status = $credit`,
    status,
  );
  if (Number(moved.rowsChanged) > 0) await connection.run('DELETE FROM orders WHERE source_id >= $base AND status = $credit', status);
  return { moved: Number(moved.rowsChanged), replaced: Number(replaced.rowsChanged) };
}

/** Earlier imports' orders with an id this import brings are replaced (the last import wins); returns how many. */
async function replaceOlderOrders(connection: DuckDBConnection, base: number): Promise<number> {
  const { older } = await queryOne<{ older: number }>(connection, 'SELECT count(*) AS older FROM orders WHERE source_id < $base', { base });
  if (Number(older) === 0) return 0;
  const replaced = await connection.run(
    'DELETE FROM orders WHERE source_id < $base AND order_id IN (SELECT order_id FROM orders WHERE source_id >= $base)',
    { base },
  );
  await connection.run('DELETE FROM order_lines WHERE source_id < $base AND order_id IN (SELECT order_id FROM orders WHERE source_id >= $base)', { base });
  return Number(replaced.rowsChanged);
}

async function replaceOlderSurveys(connection: DuckDBConnection, base: number): Promise<number> {
  const replaced = await connection.run(
    'DELETE FROM surveys WHERE source_id < $base AND survey_id IN (SELECT survey_id FROM surveys WHERE source_id >= $base)',
    { base },
  );
  return Number(replaced.rowsChanged);
}

async function replaceOlderTickets(connection: DuckDBConnection, base: number): Promise<number> {
  const replaced = await connection.run(
    'DELETE FROM tickets WHERE source_id < $base AND ticket_id IN (SELECT ticket_id FROM tickets WHERE source_id >= $base)',
    { base },
  );
  return Number(replaced.rowsChanged);
}

async function recordSources(connection: DuckDBConnection, input: LoadInput, base: number, perFile: FileCounts[]): Promise<void> {
  for (const [position, file] of input.files.entries()) {
    await recordSource(connection, file, {
      sourceId: base + position,
      kind: input.kind,
      counts: perFile[position] as FileCounts,
      mapping: input.auxiliary.has(position) ? { role: 'auxiliary' } : input.mapping,
    });
  }
}

/** Records one imported file in `sources`: what it was, what came of its rows, and the mapping (JSON) that read it. */
export async function recordSource(
  connection: DuckDBConnection,
  file: PreparedFile,
  entry: { sourceId: number; kind: ImportRequestKind; counts: FileCounts; mapping: Record<string, string> },
): Promise<void> {
  const digest = await file.digest();
  await connection.run(
    `INSERT INTO sources (source_id, file, kind, format, encoding, sha256, size_bytes, rows_read, rows_loaded, rows_rejected, mapping, imported_at)
     VALUES ($id, $file, $kind, $format, $encoding, $sha256, $size, $read, $loaded, $rejected, $mapping, now()::TIMESTAMP)`,
    {
      id: entry.sourceId,
      file: file.path,
      kind: entry.kind,
      format: file.format,
      encoding: file.encoding,
      sha256: digest.sha256,
      size: file.sizeBytes,
      read: entry.counts.rowsRead,
      loaded: entry.counts.rowsLoaded,
      rejected: entry.counts.rowsRejected,
      mapping: JSON.stringify(entry.mapping),
    },
  );
}

export async function rejectsOf(connection: DuckDBConnection, base: number, limit: number): Promise<RejectSample[]> {
  const rows = await queryRows(connection, 'SELECT file, line, "column", raw, reason FROM rejects WHERE source_id >= $base ORDER BY source_id, line NULLS LAST LIMIT $limit', {
    base,
    limit,
  });
  return rows.map((row) => ({
    file: String(row.file),
    line: row.line === null ? null : Number(row.line),
    column: row.column === null ? null : String(row.column),
    raw: row.raw === null ? null : String(row.raw),
    reason: String(row.reason),
  }));
}

function describeReject(reject: RejectSample): string {
  const place = [reject.line === null ? null : `line ${reject.line}`, reject.column ? `column ${reject.column}` : null].filter(Boolean).join(' ');
  return `${place ? `${place}: ` : ''}${reject.reason}${reject.raw === null ? '' : ` ("${reject.raw.slice(0, 80)}")`}`;
}
