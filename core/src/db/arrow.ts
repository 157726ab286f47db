// DuckDB results to Arrow IPC bytes: the form every table takes on its way to a client.
import { DuckDBTypeId, type DuckDBConnection, type DuckDBResultReader, type DuckDBType } from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Float64,
  Int32,
  Table,
  TimestampMillisecond,
  Utf8,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { SqlParams } from './sql.ts';

/**
 * Integers wider than 32 bits and decimals travel as Float64: clients are JavaScript, and
 * counts and money in this product stay far below 2^53, so nothing is lost and nobody has
 * to handle BigInt.
 */
function arrowTypeFor(type: DuckDBType): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return new Int32();
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return new Float64();
    case DuckDBTypeId.DATE:
      return new DateDay();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new TimestampMillisecond();
    default:
      return new Utf8();
  }
}

function convertValue(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (type instanceof Float64) return Number(value);
  if (type instanceof Int32) return Number(value);
  if (type instanceof TimestampMillisecond) return value instanceof Date ? value.getTime() : Number(value);
  if (type instanceof DateDay) return value instanceof Date ? value : new Date(String(value));
  if (type instanceof Bool) return Boolean(value);
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value, bigintSafe) : String(value);
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Builds an Arrow table from a fully read DuckDB result. */
export function readerToArrowTable(reader: DuckDBResultReader): Table {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, index) => {
    const arrowType = arrowTypeFor(types[index]!);
    const values = (columns[index] ?? []).map((value) => convertValue(value, arrowType));
    vectors[name] = vectorFromArray(values, arrowType);
  });
  return new Table(vectors);
}

/** Runs a query and returns its result as Arrow IPC stream bytes. */
export async function queryArrow(connection: DuckDBConnection, sql: string, params?: SqlParams): Promise<Uint8Array> {
  const reader = await connection.runAndReadAll(sql, params);
  return tableToIPC(readerToArrowTable(reader), 'stream');
}

/** Decodes IPC bytes (tests and hosts that need to look inside). */
export function arrowFromBytes(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}
