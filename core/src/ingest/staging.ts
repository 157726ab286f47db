// What the load stage's modules share: the load's input, what each insert path reports, the
// canonical columns of normalised rows, and statements whose progress is polled while they run.
import type { DuckDBValue } from '@duckdb/node-api';
import type { ColumnMapping, ImportKind, RejectCount, RejectSample } from '../api/workspace.ts';
import type { TaskPhase } from '../api/events.ts';
import { quoteIdent } from '../db/sql.ts';
import type { TaskScope } from '../task/scope.ts';
import type { RowPlan } from './normalise.ts';
import type { ReadFile } from './read.ts';
import type { ReadLimits, ReadOptions, SqlPiece } from './reader.ts';

/** What the load stage takes: the map stage's MappedImport, and how to load it. */
export interface LoadInput {
  kind: ImportKind;
  plan: RowPlan;
  files: readonly ReadFile[];
  /** Files read for context only (Olist customers, payments, ...): recorded in sources, not counted as rows. */
  auxiliary: ReadonlySet<number>;
  /** The relation of every file's rows, columns named by canonical field, plus `__src` (file position); `native` fields read typed. */
  source(options: (position: number) => ReadOptions, native?: ReadonlySet<string>): SqlPiece;
  /** Fields the direct read may take typed (their sample was clean). */
  native: ReadonlySet<string>;
  /** One file's rows in file order with `__record`, for numbering rejects; null when they cannot be numbered. */
  orderedSource(position: number, options: ReadOptions): SqlPiece | null;
  mapping: ColumnMapping;
  mode: 'append' | 'replace';
  limits: ReadLimits;
}

/** What came of one file's rows. */
export interface FileCounts {
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

/** What the load stage hands on to the record stage and the result. */
export interface LoadedImport {
  /** Source id of the first file; the import's rows carry source ids from here on. */
  base: number;
  perFile: FileCounts[];
  rowsReplaced: number;
  /** Rows of this import folded into another of its rows because they repeat its id (order-level orders, tickets). */
  rowsFolded: number;
  /** Credit notes this import stored in `credit_notes` instead of `orders`. */
  creditNotes: number;
  rejectsSample: RejectSample[];
  rejectCounts: RejectCount[];
}

/** What a load path knows per file: rows loaded, and rows parsed when it staged them (exact) or null (direct). */
export interface Loaded {
  loaded: Map<number, number>;
  parsed: Map<number, number> | null;
  /** Temp table of order ids rejected as a whole (line-level exports), for numbering their lines. */
  rejectedOrders: string | null;
  /** Temp table holding every normalised row, when staged. */
  stage: string | null;
}

export const ORDER_COLUMNS = ['order_id', 'customer_id', 'ordered_at', 'paid_at', 'amount', 'discount', 'refund_amount', 'status', 'channel', 'region', 'category', 'items'] as const;
const COLUMN_TYPES: Record<string, string> = {
  ordered_at: 'TIMESTAMP', paid_at: 'TIMESTAMP', created_at: 'TIMESTAMP', amount: 'DOUBLE', discount: 'DOUBLE', refund_amount: 'DOUBLE',
  items: 'DOUBLE', unit_price: 'DOUBLE', line_no: 'DOUBLE', rating: 'DOUBLE',
};


/** A statement whose progress is polled from DuckDB every 250 ms while it runs; returns the rows it changed. */
export async function tracked(scope: TaskScope, phase: TaskPhase, bytesTotal: number, sql: string, params: Record<string, DuckDBValue>): Promise<number> {
  const timer = setInterval(() => {
    const progress = scope.connection.progress;
    if (progress.percentage < 0) return;
    scope.progress.update({ phase, bytesDone: Math.round((bytesTotal * Math.min(100, progress.percentage)) / 100), bytesTotal, rows: Number(progress.rows_processed) });
  }, 250);
  try {
    const result = await scope.connection.run(sql, params);
    return Number(result.rowsChanged);
  } finally {
    clearInterval(timer);
  }
}

/** A canonical column of the normalised rows, or a typed NULL when the import does not map it. */
export function column(plan: RowPlan, name: string): string {
  const present = plan.fields.some((field) => field.name === name) || name in plan.derived;
  return present ? quoteIdent(name) : `NULL::${COLUMN_TYPES[name] ?? 'VARCHAR'}`;
}

export function has(plan: RowPlan, name: string): boolean {
  return plan.fields.some((field) => field.name === name);
}

export function countsBySource(rows: { src: number; n: number }[]): Map<number, number> {
  return new Map(rows.map((row) => [Number(row.src), Number(row.n)]));
}

