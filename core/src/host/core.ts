// createCore(): the one implementation of CoreApi, assembled from each area's handlers.
import type { CoreApi, CoreHandle } from '../api/contract.ts';
import { IN_MEMORY, Workspace, type WorkspaceSettings } from '../db/workspace.ts';
import { CoreContext } from './context.ts';
import { customersHandlers } from './handlers/customers.ts';
import { inPlaceHandlers } from './handlers/inPlace.ts';
import { reasonsHandlers } from './handlers/reasons.ts';
import { reportHandlers } from './handlers/report.ts';
import { retentionHandlers } from './handlers/retention.ts';
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
  const api: CoreApi = {
    ...workspaceHandlers(context, options.settings ?? {}),
    ...retentionHandlers(context),
    ...reasonsHandlers(context),
    ...customersHandlers(context),
    ...reportHandlers(context),
    ...inPlaceHandlers(context),
  };
  return {
    ...api,
    on: (listener) => context.on(listener),
    close: () => context.close(),
  };
}
