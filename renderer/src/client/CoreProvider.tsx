// React context holding the typed core client, the host, and the workspace revision screens reload on.
import { createContext, useCallback, useMemo, useState, type ReactNode } from 'react';
import type { CoreHandle } from '../../../core/src/api/index.ts';
import type { AppHost } from './host.ts';

export interface CoreContextValue {
  core: CoreHandle;
  host: AppHost;
  /** Grows each time the workspace changes (import, open); data hooks refetch on it. */
  revision: number;
  workspaceChanged(): void;
}

export const CoreContext = createContext<CoreContextValue | null>(null);

export function CoreProvider({ core, host, children }: { core: CoreHandle; host: AppHost; children: ReactNode }) {
  const [revision, setRevision] = useState(0);
  const workspaceChanged = useCallback(() => setRevision((value) => value + 1), []);
  const value = useMemo(() => ({ core, host, revision, workspaceChanged }), [core, host, revision, workspaceChanged]);
  return <CoreContext value={value}>{children}</CoreContext>;
}
