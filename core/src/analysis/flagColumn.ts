// Columns of any workspace table that an analysis is pointed at by name (a duration, a yes/no churn
// label): checked against the table before any SQL names them, and yes/no values read one way.
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { queryRows, quoteIdent } from '../db/sql.ts';

/** Flag values read as yes / no after lower-casing and trimming; numbers: non-zero is yes. */
const YES_WORDS = ['true', 't', 'yes', 'y', 'churned', 'churn', 'left', 'dead', '是', '流失'];
const NO_WORDS = ['false', 'f', 'no', 'n', 'stayed', 'retained', 'active', 'alive', 'joined', '否', '留存'];

/** The parameters `flagSql` binds. */
export function flagParams(): Record<string, DuckDBValue> {
  return { flag_yes_words: listValue(YES_WORDS), flag_no_words: listValue(NO_WORDS) };
}

/** A BOOLEAN expression over `column`: true for yes, false for no, NULL for anything else. */
export function flagSql(column: string): string {
  const quoted = quoteIdent(column);
  const word = `lower(trim(CAST(${quoted} AS VARCHAR)))`;
  return `CASE WHEN try_cast(${quoted} AS DOUBLE) IS NOT NULL THEN try_cast(${quoted} AS DOUBLE) <> 0
               WHEN list_contains($flag_yes_words, ${word}) THEN true
               WHEN list_contains($flag_no_words, ${word}) THEN false END`;
}

/**
 * Checks that `table` exists and has every named column; `option` is the request field the names
 * came from (`source`, `churnFlag`), so the error points at what the user wrote.
 */
export async function requireColumns(
  connection: DuckDBConnection,
  option: string,
  table: unknown,
  columns: Record<string, string | null | undefined>,
): Promise<void> {
  if (typeof table !== 'string') throw new CoreError('E_ARGS', `${option}.table must name a table of the workspace`);
  const found = await queryRows<{ column_name: string }>(
    connection,
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $table ORDER BY ordinal_position`,
    { table },
  );
  if (found.length === 0) {
    const tables = await queryRows<{ table_name: string }>(connection, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`);
    throw new CoreError('E_NOT_FOUND', `${option}.table: no table "${table}" in the workspace; tables: ${tables.map((row) => row.table_name).join(', ')}`, { table });
  }
  const names = found.map((row) => row.column_name);
  for (const [key, column] of Object.entries(columns)) {
    if (column !== undefined && column !== null && !names.includes(column)) {
      throw new CoreError('E_ARGS', `${option}.${key}: table "${table}" has no column ${JSON.stringify(column)}; columns: ${names.join(', ')}`, { table, column });
    }
  }
}
