// The one owner of a task's lifetime: its id, its turn on shared tables, the connection it runs on,
// cancel checks before every statement and after the work, and the cleanup whatever happens.
//
// Every call that reads or writes the workspace runs here, so a workspace switch can stop them all
// (`cancelOn`) before the old workspace closes, instead of closing connections under them.
import type { DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import type { CoreEvent } from '../api/events.ts';
import type { Workspace } from '../db/workspace.ts';
import { applyAnalysisScope, type TaskAnalysisScope } from './analysisScope.ts';
import type { ProgressReporter, TaskScope } from './scope.ts';

/** Stored results that several verbs replace: the customers area's result_* tables, and the ticket classifications. */
export type TaskLock = 'customer-results' | 'ticket-reasons';

export interface TaskOptions {
  /** The caller's id, so `cancel` can name the task and progress events carry it; default a fresh one. */
  taskId?: string | undefined;
  locks?: readonly TaskLock[];
  /** The analysis scope the work sees its data through (analysisScope.ts); analyses only, never writes of imported data. */
  scope?: TaskAnalysisScope | undefined;
}

/** The work of a task: it runs on `scope.connection`, which belongs to `workspace`. */
export type TaskWork<T> = (scope: TaskScope, workspace: Workspace) => Promise<T>;

interface RunningTask {
  workspace: Workspace;
  controller: AbortController;
  /** Null until the task has its connection (it may be waiting for its turn). */
  connection: DuckDBConnection | null;
  /** Settles once the task has unwound and given its connection back. */
  done: Promise<unknown>;
}

const PROGRESS_INTERVAL_MS = 250;

/**
 * Connection methods that run SQL. Each checks the task's signal first: DuckDB forgets an
 * interrupt that arrives between two statements, so without the check a cancel landing there would
 * let the rest of the work run and return its result.
 */
const STATEMENT_METHODS = new Set<string>([
  'run',
  'runAndRead',
  'runAndReadAll',
  'runAndReadUntil',
  'stream',
  'streamAndRead',
  'streamAndReadAll',
  'streamAndReadUntil',
  'start',
  'startThenRead',
  'startThenReadAll',
  'startThenReadUntil',
  'startStream',
  'startStreamThenRead',
  'startStreamThenReadAll',
  'startStreamThenReadUntil',
  'prepare',
  'extractStatements',
  'createAppender',
] satisfies (keyof DuckDBConnection)[]);

/** Undo statements still run after a cancel: a cancelled transaction is rolled back, an attached copy detached. */
const UNDO = /^\s*(ROLLBACK|ABORT|DETACH)\b/i;

/** `connection` as a task's work sees it: every statement fails with the cancel's E_CANCELLED once the task is cancelled. */
function cancellableConnection(connection: DuckDBConnection, signal: AbortSignal): DuckDBConnection {
  return new Proxy(connection, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (typeof key !== 'string' || !STATEMENT_METHODS.has(key)) return value.bind(target) as unknown;
      return (...args: unknown[]) => {
        if (signal.aborted && !(typeof args[0] === 'string' && UNDO.test(args[0]))) return Promise.reject(cancelReason(signal));
        return value.apply(target, args) as unknown;
      };
    },
  });
}

/** Settles when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function cancelReason(signal: AbortSignal): CoreError {
  return signal.reason instanceof CoreError ? signal.reason : new CoreError('E_CANCELLED', 'cancelled');
}

export class TaskRunner {
  private readonly running = new Map<string, RunningTask>();
  private readonly locks = new Map<TaskLock, Promise<void>>();
  private taskCounter = 0;

  constructor(private readonly emit: (event: CoreEvent) => void) {}

  /**
   * Runs `work` on a connection of its own to `workspace`, registered under its task id so `cancel`
   * can stop it. Tasks naming the same lock run one after another: they replace the same stored
   * tables, and DuckDB aborts the second of two concurrent transactions that do (a write-write
   * conflict). Every turn is queued at once, so a task holding two locks cannot wait in a cycle.
   */
  run<T>(workspace: Workspace, options: TaskOptions, work: TaskWork<T>): Promise<T> {
    const id = options.taskId ?? `task-${++this.taskCounter}`;
    // Checked and registered with no await in between: a second call with a running id is refused.
    if (this.running.has(id)) return Promise.reject(new CoreError('E_ARGS', `task ${id} is already running`));
    const task: RunningTask = { workspace, controller: new AbortController(), connection: null, done: Promise.resolve() };
    this.running.set(id, task);
    // The turns are taken before the first await, so locked tasks run in the order they were asked for.
    const turns = (options.locks ?? []).map((lock) => this.takeTurn(lock));
    const done = this.execute(id, task, turns, work, options.scope);
    task.done = done;
    return done;
  }

  private async execute<T>(
    id: string,
    task: RunningTask,
    turns: { previous: Promise<void>; end: () => void }[],
    work: TaskWork<T>,
    analysisScope: TaskAnalysisScope | undefined,
  ): Promise<T> {
    const { signal } = task.controller;
    try {
      // A task cancelled while it waits for its turn leaves the queue at once.
      await Promise.race([Promise.all(turns.map((turn) => turn.previous)), aborted(signal)]);
      if (signal.aborted) throw cancelReason(signal);
      task.connection = await task.workspace.connect();
      const scope: TaskScope = { connection: cancellableConnection(task.connection, signal), progress: this.progressReporter(id), signal, taskId: id };
      if (analysisScope) await applyAnalysisScope(scope.connection, analysisScope);
      const result = await work(scope, task.workspace);
      // A cancel that landed after the last statement still ends the call as cancelled.
      if (signal.aborted) throw cancelReason(signal);
      return result;
    } catch (error) {
      // Whatever an interrupted statement threw, a cancelled task answers E_CANCELLED.
      if (signal.aborted) throw cancelReason(signal);
      throw error;
    } finally {
      this.running.delete(id);
      if (task.connection) task.workspace.release(task.connection);
      for (const turn of turns) turn.end();
    }
  }

  /**
   * Queues behind the last holder of `lock`: `previous` settles when it is done; `end` lets the next
   * one go, but never before `previous` is done (a task cancelled in the queue ends early).
   */
  private takeTurn(lock: TaskLock): { previous: Promise<void>; end: () => void } {
    const previous = this.locks.get(lock) ?? Promise.resolve();
    let end!: () => void;
    const mine = new Promise<void>((resolve) => (end = resolve)).then(() => previous);
    this.locks.set(lock, mine);
    void mine.then(() => {
      if (this.locks.get(lock) === mine) this.locks.delete(lock);
    });
    return { previous, end };
  }

  /** Interrupts a running task and waits until it has unwound; false when no task has that id. */
  async cancel(taskId: string, why = 'was cancelled'): Promise<boolean> {
    const task = this.running.get(taskId);
    if (!task) return false;
    await this.stop(taskId, task, why);
    return true;
  }

  /** Cancels every task running on `workspace` and waits for them, so it can be closed with nothing running on it. */
  async cancelOn(workspace: Workspace, why: string): Promise<void> {
    const tasks = [...this.running].filter(([, task]) => task.workspace === workspace);
    await Promise.all(tasks.map(([id, task]) => this.stop(id, task, why)));
  }

  private async stop(id: string, task: RunningTask, why: string): Promise<void> {
    if (!task.controller.signal.aborted) task.controller.abort(new CoreError('E_CANCELLED', `task ${id} ${why}`, { taskId: id }));
    task.connection?.interrupt();
    await task.done.catch(() => undefined);
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
