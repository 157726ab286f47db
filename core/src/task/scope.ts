// What a task's work receives from the runner: its connection, progress reporter, cancel signal and id.
// It lives below host/ so ingest and analyses can take a TaskScope without importing their host.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TaskPhase } from '../api/events.ts';

export interface ProgressUpdate {
  phase: TaskPhase;
  bytesDone?: number;
  bytesTotal?: number;
  rows?: number;
  file?: string;
}

/** Reports a task's progress; throttled so a tight loop cannot flood the clients. */
export interface ProgressReporter {
  update(update: ProgressUpdate, force?: boolean): void;
}

export interface TaskScope {
  connection: DuckDBConnection;
  progress: ProgressReporter;
  /** Aborted by `cancel`; JavaScript stages (transcoding, xlsx streaming) check it. */
  signal: AbortSignal;
  taskId: string;
}
