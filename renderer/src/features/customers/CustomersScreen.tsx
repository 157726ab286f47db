// The Customers screen: RFM segments, shopper types, and customer value (BG/NBD + Gamma-Gamma) with
// the at-risk list; any customer can be explained.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RfmGridCell, RfmSegmentsResult, ShopperSegmentsResult, ValueFitIssue, ValueFitQuality } from '../../../../core/src/api/index.ts';
import { RATE_SCALE } from '../../../../core/src/api/palette.ts';
import { useCall } from '../../client/hooks.ts';
import { useViewSetting } from '../../client/viewSettings.ts';
import { CHART_COLORS, PlotlyChart } from '../../components/charts/PlotlyChart.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Panel, Screen } from '../../components/Screen.tsx';
import { useMoney } from '../../components/money.ts';
import { StatTile } from '../../components/StatTile.tsx';
import { useI18n, type I18n } from '../../i18n/I18nProvider.tsx';
import { CustomerExplanationPanel } from './CustomerExplanationPanel.tsx';
import { CustomerList } from './CustomerList.tsx';
import { UNDETERMINED } from './shopperKeys.ts';

const TABS = ['rfm', 'shopper', 'value'] as const;

type Tab = (typeof TABS)[number];

/** Characters of 10-pixel text that fit one cell of the 5 x 5 grid at its narrowest (a half-width panel at 1280 px). */
const RFM_CELL_CHARS = 10;

/** Text in lines of at most `width` characters, broken between words (Plotly's "<br>"); a longer word keeps its own line. */
export function wrapWords(text: string, width: number): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('<br>');
}

/**
 * Scores (1-5) no customer holds on one axis of the grid. Quintile scores of ties (many customers with
 * one order) all land on one score, so a score can be left empty; the grid's note says why.
 */
export function emptyScores(grid: readonly RfmGridCell[], axis: 'r' | 'f'): number[] {
  const held = new Set(grid.filter((cell) => cell.customers > 0).map((cell) => cell[axis]));
  return [1, 2, 3, 4, 5].filter((score) => !held.has(score));
}

function RfmView({ result, onExplain }: { result: RfmSegmentsResult; onExplain: (id: string) => void }) {
  const { t, number, label } = useI18n();
  // A kept segment this workspace's scheme does not have (a view saved on other data) falls back to the first.
  const [keptSegment, setSegment] = useViewSetting<string | null>('customers', 'rfmSegment', null);
  const segment = result.segments.find((s) => s.key === keptSegment)?.key ?? result.segments[0]?.key ?? '';
  const grid = useMemo(() => {
    const scores = [1, 2, 3, 4, 5];
    const cell = (r: number, f: number) => result.grid.find((item) => item.r === r && item.f === f);
    const names = new Map(result.segments.map((segment) => [segment.key, label(segment.label)]));
    // A name wider than a cell ("Potential loyalist") breaks between its words instead of spilling into the next cell.
    const cellText = (r: number, f: number) => cell(r, f)?.segments.map((key) => wrapWords(names.get(key) ?? key, RFM_CELL_CHARS)).join('<br>') ?? '';
    return [
      {
        type: 'heatmap',
        x: scores,
        y: scores,
        z: scores.map((r) => scores.map((f) => cell(r, f)?.customers ?? null)),
        text: scores.map((r) => scores.map((f) => cellText(r, f))),
        texttemplate: '<b>%{z:,}</b><br>%{text}',
        textfont: { size: 10 },
        colorscale: RATE_SCALE,
        hovertemplate: 'R%{y} F%{x}: %{z:,}<br>%{text}<extra></extra>',
        xgap: 2,
        ygap: 2,
        showscale: false,
      },
    ];
  }, [result, label]);
  const bars = useMemo(
    () => [
      { type: 'bar', orientation: 'h', name: t('customers.customerShare'), y: result.segments.map((s) => label(s.label)), x: result.segments.map((s) => s.customerShare), marker: { color: CHART_COLORS[0] } },
      { type: 'bar', orientation: 'h', name: t('customers.revenueShare'), y: result.segments.map((s) => label(s.label)), x: result.segments.map((s) => s.revenueShare), marker: { color: CHART_COLORS[1] } },
    ],
    [result, t, label],
  );
  const emptyFrequency = emptyScores(result.grid, 'f');
  const emptyRecency = emptyScores(result.grid, 'r');
  const chosen = result.segments.find((s) => s.key === segment);
  const segmentName = (key: string) => {
    const named = result.segments.find((s) => s.key === key);
    return named ? label(named.label) : key;
  };
  return (
    <>
      <div className="chart-pair">
        <Panel id="rfm-grid" title={t('customers.rfmGrid')}>
          <PlotlyChart data={grid} layout={{ xaxis: { title: { text: t('customers.frequencyScore') }, dtick: 1 }, yaxis: { title: { text: t('customers.recencyScore') }, dtick: 1 } }} height={400} title={t('customers.rfmGrid')} fileName="rfm-grid" />
          {emptyFrequency.length > 0 && <p className="footnote" data-testid="rfm-empty-scores">{t('customers.rfmEmptyScores', { axis: t('customers.frequencyScore'), scores: emptyFrequency.join(', ') })}</p>}
          {emptyRecency.length > 0 && <p className="footnote">{t('customers.rfmEmptyScores', { axis: t('customers.recencyScore'), scores: emptyRecency.join(', ') })}</p>}
        </Panel>
        <Panel id="rfm-segments" title={t('customers.segmentSizes')}>
          <PlotlyChart data={bars} layout={{ barmode: 'group', xaxis: { tickformat: '.0%', title: { text: t('customers.shareAxis') } }, yaxis: { autorange: 'reversed', automargin: true }, margin: { l: 140 } }} height={400} title={t('customers.segmentSizes')} fileName="rfm-segments" />
        </Panel>
      </div>
      <Panel
        id="rfm-members"
        title={chosen ? t('customers.segmentMembers', { segment: label(chosen.label), count: number(chosen.customers) }) : t('customers.segmentSizes')}
        actions={
          <select value={segment} onChange={(event) => setSegment(event.target.value)} aria-label={t('customers.segment')}>
            {result.segments.map((s) => (
              <option key={s.key} value={s.key}>
                {label(s.label)}
              </option>
            ))}
          </select>
        }
      >
        {chosen?.rule.description && <p className="chart-note">{label(chosen.rule.description)}</p>}
        {chosen && (
          <CustomerList
            key={segment}
            query={{ table: 'rfm', resultId: result.resultId, filter: { column: 'segment', values: [segment] } }}
            total={chosen.customers}
            label={label(chosen.label)}
            onExplain={onExplain}
            valueLabels={{ segment: segmentName }}
          />
        )}
      </Panel>
    </>
  );
}

function ShopperView({ result }: { result: ShopperSegmentsResult }) {
  const { t, number, percent, label } = useI18n();
  // `types` ends with the undetermined customers, who have no primary type.
  const typed = result.types.reduce((sum, type) => sum + (type.key === UNDETERMINED ? 0 : type.customers), 0);
  const bars = [
    { type: 'bar', name: t('customers.primary'), x: result.types.map((type) => label(type.label)), y: result.types.map((type) => type.customers), marker: { color: CHART_COLORS[0] } },
    { type: 'bar', name: t('customers.secondary'), x: result.types.map((type) => label(type.label)), y: result.types.map((type) => type.secondaryCustomers), marker: { color: CHART_COLORS[5] } },
  ];
  return (
    <div className="chart-pair">
      <Panel id="shopper-types" title={t('customers.shopperTypes')}>
        <p className="chart-note">{t('customers.undetermined', { insufficient: number(result.undetermined.insufficientData), unmatched: number(result.undetermined.noRuleMatched) })}</p>
        <PlotlyChart data={bars} layout={{ barmode: 'group', yaxis: { title: { text: t('customers.customersAxis') } } }} title={t('customers.shopperTypes')} fileName="shopper-types" />
      </Panel>
      <Panel id="shopper-features" title={t('customers.features')}>
        <div className="table-wrap">
          <table className="simple-table">
            <thead>
              <tr>
                <th className="wraps">{t('customers.feature')}</th>
                <th>{t('customers.available')}</th>
                <th className="number">{t('customers.median')}</th>
              </tr>
            </thead>
            <tbody>
              {result.features.map((feature) => (
                <tr key={feature.feature}>
                  <td className="wraps">{t(`feature.${feature.feature}`)}</td>
                  <td className="wraps" title={feature.reason ?? undefined}>{feature.available ? '✓' : `✗ ${t('customers.featureMissing')}`}</td>
                  <td className="number">{feature.median === null ? '—' : number(feature.median, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="chart-note">{t('customers.typedShare', { share: percent(result.customers ? typed / result.customers : null), undetermined: number(result.customers - typed) })}</p>
      </Panel>
    </div>
  );
}

/** A fit issue in the UI language (the core sends codes and numbers, see ValueFitIssue). */
function issueText(issue: ValueFitIssue, i18n: I18n): string {
  const { t, number } = i18n;
  switch (issue.code) {
    case 'parameter_on_bound': {
      const text = t('customers.value.issue.parameter_on_bound', { model: issue.model === 'bgnbd' ? 'BG/NBD' : 'Gamma-Gamma', parameters: issue.parameters.join(', ') });
      return issue.model === 'bgnbd' && issue.parameters.includes('a') ? `${text}${i18n.language === 'en' ? ' ' : ''}${t('customers.value.issue.parameter_on_bound.a')}` : text;
    }
    case 'no_separation':
      return t('customers.value.issue.no_separation', { p10: i18n.percent(issue.p10), p90: i18n.percent(issue.p90) });
    case 'spend_mean_undefined':
      return t('customers.value.issue.spend_mean_undefined', { q: number(issue.q, 2) });
  }
}

/** Says in words why the value model cannot rank customers here, and what to do about it. */
function FitWarning({ quality }: { quality: ValueFitQuality }) {
  const i18n = useI18n();
  return (
    <div className="banner banner-warning" role="status" data-testid="value-fit-warning">
      <div className="banner-body">
        <strong>{i18n.t('customers.value.degenerateTitle')}</strong>
        <ul>
          {quality.issues.map((issue) => (
            <li key={issue.code + ('model' in issue ? issue.model : '')}>{issueText(issue, i18n)}</li>
          ))}
        </ul>
        <p>{i18n.t('customers.value.degenerateAction')}</p>
      </div>
    </div>
  );
}

function ValueView({ onExplain, onResult }: { onExplain: (id: string) => void; onResult: (resultId: string) => void }) {
  const { t, number } = useI18n();
  const money = useMoney();
  const value = useCall('customerValue', {});
  const [showAnyway, setShowAnyway] = useState(false);
  const resultId = value.value?.resultId;
  useEffect(() => {
    if (resultId) onResult(resultId);
  }, [resultId, onResult]);
  if (value.error) return <ErrorBanner error={value.error} onRetry={value.reload} />;
  if (!value.value) return <p className="muted">{t('chart.loading')}</p>;
  const { summary, holdout, fitQuality, options } = value.value;
  const degenerate = fitQuality.degenerate;
  return (
    <>
      {degenerate && <FitWarning quality={fitQuality} />}
      <div className="stats">
        <StatTile label={t('customers.value.customers')} value={number(summary.customers)} />
        <StatTile label={t('customers.value.expectedAlive')} value={number(summary.expectedAlive)} />
        <StatTile label={t('customers.value.expectedPurchasesAll')} value={number(summary.expectedPurchases)} />
        <StatTile label={t('customers.value.totalClv')} value={money(summary.totalClv)} />
        {!degenerate && <StatTile label={t('customers.value.totalAtRisk')} value={money(summary.totalValueAtRisk)} />}
      </div>
      <p className="chart-note">{t('customers.value.definition', { months: number(options.horizonMonths) })}</p>
      {fitQuality.oneTimeBuyers > 0 && <p className="chart-note">{t('customers.value.oneTimeBuyers', { count: number(fitQuality.oneTimeBuyers) })}</p>}
      {holdout && (
        <Panel id="value-holdout" title={t('customers.value.holdout')}>
          <PlotlyChart
            data={[
              { type: 'bar', name: t('customers.value.actual'), x: holdout.buckets.map((b) => b.frequency), y: holdout.buckets.map((b) => b.actual), marker: { color: CHART_COLORS[5] } },
              { type: 'scatter', mode: 'lines+markers', name: t('customers.value.predicted'), x: holdout.buckets.map((b) => b.frequency), y: holdout.buckets.map((b) => b.predicted), line: { color: CHART_COLORS[0] } },
            ]}
            layout={{ xaxis: { title: { text: t('customers.value.calibrationPurchases') }, type: 'category' }, yaxis: { title: { text: t('customers.value.holdoutPurchases') } } }}
            title={t('customers.value.holdout')}
            fileName="value-holdout"
          />
        </Panel>
      )}
      <Panel
        id="value-at-risk"
        title={t('customers.value.atRisk')}
        actions={
          degenerate && !showAnyway ? (
            <button type="button" className="button button-small button-quiet" onClick={() => setShowAnyway(true)}>
              {t('customers.value.showAnyway')}
            </button>
          ) : undefined
        }
      >
        {(!degenerate || showAnyway) && (
          <>
            <p className="chart-note">{t('customers.value.atRiskNote')}</p>
            <CustomerList query={{ table: 'value', resultId: value.value.resultId }} total={summary.customers} label={t('customers.value.atRisk')} onExplain={onExplain} />
          </>
        )}
      </Panel>
    </>
  );
}

export function CustomersScreen() {
  const { t } = useI18n();
  const [keptTab, setTab] = useViewSetting<Tab>('customers', 'tab', 'rfm');
  const tab = TABS.includes(keptTab) ? keptTab : 'rfm';
  const [explained, setExplained] = useState<string | null>(null);
  const rfm = useCall('customerSegments', tab === 'rfm' ? { scheme: 'rfm' } : null);
  const shopper = useCall('customerSegments', tab === 'shopper' ? { scheme: 'shopper' } : null);
  const error = tab === 'rfm' ? rfm.error : tab === 'shopper' ? shopper.error : undefined;
  const [valueResultId, setValueResultId] = useState<string | null>(null);
  const onValueResult = useCallback((id: string) => setValueResultId(id), []);
  // The explanation reads the stored results: ask again whenever one of them is recomputed.
  const resultsKey = [rfm.value?.resultId, shopper.value?.resultId, valueResultId].join(' ');
  return (
    <Screen
      title={t('customers.title')}
      subtitle={t('customers.subtitle')}
      actions={
        <div className="segmented" role="tablist" aria-label={t('customers.title')}>
          {TABS.map((name) => (
            <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'segmented-on' : undefined} onClick={() => setTab(name)}>
              {t(`customers.tab.${name}`)}
            </button>
          ))}
        </div>
      }
    >
      {error && <ErrorBanner error={error} />}
      {explained && <CustomerExplanationPanel customerId={explained} resultsKey={resultsKey} onClose={() => setExplained(null)} />}
      {tab === 'rfm' && rfm.value?.scheme === 'rfm' && <RfmView result={rfm.value} onExplain={setExplained} />}
      {tab === 'shopper' && shopper.value?.scheme === 'shopper' && <ShopperView result={shopper.value} />}
      {tab === 'value' && <ValueView onExplain={setExplained} onResult={onValueResult} />}
    </Screen>
  );
}
