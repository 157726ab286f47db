// Shared CLI plumbing: global options, opening a core, printing JSON/CSV, one-line errors.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { csvText } from '../../api/csv.ts';
import { CoreError, toErrorData } from '../../api/errors.ts';
import { windowRestsOnFew, type ChurnRuleInfo } from '../../api/retention.ts';
import type { Core } from '../core.ts';
import { defaultWorkspacePath } from '../paths.ts';
import { scopedCore } from './scope.ts';

export interface GlobalOptions {
  workspace?: string;
  memoryLimit?: string;
  threads?: string;
}

/**
 * Commands that may start a new workspace file: the imports, and serve (whose Data screen imports).
 * Any other command on a missing file would create an empty workspace and then report no orders,
 * which hides a mistyped --workspace.
 */
const STARTS_A_WORKSPACE: ReadonlySet<string> = new Set(['import', 'read-in-place', 'serve']);

function missingWorkspace(path: string, named: boolean): CoreError {
  const absolute = resolve(path);
  const fix = named
    ? 'check the path, or import an export into it first with `churnwb --workspace FILE import ...`'
    : 'import an export first with `churnwb import FILE --kind orders`, or name a workspace with --workspace FILE';
  return new CoreError('E_WORKSPACE', `no workspace at ${absolute}: ${fix}`, { path: absolute, reason: 'missing' });
}

/**
 * Opens the workspace named by the global options, runs `work` in the command's analysis scope
 * (cli/scope.ts), and always closes it. `workspaceOptional`: the command can do without one (its data
 * is a file named in its options, as for classify or clv --summary, or it prints what is bundled), so
 * it runs in memory when the file is missing.
 */
export async function withCore<T>(command: Command, work: (core: Core) => Promise<T>, { workspaceOptional = false } = {}): Promise<T> {
  const options = command.optsWithGlobals<GlobalOptions>();
  let workspace: string | undefined = options.workspace ?? defaultWorkspacePath();
  if (!STARTS_A_WORKSPACE.has(command.name()) && !existsSync(workspace)) {
    if (!workspaceOptional) throw missingWorkspace(workspace, options.workspace !== undefined);
    workspace = undefined; // in memory
  }
  const { createCore } = await loadDeferred();
  const core = await createCore({
    workspace,
    settings: {
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
      ...(options.threads ? { threads: Number(options.threads) } : {}),
    },
  });
  try {
    return await work(await scopedCore(command, core));
  } finally {
    await core.close();
  }
}

/** The values the commands use beyond their definitions (cli/deferred.ts), loaded when a command runs. */
export const loadDeferred = () => import('./deferred.ts');

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Prints rows as CSV with a header; `columns` fixes the order and the header. Through the project's
 * one CSV writer, so output redirected to a .csv file opens safely in a spreadsheet.
 */
export function printCsv(rows: readonly Record<string, unknown>[], columns: readonly string[]): void {
  process.stdout.write(csvText(columns, rows.map((row) => columns.map((column) => row[column]))));
}

/** The one way the CLI reports failure: `churnwb: E_CODE: message` on stderr, exit code 1. */
export function reportFailure(error: unknown): never {
  const data = toErrorData(error);
  process.stderr.write(`churnwb: ${data.code}: ${data.message.replaceAll('\n', ' ')}${CLI_FIXES[String(data.details?.reason)] ?? ''}\n`);
  process.exit(1);
}

/** The fix of a failure in the command line's own words, where the core's message names the API option. */
const CLI_FIXES: Record<string, string> = {
  no_repeat_buyers: ' (on the command line: --window-days N, a window that fits the purchase cycle)',
};

/** The caution line for a window derived from too few repeat customers (windowRestsOnFew), else null: every command that applies a rule prints the same. */
export function windowCaution(rule: ChurnRuleInfo): string | null {
  return windowRestsOnFew(rule)
    ? `caution: the window rests on the gaps of only ${rule.repeatCustomers} repeat customers, too few for a steady 90th percentile; churn rates and survival mostly restate it. Choose a window that fits the purchase cycle with --window-days N`
    : null;
}

/** Parses a numeric option or fails with E_ARGS naming it. */
export function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new CoreError('E_ARGS', `--${name} must be a number, got "${value}"`);
  return parsed;
}
