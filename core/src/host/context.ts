// What every handler shares: the current workspace, the event stream, and the task runner every
// call on the workspace goes through.
import type { DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import type { CoreEvent, CoreEventListener } from '../api/events.ts';
import type { Workspace } from '../db/workspace.ts';
import type { TaskAnalysisScope } from '../task/analysisScope.ts';
import { TaskRunner, type TaskLock, type TaskWork } from '../task/runner.ts';

export class CoreContext {
  private current: Workspace | null = null;
  private readonly listeners = new Set<CoreEventListener>();
  private readonly runner = new TaskRunner((event) => this.emit(event));

  constructor(workspace?: Workspace) {
    this.current = workspace ?? null;
  }

  /** The open workspace. Handlers run their SQL through `task` or `withConnection`, never on it directly. */
  workspace(): Workspace {
    if (!this.current) throw new CoreError('E_WORKSPACE', 'no workspace is open');
    return this.current;
  }

  /**
   * Makes `next` the current workspace. Calls made from now on run on `next`; calls still running
   * on the previous one are cancelled (they answer E_CANCELLED) and waited for before it closes.
   */
  async setWorkspace(next: Workspace): Promise<void> {
    const previous = this.current;
    this.current = next;
    if (!previous || previous === next) return;
    await this.runner.cancelOn(previous, `was cancelled: the workspace changed to ${next.path}`);
    await previous.close();
  }

  on(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Runs `work` as a task of the current workspace (see TaskRunner.run): cancellable by its id,
   * cancelled by a workspace switch, after its turn on each of `locks`, seeing the data through `scope`.
   */
  async task<T>(taskId: string | undefined, work: TaskWork<T>, locks: readonly TaskLock[] = [], scope?: TaskAnalysisScope): Promise<T> {
    return this.runner.run(this.workspace(), { taskId, locks, scope }, work);
  }

  /** A short read or write on the current workspace: a task without an id of the caller's. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.runner.run(this.workspace(), {}, ({ connection }) => work(connection));
  }

  /**
   * A call that takes its own connections from the workspace (describing it, previewing an
   * import): run as a task too, so a workspace switch waits for it and it answers E_CANCELLED.
   */
  async withWorkspace<T>(work: (workspace: Workspace) => Promise<T>): Promise<T> {
    return this.runner.run(this.workspace(), {}, (_scope, workspace) => work(workspace));
  }

  /** Interrupts a running task and waits until it has unwound. */
  cancel(taskId: string): Promise<boolean> {
    return this.runner.cancel(taskId);
  }

  async close(): Promise<void> {
    const closing = this.current;
    this.current = null;
    if (!closing) return;
    await this.runner.cancelOn(closing, 'was cancelled: the core is closing');
    await closing.close();
  }
}
