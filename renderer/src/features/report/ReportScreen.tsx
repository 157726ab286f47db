// The Report screen: builds the default report from the workspace, lets the analyst edit it
// (title, order, notes, sections added from other screens), and exports it with the charts exactly
// as drawn here. The report itself lives in the draft above the screens.
import { useEffect, useRef, useState } from 'react';
import type { ChartImages, CoreError, DisplaySettings, PaperSize, ReportFormat, ReportModel } from '../../../../core/src/api/index.ts';
import { REPORT_FORMATS } from '../../../../core/src/api/report.ts';
import { asCoreError, useCall, useCoreContext, useTask } from '../../client/hooks.ts';
import type { ChartHandle } from '../../components/charts/PlotlyChart.tsx';
import { downloadBlob } from '../../components/download.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Screen } from '../../components/Screen.tsx';
import { isLanguage, LANGUAGES, useI18n } from '../../i18n/I18nProvider.tsx';
import { BrandingPanel } from './BrandingPanel.tsx';
import { useReportDraft, withAddedSections } from './ReportDraft.tsx';
import { DEFAULT_CHART_HEIGHT, SectionView } from './SectionView.tsx';

const IMAGE_WIDTH = 1000;
/** Formats whose writer places chart images the app can supply (the rest draw from the figure JSON). */
const IMAGE_FORMATS: Partial<Record<ReportFormat, 'png' | 'svg'>> = { pptx: 'png', png: 'png', svg: 'svg', pdf: 'svg' };
/** Width in CSS pixels of a chart on a printed page (core/src/report/theme.ts PRINT_CHART_WIDTH): PDF charts are drawn at it. */
const PRINT_WIDTH = 680;

/**
 * The draft with the workspace's branding and currency: a title set there replaces the draft's,
 * and a hidden file name leaves the subtitle (built as "file · period · counts").
 */
export function withDisplaySettings(report: ReportModel, settings: DisplaySettings, workspaceName: string | null): ReportModel {
  const { branding, currency } = settings;
  const prefix = workspaceName === null ? null : `${workspaceName} · `;
  const subtitle = branding.hideWorkspaceName && prefix !== null && report.subtitle.startsWith(prefix) ? report.subtitle.slice(prefix.length) : report.subtitle;
  return { ...report, branding, currency, subtitle, ...(branding.title.trim() ? { title: branding.title.trim() } : {}) };
}

export function ReportScreen() {
  const { core } = useCoreContext();
  const { t, language } = useI18n();
  const task = useTask();
  const { report, setReport } = useReportDraft();
  const [reportLanguage, setReportLanguage] = useState(report?.lang ?? language);
  const built = report?.sections.some((section) => section.area !== 'custom') ?? false;
  const [format, setFormat] = useState<ReportFormat>('html');
  const [paper, setPaper] = useState<PaperSize>('A4');
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<CoreError | null>(null);
  const charts = useRef(new Map<string, ChartHandle>());
  const settings = useCall('displaySettings', {});
  // What this screen saved last wins over the call's answer, which may still be the one before the save.
  const [savedSettings, setSavedSettings] = useState<DisplaySettings | null>(null);
  const displaySettings = savedSettings ?? settings.value;
  // A new answer (another workspace opened) supersedes what was saved in the previous one.
  useEffect(() => setSavedSettings(null), [settings.value]);
  const workspace = useCall('describeWorkspace', {});
  const workspaceName = workspace.value ? (workspace.value.path.split(/[\\/]/).pop() ?? null) : null;

  const build = async () => {
    setError(null);
    try {
      const fresh = await task.run((taskId) => core.defaultReport({ lang: reportLanguage, taskId }));
      setReport((current) => withAddedSections(fresh, current));
    } catch (failure) {
      const coreError = asCoreError(failure);
      if (coreError.code !== 'E_CANCELLED') setError(coreError);
    }
  };

  const chartImages = async (model: ReportModel, kind: 'png' | 'svg', width: number): Promise<Record<string, ChartImages>> => {
    const images: Record<string, ChartImages> = {};
    for (const section of model.sections) {
      const handle = charts.current.get(section.id);
      if (!handle || !section.chart) continue;
      const height = section.chart.height ?? DEFAULT_CHART_HEIGHT;
      images[section.id] = kind === 'png' ? { png: await handle.image('png', width, height) } : { svg: await handle.image('svg', width, height) };
    }
    return images;
  };

  const exportAs = async () => {
    if (!report) return;
    setExporting(true);
    setError(null);
    try {
      const imageKind = IMAGE_FORMATS[format];
      const images = imageKind ? await chartImages(report, imageKind, format === 'pdf' ? PRINT_WIDTH : IMAGE_WIDTH) : {};
      // Blank lines of the summary box are not findings.
      const summary = report.summary?.map((line) => line.trim()).filter((line) => line !== '');
      // Every export carries the workspace's branding and currency as saved now, whenever the draft was built.
      const branded = displaySettings ? { ...report, branding: displaySettings.branding, currency: displaySettings.currency } : report;
      const file = await core.exportReport({ report: { ...branded, ...(summary ? { summary } : {}) }, format, paper, images });
      downloadBlob(new Blob([file.bytes.slice()], { type: file.mimeType }), file.fileName);
    } catch (failure) {
      setError(asCoreError(failure));
    } finally {
      setExporting(false);
    }
  };

  const updateSections = (change: (sections: ReportModel['sections']) => ReportModel['sections']) =>
    setReport((current) => (current ? { ...current, sections: change([...current.sections]) } : current));

  return (
    <Screen
      title={t('report.title')}
      subtitle={t('report.subtitle')}
      actions={
        <>
          <label className="inline-field">
            {t('report.language')}
            <select value={reportLanguage} onChange={(event) => isLanguage(event.target.value) && setReportLanguage(event.target.value)}>
              {LANGUAGES.map((option) => (
                <option key={option} value={option}>
                  {option === 'zh-CN' ? '简体中文' : 'English'}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className={built ? 'button' : 'button button-primary'} onClick={() => void build()} disabled={task.running}>
            {built ? t('report.rebuild') : t('report.build')}
          </button>
        </>
      }
    >
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      {task.running && <ProgressBar progress={task.progress} onCancel={task.cancel} />}
      <BrandingPanel
        onSaved={(saved) => {
          setSavedSettings(saved);
          setReport((current) => (current ? withDisplaySettings(current, saved, workspaceName) : current));
        }}
      />
      {!report && !task.running && (
        <>
          <p className="empty-note">{t('report.empty')}</p>
          <p className="muted">{t('report.emptyAdd')}</p>
        </>
      )}
      {report && (
        <>
          <section className="panel report-head" aria-label={t('report.reportTitle')}>
            <label className="field">
              <span className="field-label">{t('report.reportTitle')}</span>
              <input className="title-input" value={report.title} onChange={(event) => setReport({ ...report, title: event.target.value })} />
            </label>
            <label className="field">
              <span className="field-label">{t('report.subtitleField')}</span>
              <input className="title-input subtitle-input" value={report.subtitle} onChange={(event) => setReport({ ...report, subtitle: event.target.value })} data-testid="report-subtitle" />
            </label>
            <label className="field">
              <span className="field-label">{t('report.summary')}</span>
              <textarea
                className="summary-input"
                rows={Math.max(3, report.summary?.length ?? 0)}
                value={(report.summary ?? []).join('\n')}
                onChange={(event) => setReport({ ...report, summary: event.target.value.split('\n') })}
                data-testid="report-summary"
              />
              <span className="muted">{t('report.summaryHint')}</span>
            </label>
            <div className="export-bar">
              <label className="inline-field">
                {t('report.format')}
                <select value={format} onChange={(event) => setFormat(event.target.value as ReportFormat)} data-testid="report-format">
                  {REPORT_FORMATS.map((option) => (
                    <option key={option} value={option}>
                      {t(`report.format.${option}`)}
                    </option>
                  ))}
                </select>
              </label>
              {format === 'pdf' && (
                <label className="inline-field">
                  {t('report.paper')}
                  <select value={paper} onChange={(event) => setPaper(event.target.value === 'Letter' ? 'Letter' : 'A4')}>
                    <option value="A4">A4</option>
                    <option value="Letter">Letter</option>
                  </select>
                </label>
              )}
              <button type="button" className="button button-primary" disabled={exporting || report.sections.length === 0} onClick={() => void exportAs()}>
                {exporting ? t('report.exporting') : t('report.export')}
              </button>
            </div>
          </section>
          {report.sections.map((section, index) => (
            <SectionView
              key={section.id}
              section={section}
              index={index}
              count={report.sections.length}
              onChange={(next) => updateSections((sections) => sections.map((item) => (item.id === next.id ? next : item)))}
              onMove={(offset) =>
                updateSections((sections) => {
                  const [moved] = sections.splice(index, 1);
                  if (moved) sections.splice(index + offset, 0, moved);
                  return sections;
                })
              }
              onRemove={() => updateSections((sections) => sections.filter((item) => item.id !== section.id))}
              onChartHandle={(handle) => (handle ? charts.current.set(section.id, handle) : charts.current.delete(section.id))}
              currency={displaySettings?.currency ?? report.currency ?? null}
            />
          ))}
        </>
      )}
    </Screen>
  );
}
