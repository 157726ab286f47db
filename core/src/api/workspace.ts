// Contract of the workspace area: open/create/save workspaces, import files, cancel tasks.

export type ImportKind = 'orders' | 'tickets';
export type FileFormat = 'csv' | 'whitespace' | 'xlsx' | 'parquet' | 'json';
export type EncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'gbk' | 'big5';

/** Canonical column name to the source header it is read from. */
export type ColumnMapping = Record<string, string>;

export interface OpenWorkspaceRequest {
  /** Path of the .duckdb file; created with the canonical tables when absent. */
  path: string;
}

export interface SaveWorkspaceAsRequest {
  /** Where to write a copy; the copy becomes the open workspace. */
  path: string;
}

export interface TableCount {
  name: string;
  rows: number;
}

export interface SourceInfo {
  sourceId: number;
  file: string;
  kind: ImportKind;
  format: FileFormat;
  encoding: string | null;
  sizeBytes: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  mapping: ColumnMapping;
  importedAt: string;
}

export interface DateRange {
  from: string;
  to: string;
}

export interface WorkspaceInfo {
  path: string;
  tables: TableCount[];
  orders: number;
  customers: number;
  tickets: number;
  /** First and last order timestamps (ISO), null when there are no orders. */
  dateRange: DateRange | null;
  sources: SourceInfo[];
  /** Optional canonical columns that hold at least one value, e.g. ['channel', 'category']. */
  filledColumns: { orders: string[]; tickets: string[] };
}

export interface ImportOptions {
  kind: ImportKind;
  /** Files or folders; a folder imports every readable file in it. */
  files: string[];
  /** Overrides the detected encoding. */
  encoding?: EncodingName;
  /** Overrides or completes the detected mapping. */
  mapping?: ColumnMapping;
  /** XLSX: the sheet to read (name or 1-based index); default the first sheet with data. */
  sheet?: string;
  /** `append` (default) upserts by id; `replace` empties the kind's tables first. */
  mode?: 'append' | 'replace';
}

export interface PreviewImportRequest extends ImportOptions {
  /** How many rows of the first file to show. Default 20. */
  rows?: number;
}

export interface MappingCandidate {
  column: string;
  required: boolean;
  /** The header chosen, or null when none matched. */
  header: string | null;
  /** Other headers that could serve, best first. */
  candidates: string[];
}

export interface ImportPreview {
  file: string;
  format: FileFormat;
  encoding: string;
  delimiter: string | null;
  sheets: string[];
  headers: string[];
  rows: string[][];
  mapping: ColumnMapping;
  columns: MappingCandidate[];
  /** Platform profile that matched the headers, e.g. 'tmall', 'uci_online_retail'. */
  profile: string | null;
  missingRequired: string[];
}

export interface ImportRequest extends ImportOptions {
  /** Lets `cancel` interrupt this import; progress events carry it. */
  taskId?: string;
}

export interface RejectSample {
  file: string;
  line: number | null;
  column: string | null;
  raw: string | null;
  reason: string;
}

export interface ImportResult {
  files: string[];
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Rows of an earlier import replaced by this one (same order_id or ticket_id). */
  rowsReplaced: number;
  orders: number;
  customers: number;
  tickets: number;
  dateRange: DateRange | null;
  mapping: ColumnMapping;
  rejectsSample: RejectSample[];
  encoding: string;
  format: FileFormat;
  seconds: number;
}

export interface RejectsRequest {
  sourceId?: number;
  offset?: number;
  limit?: number;
}

export interface CancelRequest {
  taskId: string;
}

export interface WorkspaceApi {
  /** Opens (or creates) a workspace file and makes it the current one. */
  openWorkspace(request: OpenWorkspaceRequest): Promise<WorkspaceInfo>;
  /** Copies the current workspace to a new file and switches to it. */
  saveWorkspaceAs(request: SaveWorkspaceAsRequest): Promise<WorkspaceInfo>;
  /** Tables, counts, date range and sources of the current workspace. */
  describeWorkspace(request: Record<string, never>): Promise<WorkspaceInfo>;
  /** Sniffs the first file: format, encoding, headers, first rows and the proposed mapping. */
  previewImport(request: PreviewImportRequest): Promise<ImportPreview>;
  /** Imports files atomically: all rows land, or the workspace is left as it was. */
  importFiles(request: ImportRequest): Promise<ImportResult>;
  /** Rejected rows as an Arrow table (file, line, column, raw, reason). */
  rejects(request: RejectsRequest): Promise<Uint8Array>;
  /** Interrupts a running task; resolves once it has stopped. */
  cancel(request: CancelRequest): Promise<{ cancelled: boolean }>;
}

export const WORKSPACE_METHODS = [
  'openWorkspace',
  'saveWorkspaceAs',
  'describeWorkspace',
  'previewImport',
  'importFiles',
  'rejects',
  'cancel',
] as const satisfies readonly (keyof WorkspaceApi)[];
