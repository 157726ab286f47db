// React context holding the typed core client, the host, the workspace revision screens reload on,
// the analysis scope every analysis call takes, and the screen options saved views keep.
import { createContext, useCallback, useMemo, useState, type Dispatch, type ReactNode, type SetStateAction } from 'react';
import { SCOPED_METHODS, type AnalysisScope, type CoreHandle, type ViewSettings } from '../../../core/src/api/index.ts';
import type { AppHost } from './host.ts';

export interface CoreContextValue {
  /** The client; its analysis verbs take the active scope (see `scoped`). */
  core: CoreHandle;
  host: AppHost;
  /** Grows each time the workspace changes (import, open); data hooks refetch on it. */
  revision: number;
  workspaceChanged(): void;
  /** The scope the filter bar chose; {} for the whole workspace. */
  scope: AnalysisScope;
  setScope(scope: AnalysisScope): void;
  /** Screen options a saved view keeps, by `screen.option`, each as JSON (client/viewSettings.ts reads and writes them). */
  viewSettings: ViewSettings;
  setViewSettings: Dispatch<SetStateAction<ViewSettings>>;
}

export const CoreContext = createContext<CoreContextValue | null>(null);

/** True when the scope narrows or groups anything. */
export function isScopeActive(scope: AnalysisScope): boolean {
  return scope.from !== undefined || scope.to !== undefined || (scope.where?.length ?? 0) > 0 || scope.segmentTop !== undefined || scope.minGroupSize !== undefined;
}

/**
 * `core` with `scope` added to every analysis call (the verbs of SCOPED_METHODS) that names none,
 * so screens need not know about it. A new object per scope: hooks keyed on the core call again
 * when the scope changes. The whole workspace is `core` itself.
 */
function scoped(core: CoreHandle, scope: AnalysisScope): CoreHandle {
  if (!isScopeActive(scope)) return core;
  const verbs: Partial<CoreHandle> = {};
  for (const method of SCOPED_METHODS) {
    const verb = core[method] as (request: object) => Promise<unknown>;
    Object.assign(verbs, { [method]: (request: { scope?: AnalysisScope }) => verb.call(core, request.scope === undefined ? { ...request, scope } : request) });
  }
  return { ...core, ...verbs };
}

export function CoreProvider({ core, host, children }: { core: CoreHandle; host: AppHost; children: ReactNode }) {
  const [revision, setRevision] = useState(0);
  const [scope, setScope] = useState<AnalysisScope>({});
  const [viewSettings, setViewSettings] = useState<ViewSettings>({});
  const workspaceChanged = useCallback(() => setRevision((value) => value + 1), []);
  const client = useMemo(() => scoped(core, scope), [core, scope]);
  const value = useMemo(
    () => ({ core: client, host, revision, workspaceChanged, scope, setScope, viewSettings, setViewSettings }),
    [client, host, revision, workspaceChanged, scope, viewSettings],
  );
  return <CoreContext value={value}>{children}</CoreContext>;
}
