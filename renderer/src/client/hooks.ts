// React hooks over CoreApi: one-shot calls that follow the workspace, and cancellable tasks with progress.
import { use, useCallback, useEffect, useRef, useState } from 'react';
import { CoreError, isTaskMethod, type CoreHandle, type CoreMethod, type CoreRequest, type CoreResponse, type ProgressEvent, type TaskMethod } from '../../../core/src/api/index.ts';
import { CoreContext, type CoreContextValue } from './CoreProvider.tsx';

export function useCoreContext(): CoreContextValue {
  const context = use(CoreContext);
  if (!context) throw new Error('useCoreContext outside <CoreProvider>');
  return context;
}

/** Anything thrown, as the CoreError the banners show. */
export function asCoreError(error: unknown): CoreError {
  if (error instanceof CoreError) return error;
  return new CoreError('E_INTERNAL', error instanceof Error ? error.message : String(error));
}

/** A call in flight: the task id it runs under (when its verb takes one) and how many components wait for it. */
interface SharedCall<T> {
  result: Promise<T>;
  taskId: string | null;
  users: number;
  settled: boolean;
}

/** Calls in flight per core, by workspace revision, method and request JSON: identical concurrent asks share one call (and its task). */
const inFlight = new WeakMap<object, Map<string, SharedCall<unknown>>>();

/**
 * Joins the call in flight for the same workspace revision, method and request, or starts one. The
 * revision is part of the key, so after a workspace switch nobody joins a call made for the previous workspace.
 */
function joinCall<M extends CoreMethod>(core: CoreHandle, revision: number, method: M, key: string): { id: string; call: SharedCall<CoreResponse<M>> } {
  let calls = inFlight.get(core);
  if (!calls) inFlight.set(core, (calls = new Map()));
  const id = `${revision} ${method} ${key}`;
  let call = calls.get(id) as SharedCall<CoreResponse<M>> | undefined;
  if (!call) {
    const verb = core[method] as (arg: CoreRequest<M>) => Promise<CoreResponse<M>>;
    const request = JSON.parse(key) as CoreRequest<M>;
    const taskId = isTaskMethod(method) ? newTaskId() : null;
    const started: SharedCall<CoreResponse<M>> = {
      result: verb(taskId === null ? request : { ...request, taskId }).finally(() => {
        started.settled = true;
        if (calls.get(id) === started) calls.delete(id);
      }),
      taskId,
      users: 0,
      settled: false,
    };
    calls.set(id, started);
    call = started;
  }
  call.users += 1;
  return { id, call };
}

/**
 * Lets go of a call. When its last user has gone before it settled (the request changed, the
 * workspace changed, the screen closed), its task is cancelled: nobody waits for the answer.
 */
function leaveCall(core: CoreHandle, id: string, call: SharedCall<unknown>): void {
  call.users -= 1;
  // Looked at after the current commit: an effect that React re-runs (cleanup, then setup with the same request) comes back to the call.
  queueMicrotask(() => {
    if (call.users > 0 || call.settled || call.taskId === null) return;
    const calls = inFlight.get(core);
    if (calls?.get(id) === call) calls.delete(id);
    void core.cancel({ taskId: call.taskId }).catch(() => undefined);
  });
}

export interface CallState<T> {
  value: T | undefined;
  error: CoreError | undefined;
  loading: boolean;
  reload(): void;
}

function useSharedCall<M extends CoreMethod>(method: M, request: object | null): CallState<CoreResponse<M>> & { taskId: string | null } {
  const { core, revision } = useCoreContext();
  const [state, setState] = useState<{ value?: CoreResponse<M>; error?: CoreError; loading: boolean; taskId: string | null }>({ loading: request !== null, taskId: null });
  const [nonce, setNonce] = useState(0);
  const key = request === null ? null : JSON.stringify(request);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    const { id, call } = joinCall(core, revision, method, key);
    setState((previous) => ({ ...previous, loading: true, taskId: call.taskId }));
    call.result.then(
      (value) => current && setState({ value, loading: false, taskId: null }),
      (error: unknown) => current && setState({ error: asCoreError(error), loading: false, taskId: null }),
    );
    return () => {
      current = false;
      leaveCall(core, id, call);
    };
  }, [core, method, key, revision, nonce]);
  const reload = useCallback(() => setNonce((value) => value + 1), []);
  return { value: state.value, error: state.error, loading: state.loading, reload, taskId: state.taskId };
}

/**
 * Calls `method` with `request` and re-calls it when the request's JSON or the workspace changes.
 * A null request skips the call (the screen is not ready to ask yet). Components asking the same
 * thing at the same time share one call. A verb that runs as a task gets a task id, so a call
 * nobody waits for any more (superseded or left) is cancelled.
 */
export function useCall<M extends CoreMethod>(method: M, request: CoreRequest<M> | null): CallState<CoreResponse<M>> {
  const { value, error, loading, reload } = useSharedCall(method, request);
  return { value, error, loading, reload };
}

export interface TaskCallState<T> extends CallState<T> {
  /** The last progress event of the call in flight; null before its first and once it has settled. */
  progress: ProgressEvent | null;
  /** Asks the core to interrupt the call in flight; it then settles with E_CANCELLED. */
  cancel(): Promise<void>;
}

/** useCall for a verb that runs as a task: the call gets a task id, so the screen can show its progress and cancel it. */
export function useTaskCall<M extends TaskMethod>(method: M, request: Omit<CoreRequest<M>, 'taskId'> | null): TaskCallState<CoreResponse<M>> {
  const { core } = useCoreContext();
  const { taskId, ...call } = useSharedCall(method, request);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  useEffect(() => {
    setProgress(null);
    if (taskId === null) return;
    return core.on((event) => {
      if (event.type === 'progress' && event.taskId === taskId) setProgress(event);
    });
  }, [core, taskId]);
  const cancel = useCallback(async () => {
    if (taskId !== null) await core.cancel({ taskId });
  }, [core, taskId]);
  return { ...call, progress, cancel };
}

let taskCounter = 0;
function newTaskId(): string {
  taskCounter += 1;
  return `ui-${Date.now().toString(36)}-${taskCounter}`;
}

export interface TaskState {
  running: boolean;
  progress: ProgressEvent | null;
  /** Starts `work` under a fresh task id; progress events for that id update `progress`. */
  run<T>(work: (taskId: string) => Promise<T>): Promise<T>;
  /** Asks the core to interrupt the running task. */
  cancel(): Promise<void>;
}

export function useTask(): TaskState {
  const { core } = useCoreContext();
  const taskId = useRef<string | null>(null);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);

  useEffect(
    () =>
      core.on((event) => {
        if (event.type === 'progress' && event.taskId === taskId.current) setProgress(event);
      }),
    [core],
  );

  const run = useCallback(async <T,>(work: (id: string) => Promise<T>): Promise<T> => {
    const id = newTaskId();
    taskId.current = id;
    setProgress(null);
    setRunning(true);
    try {
      return await work(id);
    } finally {
      taskId.current = null;
      setRunning(false);
    }
  }, []);

  const cancel = useCallback(async () => {
    if (taskId.current) await core.cancel({ taskId: taskId.current });
  }, [core]);

  return { running, progress, run, cancel };
}
