// Contract of the workspace area: open/create/save workspaces, import files, cancel tasks.

export type ImportKind = 'orders' | 'tickets' | 'surveys';
export type FileFormat = 'csv' | 'whitespace' | 'xlsx' | 'parquet' | 'json';
export type EncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'gbk' | 'big5' | 'windows-1252';
/** What an import makes of its files: canonical orders or tickets (mapped), or a `table` kept as written. */
export type ImportRequestKind = ImportKind | 'table';

/**
 * Something about an import the user must see before trusting its numbers (the wizard shows these
 * as a banner, the CLI and `info` print them). `code` is stable, for translation; `message` is English.
 * - `no_amount`: orders without any amount column: every revenue figure will be empty;
 * - `looks_like_tickets`: an orders file without amounts whose columns a tickets import reads as text (`columns`): likely a ticket export;
 * - `amount_unreadable`: the amount column holds no readable number (NaN, Infinity, text);
 * - `duplicate_header`: two columns share a header, and the mapping read the first;
 * - `implausible_dates`: dates outside the plausible range were rejected;
 * - `credit_notes`: negative invoices were read as refunds of the customer (or as cancellations);
 * - `credited_back`: customers who got back half or more of what they bought through credit notes (`count`, the most in `customer`):
 *   revenue is before credit notes, so their purchases count in full;
 * - `repeated_ids`: one file repeats an id; its rows were folded into one order or ticket;
 * - `existing_ids`: ids of the file already in the workspace (append replaces those rows);
 * - `unmatched_customers`: tickets whose customer has no order (`count` tickets, `share` of the tickets);
 * - `tickets_without_customer`: tickets of the import that name no customer (`count`, `share` of the import's tickets);
 * - `duplicate_file`: a file whose ids another file of the import holds (`count` shared, `share` of its ids): left out;
 * - `shared_ids`: ids that files of the import (not copies) share, and what became of their rows.
 */
/**
 * Something the user should know about an import, short of doubting its numbers (those are alerts).
 * `message` says it in English, as the CLI prints it; the other fields let a UI word it in its own language.
 * - `olist_joined`: the Olist files were joined into one export (`count` files);
 * - `olist_reviews_apart`: an orders import of Olist files left their reviews file (`files`) unread: it imports as tickets;
 * - `taobao_joined`: the Taobao order and item reports were joined by 订单编号;
 * - `statuses_unknown`: status words the vocabulary does not know, read as completed (`words`);
 * - `encoding_guessed`: a file neither UTF-8 nor marked with a BOM, read as `encoding` (`files`: its name);
 * - `no_buyer`: the platform's export (`profile`) names no buyer, so each order is its own customer.
 */
export interface ImportWarning {
  code: 'olist_joined' | 'olist_reviews_apart' | 'taobao_joined' | 'statuses_unknown' | 'encoding_guessed' | 'no_buyer';
  message: string;
  count?: number;
  words?: string[];
  files?: string[];
  encoding?: string;
  profile?: string;
}

export interface ImportAlert {
  code: 'no_amount' | 'amount_unreadable' | 'duplicate_header' | 'implausible_dates' | 'credit_notes' | 'credited_back' | 'looks_like_tickets' | 'repeated_ids' | 'existing_ids' | 'unmatched_customers' | 'tickets_without_customer' | 'duplicate_file' | 'shared_ids';
  message: string;
  /** The count behind the message, when there is one (rows rejected, ids repeated or existing). */
  count?: number;
  /** The share (0-1) that count is of the rows concerned, when the message gives one. */
  share?: number;
  /** The files the alert is about, by file name (a skipped copy first, then the file it copies), so a UI can word it in its own language. */
  files?: string[];
  /**
   * The columns the alert is about, so a UI can word it in its own language: for `amount_unreadable` the
   * unreadable column (with the canonical `field` it was mapped to); for `duplicate_header` the column the
   * mapping read, then the other copy under the name the preview gives it. Positions count from 1.
   */
  columns?: { header: string; position?: number }[];
  /** The canonical field the alert is about (`amount_unreadable`: the field the unreadable column was mapped to). */
  field?: string;
  /** `credited_back`: the customer credited the most, with the amounts credited and bought (completed orders). */
  customer?: { id: string; credited: number; bought: number };
}

/**
 * Canonical field to the source header it is read from. A value may also name a derived value:
 * `"order_id": "@customer_day"` (logs without order ids: one order per customer and day),
 * `"customer_id": "@order_id"` (exports without buyers: each order its own customer),
 * `"ticket_id": "@row"` (tickets without ids: an id from the row's content). An empty string
 * unmaps a field the import would otherwise map.
 */
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
  kind: ImportRequestKind;
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
  /** Tables imported with kind `table`, with their columns and types (e.g. telco: Tenure Months BIGINT). */
  userTables: UserTable[];
  /** What the workspace's data cannot answer, e.g. `no_amount` when orders carry no amount. */
  alerts: ImportAlert[];
}

export interface UserTable {
  name: string;
  rows: number;
  columns: { name: string; type: string }[];
}

export interface ImportOptions {
  kind: ImportRequestKind;
  /** Kind `table`: the name of the workspace table to create (replaced with `mode: 'replace'`). */
  table?: string;
  /** Files or folders; a folder imports every readable file in it. */
  files: string[];
  /** Overrides the detected encoding. */
  encoding?: EncodingName;
  /** Overrides or completes the detected mapping. */
  mapping?: ColumnMapping;
  /** XLSX: the sheet to read (name or 1-based index); default the first sheet with data. */
  sheet?: string;
  /** `append` (default) upserts by id; `replace` empties the kind's tables first (kind `table`: replaces the table). */
  mode?: 'append' | 'replace';
  /**
   * Negative invoices with a "C" id (credit notes, as UCI Online Retail writes them): `refund`
   * (default) stores them in `credit_notes` as money given back to their customer, counted by the
   * refund KPIs; `cancel` reads them as cancelled orders.
   */
  creditNotes?: 'refund' | 'cancel';
  /** Plausible dates (ISO): rows dated before `datesFrom` (default 1980-01-01) or on/after `datesTo` (default: 1 January two years after today) are rejected. */
  datesFrom?: string;
  datesTo?: string;
  /** Bounds on what the import reads; each absent one takes its default (README, "Import limits"). */
  limits?: ImportLimits;
}

/** Bounds on one import's input, checked before DuckDB reads it; a file past one fails with E_FORMAT naming the limit. */
export interface ImportLimits {
  /** Longest record in bytes (UTF-8). Default 16 MiB. */
  maxLineBytes?: number;
  /** Most fields in one record. Default 500. */
  maxColumns?: number;
  /** Deepest nesting of JSON arrays and objects. Default 1,000. */
  maxJsonDepth?: number;
  /** Most bytes a gzip file or xlsx workbook inflates to. Default 16 GiB. */
  maxInflatedBytes?: number;
  /** Most inflated bytes per compressed byte, judged past 64 MiB inflated. Default 200. */
  maxInflationRatio?: number;
  /** Most files in one import (folders expanded). Default 1,000. */
  maxFiles?: number;
  /** Size from which GBK/GB18030/Big5 files are decoded in parallel parts. Default 32 MiB. */
  partBytes?: number;
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
  /** Platform profile that matched the headers, e.g. 'taobao_tmall', 'uci_online_retail', or 'olist' for the joined Olist files. */
  profile: string | null;
  missingRequired: string[];
  /** True when the export has one row per item (lines are folded into orders and kept in order_lines). */
  lineLevel: boolean;
  /** Every file the import would read (folders expanded). */
  files: string[];
  /** Things the user should know before importing, e.g. status words the vocabulary does not know. */
  warnings: ImportWarning[];
  /** What the user must see before importing: no amount column, duplicate headers, ids already in the workspace (`existing_ids`). */
  alerts: ImportAlert[];
  /** Kind `table`: each column's type as the first 1,000 rows read (the import types on every row). */
  tableColumns?: { name: string; type: string }[];
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

export interface RejectCount {
  reason: string;
  /** The column whose value was refused; null for a malformed line. */
  column: string | null;
  rows: number;
}

export interface ImportResult {
  files: string[];
  /** The `sources` ids this import recorded, one per file in order: what `rejects` and the workspace's sources call them. */
  sourceIds: number[];
  /** Data rows in the files (records; a header is not a row). */
  rowsRead: number;
  /** Rows that landed: orders (or order lines), or tickets. */
  rowsLoaded: number;
  /** Rows sent to `rejects` (malformed lines and unreadable values). */
  rowsRejected: number;
  /** Rows of an earlier import replaced by this one (same order_id or ticket_id; kind `table`: the old table's rows). */
  rowsReplaced: number;
  /** Rows of this import folded into another row of it because they repeat its id (a ticket id on ten rows: 9). */
  rowsFolded: number;
  /** Orders, customers and tickets in the workspace after the import. */
  orders: number;
  customers: number;
  tickets: number;
  /** First and last timestamp (ISO, shop-local, no zone) of the rows this import loaded. */
  dateRange: DateRange | null;
  mapping: ColumnMapping;
  /** Platform profile or recipe that read the files, e.g. 'uci_online_retail', 'olist'. */
  profile: string | null;
  lineLevel: boolean;
  /** Up to 10 rejected rows, first lines first. */
  rejectsSample: RejectSample[];
  /** Rejected rows counted by reason and column, most first (up to 10): what the sample's first lines cannot say of a large file. */
  rejectCounts: RejectCount[];
  /** Encoding and format of the first file. */
  encoding: string;
  format: FileFormat;
  /** Things the user should know, e.g. status words the vocabulary does not know (read as completed). */
  warnings: ImportWarning[];
  /** What the user must see before trusting the numbers (`no_amount`, `amount_unreadable`, ...); the wizard's banner reads these. */
  alerts: ImportAlert[];
  /** Kind `table`: the table written, its columns and types. */
  table?: UserTable;
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
