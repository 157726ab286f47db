// Forks the core's utility process, hands each loaded page a MessagePort straight to it, and
// supervises it: a core that exits unexpectedly is restarted on the workspace last opened and the
// page reconnected; one that keeps dying is not restarted again and the user is told.
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import type { ErrorData } from '../../core/src/api/index.ts';
import { CORE_PORT_CHANNEL, type WorkerCommand, type WorkerReport, type WorkspaceChoice } from '../protocol.ts';

/**
 * Variables the core may see. The core reads files and runs DuckDB; it needs where home, temp and
 * data folders are, the locale and time zone, (on Windows) what loading a native module needs, and
 * the app's own documented settings (CHURNWB_DATA_DIR, CHROMIUM_PATH for chart images it draws itself).
 * Nothing else crosses: not NODE_OPTIONS or ELECTRON_* (which change how code runs), not tokens or
 * credentials the user's shell happens to hold.
 */
const CORE_ENVIRONMENT = [
  'PATH',
  'HOME',
  'USER',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_NUMERIC',
  'LC_TIME',
  'TZ',
  'XDG_DATA_HOME',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_RUNTIME_DIR',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'SYSTEMROOT',
  'SystemRoot',
  'WINDIR',
  'CHURNWB_DATA_DIR',
  'CHROMIUM_PATH',
];

/** The core process's whole environment: the allowed variables of `parent`, and where the resources are. */
export function coreEnvironment(parent: NodeJS.ProcessEnv, resourcesDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of CORE_ENVIRONMENT) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  env.CHURNWB_RESOURCES_DIR = resourcesDir;
  return env;
}

/** `resourcesDir` holds sample/, segments/ and taxonomy/ (the repo's resources/, or the packaged app's resources). */
export function startCoreProcess(workerPath: string, open: WorkspaceChoice, dataDir: string, resourcesDir: string): UtilityProcess {
  const child = utilityProcess.fork(workerPath, [], {
    serviceName: 'Churn Workbench core',
    stdio: 'inherit',
    env: coreEnvironment(process.env, resourcesDir),
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

/** Tells the page its core is gone: its calls in flight answer with an error at once (preload). */
export function disconnectPage(contents: WebContents): void {
  contents.send(CORE_PORT_CHANNEL);
}

/** More exits than this within RESTART_WINDOW_MS and the core is left stopped. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export interface SupervisorHooks {
  /** Starts a core process on `open` (startCoreProcess in the app). */
  start(open: WorkspaceChoice): UtilityProcess;
  /** The page to (re)connect, if there is one. */
  page(): WebContents | null;
  /** The core exited and was restarted; the call in flight, if any, was lost. */
  restarted(exitCode: number): void;
  /** The core exited too often: it is not restarted again. */
  gaveUp(exitCode: number): void;
  /** The core could not open the workspace (the page's calls answer with this error too). */
  openFailed(error: ErrorData): void;
  /** A PDF print request from the core; answered with `printed` or `print-failed`. */
  print(request: Extract<WorkerReport, { type: 'print' }>): Promise<Uint8Array>;
}

/** Owns the core process: starts it, watches its exit, restarts it, and answers its requests. */
export class CoreSupervisor {
  private child: UtilityProcess | null = null;
  private stopping = false;
  private exits: number[] = [];

  constructor(
    private open: WorkspaceChoice,
    private readonly hooks: SupervisorHooks,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    const child = this.hooks.start(this.open);
    this.child = child;
    child.on('message', (report: WorkerReport) => this.onReport(child, report));
    child.on('exit', (code: number) => this.onExit(child, code));
  }

  /** Connects the page to the running core (on every page load, and after a restart). */
  connect(contents: WebContents): void {
    if (this.child) connectPage(this.child, contents);
  }

  /** The workspace a restart reopens: the one the user opened last. */
  opened(path: string): void {
    this.open = { kind: 'file', path };
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill();
    this.child = null;
  }

  private onExit(child: UtilityProcess, code: number): void {
    if (this.stopping || child !== this.child) return;
    this.child = null;
    const page = this.hooks.page();
    if (page) disconnectPage(page);
    const now = this.now();
    this.exits = [...this.exits.filter((at) => now - at < RESTART_WINDOW_MS), now];
    if (this.exits.length > MAX_RESTARTS) return this.hooks.gaveUp(code);
    this.start();
    if (page) this.connect(page);
    this.hooks.restarted(code);
  }

  private onReport(child: UtilityProcess, report: WorkerReport): void {
    if (report.type === 'open-failed') return this.hooks.openFailed(report.error);
    const { id } = report;
    // A core that exited while main printed has nobody left to answer.
    const answer = (command: WorkerCommand) => {
      if (child === this.child) child.postMessage(command);
    };
    this.hooks.print(report).then(
      (pdf) => answer({ type: 'printed', id, pdf }),
      (error: unknown) => answer({ type: 'print-failed', id, error: { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) } }),
    );
  }
}

/**
 * What the app opens at start: `--workspace FILE`, a `.duckdb` file passed by the desktop (opening a
 * workspace file, or a second launch), `--sample` (what `npm start` passes), or the default workspace.
 */
export function workspaceChoice(argv: readonly string[], sampleDir: string): WorkspaceChoice {
  const path = workspaceFileArgument(argv);
  if (path) return { kind: 'file', path };
  return argv.includes('--sample') ? { kind: 'sample', dir: sampleDir } : { kind: 'default' };
}

/** The workspace file named on a command line, if any. */
export function workspaceFileArgument(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--workspace');
  const named = index >= 0 ? argv[index + 1] : undefined;
  return named ?? argv.slice(1).find((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith('.duckdb'));
}
