// The Retention screen: cohort heatmap (click a cell for its customers), mean curves and the trend.
import { useMemo, useState } from 'react';
import type { CohortMatrix, CohortMembersRequest, CohortRetentionOptions, RetentionBase, RetentionMetric, RetentionMode, RetentionPeriod } from '../../../../core/src/api/index.ts';
import { periodLabel } from '../../../../core/src/api/periodLabel.ts';
import { useCall } from '../../client/hooks.ts';
import { useViewSetting } from '../../client/viewSettings.ts';
import { periodAxisTicks } from '../../components/charts/periodAxis.ts';
import { PlotlyChart } from '../../components/charts/PlotlyChart.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { OptionSelect } from '../../components/OptionSelect.tsx';
import { Panel, Screen } from '../../components/Screen.tsx';
import { StatTile } from '../../components/StatTile.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { useLargestGroups, useSegmentChoices } from '../segmentChoices.ts';
import { DEFAULT_STATUSES, StatusesField } from '../StatusesField.tsx';
import { CohortMembers } from './CohortMembers.tsx';
import { cohortHeatmap, CURVES_LAYOUT, PERIODS, retentionCurves, trendTrace, type HeatmapLabels, type HeatmapValue } from './retentionCharts.ts';
import { RetentionForecastPanel } from './RetentionForecastPanel.tsx';

type Options = Required<Pick<CohortRetentionOptions, 'period' | 'mode' | 'metric' | 'relativeTo' | 'trendK' | 'statuses'>> & { segment: Exclude<CohortRetentionOptions['segment'], undefined> };

const DEFAULTS: Options = { period: 'month', mode: 'on', metric: 'customers', relativeTo: 'first', trendK: 1, segment: null, statuses: [...DEFAULT_STATUSES] };

const customersOfMatrix = (matrix: CohortMatrix) => matrix.customers;

export function RetentionScreen() {
  const i18n = useI18n();
  const { t, number, percent, language } = i18n;
  const [options, setOptions] = useViewSetting('retention', 'options', DEFAULTS);
  const [matrixIndex, setMatrixIndex] = useState(0);
  const [show, setShow] = useState<HeatmapValue>('percent');
  const [cell, setCell] = useState<CohortMembersRequest | null>(null);
  const segments = useSegmentChoices();
  const result = useCall('cohortRetention', options);
  const set = <K extends keyof Options>(key: K, value: Options[K]) => {
    setOptions({ ...options, [key]: value });
    setCell(null);
    if (key === 'segment') setMatrixIndex(0);
  };

  const value = result.value;
  // The period the result was computed by: the chosen one may have changed while it loads.
  const cohortPeriod = value?.options.period ?? options.period;
  const matrix = value?.matrices[Math.min(matrixIndex, (value?.matrices.length ?? 1) - 1)];
  const periodAxis = t(`retention.axis.${options.period}`);
  // The words of both heatmaps (the segment's and the one it is compared with)
  const heatmapLabels = useMemo(
    (): HeatmapLabels => ({
      periodAxis,
      cohortAxis: t('retention.axis.cohort'),
      percent: (rate) => percent(rate, 0),
      count: (amount) => number(amount),
      partialMark: '*',
      // The cohort written as the chart ticks write its period (2011-01 for a month, 2011 Q1 for a quarter)
      cohortLabel: (cohort, size) => t('retention.cohortLabel', { cohort: periodLabel(cohortPeriod, cohort, language), size: number(size) }),
      hover: (cohort, k, rate, retained, size) => t('retention.cellHover', { cohort: periodLabel(cohortPeriod, cohort, language), k, rate, retained, size }),
    }),
    [periodAxis, t, percent, number, cohortPeriod, language],
  );
  const heatmap = useMemo(
    () =>
      matrix && value
        ? cohortHeatmap(matrix, value.periods, heatmapLabels, show)
        : null,
    [matrix, value, heatmapLabels, show],
  );
  const segmentsShown = useLargestGroups(value?.matrices, customersOfMatrix);
  const curves = useMemo(
    () => retentionCurves(segmentsShown.shown, { weighted: t('retention.weighted'), simple: t('retention.simple'), all: t('retention.allCustomers'), axis: periodAxis }),
    [segmentsShown, t, periodAxis],
  );
  const [compareIndex, setCompareIndex] = useState<number | null>(null);
  const compared = compareIndex === null ? undefined : value?.matrices[compareIndex];
  const comparedHeatmap = useMemo(
    () =>
      compared && value
        ? cohortHeatmap(compared, value.periods, heatmapLabels, show)
        : null,
    [compared, value, heatmapLabels, show],
  );
  const trend = useMemo(
    () => (matrix ? [trendTrace(matrix, t('retention.trendName', { k: options.trendK }), (cohort) => periodLabel(cohortPeriod, cohort, language))] : []),
    [matrix, t, options.trendK, cohortPeriod, language],
  );
  const trendTicks = useMemo(() => (matrix ? periodAxisTicks(cohortPeriod, matrix.trend.map((point) => point.cohort), language) : null), [matrix, cohortPeriod, language]);
  const rateAt = (k: number) => matrix?.weightedMean.find((point) => point.k === k)?.rate ?? null;

  return (
    <Screen title={t('retention.title')} subtitle={t('retention.subtitle')}>
      <section className="panel option-bar" aria-label={t('common.options')}>
        <OptionSelect label={t('retention.period')} value={options.period} onChange={(v: RetentionPeriod) => set('period', v)} choices={PERIODS.map((p) => ({ value: p, label: t(`period.${p}`) }))} testId="retention-period" />
        <OptionSelect
          label={t('retention.metric')}
          value={options.metric}
          onChange={(v: RetentionMetric) => set('metric', v)}
          choices={(['customers', 'orders', 'revenue'] as const).map((m) => ({ value: m, label: t(`retention.metric.${m}`) }))}
        />
        <OptionSelect
          label={t('retention.mode')}
          value={options.mode}
          onChange={(v: RetentionMode) => set('mode', v)}
          choices={(['on', 'on-or-after'] as const).map((m) => ({ value: m, label: t(`retention.mode.${m}`) }))}
        />
        <OptionSelect
          label={t('retention.base')}
          value={options.relativeTo}
          onChange={(v: RetentionBase) => set('relativeTo', v)}
          choices={(['first', 'previous'] as const).map((b) => ({ value: b, label: t(`retention.base.${b}`) }))}
        />
        <OptionSelect label={t('common.segment')} value={options.segment ?? 'none'} onChange={(v) => set('segment', v === 'none' ? null : v)} choices={segments} />
        <StatusesField value={options.statuses} onChange={(statuses) => set('statuses', statuses)} />
      </section>

      {result.error && <ErrorBanner error={result.error} onRetry={result.reload} />}
      {value && matrix && heatmap && (
        <>
          <div className="stats">
            <StatTile label={t('retention.stat.customers')} value={number(matrix.customers)} />
            <StatTile label={t('retention.stat.cohorts')} value={number(matrix.cohorts.length)} />
            <StatTile label={t('retention.stat.rateAt', { k: 1, period: periodAxis })} value={percent(rateAt(1))} />
            <StatTile label={t('retention.stat.rateAt', { k: 3, period: periodAxis })} value={percent(rateAt(3))} />
          </div>
          <Panel
            id="cohort-heatmap"
            title={t('retention.heatmap')}
            actions={
              <>
                <OptionSelect
                  label={t('retention.show')}
                  value={show}
                  onChange={(v: HeatmapValue) => setShow(v)}
                  choices={(['percent', 'count'] as const).map((v) => ({ value: v, label: t(`retention.show.${v}`) }))}
                />
                {value.matrices.length > 1 && (
                <OptionSelect
                  label={t('common.segment')}
                  value={String(matrixIndex)}
                  onChange={(v) => {
                    setMatrixIndex(Number(v));
                    setCell(null);
                  }}
                  choices={value.matrices.map((m, index) => ({ value: String(index), label: m.segment ?? t('common.noValue') }))}
                />
                )}
                {value.matrices.length > 1 && (
                  <OptionSelect
                    label={t('retention.compareWith')}
                    value={compareIndex === null ? 'none' : String(compareIndex)}
                    onChange={(v) => setCompareIndex(v === 'none' ? null : Number(v))}
                    choices={[{ value: 'none', label: t('retention.compareNone') }, ...value.matrices.map((m, index) => ({ value: String(index), label: m.segment ?? t('common.noValue') }))]}
                    testId="retention-compare"
                  />
                )}
              </>
            }
          >
            <p className="chart-note">{t('retention.heatmapNote')}</p>
<div className={comparedHeatmap ? 'chart-pair' : undefined}>
            <div>
            {comparedHeatmap && <h3 className="compare-title">{matrix.segment ?? t('retention.allCustomers')}</h3>}
                        <PlotlyChart
              data={heatmap.data}
              layout={heatmap.layout}
              height={heatmap.height}
              title={t('retention.heatmap')}
              fileName="cohort-retention-heatmap"
              onPointClick={(point) => {
                const cohort = String(point.y);
                const k = Number(point.x);
                const row = matrix.cohorts.find((candidate) => candidate.cohort === cohort);
                if (row?.values[k] === null || row?.values[k] === undefined) return;
                setCell({ cohort, k, period: options.period, mode: options.mode, statuses: options.statuses, ...(options.segment ? { segment: options.segment, segmentValue: matrix.segment } : {}) });
              }}
            />
            </div>
            {comparedHeatmap && compared && (
              <div>
                <h3 className="compare-title">{compared.segment ?? t('common.noValue')}</h3>
                <PlotlyChart data={comparedHeatmap.data} layout={comparedHeatmap.layout} height={comparedHeatmap.height} title={`${t('retention.heatmap')} · ${compared.segment ?? t('common.noValue')}`} fileName="cohort-retention-heatmap-compared" />
              </div>
            )}
            </div>
          </Panel>
          {cell && <CohortMembers request={cell} onClose={() => setCell(null)} />}
          {value.periods < 2 ? (
            <div className="banner banner-info" role="status" data-testid="single-period">
              <div className="banner-body">{t('retention.singlePeriod', { period: t(`period.${options.period}`) })}</div>
            </div>
          ) : (
            <div className="chart-pair">
              <Panel id="retention-curves" title={t('retention.curves')}>
                {segmentsShown.hiddenNote && (
                  <p className="chart-note" data-testid="segments-hidden">
                    {segmentsShown.hiddenNote} {t('retention.pickHidden')}
                  </p>
                )}
                <PlotlyChart data={curves} layout={{ ...CURVES_LAYOUT, xaxis: { dtick: value.periods > 24 ? 3 : 1, title: { text: periodAxis } } }} title={t('retention.curves')} fileName="retention-curves" />
              </Panel>
              <Panel
                id="retention-trend"
                title={t('retention.trend')}
                actions={
                  <OptionSelect
                    label={t('retention.trendPeriod')}
                    value={String(options.trendK)}
                    onChange={(v) => set('trendK', Number(v))}
                    choices={Array.from({ length: Math.max(1, Math.min(value.periods - 1, 12)) }, (_, index) => ({ value: String(index + 1), label: String(index + 1) }))}
                  />
                }
              >
                <PlotlyChart data={trend} layout={{ xaxis: { title: { text: t('retention.axis.cohort') }, ...trendTicks }, yaxis: { tickformat: '.0%', rangemode: 'tozero', title: { text: t('retention.trendName', { k: options.trendK }) } }, showlegend: false }} title={t('retention.trend')} fileName="retention-trend" />
              </Panel>
            </div>
          )}
          <RetentionForecastPanel period={options.period} statuses={options.statuses} periodAxis={periodAxis} />
        </>
      )}
    </Screen>
  );
}
