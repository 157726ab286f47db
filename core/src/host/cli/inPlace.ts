// CLI commands for data in place: read-in-place (orders as a view over Parquet files) and export-parquet.
import type { Command } from 'commander';
import type { ExportParquetResult, ReadInPlaceResult } from '../../api/inPlace.ts';
import { printJson, withCore } from './common.ts';
import { readMapping } from './workspace.ts';

const count = (value: number) => value.toLocaleString('en-US');

function formatReadInPlace(result: ReadInPlaceResult): string {
  const lines = [
    `orders read in place from ${result.files} Parquet file(s) at ${result.source}${result.profile ? ` (${result.profile})` : ''}: ` +
      `${count(result.rowsRead)} rows, ${count(result.rowsLoaded)} in the view, ${count(result.rowsLeftOut)} left out (no order id, customer or readable time)`,
    `mapping: ${Object.entries(result.mapping).map(([field, header]) => `${field} <- ${header}`).join(', ')}`,
  ];
  if (result.dateRange) lines.push(`rows dated ${result.dateRange.from} to ${result.dateRange.to}`);
  return lines.join('\n');
}

function formatExport(result: ExportParquetResult): string {
  if (result.tables.length === 0) return `nothing to write: the workspace has no rows`;
  return result.tables.map((table) => `${table.table}: ${count(table.rows)} rows to ${table.path}${table.partitionedBy ? ' (month=YYYY-MM/)' : ''}`).join('\n');
}

export function registerInPlaceCommands(program: Command): void {
  program
    .command('read-in-place')
    .description('read orders where they lie: the workspace\'s orders become a view over Parquet files (a folder, hive-partitioned or not, or a glob), mapped and checked as an import; nothing is copied')
    .argument('<path>', 'a Parquet file, a folder of them (searched below) or a glob such as "exports/*.parquet"')
    .option('--kind <kind>', 'what the files hold (only orders)', 'orders')
    .option('--mapping <file>', 'JSON file of field to column, e.g. {"customer_id": "buyer"}')
    .option('--json', 'print the whole result as JSON')
    .action(async (path: string, flags: { kind: string; mapping?: string; json?: boolean }, command: Command) => {
      const mapping = flags.mapping ? await readMapping(flags.mapping) : undefined;
      const result = await withCore(command, (core) => core.readInPlace({ path, kind: flags.kind as 'orders', ...(mapping ? { mapping } : {}) }));
      if (flags.json) printJson(result);
      else process.stdout.write(`${formatReadInPlace(result)}\n`);
    });
  program
    .command('export-parquet')
    .description('write the canonical tables as Parquet for other engines: orders and tickets partitioned by month (month=YYYY-MM/), the others one file each')
    .requiredOption('--out <dir>', 'folder to write into')
    .option('--json', 'print the whole result as JSON')
    .action(async (flags: { out: string; json?: boolean }, command: Command) => {
      const result = await withCore(command, (core) => core.exportParquet({ out: flags.out }));
      if (flags.json) printJson(result);
      else process.stdout.write(`${formatExport(result)}\n`);
    });
}
