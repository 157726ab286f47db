// CLI commands of the workspace area: import and info.
import type { Command } from 'commander';
import type { EncodingName, ImportKind, WorkspaceInfo } from '../../api/workspace.ts';
import { CoreError } from '../../api/errors.ts';
import { printJson, withCore } from './common.ts';

function formatInfo(info: WorkspaceInfo): string {
  const lines = [`workspace ${info.path}`, `orders ${info.orders}, customers ${info.customers}, tickets ${info.tickets}`];
  if (info.dateRange) lines.push(`orders from ${info.dateRange.from} to ${info.dateRange.to}`);
  for (const source of info.sources) {
    lines.push(`  [${source.sourceId}] ${source.kind} ${source.file}: ${source.rowsLoaded} loaded, ${source.rowsRejected} rejected`);
  }
  return lines.join('\n');
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
    .description('import order or ticket exports (csv, tsv, txt, csv.gz, xlsx, parquet, json) into the workspace')
    .argument('<files...>', 'files or folders')
    .requiredOption('--kind <kind>', 'orders or tickets')
    .option('--encoding <name>', 'utf-8, utf-16le, utf-16be, gb18030, gbk or big5 (default: detected)')
    .option('--json', 'print the import summary as JSON')
    .action(async (files: string[], options: { kind: string; encoding?: string; json?: boolean }, command: Command) => {
      if (options.kind !== 'orders' && options.kind !== 'tickets') {
        throw new CoreError('E_ARGS', `--kind must be orders or tickets, got "${options.kind}"`);
      }
      await withCore(command, async (core) => {
        const result = await core.importFiles({
          files,
          kind: options.kind as ImportKind,
          ...(options.encoding ? { encoding: options.encoding as EncodingName } : {}),
        });
        if (options.json) printJson(result);
        else process.stdout.write(`${result.rowsLoaded} rows loaded, ${result.rowsRejected} rejected from ${result.files.length} file(s)\n`);
      });
    });
}
