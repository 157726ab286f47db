// Component-test helpers: a fake CoreApi whose verbs a test supplies, and the providers around a component.
import { configure, render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { CORE_METHODS, CoreError, type CoreApi, type CoreEvent, type CoreEventListener, type CoreHandle } from '../../core/src/api/index.ts';
import { CoreProvider } from '../src/client/CoreProvider.tsx';
import type { AppHost } from '../src/client/host.ts';
import { PlotlyContext, type PlotlyBundle, type PlotlyLoader } from '../src/components/charts/plotlyBundle.ts';
import { I18nProvider, type Language } from '../src/i18n/I18nProvider.tsx';

// findBy* waits 1 s by default; on two cores shared with DuckDB suites a screen can take longer to settle.
configure({ asyncUtilTimeout: 10_000 });

export interface FakeCore extends CoreHandle {
  emit(event: CoreEvent): void;
  calls: { method: string; request: unknown }[];
}

/** Verbs not given reject with E_INTERNAL naming the verb, so a test sees what it forgot. */
export function fakeCore(verbs: Partial<CoreApi>): FakeCore {
  const listeners = new Set<CoreEventListener>();
  const calls: FakeCore['calls'] = [];
  const core: Record<string, unknown> = {
    calls,
    on: (listener: CoreEventListener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event: CoreEvent) => listeners.forEach((listener) => listener(event)),
  };
  for (const method of CORE_METHODS) {
    const verb = verbs[method] as ((request: unknown) => Promise<unknown>) | undefined;
    core[method] = async (request: unknown) => {
      calls.push({ method, request });
      if (!verb) throw new CoreError('E_INTERNAL', `fake core: ${method} not provided`);
      return verb(request);
    };
  }
  return core as unknown as FakeCore;
}

/** A Plotly stand-in whose calls tests inspect; `toImage` answers a PNG of the bytes 1, 2, 3 ("AQID"). */
export function fakePlotly(react: PlotlyBundle['react'] = async () => undefined) {
  return {
    react: vi.fn(react),
    purge: vi.fn(),
    downloadImage: vi.fn(async () => ''),
    toImage: vi.fn(async () => 'data:image/png;base64,AQID'),
    Plots: { resize: vi.fn() },
  } satisfies PlotlyBundle;
}

export function fakeHost(overrides: Partial<AppHost> = {}): AppHost {
  return {
    kind: 'browser',
    wire: { call: async () => ({ ok: false, error: { code: 'E_INTERNAL', message: 'fake host wire' } }), listen: () => () => undefined },
    files: { kind: 'upload', upload: async (file) => `/uploads/${file.name}` },
    onMenu: () => () => undefined,
    ...overrides,
  };
}

export function renderWith(
  ui: ReactNode,
  options: { core?: CoreHandle; host?: AppHost; language?: Language; plotly?: PlotlyLoader } = {},
): RenderResult {
  const core = options.core ?? fakeCore({});
  const host = options.host ?? fakeHost();
  // A wrapper (not a tree) so that `rerender` keeps the providers.
  const Providers = ({ children }: { children: ReactNode }) => (
    <I18nProvider language={options.language ?? 'en'}>
      <CoreProvider core={core} host={host}>
        {options.plotly ? <PlotlyContext value={options.plotly}>{children}</PlotlyContext> : children}
      </CoreProvider>
    </I18nProvider>
  );
  return render(ui, { wrapper: Providers });
}
