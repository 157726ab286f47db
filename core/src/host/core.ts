// createCore(): the one implementation of CoreApi, assembled from each area's handlers.
import { CORE_METHODS, type CoreApi, type CoreHandle, type CoreMethod } from '../api/contract.ts';
import { checkRequest } from '../api/schemas.ts';
import { IN_MEMORY, Workspace, type WorkspaceSettings } from '../db/workspace.ts';
import { CoreContext } from './context.ts';
import { customersHandlers } from './handlers/customers.ts';
import { driversHandlers } from './handlers/drivers.ts';
import { inPlaceHandlers } from './handlers/inPlace.ts';
import { reasonsHandlers } from './handlers/reasons.ts';
import { reportHandlers } from './handlers/report.ts';
import { retentionHandlers } from './handlers/retention.ts';
import { viewsHandlers } from './handlers/views.ts';
import { workspaceHandlers } from './handlers/workspace.ts';

export interface CoreOptions {
  /** Workspace file to open at start; default an in-memory workspace. */
  workspace?: string;
  settings?: WorkspaceSettings;
}

export interface Core extends CoreHandle {
  /** Cancels running tasks and closes the workspace. */
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions = {}): Promise<Core> {
  const context = new CoreContext(await Workspace.open(options.workspace ?? IN_MEMORY, options.settings));
  const api = withRequestChecks({
    ...workspaceHandlers(context, options.settings ?? {}),
    ...retentionHandlers(context),
    ...reasonsHandlers(context),
    ...customersHandlers(context),
    ...reportHandlers(context),
    ...driversHandlers(context),
    ...inPlaceHandlers(context),
    ...viewsHandlers(context),
  });
  return {
    ...api,
    on: (listener) => context.on(listener),
    close: () => context.close(),
  };
}

/**
 * Every verb first checks its request against the contract (api/schemas.ts). Done here, where the
 * core is assembled, because every host calls through it: the HTTP and Electron dispatchers and the
 * CLI, which calls the verbs directly.
 */
function withRequestChecks(handlers: CoreApi): CoreApi {
  const checked: Partial<Record<CoreMethod, (request: unknown) => Promise<unknown>>> = {};
  for (const method of CORE_METHODS) {
    const verb = handlers[method] as (request: unknown) => Promise<unknown>;
    checked[method] = async (request) => {
      checkRequest(method, request);
      return verb.call(handlers, request);
    };
  }
  return checked as CoreApi;
}
