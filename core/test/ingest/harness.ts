// Test harness for imports: a core on a workspace file, talked to through the loopback wire, plus SQL on that file.
//
// The core's API has no SQL verb, so checks that need SQL close the core, read the file with a
// read-only DuckDB instance (one instance per file at a time), and reopen the core.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createClient, loopbackWire, type CoreHandle } from '../../src/api/index.ts';
import { TABLE_NAMES } from '../../src/db/schema.ts';
import { queryRows, type PlainRow, type SqlParams } from '../../src/db/sql.ts';
import { createCore, type Core } from '../../src/host/core.ts';

export interface Harness {
  dir: string;
  path: string;
  /** The core behind the structuredClone wire, as every UI sees it. */
  client(): CoreHandle;
  core(): Core;
  /** Runs read-only SQL on the workspace file (closing and reopening the core around it). */
  sql<T extends PlainRow = PlainRow>(query: string, params?: SqlParams): Promise<T[]>;
  /** Row count and an order-independent hash of every table: equal checksums, equal workspace. */
  checksums(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Rows of read-only SQL on a workspace file no other DuckDB instance has open. */
export async function readOnlyRows<T extends PlainRow = PlainRow>(path: string, query: string, params?: SqlParams): Promise<T[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return await queryRows<T>(connection, query, params);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function openHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-ingest-'));
  const path = join(dir, 'workspace.duckdb');
  const settings = { memoryLimit: '1GB', threads: 2, tempDirectory: join(dir, 'spill') };
  let core = await createCore({ workspace: path, settings });
  let client = createClient(loopbackWire(core));
  const sql = async <T extends PlainRow = PlainRow>(query: string, params?: SqlParams): Promise<T[]> => {
    await core.close();
    try {
      return await readOnlyRows<T>(path, query, params);
    } finally {
      core = await createCore({ workspace: path, settings });
      client = createClient(loopbackWire(core));
    }
  };
  return {
    dir,
    path,
    client: () => client,
    core: () => core,
    sql,
    async checksums() {
      const parts = TABLE_NAMES.map((table) => `SELECT '${table}' AS name, count(*)::VARCHAR || ':' || coalesce(sum(hash(t))::VARCHAR, '0') AS sum FROM ${table} t`);
      const rows = await sql<{ name: string; sum: string }>(parts.join(' UNION ALL '));
      return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
    },
    async close() {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ingest');
