// Save As writes a consistent copy from a snapshot of the open workspace (never a copy of the live
// file), replaces the target whole, and switches to the copy.
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryOne } from '../../src/db/sql.ts';
import { saveCopy, Workspace } from '../../src/db/workspace.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { insertOrders } from '../helpers/fixtures.ts';

const count = async (connection: DuckDBConnection, table: string) => (await queryOne<{ n: number }>(connection, `SELECT count(*)::INTEGER AS n FROM ${table}`)).n;

describe('saveWorkspaceAs', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await openTestCore();
    const workspace = await Workspace.open(join(t.dir, 'shop.duckdb'), { threads: 1 });
    await workspace.withConnection((connection) =>
      insertOrders(connection, [
        { order_id: 'o1', customer_id: 'a', ordered_at: '2024-01-05' },
        { order_id: 'o2', customer_id: 'b', ordered_at: '2024-01-06' },
      ]),
    );
    await workspace.close();
    await t.core.openWorkspace({ path: join(t.dir, 'shop.duckdb') });
  });
  afterEach(async () => t.close());

  it('copies a file workspace, switches to the copy, and leaves the original as it was', async () => {
    const copy = join(t.dir, 'copy.duckdb');
    const info = await t.core.saveWorkspaceAs({ path: copy });
    expect(info).toMatchObject({ path: copy, orders: 2, customers: 2 });
    // no partial file is left beside the copy
    expect(readdirSync(t.dir).filter((name) => name.includes('.partial-'))).toEqual([]);
    const original = await Workspace.open(join(t.dir, 'shop.duckdb'), { threads: 1 });
    try {
      expect(await original.withConnection((connection) => count(connection, 'orders'))).toBe(2);
    } finally {
      await original.close();
    }
  });

  it('replaces an existing target whole, including a WAL left beside it by another database', async () => {
    // A workspace left open (as after a crash) has a WAL: copied beside the target, the old code
    // kept it, and opening the copy replayed another database's log onto it.
    const other = await Workspace.open(join(t.dir, 'other.duckdb'), { threads: 1 });
    const target = join(t.dir, 'target.duckdb');
    try {
      await other.withConnection((connection) => connection.run("CREATE TABLE elsewhere AS SELECT 1 AS n; INSERT INTO orders (order_id, customer_id, ordered_at, status, source_id) VALUES ('x', 'x', TIMESTAMP '2020-01-01', 'completed', 0)"));
      copyFileSync(join(t.dir, 'other.duckdb'), target);
      copyFileSync(join(t.dir, 'other.duckdb.wal'), `${target}.wal`);
    } finally {
      await other.close();
    }
    const info = await t.core.saveWorkspaceAs({ path: target });
    expect(info).toMatchObject({ path: target, orders: 2 });
  });

  it('refuses to save the open workspace onto its own file', async () => {
    await expect(t.core.saveWorkspaceAs({ path: join(t.dir, 'shop.duckdb') })).rejects.toMatchObject({ code: 'E_ARGS' });
    expect((await t.core.describeWorkspace({})).orders).toBe(2);
  });

  it('copies an in-memory workspace', async () => {
    await t.core.openWorkspace({ path: ':memory:' });
    const copy = join(t.dir, 'fromMemory.duckdb');
    expect(await t.core.saveWorkspaceAs({ path: copy })).toMatchObject({ path: copy, orders: 0 });
  });
});

describe('saveCopy', () => {
  it('copies one snapshot: a transaction still open on another connection is not in the copy, and commits afterwards to the original', async () => {
    const t = await openTestCore();
    const workspace = await Workspace.open(join(t.dir, 'live.duckdb'), { threads: 1 });
    const writer = await workspace.connect();
    const saver = await workspace.connect();
    try {
      await writer.run('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)');
      await writer.run('BEGIN TRANSACTION');
      await writer.run('INSERT INTO t VALUES (2)');
      const target = join(t.dir, 'snapshot.duckdb');
      writeFileSync(target, 'an older file');
      await saveCopy(saver, target);
      await writer.run('COMMIT');
      expect(await count(writer, 't')).toBe(2);
      const copy = await Workspace.open(target, { threads: 1 });
      try {
        expect(await copy.withConnection((connection) => count(connection, 't'))).toBe(1);
      } finally {
        await copy.close();
      }
    } finally {
      workspace.release(writer);
      workspace.release(saver);
      await workspace.close();
      await t.close();
    }
  });
});
