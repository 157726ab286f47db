// Events the core pushes to every client: progress of long tasks and log lines.

/** Phases a long task passes through; the UI names them in both languages. */
export type TaskPhase =
  | 'sniff'
  | 'transcode'
  | 'read'
  | 'normalise'
  | 'swap'
  /** Matching tickets to churn reasons; `rows` counts tickets. */
  | 'classify'
  | 'analyse'
  | 'render'
  | 'done';

export interface ProgressEvent {
  type: 'progress';
  taskId: string;
  phase: TaskPhase;
  bytesDone: number;
  bytesTotal: number;
  rows: number;
  rowsPerSec: number;
  /** The file being worked on, when the task reads files. */
  file?: string;
}

export interface LogEvent {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
  taskId?: string;
}

export type CoreEvent = ProgressEvent | LogEvent;

export type CoreEventListener = (event: CoreEvent) => void;
