// CLI command of saved views: list them, save one from the scope options, delete one.
import type { Command } from 'commander';
import { CoreError } from '../../api/errors.ts';
import type { SavedView, ViewSettings } from '../../api/views.ts';
import { printJson, withCore } from './common.ts';
import { scopeOfFlags, scopeOptions, type ScopeFlags } from './scope.ts';

interface ViewsFlags extends ScopeFlags {
  save?: string;
  delete?: string;
  setting?: string[];
  json?: boolean;
}

/** `key=value` screen settings; numbers and true/false keep their types. */
function parseSettings(pairs: readonly string[]): ViewSettings {
  const settings: ViewSettings = {};
  for (const pair of pairs) {
    const match = /^([^=]+)=(.*)$/.exec(pair);
    if (!match) throw new CoreError('E_ARGS', `--setting must be KEY=VALUE, got "${pair}"`);
    const text = match[2]!;
    settings[match[1]!.trim()] = text === 'true' ? true : text === 'false' ? false : text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return settings;
}

function viewLine(view: SavedView): string {
  return `${view.name}\t${JSON.stringify(view.scope)}\t${JSON.stringify(view.settings)}`;
}

export function registerViewsCommands(program: Command): void {
  scopeOptions(
    program
      .command('views')
      .description('saved views of the workspace (a scope plus screen settings): list them, or save or delete one')
      .option('--save <name>', 'save the scope the other options describe under this name (replacing one of that name)')
      .option('--delete <name>', 'delete the view of this name')
      .option('--setting <key=value>', 'a screen setting to keep with a saved view (repeatable), e.g. period=month', (value: string, previous: string[] = []) => [...previous, value])
      .option('--json', 'print the views as JSON'),
  ).action(async (flags: ViewsFlags, command: Command) => {
    if (flags.save !== undefined && flags.delete !== undefined) throw new CoreError('E_ARGS', 'give either --save or --delete');
    await withCore(command, async (core) => {
      const views =
        flags.save !== undefined
          ? await core.saveView({ name: flags.save, scope: scopeOfFlags(flags) ?? {}, settings: parseSettings(flags.setting ?? []) })
          : flags.delete !== undefined
            ? await core.deleteView({ name: flags.delete })
            : await core.listViews({});
      if (flags.json) printJson(views);
      else if (flags.delete !== undefined) process.stdout.write(`deleted view ${flags.delete}\n`);
      else if (views.length === 0) process.stdout.write('no saved views\n');
      else process.stdout.write(views.map((view) => `${viewLine(view)}\n`).join(''));
    });
  });
}
