// The Churn screen: KPIs, the inactivity rule's verdicts, churn rate over time, lifecycle bars and
// survival curves by segment.
import { useCallback, useMemo, useState } from 'react';
import type { OrderStatusName, RetentionPeriod, SegmentColumn, SurvivalCurve } from '../../../../core/src/api/index.ts';
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
import { PERIODS } from '../retention/retentionCharts.ts';
import { useLargestGroups, useSegmentChoices } from '../segmentChoices.ts';
import { DEFAULT_STATUSES, StatusesField } from '../StatusesField.tsx';
import { churnRateLayout, churnRateTraces, lifecycleLayout, lifecycleTraces, SURVIVAL_LAYOUT, survivalTraces } from './churnCharts.ts';
import { KpiTiles } from './KpiTiles.tsx';
import { NumberField, positiveWhole } from '../../components/NumberField.tsx';
import { WindowCaution } from '../../components/WindowCaution.tsx';

/** The churn window typed where the core said it cannot derive one; applied as a whole number, not digit by digit. */
function WindowFix({ onApply }: { onApply: (days: string) => void }) {
  const { t } = useI18n();
  const [days, setDays] = useState('90');
  return (
    <form
      className="banner-fix"
      onSubmit={(event) => {
        event.preventDefault();
        if (days) onApply(days);
      }}
    >
      <label className="option-field">
        <span className="field-label">{t('churn.windowFix')}</span>
        <input className="number-input" inputMode="numeric" value={days} onChange={(event) => setDays(event.target.value.replace(/\D/g, ''))} data-testid="churn-window-fix" />
      </label>
      <button type="submit" className="button">
        {t('churn.windowApply')}
      </button>
    </form>
  );
}

const customersOfCurve = (curve: SurvivalCurve) => curve.subjects;

export function ChurnScreen() {
  const { t, number, percent, language } = useI18n();
  const [period, setPeriod] = useViewSetting<RetentionPeriod>('churn', 'period', 'month');
  const [windowText, setWindowText] = useViewSetting<string>('churn', 'window', '');
  const [segment, setSegment] = useViewSetting<SegmentColumn | null>('churn', 'segment', null);
  const [statuses, setStatuses] = useViewSetting<OrderStatusName[]>('churn', 'statuses', [...DEFAULT_STATUSES]);
  const segments = useSegmentChoices();
  const windowDays = positiveWhole(windowText);
  const rule = { statuses, ...(windowDays ? { windowDays } : {}) };
  const summary = useCall('churnSummary', { period, ...rule });
  const survival = useCall('survival', { segment, ...rule });
  const kpis = useCall('kpis', { period, ...rule });

  const periods = summary.value?.periods;
  // the period the rows were computed by: the chosen one may have changed while they load
  const rowsPeriod = summary.value?.options.period ?? period;
  const periodName = useCallback((day: string) => periodLabel(rowsPeriod, day, language), [rowsPeriod, language]);
  const rateTraces = useMemo(() => (periods ? churnRateTraces(periods, { rate: t('churn.rate'), churned: t('churn.churnedAfter') }, periodName) : []), [periods, t, periodName]);
  const lifecycle = useMemo(
    () => (periods ? lifecycleTraces(periods, { new: t('churn.new'), returning: t('churn.returning'), resurrected: t('churn.resurrected'), churned: t('churn.churned') }, periodName) : []),
    [periods, t, periodName],
  );
  // As on the Retention screen: the largest groups only, none of a handful of customers.
  const drawnCurves = useLargestGroups(survival.value?.curves, customersOfCurve);
  const curves = useMemo(() => survivalTraces(drawnCurves.shown, t('retention.allCustomers'), (name, subjects) => t('churn.curveName', { name, count: number(subjects) })), [drawnCurves, t, number]);
  const ruleInfo = summary.value?.rule;
  const axisTitles = useMemo(() => ({ period: t('churn.axis.period'), rate: t('churn.rate'), customers: t('customers.customersAxis') }), [t]);
  const shape = useMemo(
    () => ({
      singlePeriod: periods?.length === 1,
      maxCount: Math.max(0, ...(periods ?? []).map((row) => Math.max(row.new + row.returning + row.resurrected, row.churned, row.churnedAfter))),
      maxRate: Math.max(0, ...(periods ?? []).map((row) => row.churnRate ?? 0)),
      ticks: periods ? periodAxisTicks(rowsPeriod, periods.map((row) => row.period), language) : null,
    }),
    [periods, rowsPeriod, language],
  );
  const rateLayout = useMemo(() => churnRateLayout(axisTitles, shape), [axisTitles, shape]);
  const cycleLayout = useMemo(() => lifecycleLayout(axisTitles, shape), [axisTitles, shape]);
  const error = summary.error ?? survival.error ?? kpis.error;
  const logRank = survival.value?.logRank;

  return (
    <Screen title={t('churn.title')} subtitle={t('churn.subtitle')}>
      <section className="panel option-bar" aria-label={t('common.options')}>
        <OptionSelect label={t('churn.period')} value={period} onChange={setPeriod} choices={PERIODS.map((p) => ({ value: p, label: t(`period.${p}`) }))} />
        <NumberField label={t('churn.window')} value={windowText} placeholder={ruleInfo ? t('churn.windowAuto', { days: ruleInfo.windowDays }) : ''} onChange={setWindowText} testId="churn-window" />
        <OptionSelect label={t('churn.survivalSegment')} value={segment ?? 'none'} onChange={(v) => setSegment(v === 'none' ? null : v)} choices={segments} />
        <StatusesField value={statuses} onChange={setStatuses} />
      </section>
      {/* above the KPIs: their churn and retention rates restate the window too */}
      {ruleInfo && <WindowCaution rule={ruleInfo} />}
      {kpis.value && <KpiTiles kpis={kpis.value.kpis} terms={kpis.value.formulaTerms} />}
      {error && (
        <ErrorBanner
          error={error}
          fix={
            error.details?.reason === 'no_repeat_buyers' ? (
              <WindowFix onApply={setWindowText} />
            ) : undefined
          }
        />
      )}
      {summary.value && ruleInfo && (
        <>
          {shape.singlePeriod && (
            <div className="banner banner-warning" role="status" data-testid="single-period">
              <div className="banner-body">{t('churn.singlePeriod', { period: t(`period.${period}`) })}</div>
            </div>
          )}
          <div className="stats">
            <StatTile label={t('churn.customers')} value={number(summary.value.customers)} />
            <StatTile label={t('churn.churnedCustomers')} value={number(summary.value.churned)} hint={t('churn.churnedHint', { share: percent(summary.value.customers ? summary.value.churned / summary.value.customers : null) })} />
            <StatTile label={t('churn.censoredCustomers')} value={number(summary.value.censored)} />
            <StatTile
              label={t('churn.window')}
              value={t('churn.days', { days: number(ruleInfo.windowDays) })}
              hint={ruleInfo.windowSource === 'p90' ? t('churn.windowP90', { customers: number(ruleInfo.repeatCustomers) }) : t('churn.windowUser')}
            />
          </div>
          <div className="chart-pair">
            <Panel id="churn-rate" title={t('churn.rateTitle')}>
              <p className="chart-note">{t('churn.rateNote')}</p>
              <PlotlyChart data={rateTraces} layout={rateLayout} title={t('churn.rateTitle')} fileName="churn-rate" />
            </Panel>
            <Panel id="churn-lifecycle" title={t('churn.lifecycle')}>
              <p className="chart-note">{t('churn.lifecycleNote')}</p>
              <PlotlyChart data={lifecycle} layout={cycleLayout} title={t('churn.lifecycle')} fileName="customer-lifecycle" />
            </Panel>
          </div>
        </>
      )}
      {survival.value && (
        <Panel id="churn-survival" title={t('churn.survival')}>
          <p className="chart-note">
            {t('churn.survivalNote')}
            {drawnCurves.hiddenNote && ` ${drawnCurves.hiddenNote}`}
            {logRank && ` ${t('churn.logRank', { statistic: number(logRank.statistic, 1), df: logRank.df, p: logRank.pValue < 0.001 ? '< 0.001' : number(logRank.pValue, 3) })}`}
          </p>
          <PlotlyChart
            data={curves}
            layout={{ ...SURVIVAL_LAYOUT, xaxis: { title: { text: t('churn.survivalAxis') } }, yaxis: { ...SURVIVAL_LAYOUT.yaxis, title: { text: t('retention.forecast.axis') } } }}
            height={400}
            title={t('churn.survival')}
            fileName="survival-curves"
          />
        </Panel>
      )}
    </Screen>
  );
}
