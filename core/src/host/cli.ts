// The churnwb command line: one subcommand per area file in cli/, sharing the global options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CoreError } from '../api/errors.ts';
import { reportFailure } from './cli/common.ts';
import { registerCustomersCommands } from './cli/customers.ts';
import { registerDriversCommands } from './cli/drivers.ts';
import { registerInPlaceCommands } from './cli/inPlace.ts';
import { registerReasonsCommands } from './cli/reasons.ts';
import { registerReportCommands } from './cli/report.ts';
import { registerRetentionCommands } from './cli/retention.ts';
import { addScopeOptions } from './cli/scope.ts';
import { registerViewsCommands } from './cli/views.ts';
import { registerServeCommand } from './cli/serve.ts';
import { registerWorkspaceCommands } from './cli/workspace.ts';

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('churnwb')
    .description('Churn Workbench: cohort retention, churn reasons and customer types from order and ticket exports')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .option('-w, --workspace <path>', 'workspace .duckdb file (default: workspace.duckdb in the user data folder)')
    .option('--memory-limit <size>', 'DuckDB memory limit, e.g. 4GB (default: a third of RAM)')
    .option('--threads <n>', 'DuckDB worker threads (default: all cores)')
    .exitOverride()
    // set before the subcommands exist: commander copies it into each one as it is created, and
    // errors must stay one line (`churnwb: E_CODE: message`), not a usage block on stderr
    .configureOutput({ writeErr: () => undefined });
  registerWorkspaceCommands(program);
  registerRetentionCommands(program);
  registerReasonsCommands(program);
  registerCustomersCommands(program);
  registerDriversCommands(program);
  registerReportCommands(program);
  registerServeCommand(program);
  registerInPlaceCommands(program);
  registerViewsCommands(program);
  addScopeOptions(program);
  return program;
}

/**
 * Ctrl-C ends the command at once with one line and the shell's code for it (128 + SIGINT). That
 * is safe: an import, and a classification storing its tickets' reasons, each write in one
 * transaction, which DuckDB discards when the process ends before its commit, and the converted
 * copies an import leaves are removed when the workspace next opens.
 */
function exitOnInterrupt(): void {
  process.once('SIGINT', () => {
    process.stderr.write('churnwb: interrupted; an unfinished import or classification leaves the workspace as it was\n');
    process.exit(130);
  });
}

/**
 * A reader that stops early (`churnwb retention --csv | head`) closes the pipe: the rest of the
 * output has nowhere to go, which is the end of the command, not a crash with a stack trace.
 */
function exitOnClosedOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

export async function main(argv: string[]): Promise<void> {
  exitOnInterrupt();
  exitOnClosedOutput();
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return;
      reportFailure(new CoreError('E_ARGS', `${error.message.replace(/^error: /, '')} (see --help)`));
    }
    reportFailure(error);
  }
}
