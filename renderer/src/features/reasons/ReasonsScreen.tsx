// The Reasons screen: churned customers by the reasons in their tickets (bars with a Pareto line),
// lift with 95% intervals, churn types, the monthly trend, the reasons table, drill-down to the
// customers and the evidence of any ticket; and the taxonomy editor.
import { useCallback, useMemo, useState } from 'react';
import type { OrderStatusName } from '../../../../core/src/api/index.ts';
import { UNKNOWN_REASON, type ChurnReasonsOptions, type ChurnReasonsResult, type ReasonMembersRequest, type ReasonRow } from '../../../../core/src/api/reasons.ts';
import { useCall, useCoreContext, useTaskCall } from '../../client/hooks.ts';
import { useViewSetting } from '../../client/viewSettings.ts';
import { PlotlyChart } from '../../components/charts/PlotlyChart.tsx';
import type { PlotlyPoint } from '../../components/charts/plotlyBundle.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Panel, Screen } from '../../components/Screen.tsx';
import { StatTile } from '../../components/StatTile.tsx';
import { NumberField, positiveWhole } from '../../components/NumberField.tsx';
import { WindowCaution } from '../../components/WindowCaution.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { DEFAULT_STATUSES, StatusesField } from '../StatusesField.tsx';
import { ReasonMembers } from './ReasonMembers.tsx';
import { CHURN_TYPE_LAYOUT, churnTypeTraces, liftHeight, liftLayout, liftRows, liftTraces, PARETO_LAYOUT, paretoOrder, paretoTraces, trendLayout, trendTraces } from './reasonsCharts.ts';
import { ReasonsTable } from './ReasonsTable.tsx';
import { TaxonomyEditor } from './TaxonomyEditor.tsx';
import { CorrectionsPanel } from './CorrectionsPanel.tsx';
import { TicketEvidencePanel } from './TicketEvidencePanel.tsx';
import './reasons.css';

const TABS = ['analysis', 'taxonomy'] as const;
type Tab = (typeof TABS)[number];

/** The key a click on a chart names: bars and points carry their reason key as customdata. */
function clickedKey(point: PlotlyPoint): string | null {
  const data = point.customdata;
  if (typeof data === 'string') return data;
  if (Array.isArray(data) && typeof data[0] === 'string') return data[0];
  return null;
}

type Level = NonNullable<ReasonMembersRequest['level']>;

interface Names {
  /** A reason's name in the current language (`unknown` included). */
  reason: (key: string) => string;
  /** A churn type's name; a churn type may share its key with a reason (`natural`). */
  churnType: (key: string) => string;
}

function Analysis({ result, options, names }: { result: ChurnReasonsResult; options: ChurnReasonsOptions; names: Names }) {
  const { t, number, percent, label } = useI18n();
  // A correction changes the classification: every result of the workspace is asked for again
  const { workspaceChanged } = useCoreContext();
  const nameOf = names.reason;
  const [opened, setOpened] = useState<{ key: string; level: Level } | null>(null);
  const [ticket, setTicket] = useState<string | null>(null);
  const [lookup, setLookup] = useState('');
  const rowName = useCallback((row: ReasonRow) => nameOf(row.key), [nameOf]);
  const pareto = useMemo(() => paretoTraces(result.reasons, rowName, { churned: t('reasons.churnedCustomers'), cumulative: t('reasons.cumulative') }), [result.reasons, rowName, t]);
  const lift = useMemo(() => liftTraces(result.reasons, rowName, { lift: t('reasons.column.lift'), interval: t('reasons.interval') }), [result.reasons, rowName, t]);
  const liftCount = liftRows(result.reasons).length;
  const liftFigure = useMemo(() => liftLayout(t('reasons.liftAxis')), [t]);
  const typeName = useCallback((row: ReasonRow) => names.churnType(row.key), [names]);
  const types = useMemo(() => churnTypeTraces(result.churnTypes, typeName, t('reasons.churnedCustomers')), [result.churnTypes, typeName, t]);
  const trend = useMemo(() => trendTraces(result.trend, result.reasons, rowName), [result.trend, result.reasons, rowName]);
  const trendFigure = useMemo(() => trendLayout(trend), [trend]);
  // Tickets without dates have no month; dated ones that all name no known reason leave no line to draw
  const trendNote = result.trend.length === 0 ? t('reasons.trendEmpty') : trend.length === 0 ? t('reasons.trendOnlyUnknown') : t('reasons.trendNote');
  const top = paretoOrder(result.reasons).find((row) => row.key !== UNKNOWN_REASON && row.churnedCustomers > 0);
  // The other charts are drawn once the Pareto is: drawing all four in one go kept the first off screen until the last was done
  const [restDrawn, setRestDrawn] = useState(false);
  const paretoDrawn = useCallback((handle: unknown) => {
    if (handle !== null) setRestDrawn(true);
  }, []);
  // A new row's customers replace the old ones, and the old row's ticket evidence goes with them.
  const openMembers = (key: string, level: Level) => {
    setOpened({ key, level });
    setTicket(null);
  };
  const openFrom = (level: Level) => (point: PlotlyPoint) => {
    const key = clickedKey(point);
    if (key) openMembers(key, level);
  };

  return (
    <>
      {result.rule && <WindowCaution rule={result.rule} />}
      {result.mostlyUnknown && (
        <div className="banner banner-warning" role="status" data-testid="reasons-mostly-unknown">
          <div className="banner-body">{label(result.mostlyUnknown.sentence)}</div>
        </div>
      )}
      <div className="stats">
        <StatTile label={t('reasons.stat.churned')} value={number(result.churnedCustomers)} hint={t('reasons.stat.judged', { judged: number(result.judgedCustomers) })} />
        <StatTile
          label={t('reasons.stat.withTickets')}
          value={number(result.churnedWithTickets)}
          hint={percent(result.churnedCustomers ? result.churnedWithTickets / result.churnedCustomers : null)}
        />
        <StatTile label={t('reasons.stat.top')} value={top ? nameOf(top.key) : '—'} hint={top ? t('reasons.stat.topShare', { share: percent(top.shareOfChurned) }) : t('reasons.stat.noTop')} />
        <StatTile
          label={t('churn.window')}
          value={result.rule ? t('churn.days', { days: number(result.rule.windowDays) }) : '—'}
          hint={t('reasons.stat.ticketWindow', { days: number(result.options.daysBeforeLastOrder) })}
        />
      </div>

      <Panel id="reasons-pareto" title={t('reasons.paretoTitle')}>
        <p className="chart-note">{t('reasons.paretoNote')}</p>
        <PlotlyChart data={pareto} layout={PARETO_LAYOUT} height={380} title={t('reasons.paretoTitle')} fileName="churn-reasons-pareto" onPointClick={openFrom('reason')} onHandle={paretoDrawn} />
      </Panel>

      {opened && (
        <ReasonMembers
          key={`${opened.level} ${opened.key}`}
          reasonKey={opened.key}
          level={opened.level}
          title={opened.level === 'reason' ? nameOf(opened.key) : names.churnType(opened.key)}
          options={options}
          onTicket={setTicket}
          onClose={() => {
            setOpened(null);
            setTicket(null);
          }}
        />
      )}
      {ticket && <TicketEvidencePanel key={ticket} ticketId={ticket} nameOf={nameOf} onClose={() => setTicket(null)} onCorrected={workspaceChanged} />}

      <div className="chart-pair">
        <Panel id="reasons-lift" title={t('reasons.liftTitle')}>
          <p className="chart-note">{t('reasons.liftNote')}</p>
          {restDrawn && <PlotlyChart data={lift} layout={liftFigure} height={liftHeight(liftCount)} title={t('reasons.liftTitle')} fileName="churn-reasons-lift" onPointClick={openFrom('reason')} />}
        </Panel>
        <Panel id="reasons-types" title={t('reasons.typesTitle')}>
          <p className="chart-note">{t('reasons.typesNote')}</p>
          {restDrawn && <PlotlyChart data={types} layout={CHURN_TYPE_LAYOUT} height={liftHeight(liftCount)} title={t('reasons.typesTitle')} fileName="churn-types" onPointClick={openFrom('churnType')} />}
        </Panel>
      </div>

      <Panel id="reasons-trend" title={t('reasons.trendTitle')}>
        <p className="chart-note" data-testid="reasons-trend-note">
          {trendNote}
        </p>
        {restDrawn && trend.length > 0 && <PlotlyChart data={trend} layout={trendFigure} height={380} title={t('reasons.trendTitle')} fileName="churn-reasons-trend" />}
      </Panel>

      <Panel
        id="reasons-table"
        title={t('reasons.tableTitle')}
        actions={
          <form
            className="section-tools"
            onSubmit={(event) => {
              event.preventDefault();
              if (lookup.trim()) setTicket(lookup.trim());
            }}
          >
            <input className="number-input" value={lookup} onChange={(event) => setLookup(event.target.value)} placeholder={t('field.ticket_id')} aria-label={t('field.ticket_id')} data-testid="ticket-lookup" />
            <button type="submit" className="button button-small">
              {t('reasons.showEvidence')}
            </button>
          </form>
        }
      >
        <p className="chart-note">{t('reasons.tableNote')}</p>
        <ReasonsTable rows={result.reasons} label={t('reasons.tableTitle')} names={names} onOpen={(row) => openMembers(row.key, 'reason')} />
      </Panel>

      <CorrectionsPanel nameOf={nameOf} />
    </>
  );
}

export function ReasonsScreen() {
  const { t, label } = useI18n();
  const { workspaceChanged } = useCoreContext();
  const [tab, setTab] = useState<Tab>('analysis');
  const [windowText, setWindowText] = useViewSetting<string>('reasons', 'window', '');
  const [daysText, setDaysText] = useViewSetting<string>('reasons', 'daysBeforeLastOrder', '');
  const [statuses, setStatuses] = useViewSetting<OrderStatusName[]>('reasons', 'statuses', [...DEFAULT_STATUSES]);
  const workspace = useCall('describeWorkspace', {});
  const noTickets = workspace.value?.tickets === 0;
  const windowDays = positiveWhole(windowText);
  const daysBeforeLastOrder = positiveWhole(daysText);
  const options: ChurnReasonsOptions = { statuses, ...(windowDays ? { windowDays } : {}), ...(daysBeforeLastOrder ? { daysBeforeLastOrder } : {}) };
  // A task, so that classifying many tickets shows its count and rate and can be cancelled
  const result = useTaskCall('churnReasons', workspace.value && !noTickets ? options : null);
  const cancelled = result.error?.code === 'E_CANCELLED';
  const value = result.value;

  const names = useMemo<Names>(() => {
    const lookup = (rows: readonly ReasonRow[] = []) => {
      const map = new Map(rows.map((row) => [row.key, label(row)]));
      map.set(UNKNOWN_REASON, t('reasons.unknown'));
      return (key: string) => map.get(key) ?? key;
    };
    return { reason: lookup(value?.reasons), churnType: lookup(value?.churnTypes) };
  }, [value, t, label]);

  return (
    <Screen
      title={t('reasons.title')}
      subtitle={t('reasons.subtitle')}
      actions={
        <div className="segmented" role="tablist" aria-label={t('reasons.title')}>
          {TABS.map((name) => (
            <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'segmented-on' : undefined} onClick={() => setTab(name)}>
              {t(`reasons.tab.${name}`)}
            </button>
          ))}
        </div>
      }
    >
      {workspace.error && <ErrorBanner error={workspace.error} onRetry={workspace.reload} />}
      {noTickets && (
        <div className="banner banner-info" role="status" data-testid="reasons-empty">
          {t('reasons.noTickets')} <a href="#/data">{t('reasons.importTickets')}</a>
        </div>
      )}
      {/* Both tabs stay mounted: a half-done taxonomy edit survives a look at the analysis. */}
      <div className="tab-body" hidden={tab !== 'analysis' || noTickets}>
        <section className="panel option-bar" aria-label={t('common.options')}>
          <NumberField
            label={t('churn.window')}
            value={windowText}
            placeholder={value?.rule ? t('churn.windowAuto', { days: value.rule.windowDays }) : ''}
            onChange={setWindowText}
            testId="reasons-window"
          />
          <NumberField
            label={t('reasons.daysBefore')}
            value={daysText}
            placeholder={value ? t('churn.windowAuto', { days: value.options.daysBeforeLastOrder }) : ''}
            onChange={setDaysText}
            testId="reasons-days-before"
          />
          <StatusesField value={statuses} onChange={setStatuses} />
        </section>
        {result.loading && <ProgressBar progress={result.progress} onCancel={result.cancel} />}
        {cancelled && (
          <div className="banner banner-info" role="status" data-testid="reasons-cancelled">
            {t('reasons.cancelled')}{' '}
            <button type="button" className="button button-small" onClick={result.reload}>
              {t('reasons.runAgain')}
            </button>
          </div>
        )}
        {result.error && !cancelled && <ErrorBanner error={result.error} onRetry={result.reload} />}
        {value && <Analysis result={value} options={options} names={names} />}
      </div>
      <div className="tab-body" hidden={tab !== 'taxonomy'}>
        <TaxonomyEditor onSaved={workspaceChanged} />
      </div>
    </Screen>
  );
}
