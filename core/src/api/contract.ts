// THE contract: CoreApi is every verb the core offers; CORE_METHODS is the same list at run time.
//
// Each area declares its verbs in its own file (workspace.ts, retention.ts, ...). Every verb
// takes one JSON-safe request object and returns a Promise of a JSON-safe value, in which
// tables travel as Arrow IPC bytes (Uint8Array). Errors reject with CoreError.
import type { CoreEventListener } from './events.ts';
import { CUSTOMERS_METHODS, type CustomersApi } from './customers.ts';
import { DRIVERS_METHODS, type DriversApi } from './drivers.ts';
import { IN_PLACE_METHODS, type InPlaceApi } from './inPlace.ts';
import { REASONS_METHODS, type ReasonsApi } from './reasons.ts';
import { REPORT_METHODS, type ReportApi } from './report.ts';
import { RETENTION_METHODS, type RetentionApi } from './retention.ts';
import { VIEWS_METHODS, type ViewsApi } from './views.ts';
import { WORKSPACE_METHODS, type WorkspaceApi } from './workspace.ts';

export interface CoreApi extends WorkspaceApi, RetentionApi, ReasonsApi, CustomersApi, ReportApi, DriversApi, InPlaceApi, ViewsApi {}

export type CoreMethod = keyof CoreApi;
export type CoreRequest<M extends CoreMethod> = Parameters<CoreApi[M]>[0];
export type CoreResponse<M extends CoreMethod> = Awaited<ReturnType<CoreApi[M]>>;

export const CORE_METHODS: readonly CoreMethod[] = [
  ...WORKSPACE_METHODS,
  ...RETENTION_METHODS,
  ...REASONS_METHODS,
  ...CUSTOMERS_METHODS,
  ...REPORT_METHODS,
  ...DRIVERS_METHODS,
  ...IN_PLACE_METHODS,
  ...VIEWS_METHODS,
];

// Compile-time proof that the runtime table names every verb of the interface.
type AllListed = [Exclude<CoreMethod, ListedMethod>] extends [never] ? true : Exclude<CoreMethod, ListedMethod>;
type ListedMethod =
  | (typeof WORKSPACE_METHODS)[number]
  | (typeof RETENTION_METHODS)[number]
  | (typeof REASONS_METHODS)[number]
  | (typeof CUSTOMERS_METHODS)[number]
  | (typeof REPORT_METHODS)[number]
  | (typeof DRIVERS_METHODS)[number]
  | (typeof IN_PLACE_METHODS)[number]
  | (typeof VIEWS_METHODS)[number];
export const ALL_METHODS_LISTED: AllListed = true;

/** Verbs whose request takes an optional task id: they run as tasks, report progress and can be cancelled. */
export type TaskMethod = { [M in CoreMethod]: TakesTaskId<CoreRequest<M>> extends true ? M : never }[CoreMethod];
type TakesTaskId<Request> = 'taskId' extends keyof Request ? (undefined extends Request['taskId' & keyof Request] ? true : false) : false;

/** TaskMethod at run time, so a client can give each such call an id it can cancel. */
export const TASK_METHODS = [
  'importFiles',
  'cohortRetention',
  'cohortMembers',
  'retentionForecast',
  'churnSummary',
  'survival',
  'kpis',
  'classifyTickets',
  'churnReasons',
  'reasonMembers',
  'customerSegments',
  'customerValue',
  'defaultReport',
  'churnDrivers',
  'surveys',
  'whatIf',
  'readInPlace',
  'exportParquet',
] as const satisfies readonly TaskMethod[];

// Compile-time proof that TASK_METHODS names every verb whose request takes a task id.
type UnlistedTaskMethod = Exclude<TaskMethod, (typeof TASK_METHODS)[number]>;
export const ALL_TASK_METHODS_LISTED: [UnlistedTaskMethod] extends [never] ? true : UnlistedTaskMethod = true;

/** Verbs whose request takes an analysis scope (api/views.ts): every analysis of the workspace's data. */
export type ScopedMethod = { [M in CoreMethod]: TakesScope<CoreRequest<M>> extends true ? M : never }[CoreMethod];
// An optional scope: saveView's required one is the view's content, not a scope the call runs in.
type TakesScope<Request> = 'scope' extends keyof Request ? (undefined extends Request['scope' & keyof Request] ? true : false) : false;

/** ScopedMethod at run time, so a client can add the active scope to each such call. */
export const SCOPED_METHODS = [
  'cohortRetention',
  'cohortMembers',
  'retentionForecast',
  'churnSummary',
  'survival',
  'kpis',
  'churnReasons',
  'reasonMembers',
  'customerSegments',
  'customerValue',
  'defaultReport',
  'churnDrivers',
  'surveys',
  'whatIf',
] as const satisfies readonly ScopedMethod[];

// Compile-time proof that SCOPED_METHODS names every verb whose request takes a scope.
type UnlistedScopedMethod = Exclude<ScopedMethod, (typeof SCOPED_METHODS)[number]>;
export const ALL_SCOPED_METHODS_LISTED: [UnlistedScopedMethod] extends [never] ? true : UnlistedScopedMethod = true;

export function isScopedMethod(name: CoreMethod): name is ScopedMethod {
  return (SCOPED_METHODS as readonly string[]).includes(name);
}

export function isTaskMethod(name: CoreMethod): name is TaskMethod {
  return (TASK_METHODS as readonly string[]).includes(name);
}

export function isCoreMethod(name: unknown): name is CoreMethod {
  return typeof name === 'string' && (CORE_METHODS as readonly string[]).includes(name);
}

/** A core as its hosts hold it: the API plus the event stream and shutdown. */
export interface CoreHandle extends CoreApi {
  /** Subscribes to progress and log events; returns the unsubscribe function. */
  on(listener: CoreEventListener): () => void;
}
