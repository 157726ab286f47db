// Per-customer result tables of the customers area: stored in the workspace, read back in sorted, filtered pages.
//
// A run replaces its table and its row in `result_runs` in one transaction, so a page request
// naming an older resultId fails cleanly instead of mixing two runs. The tables live in the
// workspace file, so a saved workspace keeps its last segments and values.
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { CustomerRowsRequest, CustomerRowsResult, CustomerTable } from '../api/customers.ts';
import { CoreError } from '../api/errors.ts';
import { queryArrow } from '../db/arrow.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';

export const RESULT_TABLES: Record<CustomerTable, string> = { rfm: 'result_rfm', shopper: 'result_shopper', value: 'result_value' };

/** The order a page takes when the request names none. */
const DEFAULT_SORT: Record<CustomerTable, { column: string; descending: boolean }[]> = {
  rfm: [{ column: 'monetary', descending: true }],
  shopper: [{ column: 'revenue', descending: true }],
  value: [{ column: 'value_at_risk', descending: true }],
};

const MAX_PAGE = 10_000;

export interface StoredRun {
  resultId: string;
  options: Record<string, unknown>;
}

async function ensureRunsTable(connection: DuckDBConnection): Promise<void> {
  await connection.run('CREATE TABLE IF NOT EXISTS result_runs (name VARCHAR PRIMARY KEY, result_id VARCHAR NOT NULL, options VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)');
}

/**
 * Runs `createSql` (a CREATE OR REPLACE TABLE of the result table) and records the run, atomically.
 * `createSql` must create exactly `RESULT_TABLES[table]`. `types` names the bind type of a
 * parameter where DuckDB's inference would be wrong (a list's type is guessed from its first item).
 */
export async function storeRun(
  connection: DuckDBConnection,
  table: CustomerTable,
  createSql: string,
  params: Record<string, DuckDBValue>,
  options: Record<string, unknown>,
  types?: Record<string, DuckDBType>,
): Promise<string> {
  const resultId = crypto.randomUUID();
  await ensureRunsTable(connection);
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(createSql, params, types);
    await connection.run('INSERT OR REPLACE INTO result_runs VALUES ($name, $id, $options, now()::TIMESTAMP)', {
      name: table,
      id: resultId,
      options: JSON.stringify(options),
    });
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
  return resultId;
}

/** Customers and revenue of a freshly stored segments table; E_NO_DATA when nobody bought. */
export async function segmentTotals(
  connection: DuckDBConnection,
  table: 'rfm' | 'shopper',
  revenueColumn: string,
  rule: { statuses: string[]; asOf: string },
): Promise<{ customers: number; revenue: number }> {
  const totals = await queryOne<{ customers: number; revenue: number | null }>(
    connection,
    `SELECT count(*) AS customers, sum(${quoteIdent(revenueColumn)}) AS revenue FROM ${quoteIdent(RESULT_TABLES[table])}`,
  );
  if (totals.customers === 0) throw new CoreError('E_NO_DATA', `no customer has an order with status ${rule.statuses.join(' or ')} up to ${rule.asOf}`);
  return { customers: totals.customers, revenue: totals.revenue ?? 0 };
}

/** The run a result table holds now, or null when it was never computed. */
export async function currentRun(connection: DuckDBConnection, table: CustomerTable): Promise<StoredRun | null> {
  await ensureRunsTable(connection);
  const rows = await queryRows<{ result_id: string; options: string }>(connection, 'SELECT result_id, options FROM result_runs WHERE name = $name', { name: table });
  const row = rows[0];
  return row ? { resultId: row.result_id, options: JSON.parse(row.options) as Record<string, unknown> } : null;
}

async function requireRun(connection: DuckDBConnection, table: CustomerTable, resultId: string | undefined): Promise<StoredRun> {
  const run = await currentRun(connection, table);
  if (!run) throw new CoreError('E_NOT_FOUND', `no ${table} results yet: run ${table === 'value' ? 'customerValue' : `customerSegments with scheme '${table}'`} first`);
  if (resultId !== undefined && run.resultId !== resultId) {
    throw new CoreError('E_NOT_FOUND', `${table} result ${resultId} was replaced by a newer run (${run.resultId}); read that one or run again`, { current: run.resultId });
  }
  return run;
}

async function tableColumns(connection: DuckDBConnection, name: string): Promise<string[]> {
  const rows = await queryRows<{ column_name: string }>(connection, 'SELECT column_name FROM duckdb_columns() WHERE table_name = $name ORDER BY column_index', { name });
  return rows.map((row) => row.column_name);
}

function checkPaging(request: CustomerRowsRequest): { offset: number; limit: number } {
  const offset = request.offset ?? 0;
  const limit = request.limit ?? 100;
  if (!Number.isInteger(offset) || offset < 0) throw new CoreError('E_ARGS', `offset must be a whole number >= 0, got ${offset}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new CoreError('E_ARGS', `limit must be 1..${MAX_PAGE}, got ${limit}`);
  return { offset, limit };
}

/**
 * Runs `reads` in one transaction, so they all see one snapshot: a run stored meanwhile (its table
 * and its result_runs row replaced in one commit) is seen by all of them or by none.
 */
async function inOneSnapshot<T>(connection: DuckDBConnection, reads: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await reads();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/**
 * One page of a result table, sorted and filtered in DuckDB, as Arrow. The run id, the count and
 * the page come from one snapshot: never a total of one run with the rows of the next.
 */
export async function customerRows(connection: DuckDBConnection, request: CustomerRowsRequest): Promise<CustomerRowsResult> {
  const name = RESULT_TABLES[request.table];
  if (!name) throw new CoreError('E_ARGS', `table must be one of ${Object.keys(RESULT_TABLES).join(', ')}`);
  const { offset, limit } = checkPaging(request);
  await ensureRunsTable(connection);
  return inOneSnapshot(connection, () => readPage(connection, request, name, offset, limit));
}

async function readPage(connection: DuckDBConnection, request: CustomerRowsRequest, name: string, offset: number, limit: number): Promise<CustomerRowsResult> {
  const run = await requireRun(connection, request.table, request.resultId);
  const columns = await tableColumns(connection, name);
  const known = (column: string, what: string) => {
    if (!columns.includes(column)) throw new CoreError('E_ARGS', `${what} column "${column}" is not in the ${request.table} table; columns: ${columns.join(', ')}`);
    return quoteIdent(column);
  };
  const sort = request.sort?.length ? request.sort : DEFAULT_SORT[request.table];
  const orderBy = [
    ...sort.map((key) => `${known(key.column, 'sort')} ${key.descending ? 'DESC' : 'ASC'} NULLS LAST`),
    'customer_id ASC',
  ].join(', ');
  const conditions: string[] = [];
  const params: Record<string, DuckDBValue> = {};
  if (request.filter) {
    const values = request.filter.values;
    if (!Array.isArray(values) || values.length === 0) throw new CoreError('E_ARGS', 'filter.values must be a non-empty list');
    conditions.push(`CAST(${known(request.filter.column, 'filter')} AS VARCHAR) IN (${values.map((_, i) => `$filter${i}`).join(', ')})`);
    values.forEach((value, i) => (params[`filter${i}`] = String(value)));
  }
  if (request.search) {
    conditions.push('contains(lower(customer_id), $search)');
    params.search = request.search.toLowerCase();
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const { total } = await queryOne<{ total: number }>(connection, `SELECT count(*) AS total FROM ${quoteIdent(name)} ${where}`, params);
  const rows = await queryArrow(connection, `SELECT * FROM ${quoteIdent(name)} ${where} ORDER BY ${orderBy} LIMIT $limit OFFSET $offset`, {
    ...params,
    limit,
    offset,
  });
  return { resultId: run.resultId, total, offset, columns, rows };
}

/**
 * One customer's row of a result table (null when absent or never computed). The run and the row
 * are read by one statement, so they belong to the same run.
 */
export async function customerRow(connection: DuckDBConnection, table: CustomerTable, customerId: string): Promise<{ run: StoredRun; row: Record<string, string | number | boolean | null> } | null> {
  // The table exists once a run is recorded (they are created in one transaction).
  if (!(await currentRun(connection, table))) return null;
  const rows = await queryRows(
    connection,
    `SELECT runs.result_id AS "__result_id", runs.options AS "__options", results.*
     FROM result_runs runs JOIN ${quoteIdent(RESULT_TABLES[table])} results ON results.customer_id = $id
     WHERE runs.name = $name`,
    { id: customerId, name: table },
  );
  const first = rows[0];
  if (!first) return null;
  const { __result_id: resultId, __options: options, ...row } = first;
  return { run: { resultId: String(resultId), options: JSON.parse(String(options)) as Record<string, unknown> }, row };
}
