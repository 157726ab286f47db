// Reading orders in place from Parquet (a folder or glob, hive-partitioned or not) and writing the
// canonical tables out as month-partitioned Parquet for other engines.
//
// In place, `orders` becomes a view over read_parquet instead of a table the rows are copied into:
// the headers are mapped as an import maps them (platform profiles, synonyms, the user's mapping,
// E_MAPPING naming the candidates), Parquet's own types are cast to the canonical ones, statuses
// go through the import's vocabulary, and the checks an import makes are made once, when the view
// is registered: rows without a customer, an order id or a time are counted (the view leaves
// them out, as an import rejects them) and repeated order ids fail, since a view cannot fold them.
// Every analysis then reads the files at each run. The workspace keeps no copy, so it must hold
// no imported orders; the source is listed in `sources` like an import.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnMapping } from '../api/workspace.ts';
import type { ExportParquetRequest, ExportParquetResult, ReadInPlaceRequest, ReadInPlaceResult } from '../api/inPlace.ts';
import { CoreError } from '../api/errors.ts';
import { inTransaction, queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { defineSummariesInPlace } from '../db/summaries.ts';
import { proposeMapping, requireMapping } from './mapping.ts';
import { STATUS_WORDS } from './vocabulary.ts';

/** The canonical order columns the view has, with the DuckDB type each mapped column is cast to. */
const ORDER_COLUMNS = {
  order_id: 'VARCHAR',
  customer_id: 'VARCHAR',
  ordered_at: 'TIMESTAMP',
  paid_at: 'TIMESTAMP',
  amount: 'DOUBLE',
  discount: 'DOUBLE',
  refund_amount: 'DOUBLE',
  status: 'VARCHAR',
  channel: 'VARCHAR',
  region: 'VARCHAR',
  category: 'VARCHAR',
  items: 'DOUBLE',
} as const;

const REQUIRED = ['order_id', 'customer_id', 'ordered_at'] as const;

/** A SQL string literal: a view's body cannot take bound parameters. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A folder means every .parquet file below it; anything else is a file or a glob DuckDB expands. */
export function parquetGlob(path: string): string {
  const absolute = resolve(path);
  return existsSync(absolute) && statSync(absolute).isDirectory() ? join(absolute, '**', '*.parquet') : absolute;
}

/** read_parquet over the glob; hive partition folders (month=2024-01/) become columns, files with different columns are matched by name. */
function parquetRelation(glob: string): string {
  return `read_parquet(${literal(glob)}, hive_partitioning = true, union_by_name = true)`;
}

/** The import's status vocabulary as a map literal; a status it does not know counts as completed, as on import. */
function statusSql(column: string): string {
  const words = Object.entries(STATUS_WORDS).flatMap(([status, list]) => list.map((word) => `${literal(word.toLowerCase())}: ${literal(status)}`));
  return `CASE WHEN ${column} IS NULL THEN 'completed' ELSE coalesce(MAP {${words.join(', ')}}[lower(trim(CAST(${column} AS VARCHAR)))], 'completed') END`;
}

/** One column of the view: the mapped source column cast to its canonical type, or NULL. */
function columnSql(field: keyof typeof ORDER_COLUMNS, mapping: ColumnMapping): string {
  const header = mapping[field];
  if (!header) return field === 'status' ? `'completed' AS status` : `CAST(NULL AS ${ORDER_COLUMNS[field]}) AS ${field}`;
  const source = `src.${quoteIdent(header)}`;
  if (field === 'status') return `${statusSql(source)} AS status`;
  // ids stay text as written; other values are cast leniently (TRY_CAST), and a required one that fails leaves its row out
  const cast = ORDER_COLUMNS[field] === 'VARCHAR' ? `CAST(${source} AS VARCHAR)` : `TRY_CAST(${source} AS ${ORDER_COLUMNS[field]})`;
  return `${cast} AS ${field}`;
}

export async function readInPlace(connection: DuckDBConnection, request: ReadInPlaceRequest): Promise<ReadInPlaceResult> {
  if (request.kind !== 'orders') throw new CoreError('E_ARGS', `kind must be orders: only orders are read in place, got "${String(request.kind)}"`);
  if (typeof request.path !== 'string' || request.path === '') throw new CoreError('E_ARGS', 'path must name a Parquet file, folder or glob');
  const glob = parquetGlob(request.path);
  const files = (await queryRows<{ file: string }>(connection, 'SELECT file FROM glob($glob) ORDER BY file', { glob })).map((row) => row.file);
  if (files.length === 0) throw new CoreError('E_FILE', `${request.path}: no Parquet files there`, { file: request.path });
  const relation = parquetRelation(glob);
  const columns = await queryRows<{ column_name: string; column_type: string }>(connection, `DESCRIBE SELECT * FROM ${relation}`);
  const headers = columns.map((column) => column.column_name);
  const decision = proposeMapping('orders', headers, request.mapping ?? {}, [], request.path);
  requireMapping(decision, 'orders', request.path, headers);
  const derived = Object.entries(decision.mapping).filter(([, header]) => header?.startsWith('@'));
  if (derived.length > 0) throw new CoreError('E_MAPPING', `${request.path}: derived values (${derived.map(([field, header]) => `${field} ${header}`).join(', ')}) are made by an import; map a column of the files`);
  const [table] = await queryRows(connection, `SELECT 1 FROM duckdb_tables() WHERE table_name = 'orders' AND schema_name = 'main' AND NOT temporary`);
  if (table && (await queryOne<{ n: number }>(connection, 'SELECT count(*) AS n FROM orders')).n > 0) {
    throw new CoreError('E_ARGS', 'this workspace holds imported orders; read in place into a new workspace (a view cannot sit beside copied rows)');
  }

  const select = (Object.keys(ORDER_COLUMNS) as (keyof typeof ORDER_COLUMNS)[]).map((field) => columnSql(field, decision.mapping)).join(',\n           ');
  const typed = `SELECT ${select} FROM ${relation} src`;
  const checks = await queryOne<{ rows: number; unusable: number; repeated: number }>(
    connection,
    `SELECT count(*) AS rows,
            count(*) FILTER (WHERE ${REQUIRED.map((field) => `${field} IS NULL`).join(' OR ')}) AS unusable,
            count(order_id) - count(DISTINCT order_id) AS repeated
     FROM (${typed})`,
  );
  if (checks.repeated > 0) {
    throw new CoreError('E_FORMAT', `${request.path}: ${checks.repeated} rows repeat an order id; an import folds them into one order, a view cannot: import these files instead`);
  }
  const rowsLoaded = checks.rows - checks.unusable;
  await inTransaction(connection, async () => {
    const { sourceId } = await queryOne<{ sourceId: number }>(connection, 'SELECT coalesce(max(source_id), 0) + 1 AS "sourceId" FROM sources');
    if (table) await connection.run('DROP TABLE orders');
    // Registered again: the view below replaces the old one, and this source the one it read.
    await connection.run(`DELETE FROM sources WHERE kind = 'orders' AND format = 'parquet-in-place'`);
    await connection.run(
      `CREATE OR REPLACE VIEW orders AS SELECT *, CAST(${sourceId} AS INTEGER) AS source_id FROM (${typed}) WHERE ${REQUIRED.map((field) => `${field} IS NOT NULL`).join(' AND ')}`,
    );
    await defineSummariesInPlace(connection);
    await connection.run(
      `INSERT INTO sources (source_id, file, kind, format, encoding, sha256, size_bytes, rows_read, rows_loaded, rows_rejected, mapping, imported_at)
       VALUES ($id, $file, 'orders', 'parquet-in-place', NULL, '', $size, $read, $loaded, $rejected, $mapping, now()::TIMESTAMP)`,
      {
        id: sourceId,
        file: glob,
        size: files.reduce((sum, file) => sum + statSync(file).size, 0),
        read: checks.rows,
        loaded: rowsLoaded,
        rejected: checks.unusable,
        mapping: JSON.stringify(decision.mapping),
      },
    );
  });
  const range = await queryOne<{ from: string | null; to: string | null }>(
    connection,
    `SELECT strftime(min(ordered_at), '%Y-%m-%dT%H:%M:%S') AS "from", strftime(max(ordered_at), '%Y-%m-%dT%H:%M:%S') AS "to" FROM orders`,
  );
  return {
    source: glob,
    files: files.length,
    mapping: decision.mapping,
    profile: decision.profile?.name ?? null,
    rowsRead: checks.rows,
    rowsLoaded,
    rowsLeftOut: checks.unusable,
    dateRange: range.from && range.to ? { from: range.from, to: range.to } : null,
  };
}

/**
 * Where the workspace reads its orders in place (the Parquet glob registered by `readInPlace`), or
 * null when its orders are a table. Such a workspace keeps no copy of the rows, so an orders
 * import has nowhere to put its own: it is refused with this reason rather than failing inside
 * DuckDB on a view.
 */
export async function ordersReadInPlace(connection: DuckDBConnection): Promise<string | null> {
  const [view] = await queryRows(connection, `SELECT 1 FROM duckdb_views() WHERE view_name = 'orders' AND schema_name = 'main' AND NOT temporary`);
  if (!view) return null;
  const [source] = await queryRows<{ file: string }>(connection, `SELECT file FROM sources WHERE kind = 'orders' AND format = 'parquet-in-place' ORDER BY source_id DESC LIMIT 1`);
  return source?.file ?? '';
}

/** The error an orders import into a workspace that reads its orders in place answers, naming the two ways out. */
export function ordersInPlaceError(source: string): CoreError {
  return new CoreError(
    'E_WORKSPACE',
    `this workspace reads its orders in place${source ? ` from ${source}` : ''} and keeps no copy of them, so it cannot take imported orders: import into a new workspace, or register the folder again with read-in-place to change what it reads`,
    { reason: 'orders_in_place', source },
  );
}

/** The canonical tables and the timestamp each is partitioned by (month of it); customers is one file. */
const EXPORTS = [
  { table: 'orders', month: 'ordered_at' },
  { table: 'order_lines', month: null },
  { table: 'tickets', month: 'created_at' },
  { table: 'customers', month: null },
] as const;

/** Writes each canonical table with rows into `out`/<table>/, partitioned as month=YYYY-MM (hive style) where it has a time. */
export async function exportParquet(connection: DuckDBConnection, request: ExportParquetRequest): Promise<ExportParquetResult> {
  if (typeof request.out !== 'string' || request.out === '') throw new CoreError('E_ARGS', 'out must name a folder');
  const out = resolve(request.out);
  mkdirSync(out, { recursive: true });
  const tables: ExportParquetResult['tables'] = [];
  for (const { table, month } of EXPORTS) {
    const { n } = await queryOne<{ n: number }>(connection, `SELECT count(*) AS n FROM ${quoteIdent(table)}`);
    if (n === 0) continue;
    const folder = join(out, table);
    // rows without a time go to month=__HIVE_DEFAULT_PARTITION__ (as Spark names it); OVERWRITE replaces the table's folder, so a month that is gone leaves no files behind
    const select = month ? `SELECT *, strftime(${quoteIdent(month)}, '%Y-%m') AS month FROM ${quoteIdent(table)}` : `SELECT * FROM ${quoteIdent(table)}`;
    const options = month ? `FORMAT parquet, PARTITION_BY (month), OVERWRITE` : `FORMAT parquet`;
    await connection.run(month ? `COPY (${select}) TO ${literal(folder)} (${options})` : `COPY (${select}) TO ${literal(`${folder}.parquet`)} (${options})`);
    tables.push({ table, rows: n, path: month ? folder : `${folder}.parquet`, partitionedBy: month ? 'month' : null });
  }
  return { out, tables };
}
