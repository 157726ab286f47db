// The workbench frame: left navigation, the current screen, language switch, native menu commands,
// the filter bar whose scope every analysis screen and the report take, and the report draft every
// screen's "Add to report" adds to.
import { use, useCallback, useEffect, useState } from 'react';
import { asCoreError, useCoreContext } from '../client/hooks.ts';
import { PlotlyContext, preloadPlotly } from '../components/charts/plotlyBundle.ts';
import { DataWarnings } from '../components/DataWarnings.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Icon } from '../components/Icon.tsx';
import { ReportDraftProvider, useReportDraft } from '../features/report/ReportDraft.tsx';
import { availableScreens, type ScreenRequest } from '../features/screens.tsx';
import { isLanguage, LANGUAGES, useI18n } from '../i18n/I18nProvider.tsx';
import type { CoreError } from '../../../core/src/api/index.ts';

const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = { 'zh-CN': '简体中文', en: 'English' };

function screenFromHash(hash: string): string {
  return hash.replace(/^#\/?/, '');
}

export function App() {
  return (
    <ReportDraftProvider>
      <Workbench />
    </ReportDraftProvider>
  );
}

/** How many sections the report draft holds, beside the Report link, so an added chart visibly lands. */
function ReportCount() {
  const { t } = useI18n();
  const count = useReportDraft().report?.sections.length ?? 0;
  if (count === 0) return null;
  return (
    <span className="badge nav-count" title={t('report.navCount', { count })} data-testid="report-count">
      {count}
    </span>
  );
}

function Workbench() {
  const { core, host, workspaceChanged } = useCoreContext();
  const { t, language, setLanguage } = useI18n();
  const { setReport } = useReportDraft();
  const screens = availableScreens();
  const [screenId, setScreenId] = useState(() => screenFromHash(location.hash));
  const [request, setRequest] = useState<ScreenRequest>({});
  const [error, setError] = useState<CoreError | null>(null);
  const screen = screens.find((candidate) => candidate.id === screenId) ?? screens[0];
  // The charting library takes seconds to start on a slow machine: load it while the first screen is read.
  const loadPlotly = use(PlotlyContext);
  const [chartsReady, setChartsReady] = useState(false);
  useEffect(() => preloadPlotly(loadPlotly, () => setChartsReady(true)), [loadPlotly]);

  const go = useCallback((id: string, next: ScreenRequest = {}) => {
    setRequest(next);
    setScreenId(id);
    history.replaceState(history.state, '', `#/${id}`);
  }, []);

  useEffect(() => {
    const onHash = () => setScreenId(screenFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(
    () =>
      host.onMenu((command) => {
        const switchTo = (work: Promise<unknown>) =>
          work.then(workspaceChanged, (failure: unknown) => setError(asCoreError(failure)));
        switch (command.action) {
          case 'language':
            if (isLanguage(command.language)) setLanguage(command.language);
            return;
          case 'import':
            go('data', { importKind: command.kind });
            return;
          case 'openWorkspace':
            // The draft's charts and tables hold the old workspace's numbers; exported under the new one
            // they would pass as its own. So it is dropped once the switch has worked (a failed open keeps
            // the old workspace and its draft). Dropped rather than kept per path: the draft lives in
            // memory only, so one kept per path would come back after a switch but not after a restart.
            // Save As keeps it: the copy holds the same data.
            void switchTo(core.openWorkspace({ path: command.path }).then(() => setReport(null)));
            return;
          case 'saveWorkspaceAs':
            void switchTo(core.saveWorkspaceAs({ path: command.path }));
            return;
          case 'exportReport':
            if (screens.some((candidate) => candidate.id === 'report')) go('report');
            return;
        }
      }),
    [host, core, go, setLanguage, setReport, workspaceChanged, screens],
  );

  return (
    <div className="app">
      <nav className="sidebar" aria-label={t('app.title')}>
        <div className="brand">
          <div className="brand-mark" aria-hidden="true" />
          <div>
            <div className="brand-name">{t('app.title')}</div>
            <div className="brand-tagline">{t('app.tagline')}</div>
          </div>
        </div>
        <ul className="nav-list">
          {screens.map((candidate) => (
            <li key={candidate.id}>
              <a
                href={`#/${candidate.id}`}
                className={candidate === screen ? 'nav-item nav-active' : 'nav-item'}
                aria-current={candidate === screen ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  go(candidate.id);
                }}
              >
                <Icon name={candidate.icon} />
                {t(candidate.title)}
                {candidate.id === 'report' && <ReportCount />}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          {!chartsReady && (
            <div className="charts-loading" role="status" data-testid="charts-loading">
              <span className="spinner" aria-hidden="true" />
              {t('app.chartsLoading')}
            </div>
          )}
          <label className="language">
            <span>{t('app.language')}</span>
            <select value={language} onChange={(event) => isLanguage(event.target.value) && setLanguage(event.target.value)} data-testid="language-select">
              {LANGUAGES.map((option) => (
                <option key={option} value={option}>
                  {LANGUAGE_NAMES[option]}
                </option>
              ))}
            </select>
          </label>
        </div>
      </nav>
      <main className="content">
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
        {screen && screen.id !== 'data' && <FilterBar screenId={screen.id} onOpenScreen={go} />}
        {screen && screen.id !== 'data' && screen.id !== 'report' && <DataWarnings />}
        {screen?.render(request)}
      </main>
    </div>
  );
}
