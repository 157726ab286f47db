// SQL helpers: the one identifier-quoting function, and reading results as JSON-safe rows.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/** Quotes a SQL identifier (table or column name); every dynamic identifier goes through here. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Values a query may bind; named ($name) or positional ($1). */
export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];

/** A value as it leaves the core: no bigint, no Date (ISO strings), no DuckDB value classes. */
export type PlainValue = string | number | boolean | null;
export type PlainRow = Record<string, PlainValue>;

/** Converts one JS value from DuckDB's reader into a JSON-safe value. */
export function toPlain(value: unknown): PlainValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Runs a query and returns its rows as plain objects (bigint to number, dates to ISO strings). */
export async function queryRows<T extends PlainRow = PlainRow>(
  connection: DuckDBConnection,
  sql: string,
  params?: SqlParams,
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((row) => {
    const plain: PlainRow = {};
    for (const [key, value] of Object.entries(row)) plain[key] = toPlain(value);
    return plain as T;
  });
}

/** Runs a query expected to return exactly one row. */
export async function queryOne<T extends PlainRow = PlainRow>(
  connection: DuckDBConnection,
  sql: string,
  params?: SqlParams,
): Promise<T> {
  const rows = await queryRows<T>(connection, sql, params);
  const first = rows[0];
  if (!first) throw new Error(`expected one row, got none: ${sql.slice(0, 80)}`);
  return first;
}

/**
 * Runs `work` in one transaction: committed when it returns, rolled back when it throws (a cancel
 * included). The rollback's own failure is dropped, because an interrupted transaction may be gone
 * already and the error worth reporting is the one `work` threw.
 */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
