// Forks the core's utility process and hands each loaded page a MessagePort straight to it.
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { CORE_PORT_CHANNEL, type WorkerCommand, type WorkspaceChoice } from '../protocol.ts';

/** `resourcesDir` holds sample/, segments/ and taxonomy/ (the repo's resources/, or the packaged app's resources). */
export function startCoreProcess(workerPath: string, open: WorkspaceChoice, dataDir: string, resourcesDir: string): UtilityProcess {
  const child = utilityProcess.fork(workerPath, [], {
    serviceName: 'Churn Workbench core',
    stdio: 'inherit',
    env: { ...process.env, CHURNWB_RESOURCES_DIR: resourcesDir },
  });
  const start: WorkerCommand = { type: 'start', open, dataDir };
  child.postMessage(start);
  return child;
}

/** Called on every page load: a reloaded page gets a fresh port, the old one closes. */
export function connectPage(child: UtilityProcess, contents: WebContents): void {
  const { port1, port2 } = new MessageChannelMain();
  const connect: WorkerCommand = { type: 'connect' };
  child.postMessage(connect, [port1]);
  contents.postMessage(CORE_PORT_CHANNEL, null, [port2]);
}

/** `--workspace FILE`, `--sample` (what `npm start` passes), or the user's default workspace. */
export function workspaceChoice(argv: readonly string[], sampleDir: string): WorkspaceChoice {
  const index = argv.indexOf('--workspace');
  const path = index >= 0 ? argv[index + 1] : undefined;
  if (path) return { kind: 'file', path };
  return argv.includes('--sample') ? { kind: 'sample', dir: sampleDir } : { kind: 'default' };
}
