// The analysis scope on the command line: one set of options on every analysis command, parsed in
// one place and added to every scoped call the command makes (api/views.ts).
//
//   --from 2011-01-01 --to 2011-06-30 --where region=EU,UK --where channel=web --top 5 --min-group 30 --view NAME
import type { Command } from 'commander';
import { SCOPED_METHODS } from '../../api/contract.ts';
import { CoreError } from '../../api/errors.ts';
import { isCalendarDay, SCOPE_COLUMNS, type AnalysisScope, type ScopeColumn, type ScopeFilter } from '../../api/views.ts';
import type { Core } from '../core.ts';
import { numberOption } from './common.ts';

/** Commands whose calls run in a scope: every analysis of the workspace's data. */
const SCOPED_COMMANDS = ['retention', 'members', 'forecast', 'churn', 'survival', 'kpis', 'reasons', 'customers', 'clv', 'drivers', 'surveys', 'what-if', 'report'];

export interface ScopeFlags {
  from?: string;
  to?: string;
  rangeFrom?: string;
  rangeTo?: string;
  where?: string[];
  top?: string;
  minGroup?: string;
  view?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Adds the scope options to every analysis command of `program`. A command that already reads
 * `--from` (report: a saved model) takes the range as `--range-from` and `--range-to` instead.
 */
export function addScopeOptions(program: Command): void {
  for (const command of program.commands.filter((candidate) => SCOPED_COMMANDS.includes(candidate.name()))) {
    scopeOptions(command).option('--view <name>', 'use the scope of a saved view of the workspace (instead of the options above)');
  }
}

/** The options that describe a scope (without --view); read them with `scopeOfFlags`. */
export function scopeOptions(command: Command): Command {
  const taken = command.options.some((option) => option.long === '--from');
  return command
    .option(`--${taken ? 'range-from' : 'from'} <day>`, 'analyse only orders placed on or after this day (YYYY-MM-DD)')
    .option(`--${taken ? 'range-to' : 'to'} <day>`, 'analyse only orders placed on or before this day (YYYY-MM-DD, inclusive)')
    .option('--where <column=values>', `keep orders whose ${SCOPE_COLUMNS.join('/')} is one of the comma-separated values; repeat for more columns`, collect)
    .option('--top <n>', 'keep the n segment values with the most customers; the rest become "Other"')
    .option('--min-group <n>', 'segment values with fewer customers than n become "Other"');
}

function parseFilter(text: string): ScopeFilter {
  const match = /^([^=]+)=(.+)$/.exec(text);
  const column = match?.[1]?.trim();
  if (!match || !column || !SCOPE_COLUMNS.includes(column as ScopeColumn)) {
    throw new CoreError('E_ARGS', `--where must be COLUMN=v1,v2 with COLUMN one of ${SCOPE_COLUMNS.join(', ')}; got "${text}"`);
  }
  return { column: column as ScopeColumn, values: match[2]!.split(',').map((value) => value.trim()) };
}

/** `text` when it is a day that exists; else E_ARGS naming the option as typed. */
function dayOption(name: string, text: string | undefined): string | undefined {
  if (text !== undefined && !isCalendarDay(text)) throw new CoreError('E_ARGS', `--${name} must be a day that exists, as YYYY-MM-DD; got "${text}"`);
  return text;
}

/** The scope the flags describe; undefined when none was given. */
export function scopeOfFlags(flags: ScopeFlags): AnalysisScope | undefined {
  const from = flags.rangeFrom === undefined ? dayOption('from', flags.from) : dayOption('range-from', flags.rangeFrom);
  const to = flags.rangeTo === undefined ? dayOption('to', flags.to) : dayOption('range-to', flags.rangeTo);
  const top = numberOption('top', flags.top);
  const minGroup = numberOption('min-group', flags.minGroup);
  const scope: AnalysisScope = {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(flags.where === undefined ? {} : { where: flags.where.map(parseFilter) }),
    ...(top === undefined ? {} : { segmentTop: top }),
    ...(minGroup === undefined ? {} : { minGroupSize: minGroup }),
  };
  return Object.keys(scope).length === 0 ? undefined : scope;
}

/**
 * `core` with the command's scope added to every scoped call; `core` itself when the command has
 * none. A --view is read from the workspace (the report names it on its cover).
 */
export async function scopedCore(command: Command, core: Core): Promise<Core> {
  if (!SCOPED_COMMANDS.includes(command.name())) return core;
  // a command whose --from names something else (report: a saved model) takes its range as --range-from/--range-to
  const { from: _ownFrom, to: _ownTo, ...rangeOnly } = command.opts<ScopeFlags>();
  const flags = command.options.some((option) => option.long === '--range-from') ? rangeOnly : command.opts<ScopeFlags>();
  const scope = scopeOfFlags(flags);
  if (flags.view !== undefined && scope !== undefined) throw new CoreError('E_ARGS', '--view takes the scope of the saved view; leave out the other scope options');
  if (flags.view === undefined && scope === undefined) return core;
  const views = flags.view === undefined ? [] : await core.listViews({});
  const view = views.find((candidate) => candidate.name === flags.view);
  if (flags.view !== undefined && view === undefined) {
    const names = views.map((candidate) => candidate.name).join(', ') || 'none';
    throw new CoreError('E_NOT_FOUND', `no saved view is named "${flags.view}" (saved views: ${names})`);
  }
  const scoped: Partial<Core> = {};
  for (const method of SCOPED_METHODS) {
    const verb = core[method] as (request: object) => Promise<unknown>;
    // the report takes the view by name, so its cover can name it
    const addition = method === 'defaultReport' && flags.view !== undefined ? { view: flags.view } : { scope: view?.scope ?? scope };
    Object.assign(scoped, { [method]: (request: object) => verb.call(core, { ...request, ...addition }) });
  }
  return { ...core, ...scoped };
}
