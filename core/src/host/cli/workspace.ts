// CLI commands of the workspace area: import and info.
//
// Both print a short readable summary by default and the whole result with --json. Import
// progress goes to stderr, on one rewritten line, when stderr is a terminal.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ColumnMapping, EncodingName, ImportAlert, ImportPreview, ImportRequestKind, ImportResult, WorkspaceInfo } from '../../api/workspace.ts';
import type { CoreEvent } from '../../api/events.ts';
import { CoreError } from '../../api/errors.ts';
import { limitsFromText } from '../../ingest/limits.ts';
import { printJson, withCore } from './common.ts';

const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'gbk', 'big5', 'windows-1252'];

interface ImportFlags {
  kind: string;
  table?: string;
  creditNotes?: string;
  datesFrom?: string;
  datesTo?: string;
  encoding?: string;
  mapping?: string;
  sheet?: string;
  mode?: string;
  printMapping?: boolean;
  json?: boolean;
  [limit: string]: unknown; // --max-* options, read by limitsFromText
}

const count = (value: number) => value.toLocaleString('en-US');

function formatInfo(info: WorkspaceInfo): string {
  const lines = [`workspace ${info.path}`, `orders ${count(info.orders)}, customers ${count(info.customers)}, tickets ${count(info.tickets)}`];
  if (info.dateRange) lines.push(`orders from ${info.dateRange.from} to ${info.dateRange.to}`);
  lines.push('  (customers: ids with at least one completed order)');
  for (const table of info.userTables) {
    lines.push(`table ${table.name}: ${count(table.rows)} rows; ${table.columns.map((column) => `${column.name} ${column.type}`).join(', ')}`);
  }
  for (const source of info.sources) {
    lines.push(`  [${source.sourceId}] ${source.kind} ${source.file}: ${count(source.rowsLoaded)} loaded, ${count(source.rowsRejected)} rejected (${source.format}, ${source.encoding ?? 'binary'})`);
  }
  lines.push(...alertLines(info.alerts));
  return lines.join('\n');
}

/** Alerts stand out from warnings: a user must read them before trusting the numbers. */
function alertLines(alerts: readonly ImportAlert[]): string[] {
  return alerts.map((alert) => `WARNING (${alert.code}): ${alert.message}`);
}

function formatResult(result: ImportResult, kind: ImportRequestKind): string {
  // a line-level export's rows are order lines, so its counts are not the orders' count below them
  const rows = result.lineLevel ? 'order lines' : 'rows';
  const lines = [
    `imported ${result.files.length} file(s) as ${result.table ? `table ${result.table.name}` : kind}${result.profile ? ` (${result.profile})` : ''} in ${result.seconds} s: ` +
      `${count(result.rowsRead)} ${rows} read, ${count(result.rowsLoaded)} loaded, ${count(result.rowsRejected)} rejected, ${count(result.rowsReplaced)} replaced` +
      (result.rowsFolded > 0 ? `, ${count(result.rowsFolded)} folded into rows with the same id` : ''),
    result.table
      ? `columns: ${result.table.columns.map((column) => `${column.name} ${column.type}`).join(', ')}`
      : `workspace: ${count(result.orders)} orders${result.lineLevel ? ' (each order\'s lines folded into it)' : ''}, ${count(result.customers)} customers (with a completed order), ${count(result.tickets)} tickets`,
  ];
  if (result.dateRange) lines.push(`rows dated ${result.dateRange.from} to ${result.dateRange.to}`);
  if (result.rejectCounts.length > 0) {
    lines.push('rejects by reason and column:');
    for (const { reason, column, rows } of result.rejectCounts) lines.push(`  ${count(rows)} ${reason}${column ? ` (column ${column})` : ''}`);
  }
  if (result.rejectsSample.length > 0) {
    lines.push('first rejects:');
    for (const reject of result.rejectsSample) {
      const place = [reject.line === null ? null : `line ${reject.line}`, reject.column ? `column ${reject.column}` : null].filter(Boolean).join(' ');
      lines.push(`  ${reject.file}${place ? ` ${place}` : ''}: ${reject.reason}${reject.raw === null ? '' : ` ("${reject.raw.slice(0, 60)}")`}`);
    }
  }
  for (const warning of result.warnings) lines.push(`warning: ${warning.message}`);
  lines.push(...alertLines(result.alerts));
  return lines.join('\n');
}

function formatMapping(preview: ImportPreview): string {
  const lines = [`files: ${preview.files.join(', ')}`, `format ${preview.format}, encoding ${preview.encoding}${preview.profile ? `, profile ${preview.profile}` : ''}${preview.lineLevel ? ', one row per item' : ''}`];
  // A table import maps nothing: its columns are the headers as written.
  if (preview.tableColumns) lines.push(`columns (types from the first rows): ${preview.tableColumns.map((column) => `${column.name} ${column.type}`).join(', ')}`);
  const width = Math.max(0, ...preview.columns.map((column) => column.column.length)) + 2;
  for (const column of preview.columns) {
    const header = preview.mapping[column.column] ?? (column.required ? '(missing, required)' : '-');
    const others = column.candidates.length > 0 ? `   candidates: ${column.candidates.join(', ')}` : '';
    lines.push(`  ${column.column.padEnd(width)}${header}${others}`);
  }
  for (const field of Object.keys(preview.mapping).filter((field) => !preview.columns.some((column) => column.column === field))) {
    lines.push(`  ${field.padEnd(width)}${preview.mapping[field]}`);
  }
  for (const warning of preview.warnings) lines.push(`warning: ${warning.message}`);
  lines.push(...alertLines(preview.alerts));
  return lines.join('\n');
}

/** Reads `--mapping FILE.json`: an object of canonical field names to header names (or derived values). */
export async function readMapping(path: string): Promise<ColumnMapping> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CoreError('E_ARGS', `--mapping ${path}: not a readable JSON file (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw new CoreError('E_ARGS', `--mapping ${path}: expected an object like {"customer_id": "买家会员名"}`);
  }
  return parsed as ColumnMapping;
}

/** Progress on one stderr line, rewritten in place; only for terminals, so logs and pipes stay clean. */
function progressPrinter(): ((event: CoreEvent) => void) | null {
  if (!process.stderr.isTTY) return null;
  return (event) => {
    if (event.type !== 'progress') return;
    const share = event.bytesTotal > 0 ? ` ${Math.min(100, Math.round((event.bytesDone / event.bytesTotal) * 100))}%` : '';
    const rows = event.rows > 0 ? `, ${count(event.rows)} rows` : '';
    const rate = event.rowsPerSec > 0 ? `, ${count(event.rowsPerSec)} rows/s` : '';
    process.stderr.write(`\r\x1b[K${event.phase}${share}${rows}${rate}`);
    if (event.phase === 'done') process.stderr.write('\n');
  };
}

export function registerWorkspaceCommands(program: Command): void {
  program
    .command('info')
    .description('describe the workspace: tables, counts, date range, imported sources')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withCore(command, async (core) => {
        const info = await core.describeWorkspace({});
        if (options.json) printJson(info);
        else process.stdout.write(`${formatInfo(info)}\n`);
      });
    });

  program
    .command('import')
    .description('import order or ticket exports (csv, tsv, txt, csv.gz, xlsx, parquet, json; UTF-8, UTF-16, GBK/GB18030, Big5) into the workspace')
    .argument('<files...>', 'files or folders (a folder imports every export in it, with one mapping)')
    .requiredOption('--kind <kind>', 'orders, tickets, surveys (CSAT / NPS / comments), or table (a sheet or CSV kept as it is, typed, under --table NAME)')
    .option('--table <name>', 'kind table: the workspace table to create, e.g. telco (column names kept as written)')
    .option('--credit-notes <how>', 'negative invoices with a "C" id: refund (default: money given back to the customer, in credit_notes) or cancel (cancelled orders)')
    .option('--dates-from <date>', 'reject rows dated before this YYYY-MM-DD as misread (default 1980-01-01)')
    .option('--dates-to <date>', 'reject rows dated on or after this YYYY-MM-DD as misread (default 1 January two years from now)')
    .option('--encoding <name>', `${ENCODINGS.join(', ')} (default: detected; other text is read as GB18030 when it reads as Chinese, else Windows-1252)`)
    .option('--mapping <file>', 'JSON file of field to header, e.g. {"customer_id": "买家会员名"}; "@order_id", "@customer_day", "@row" derive a missing id')
    .option('--sheet <sheet>', 'xlsx: sheet name or 1-based number (default: the first sheet with data)')
    .option('--mode <mode>', 'append (default: rows with an id already imported replace the old ones) or replace (empty the kind first; kind table: replace the table)')
    .option('--print-mapping', 'print the detected format, encoding and mapping, and import nothing')
    .option('--json', 'print the result as JSON')
    .option('--max-line-bytes <size>', 'longest record, e.g. 64M (default 16M)')
    .option('--max-columns <n>', 'most fields in a record (default 500)')
    .option('--max-json-depth <n>', 'deepest JSON nesting (default 1000)')
    .option('--max-inflated-bytes <size>', 'most bytes a .gz or .xlsx may inflate to (default 16G)')
    .option('--max-inflation-ratio <n>', 'most inflated bytes per compressed byte, past 64M (default 200)')
    .option('--max-files <n>', 'most files in one import (default 1000)')
    .addHelpText(
      'after',
      `
Examples:
  churnwb import orders.csv --kind orders
  churnwb import 千牛订单.csv --kind orders --encoding gbk --mapping mapping.json
  churnwb import exports/ --kind orders --print-mapping
  churnwb import tickets.xlsx --kind tickets --sheet 2 --json
  churnwb import Telco_customer_churn.xlsx --kind table --table telco`,
    )
    .action(async (files: string[], flags: ImportFlags, command: Command) => {
      if (flags.kind !== 'orders' && flags.kind !== 'tickets' && flags.kind !== 'surveys' && flags.kind !== 'table') {
        throw new CoreError('E_ARGS', `--kind must be orders, tickets, surveys or table, got "${flags.kind}"`);
      }
      if (flags.kind === 'table' && !flags.table) throw new CoreError('E_ARGS', '--kind table needs --table NAME');
      if (flags.creditNotes !== undefined && flags.creditNotes !== 'refund' && flags.creditNotes !== 'cancel') throw new CoreError('E_ARGS', `--credit-notes must be refund or cancel, got "${flags.creditNotes}"`);
      if (flags.encoding !== undefined && !ENCODINGS.includes(flags.encoding)) throw new CoreError('E_ARGS', `--encoding must be one of ${ENCODINGS.join(', ')}, got "${flags.encoding}"`);
      if (flags.mode !== undefined && flags.mode !== 'append' && flags.mode !== 'replace') throw new CoreError('E_ARGS', `--mode must be append or replace, got "${flags.mode}"`);
      const kind: ImportRequestKind = flags.kind;
      const request = {
        kind,
        files,
        ...(flags.table ? { table: flags.table } : {}),
        ...(flags.creditNotes ? { creditNotes: flags.creditNotes as 'refund' | 'cancel' } : {}),
        ...(flags.datesFrom ? { datesFrom: flags.datesFrom } : {}),
        ...(flags.datesTo ? { datesTo: flags.datesTo } : {}),
        ...(flags.encoding ? { encoding: flags.encoding as EncodingName } : {}),
        ...(flags.mapping ? { mapping: await readMapping(flags.mapping) } : {}),
        ...(flags.sheet ? { sheet: flags.sheet } : {}),
        ...(flags.mode ? { mode: flags.mode as 'append' | 'replace' } : {}),
        limits: limitsFromText(flags),
      };
      await withCore(command, async (core) => {
        if (flags.printMapping) {
          const preview = await core.previewImport(request);
          if (flags.json) printJson({ files: preview.files, format: preview.format, encoding: preview.encoding, profile: preview.profile, lineLevel: preview.lineLevel, mapping: preview.mapping, columns: preview.columns, missingRequired: preview.missingRequired, warnings: preview.warnings, alerts: preview.alerts, ...(preview.tableColumns ? { tableColumns: preview.tableColumns } : {}) });
          else process.stdout.write(`${formatMapping(preview)}\n`);
          return;
        }
        const printer = progressPrinter();
        const unsubscribe = printer ? core.on(printer) : () => undefined;
        try {
          const result = await core.importFiles(request);
          if (flags.json) printJson(result);
          else process.stdout.write(`${formatResult(result, kind)}\n`);
        } finally {
          unsubscribe();
          if (printer) process.stderr.write('\r\x1b[K');
        }
      });
    });
}
