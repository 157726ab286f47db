// A pool of worker threads for CPU-bound work of one task: one request at a time per worker, answered
// by one message; started for the task and terminated with it, so no thread outlives the call.
//
// Workers are modules that call `serveWorker` (below). Where their code comes from depends on how the
// core runs: from TypeScript (tsx, vitest) a worker starts through tsWorker.mjs, which registers tsx
// in the new thread first; from a bundle (the CLI's core/dist, Electron's electron/dist) the bundler
// builds each worker as its own file beside the bundle and defines CHURNWB_WORKER_DIR as that folder.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CoreError } from '../api/errors.ts';

/** File URL of the folder holding the worker bundles; defined by core/bin/buildCli.ts and electron/build.ts, absent when running the TypeScript. */
declare const CHURNWB_WORKER_DIR: string | undefined;

/** Threads worth starting: the cores, at least one. */
export function poolSize(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Where a worker's code is: `name`.mjs beside the bundle, or `sourceUrl` (a .ts file) started
 * through tsWorker.mjs. In the packaged app the bundle sits in app.asar, which worker threads
 * cannot load from: electron-builder.yml unpacks the worker bundles beside it.
 */
function workerSource(name: string, sourceUrl: URL): { url: URL; argv: string[] } {
  if (typeof CHURNWB_WORKER_DIR === 'string') {
    return { url: new URL(`${name}.mjs`, CHURNWB_WORKER_DIR.replace('/app.asar/', '/app.asar.unpacked/')), argv: [] };
  }
  return { url: new URL('./tsWorker.mjs', import.meta.url), argv: [sourceUrl.href] };
}

type Reply<Out> = { ok: true; value: Out } | { ok: false; message: string; details?: Record<string, unknown> };

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending<Out> {
  resolve: (value: Out) => void;
  reject: (error: Error) => void;
}

/**
 * Requests run on the first free worker, or wait for one. An aborted signal terminates every worker
 * at once and rejects what is pending with E_CANCELLED; a worker that throws rejects its request
 * with E_INTERNAL carrying the worker's message and details; a worker that dies fails the pool.
 */
export class WorkerPool<In, Out> {
  private readonly slots: Slot[] = [];
  private readonly waiting: { message: In; pending: Pending<Out> }[] = [];
  private readonly running = new Map<Worker, Pending<Out>>();
  private failure: Error | null = null;
  private readonly onAbort = () => this.fail(new CoreError('E_CANCELLED', 'the task was cancelled'));

  constructor(
    name: string,
    sourceUrl: URL,
    data: unknown,
    size: number,
    private readonly signal?: AbortSignal,
  ) {
    const { url, argv } = workerSource(name, sourceUrl);
    for (let index = 0; index < size; index++) {
      // A worker starts from a file: the parent's --input-type (`node --input-type=module -e ...`, a
      // way scripts embed the core) is refused for a file and would fail every worker at its start
      const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
      const worker = new Worker(url, { workerData: data, argv, execArgv });
      worker.on('message', (reply: Reply<Out>) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(new CoreError('E_INTERNAL', `a worker thread failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (this.failure === null) this.fail(new CoreError('E_INTERNAL', `a worker thread exited (code ${code}) while it was needed`));
      });
      this.slots.push({ worker, busy: false });
    }
    if (signal?.aborted) this.onAbort();
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Runs one request on the first free worker. */
  run(message: In): Promise<Out> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ message, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  /** Terminates every worker and waits until they are gone: the owner calls it whatever happened, so no thread keeps the process alive. */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.failure === null) this.failure = new CoreError('E_INTERNAL', 'the worker pool is closed');
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      const next = slot.busy ? undefined : this.waiting.shift();
      if (!next) continue;
      slot.busy = true;
      this.running.set(slot.worker, next.pending);
      slot.worker.postMessage(next.message);
    }
  }

  private settle(worker: Worker, reply: Reply<Out>): void {
    const pending = this.running.get(worker);
    this.running.delete(worker);
    const slot = this.slots.find((candidate) => candidate.worker === worker);
    if (slot) slot.busy = false;
    if (reply.ok) pending?.resolve(reply.value);
    else pending?.reject(new CoreError('E_INTERNAL', reply.message, reply.details));
    this.dispatch();
  }

  private fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const pending of [...this.running.values(), ...this.waiting.map((entry) => entry.pending)]) pending.reject(error);
    this.running.clear();
    this.waiting.length = 0;
    for (const slot of this.slots) void slot.worker.terminate();
  }
}

/** An error a worker's handler throws to say more than a message: its details reach the caller's CoreError. */
export class WorkerFailure extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * Makes this thread a pool worker: `setup` runs once with the pool's data, then `handle` answers
 * each request. Called at the top level of a worker module; does nothing on the main thread.
 */
export function serveWorker<Data, In, Out>(setup: (data: Data) => (message: In) => Out): void {
  if (isMainThread || !parentPort) return;
  const port = parentPort;
  const handle = setup(workerData as Data);
  port.on('message', (message: In) => {
    let reply: Reply<Out>;
    try {
      reply = { ok: true, value: handle(message) };
    } catch (error) {
      reply = error instanceof WorkerFailure ? { ok: false, message: error.message, details: error.details } : { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
