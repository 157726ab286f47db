// What every handler shares: the current workspace, the event stream, and cancellable tasks.
import type { DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import type { CoreEvent, CoreEventListener } from '../api/events.ts';
import type { Workspace } from '../db/workspace.ts';
import type { ProgressReporter, TaskScope } from '../task/scope.ts';

interface RunningTask {
  connection: DuckDBConnection;
  controller: AbortController;
  done: Promise<unknown>;
}

const PROGRESS_INTERVAL_MS = 250;

/** Stored results that several verbs replace: the customers area's result_* tables, and the ticket classifications. */
export type TaskLock = 'customer-results' | 'ticket-reasons';

export class CoreContext {
  private current: Workspace | null = null;
  private readonly listeners = new Set<CoreEventListener>();
  private readonly running = new Map<string, RunningTask>();
  private taskCounter = 0;
  private readonly locks = new Map<TaskLock, Promise<void>>();

  constructor(workspace?: Workspace) {
    this.current = workspace ?? null;
  }

  /** The open workspace; every analysis runs against it. */
  workspace(): Workspace {
    if (!this.current) throw new CoreError('E_WORKSPACE', 'no workspace is open');
    return this.current;
  }

  /** Replaces the current workspace, closing the previous one. */
  async setWorkspace(next: Workspace): Promise<void> {
    const previous = this.current;
    this.current = next;
    if (previous && previous !== next) await previous.close();
  }

  on(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Runs `work` on a connection of its own, registered under `taskId` so `cancel` can stop it.
   * Tasks naming the same lock run one after another: they replace the same stored tables, and
   * DuckDB aborts the second of two concurrent transactions that do (a write-write conflict).
   * Every turn is queued at once, so a task holding two locks cannot wait in a cycle with another.
   */
  async task<T>(taskId: string | undefined, work: (scope: TaskScope) => Promise<T>, locks: readonly TaskLock[] = []): Promise<T> {
    const id = taskId ?? `task-${++this.taskCounter}`;
    if (this.running.has(id)) throw new CoreError('E_ARGS', `task ${id} is already running`);
    const workspace = this.workspace();
    // The turn is taken before the first await, so locked tasks run in the order they were asked for.
    const turns = locks.map((lock) => this.takeTurn(lock));
    const endTurns = () => turns.forEach((turn) => turn.end());
    let connection: DuckDBConnection;
    try {
      connection = await workspace.connect();
    } catch (error) {
      endTurns();
      throw error;
    }
    const controller = new AbortController();
    const progress = this.progressReporter(id);
    const done = (async () => {
      try {
        await Promise.all(turns.map((turn) => turn.previous));
        if (controller.signal.aborted) throw new CoreError('E_CANCELLED', `task ${id} was cancelled`);
        return await work({ connection, progress, signal: controller.signal, taskId: id });
      } catch (error) {
        if (controller.signal.aborted) throw new CoreError('E_CANCELLED', `task ${id} was cancelled`);
        throw error;
      } finally {
        this.running.delete(id);
        workspace.release(connection);
        endTurns();
      }
    })();
    this.running.set(id, { connection, controller, done });
    return done;
  }

  /** Queues behind the last holder of `lock`: `previous` settles when it is done; `end` lets the next one go. */
  private takeTurn(lock: TaskLock): { previous: Promise<void>; end: () => void } {
    const previous = this.locks.get(lock) ?? Promise.resolve();
    let end!: () => void;
    const mine = new Promise<void>((resolve) => (end = resolve));
    this.locks.set(lock, mine);
    void mine.then(() => {
      if (this.locks.get(lock) === mine) this.locks.delete(lock);
    });
    return { previous, end };
  }

  /** Interrupts a running task and waits until it has unwound. */
  async cancel(taskId: string): Promise<boolean> {
    const task = this.running.get(taskId);
    if (!task) return false;
    task.controller.abort();
    task.connection.interrupt();
    await task.done.catch(() => undefined);
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.cancel(id)));
    await this.current?.close();
    this.current = null;
  }

  private progressReporter(taskId: string): ProgressReporter {
    const started = performance.now();
    let lastSent = 0;
    return {
      update: (update, force = false) => {
        const now = performance.now();
        if (!force && now - lastSent < PROGRESS_INTERVAL_MS) return;
        lastSent = now;
        const rows = update.rows ?? 0;
        const seconds = (now - started) / 1000;
        this.emit({
          type: 'progress',
          taskId,
          phase: update.phase,
          bytesDone: update.bytesDone ?? 0,
          bytesTotal: update.bytesTotal ?? 0,
          rows,
          rowsPerSec: seconds > 0 ? Math.round(rows / seconds) : 0,
          ...(update.file === undefined ? {} : { file: update.file }),
        });
      },
    };
  }
}
