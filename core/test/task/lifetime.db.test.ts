// Task lifetimes: cancel checked before every statement and after the work, unique task ids, and a
// workspace switch that stops what runs on the old workspace instead of closing connections under it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { queryOne } from '../../src/db/sql.ts';
import { IN_MEMORY, Workspace } from '../../src/db/workspace.ts';
import { CoreContext } from '../../src/host/context.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { insertOrders } from '../helpers/fixtures.ts';

/** A statement that runs for a while (about a second on this machine) unless interrupted. */
const SLOW = 'SELECT count(*) AS n FROM range(300000000) t(i) WHERE hash(i) % 7 = 3';

/** Resolves once `holds` is true, looking every few milliseconds. */
async function until(holds: () => boolean): Promise<void> {
  while (!holds()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Lets a statement handed to DuckDB begin. Nothing here depends on it having begun (a statement
 * not yet begun is refused or finishes, and the call settles either way); it makes the test
 * exercise the interesting case, a close while a statement runs.
 */
const aMoment = () => new Promise((resolve) => setTimeout(resolve, 100));

async function failure(promise: Promise<unknown>): Promise<CoreError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(CoreError);
  return outcome.error as CoreError;
}

describe('cancel checks', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await openTestCore({ inMemory: true });
    const workspace = await Workspace.open(join(t.dir, 'shop.duckdb'), { threads: 1 });
    await workspace.withConnection((connection) =>
      insertOrders(connection, [
        { order_id: 'o1', customer_id: 'a', ordered_at: '2024-01-05' },
        { order_id: 'o2', customer_id: 'a', ordered_at: '2024-02-05' },
        { order_id: 'o3', customer_id: 'b', ordered_at: '2024-01-20' },
      ]),
    );
    await workspace.close();
    await t.core.openWorkspace({ path: join(t.dir, 'shop.duckdb') });
  });
  afterEach(async () => t.close());

  it('a cancel that lands before an analysis runs its first statement ends the call with E_CANCELLED', async () => {
    // The progress event comes after the task started and before its first statement: no statement
    // is running, so DuckDB's interrupt alone would be forgotten and the analysis would answer.
    t.core.on((event) => {
      if (event.type === 'progress' && event.taskId === 'between') void t.core.cancel({ taskId: 'between' });
    });
    const error = await failure(t.core.kpis({ taskId: 'between' }));
    expect(error.code).toBe('E_CANCELLED');
    expect(error.message).toBe('task between was cancelled');
    // the workspace answers the next call
    const kpis = await t.core.kpis({});
    expect(kpis.kpis.find((kpi) => kpi.key === 'customers')?.value).toBe(2);
  });

  it('two calls with one task id: the second is refused while the first runs, and the first answers', async () => {
    const first = t.core.kpis({ taskId: 'same' });
    const second = failure(t.core.kpis({ taskId: 'same' }));
    expect((await second).code).toBe('E_ARGS');
    expect((await second).message).toBe('task same is already running');
    expect((await first).kpis.find((kpi) => kpi.key === 'customers')?.value).toBe(2);
    // once it has ended, the id is free again
    expect((await t.core.kpis({ taskId: 'same' })).kpis.length).toBeGreaterThan(0);
  });
});

describe('the task runner', () => {
  let context: CoreContext;
  beforeEach(async () => {
    context = new CoreContext(await Workspace.open(IN_MEMORY, { threads: 2 }));
  });
  afterEach(async () => context.close());

  it('checks for a cancel before every statement: the statement after a cancel never runs', async () => {
    await context.withConnection((connection) => connection.run('CREATE TABLE steps (step INTEGER)'));
    const call = context.task('steps', async ({ connection }) => {
      await connection.run('INSERT INTO steps VALUES (1)');
      void context.cancel('steps');
      await connection.run('INSERT INTO steps VALUES (2)');
      return 'finished';
    });
    expect((await failure(call)).code).toBe('E_CANCELLED');
    const { steps } = await context.withConnection((connection) => queryOne<{ steps: string }>(connection, "SELECT string_agg(step::VARCHAR, ',') AS steps FROM steps"));
    expect(steps).toBe('1');
  });

  it('checks after the work: a cancel that lands after the last statement ends the call with E_CANCELLED, not the result', async () => {
    const call = context.task('late', async ({ connection }) => {
      await connection.run('SELECT 1');
      void context.cancel('late');
      return 'result';
    });
    expect((await failure(call)).code).toBe('E_CANCELLED');
  });

  it('a task cancelled while it waits for its lock leaves the queue at once, and the next waits for the holder', async () => {
    const order: string[] = [];
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const holder = context.task('holder', async () => {
      await holding;
      order.push('holder');
    }, ['customer-results']);
    const queued = context.task('queued', async () => void order.push('queued'), ['customer-results']);
    const next = context.task('next', async () => void order.push('next'), ['customer-results']);
    expect(await context.cancel('queued')).toBe(true);
    expect((await failure(queued)).code).toBe('E_CANCELLED');
    release();
    await Promise.all([holder, next]);
    expect(order).toEqual(['holder', 'next']);
  });

  it('a rollback still runs after a cancel, so a cancelled transaction leaves nothing behind', async () => {
    await context.withConnection((connection) => connection.run('CREATE TABLE kept (n INTEGER)'));
    const call = context.task('tx', async ({ connection }) => {
      await connection.run('BEGIN TRANSACTION');
      try {
        await connection.run('INSERT INTO kept VALUES (1)');
        void context.cancel('tx');
        await connection.run('INSERT INTO kept VALUES (2)');
        await connection.run('COMMIT');
      } catch (error) {
        await connection.run('ROLLBACK');
        throw error;
      }
    });
    expect((await failure(call)).code).toBe('E_CANCELLED');
    const { n } = await context.withConnection((connection) => queryOne<{ n: number }>(connection, 'SELECT count(*)::INTEGER AS n FROM kept'));
    expect(n).toBe(0);
  });
});

describe('a workspace switch while calls run', () => {
  let dir: string;
  let context: CoreContext;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-switch-'));
    context = new CoreContext(await Workspace.open(join(dir, 'first.duckdb'), { threads: 2 }));
  });
  afterEach(async () => {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cancels a task and a plain read running on the old workspace; both settle, the switch completes, new calls use the new one', async () => {
    const old = context.workspace();
    let started = 0;
    const task = context.task('long', async ({ connection }) => {
      started += 1;
      return connection.run(SLOW);
    });
    const read = context.withConnection(async (connection) => {
      started += 1;
      return connection.run(SLOW);
    });
    await until(() => started === 2);
    await aMoment();
    const outcomes = Promise.all([failure(task), failure(read)]);

    const next = await Workspace.open(join(dir, 'second.duckdb'), { threads: 2 });
    await context.setWorkspace(next);
    const [taskError, readError] = await outcomes;
    expect(taskError.code).toBe('E_CANCELLED');
    expect(taskError.message).toBe(`task long was cancelled: the workspace changed to ${next.path}`);
    expect(readError.code).toBe('E_CANCELLED');
    // the old workspace is closed; the new one answers
    await expect(old.connect()).rejects.toMatchObject({ code: 'E_WORKSPACE' });
    const { name } = await context.withConnection((connection) => queryOne<{ name: string }>(connection, 'SELECT current_database() AS name'));
    expect(name).toBe('second');
  });

  it('closing a workspace waits for a connection taken outside the runner instead of closing it under its statement', async () => {
    const workspace = context.workspace();
    let started = false;
    const direct = workspace.withConnection(async (connection) => {
      started = true;
      return connection.run(SLOW);
    });
    const settled = direct.then(
      () => 'finished',
      (error: unknown) => String(error),
    );
    await until(() => started);
    await aMoment();
    await workspace.close();
    // the statement was interrupted (or, had it not begun yet, ran to its end): either way its call settled
    expect(await settled).toMatch(/interrupt|finished/i);
  });
});
