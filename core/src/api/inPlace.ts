// Data in place: orders read from Parquet files where they lie, and the cleaned tables written out as Parquet.
import type { ColumnMapping } from './workspace.ts';

export interface ReadInPlaceRequest {
  taskId?: string;
  /** A Parquet file, a folder (every .parquet below it, hive partition folders included) or a glob. */
  path: string;
  /** Only orders are read in place. */
  kind: 'orders';
  /** Field to column, as an import's mapping; derived values (`@...`) need an import. */
  mapping?: ColumnMapping;
}

export interface ReadInPlaceResult {
  /** The glob the `orders` view reads. */
  source: string;
  files: number;
  mapping: ColumnMapping;
  profile: string | null;
  rowsRead: number;
  /** Rows the view shows: those with an order id, a customer and a readable time. */
  rowsLoaded: number;
  /** Rows the view leaves out (no order id, customer or readable time), as an import rejects them. */
  rowsLeftOut: number;
  dateRange: { from: string; to: string } | null;
}

export interface ExportParquetRequest {
  taskId?: string;
  /** Folder to write into: <table>/month=YYYY-MM/*.parquet for orders and tickets, <table>.parquet for the others. */
  out: string;
}

export interface ExportParquetResult {
  out: string;
  tables: { table: string; rows: number; path: string; partitionedBy: 'month' | null }[];
}

export interface InPlaceApi {
  /** Makes `orders` a view over Parquet files, mapped and checked as an import would; nothing is copied. */
  readInPlace(request: ReadInPlaceRequest): Promise<ReadInPlaceResult>;
  /** Writes the canonical tables as Parquet, partitioned by month, for other engines to read. */
  exportParquet(request: ExportParquetRequest): Promise<ExportParquetResult>;
}

export const IN_PLACE_METHODS = ['readInPlace', 'exportParquet'] as const satisfies readonly (keyof InPlaceApi)[];
