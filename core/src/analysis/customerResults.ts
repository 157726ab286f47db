// Per-customer result tables of the customers area: stored in the workspace, read back in sorted, filtered pages.
//
// A run replaces its table and its row in `result_runs` in one transaction, so a page request
// naming an older resultId fails cleanly instead of mixing two runs. The tables live in the
// workspace file, so a saved workspace keeps its last segments and values.
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { CustomerRowsRequest, CustomerRowsResult, CustomerTable } from '../api/customers.ts';
import { CoreError } from '../api/errors.ts';
import { queryArrow } from '../db/arrow.ts';
import { inTransaction, queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { summaryGeneration } from '../db/summaries.ts';

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
  await inTransaction(connection, async () => {
    await connection.run(createSql, params, types);
    await connection.run('INSERT OR REPLACE INTO result_runs VALUES ($name, $id, $options, now()::TIMESTAMP)', {
      name: table,
      id: resultId,
      options: JSON.stringify(options),
    });
  });
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
 * One page of a result table, sorted and filtered in DuckDB, as Arrow. The run id, the count and
 * the page come from one snapshot: never a total of one run with the rows of the next.
 */
export async function customerRows(connection: DuckDBConnection, request: CustomerRowsRequest): Promise<CustomerRowsResult> {
  const name = RESULT_TABLES[request.table];
  if (!name) throw new CoreError('E_ARGS', `table must be one of ${Object.keys(RESULT_TABLES).join(', ')}`);
  const { offset, limit } = checkPaging(request);
  await ensureRunsTable(connection);
  // One transaction, so the reads see one snapshot: a run stored meanwhile (its table and its
  // result_runs row replaced in one commit) is seen by all of them or by none.
  return inTransaction(connection, () => readPage(connection, request, name, offset, limit));
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

// --- Answers kept with their run: the same request on the same orders is answered from them ---

/**
 * Part of every request key: raise it when an analysis stored here computes other numbers or a
 * result of another shape, so that answers stored by earlier code are computed again.
 */
const ANSWER_FORMAT = 1;

/** Per result table, the answer its current run gave, for which request and which generation of the orders. */
const ANSWERS = 'result_answers';

/** How an answer is kept: JSON of the result without what is read again from the stored table (the at-risk rows). */
export interface AnswerCodec<Result, Kept> {
  keep: (result: Result) => Kept;
  restore: (kept: Kept) => Promise<Result>;
}

/**
 * The answer of `compute` for `request` (every option the result depends on, resolved): taken from
 * the table's current run when that run answered the same request on the same generation of the
 * orders (summaries.ts's summaryGeneration), else computed, stored and kept with the run. At 10M
 * customers RFM writes 10M rows and customer value fits two models before writing as many, which
 * no screen can wait for each time it opens; the orders change only with an import, which starts a
 * new generation. Where the generation cannot be told (orders read in place, a scope, orders written
 * by other means), every request computes.
 */
export async function answerOnce<Result extends { resultId: string }, Kept>(
  connection: DuckDBConnection,
  table: CustomerTable,
  request: unknown,
  compute: () => Promise<Result>,
  codec: AnswerCodec<Result, Kept>,
): Promise<Result> {
  // read before computing: an import committed meanwhile leaves the answer under the older generation
  const generation = await summaryGeneration(connection);
  if (generation === null) return compute();
  const key = JSON.stringify({ format: ANSWER_FORMAT, request });
  await connection.run(`CREATE TABLE IF NOT EXISTS ${ANSWERS} (name VARCHAR PRIMARY KEY, result_id VARCHAR NOT NULL, generation VARCHAR NOT NULL, request VARCHAR NOT NULL, answer VARCHAR NOT NULL)`);
  await ensureRunsTable(connection);
  const [kept] = await queryRows<{ answer: string }>(
    connection,
    // joined to the run the table holds now: an answer of a replaced run is never read
    `SELECT answers.answer FROM ${ANSWERS} answers JOIN result_runs runs ON runs.name = answers.name AND runs.result_id = answers.result_id
     WHERE answers.name = $name AND answers.generation = $generation AND answers.request = $key`,
    { name: table, generation, key },
  );
  if (kept) return codec.restore(JSON.parse(kept.answer) as Kept);
  const result = await compute();
  await connection.run(`INSERT OR REPLACE INTO ${ANSWERS} VALUES ($name, $id, $generation, $key, $answer)`, {
    name: table,
    id: result.resultId,
    generation,
    key,
    answer: JSON.stringify(codec.keep(result)),
  });
  return result;
}
