// Rejected rows: DuckDB's malformed lines and the values normalisation refused, each with the line
// of the original file it stands on. Lines are numbered by a second, single-threaded read of a
// file when, and only when, some of its rows did not load: clean files never pay for line numbers.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { RejectCount, RejectSample } from '../api/workspace.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import type { TaskScope } from '../task/scope.ts';
import { LongLine } from './limits.ts';
import { normalisedRowsSql, rowParams } from './normalise.ts';
import type { ReadFile } from './read.ts';
import { tracked, type FileCounts, type Loaded, type LoadInput } from './staging.ts';

/**
 * Each counted file's rows read, loaded and rejected, with its rejects written: DuckDB's malformed
 * lines, then the values normalisation refused. A staged load knows its parsed rows; a direct one
 * looks for value rejects only when the file's newline count leaves room for them.
 */
export async function recordRejects(
  scope: TaskScope,
  input: LoadInput,
  load: { base: number; positions: readonly number[]; csvTables: (position: number) => { errors: string; scans: string }; loaded: Loaded },
): Promise<FileCounts[]> {
  const { base, loaded } = load;
  const perFile: FileCounts[] = input.files.map(() => ({ rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 }));
  for (const position of load.positions) {
    const counts = perFile[position] as FileCounts;
    const file = input.files[position] as ReadFile;
    const sourceId = base + position;
    counts.rowsLoaded = loaded.loaded.get(position) ?? 0;
    const malformed = await recordCsvErrors(scope.connection, load.csvTables(position), sourceId, file);
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
  return perFile;
}

/** Whether a read kept its rejects in `table`: DuckDB creates the table when the read runs, empty when every line was fine. */
async function hasRejectsTable(connection: DuckDBConnection, table: string): Promise<boolean> {
  const [exists] = await queryRows(connection, `SELECT 1 FROM duckdb_tables() WHERE table_name = $table`, { table });
  return exists !== undefined;
}

/** Whether DuckDB's reader stored values it could not read as a typed column's type. */
export async function castErrors(connection: DuckDBConnection, table: string): Promise<boolean> {
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
export async function recordCsvErrors(connection: DuckDBConnection, tables: { errors: string; scans: string }, sourceId: number, file: ReadFile): Promise<number> {
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
  const file = input.files[position] as ReadFile;
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

/** This import's rejected rows by reason and column, most first (up to 10). */
export async function rejectCountsOf(connection: DuckDBConnection, base: number): Promise<RejectCount[]> {
  const rows = await queryRows<{ reason: string; column: string | null; rows: number }>(
    connection,
    'SELECT reason, "column", count(*) AS "rows" FROM rejects WHERE source_id >= $base GROUP BY ALL ORDER BY "rows" DESC, reason, "column" NULLS FIRST LIMIT 10',
    { base },
  );
  return rows.map((row) => ({ reason: row.reason, column: row.column, rows: Number(row.rows) }));
}

export function describeReject(reject: RejectSample): string {
  const place = [reject.line === null ? null : `line ${reject.line}`, reject.column ? `column ${reject.column}` : null].filter(Boolean).join(' ');
  return `${place ? `${place}: ` : ''}${reject.reason}${reject.raw === null ? '' : ` ("${reject.raw.slice(0, 80)}")`}`;
}

