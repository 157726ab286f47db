// Imports of kind `table`: a sheet or CSV stored as a typed workspace table, its column names kept as written.
//
// Analyses that take any table (survival's duration and event columns, reasons' churn flag) read
// these; nothing is mapped to canonical fields. Each column gets the narrowest type every one of
// its non-empty values reads as: BIGINT, DOUBLE, TIMESTAMP, else VARCHAR. A number written with a
// leading zero ("007", a zip code) stays text, because casting it would change what it says.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { UserTable } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import { inTransaction, queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { DERIVED_TABLES, TABLE_NAMES, VIEWS } from '../db/schema.ts';
import type { TaskScope } from '../task/scope.ts';
import type { ReadFile } from './read.ts';
import { recordSource } from './record.ts';
import { recordCsvErrors, rejectCountsOf, rejectsOf } from './rejects.ts';
import { readerSql, type ReadLimits, type SqlPiece } from './reader.ts';

/** Types a table column may take, narrowest first. */
const COLUMN_TYPES = ['BIGINT', 'DOUBLE', 'TIMESTAMP', 'VARCHAR'] as const;

/** Names an import may not take: the canonical tables, the views, stored results and the import's own temporaries. */
function reservedName(name: string): boolean {
  const lower = name.toLowerCase();
  const canonical = [...TABLE_NAMES, ...Object.keys(VIEWS), ...Object.keys(DERIVED_TABLES)].map((table) => table.toLowerCase());
  return canonical.includes(lower) || lower.startsWith('result_') || lower.startsWith('cw_') || lower.startsWith('duckdb_');
}

/** Checks a table name as the user wrote it: 1-63 characters, not a canonical table. */
export function checkTableName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 63) {
    throw new CoreError('E_ARGS', 'kind table needs a table name of 1 to 63 characters (--table NAME)');
  }
  if (reservedName(name)) throw new CoreError('E_ARGS', `"${name}" is a name the workspace uses itself; choose another table name`, { table: name });
  return name;
}

/** The tables earlier `table` imports created that still exist, with their columns. */
export async function userTables(connection: DuckDBConnection): Promise<UserTable[]> {
  const rows = await queryRows<{ name: string; columns: string }>(
    connection,
    `SELECT t.table_name AS name, to_json(list({'name': c.column_name, 'type': c.data_type} ORDER BY c.ordinal_position)) AS columns
     FROM information_schema.tables t JOIN information_schema.columns c USING (table_schema, table_name)
     WHERE t.table_schema = 'main' AND t.table_name IN (SELECT DISTINCT json_extract_string(mapping, '$.table') FROM sources WHERE kind = 'table')
     GROUP BY 1 ORDER BY 1`,
  );
  const tables: UserTable[] = [];
  for (const row of rows) {
    const { n } = await queryOne<{ n: number }>(connection, `SELECT count(*) AS n FROM ${quoteIdent(row.name)}`);
    tables.push({ name: row.name, rows: Number(n), columns: JSON.parse(row.columns) as UserTable['columns'] });
  }
  return tables;
}

export interface TableLoad {
  files: readonly ReadFile[];
  table: string;
  replace: boolean;
  limits: ReadLimits;
}

export interface TableOutcome {
  base: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rowsReplaced: number;
  table: UserTable;
  rejectsSample: Awaited<ReturnType<typeof rejectsOf>>;
  rejectCounts: Awaited<ReturnType<typeof rejectCountsOf>>;
}

/** The files' rows with every column as text named h0, h1, ... (files of one import share the first file's headers). */
function relation(files: readonly ReadFile[], limits: ReadLimits, rejects: (position: number) => { errors: string; scans: string }): SqlPiece {
  const [first] = files;
  if (!first) throw new CoreError('E_ARGS', 'no file to import');
  const pieces = files.map((file, position) => {
    const columns = first.headers.map((header, index) => {
      const found = file.headers.indexOf(header);
      if (found < 0) throw new CoreError('E_MAPPING', `${file.path}: no column "${header}", which ${first.path} has; files imported into one table need the same columns`, { file: file.path });
      return { name: `h${index}`, index: found };
    });
    return readerSql(file, position, columns, { ...limits, rejectsTables: rejects(position) });
  });
  return { sql: pieces.map((piece) => `(${piece.sql})`).join(' UNION ALL '), params: Object.assign({}, ...pieces.map((piece) => piece.params)) };
}

/**
 * A text value as a timestamp by the import's date shapes (2024-01-05, 2024/1/5, 2024年1月5日,
 * with times), NULL otherwise. Day-month-year shapes are left out: a table column has no sample
 * to tell 01/05 from 05/01, so such a column stays text, as written.
 */
function timestampOf(value: string): string {
  return `CASE WHEN NOT regexp_matches(${value}, '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-]') AND NOT regexp_full_match(${value}, '[-+]?[0-9.]+')
               THEN CASE WHEN cw_ts_in_range(cw_ts_parse(cw_ts_clean(${value}), false)) THEN cw_ts_parse(cw_ts_clean(${value}), false) END END`;
}

/** One aggregate over the rows of `stage` (a table or a parenthesised query, columns h0, h1, ...): the narrowest type each column's non-empty values all read as. */
export async function columnTypes(connection: DuckDBConnection, stage: string, count: number, params: Record<string, DuckDBValue> = {}): Promise<(typeof COLUMN_TYPES)[number][]> {
  const parts = Array.from({ length: count }, (_, index) => {
    const value = `nullif(trim(${quoteIdent(`h${index}`)}), '')`;
    const numeric = `NOT regexp_matches(${value}, '^[-+]?0[0-9]')`;
    return [
      `count(${value}) AS n${index}`,
      // DuckDB's cast rounds "33.96" to a BIGINT: whole numbers are told by their digits.
      `count(CASE WHEN ${numeric} AND regexp_full_match(${value}, '[-+]?[0-9]{1,18}') THEN 1 END) AS i${index}`,
      `count(CASE WHEN ${numeric} AND isfinite(try_cast(${value} AS DOUBLE)) THEN 1 END) AS d${index}`,
      `count(${timestampOf(value)}) AS t${index}`,
    ].join(', ');
  });
  const row = await queryOne(connection, `SELECT ${parts.join(', ')} FROM ${stage}`, params);
  return Array.from({ length: count }, (_, index) => {
    const nonEmpty = Number(row[`n${index}`]);
    if (nonEmpty === 0) return 'VARCHAR';
    if (Number(row[`i${index}`]) === nonEmpty) return 'BIGINT';
    if (Number(row[`d${index}`]) === nonEmpty) return 'DOUBLE';
    if (Number(row[`t${index}`]) === nonEmpty) return 'TIMESTAMP';
    return 'VARCHAR';
  });
}

let tableCounter = 0;

/** Creates (or, with `replace`, replaces) the table in one transaction, and records the files in sources. */
export async function loadTable(scope: TaskScope, input: TableLoad): Promise<TableOutcome> {
  const connection = scope.connection;
  const suffix = ++tableCounter;
  const rejectsTables = (position: number) => ({ errors: `cw_table_errors_${suffix}_${position}`, scans: `cw_table_scans_${suffix}_${position}` });
  const stage = `cw_table_stage_${suffix}`;
  try {
    return await inTransaction(connection, async () => {
      const existing = await queryRows<{ name: string }>(connection, `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND lower(table_name) = lower($table)`, {
        table: input.table,
      });
      const mine = (await userTables(connection)).find((table) => existing.some((row) => row.name === table.name));
      if (existing.length > 0 && !mine) throw new CoreError('E_ARGS', `the workspace already has a table "${input.table}" that no table import made; choose another name`, { table: input.table });
      if (mine && !input.replace) throw new CoreError('E_ARGS', `the workspace already has a table "${mine.name}" (${mine.rows} rows); import with mode replace (--mode replace) to replace it`, { table: mine.name });
      const { base } = await queryOne<{ base: number }>(connection, 'SELECT coalesce(max(source_id), 0) + 1 AS base FROM sources');
      const source = relation(input.files, input.limits, rejectsTables);
      scope.progress.update({ phase: 'read' }, true);
      await connection.run(`CREATE TEMP TABLE ${stage} AS ${source.sql}`, source.params);
      const headers = (input.files[0] as ReadFile).headers;
      const types = await columnTypes(connection, stage, headers.length);
      const values = headers.map((header, index) => {
        const text = quoteIdent(`h${index}`);
        const trimmed = `nullif(trim(${text}), '')`;
        const value = types[index] === 'VARCHAR' ? `nullif(${text}, '')` : types[index] === 'TIMESTAMP' ? timestampOf(trimmed) : `CAST(${trimmed} AS ${types[index]})`;
        return `${value} AS ${quoteIdent(header)}`;
      });
      const rowsReplaced = mine ? mine.rows : 0;
      if (mine) await connection.run(`DROP TABLE ${quoteIdent(mine.name)}`);
      await connection.run(`CREATE TABLE ${quoteIdent(input.table)} AS SELECT ${values.join(', ')} FROM ${stage} ORDER BY __src`);
      const rowsLoaded = Number((await queryOne<{ n: number }>(connection, `SELECT count(*) AS n FROM ${quoteIdent(input.table)}`)).n);
      let rowsRejected = 0;
      for (const [position, file] of input.files.entries()) {
        const malformed = await recordCsvErrors(connection, rejectsTables(position), base + position, file);
        const { n } = await queryOne<{ n: number }>(connection, `SELECT count(*) AS n FROM ${stage} WHERE __src = $position`, { position });
        rowsRejected += malformed;
        await recordSource(connection, file, {
          sourceId: base + position,
          kind: 'table',
          counts: { rowsRead: Number(n) + malformed, rowsLoaded: Number(n), rowsRejected: malformed },
          mapping: { table: input.table },
        });
      }
      if (rowsLoaded === 0) throw new CoreError('E_NO_DATA', `${input.files.map((file) => file.path).join(', ')}: no data rows to import`);
      await connection.run(`DROP TABLE ${stage}`);
      scope.progress.update({ phase: 'swap' }, true);
      const rejectsSample = await rejectsOf(connection, base, 10);
      const rejectCounts = await rejectCountsOf(connection, base);
      return {
        base,
        rowsRead: rowsLoaded + rowsRejected,
        rowsLoaded,
        rowsRejected,
        rowsReplaced,
        table: { name: input.table, rows: rowsLoaded, columns: headers.map((name, index) => ({ name, type: types[index] ?? 'VARCHAR' })) },
        rejectsSample,
        rejectCounts,
      };
    });
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
  }
}
