// `churnwb serve`: the workbench in a browser, served from 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CoreError } from '../../api/errors.ts';
import { userDataDirectory } from '../paths.ts';
import { loadDeferred, numberOption, withCore } from './common.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const RENDERER_DIST = join(PACKAGE_ROOT, 'renderer', 'dist');
/** The renderer's build script of a checkout (absent from a packaged app, which ships the build). */
const RENDERER_BUILD = join(PACKAGE_ROOT, 'renderer', 'build.ts');

/**
 * A clean clone has no renderer/dist yet: build it there on first use, in a child process (the core
 * never imports the renderer's code), its output on stderr so stdout's first line stays the URL.
 * Any other folder without a build, or a failed build, fails in one line saying how to build it.
 */
async function ensureRendererBuilt(staticDir: string): Promise<void> {
  const index = join(staticDir, 'index.html');
  if (existsSync(index)) return;
  const { notBuiltMessage } = await loadDeferred();
  if (resolve(staticDir) !== RENDERER_DIST || !existsSync(RENDERER_BUILD)) throw new CoreError('E_NOT_FOUND', notBuiltMessage(staticDir));
  process.stderr.write('the workbench UI is not built yet: building it once (about a minute)\n');
  const exitCode = await new Promise<number>((resolveExit) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RENDERER_BUILD], { cwd: PACKAGE_ROOT, stdio: ['ignore', 2, 'inherit'] });
    child.once('error', () => resolveExit(1));
    child.once('exit', (code) => resolveExit(code ?? 1));
  });
  if (exitCode !== 0 || !existsSync(index)) throw new CoreError('E_NOT_FOUND', notBuiltMessage(staticDir));
}

/** Where `--sample` keeps the sample workspace: built there on first use, rebuilt when the sample files change. */
export function sampleWorkspacePath(): string {
  return join(userDataDirectory(), 'sample.duckdb');
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the workbench UI and API on 127.0.0.1; prints the URL (with its token) first')
    .option('--port <n>', 'port to listen on (default: a free one)')
    .option('--static <dir>', 'built renderer to serve', RENDERER_DIST)
    .option('--sample', 'serve the bundled sample workspace (UCI Online Retail subset and synthetic tickets) instead of --workspace')
    .action(async (options: { port?: string; static: string; sample?: boolean }, command: Command) => {
      await ensureRendererBuilt(options.static);
      if (options.sample) {
        const { ensureSampleWorkspace } = await loadDeferred();
        const sample = await ensureSampleWorkspace(sampleWorkspacePath());
        if (sample.built) process.stderr.write(`built the sample workspace at ${sample.path}\n`);
        command.parent?.setOptionValue('workspace', sample.path);
      }
      await withCore(command, async (core) => {
        const workspace = await core.describeWorkspace({});
        const { startHttpHost } = await loadDeferred();
        const host = await startHttpHost({
          core,
          port: numberOption('port', options.port) ?? 0,
          staticDir: options.static,
          uploadDir: join(dirname(workspace.path), 'uploads'),
        });
        process.stdout.write(`${host.appUrl}\n`);
        process.stderr.write(`serving ${workspace.path}; press Ctrl+C to stop\n`);
        await new Promise<void>((resolveStop) => {
          process.once('SIGINT', resolveStop);
          process.once('SIGTERM', resolveStop);
        });
        await host.close();
      });
    });
}
