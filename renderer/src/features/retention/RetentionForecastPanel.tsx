// The forecast the Retention screen promises: the shifted-beta-geometric fit of all cohorts together,
// its projected survival beside the observed (Kaplan-Meier) one, and the expected renewal rates.
import { useMemo } from 'react';
import type { OrderStatusName, RetentionPeriod, SbgFit } from '../../../../core/src/api/index.ts';
import { useCall } from '../../client/hooks.ts';
import type { ChartTrace } from '../../components/charts/plotlyBundle.ts';
import { CHART_COLORS, PlotlyChart } from '../../components/charts/PlotlyChart.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Panel } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';

/** Periods projected ahead: two years of months, or the same count of the chosen period. */
const HORIZON = 24;

/** Observed survival solid, the model's projection dashed over the whole horizon. */
export function forecastTraces(fit: SbgFit, names: { observed: string; projected: string }): ChartTrace[] {
  return [
    { type: 'scatter', mode: 'lines+markers', name: names.observed, x: fit.observed.map((_, k) => k), y: fit.observed, line: { color: CHART_COLORS[0], width: 2.2 } },
    { type: 'scatter', mode: 'lines', name: names.projected, x: fit.projected.map((_, k) => k), y: fit.projected, line: { color: CHART_COLORS[1], width: 2, dash: 'dash' } },
  ];
}

export function RetentionForecastPanel({ period, statuses, periodAxis }: { period: RetentionPeriod; statuses: OrderStatusName[]; periodAxis: string }) {
  const { t, percent, number } = useI18n();
  const forecast = useCall('retentionForecast', { period, statuses, horizon: HORIZON });
  const pooled = forecast.value?.segments[0]?.pooled;
  const traces = useMemo(() => (pooled ? forecastTraces(pooled, { observed: t('retention.forecast.observed'), projected: t('retention.forecast.projected') }) : []), [pooled, t]);
  const fitted = pooled && pooled.alpha !== null && pooled.beta !== null && pooled.projected.length > 0;
  return (
    <Panel id="retention-forecast" title={t('retention.forecast.title')}>
      {forecast.error && <ErrorBanner error={forecast.error} onRetry={forecast.reload} />}
      {pooled && !fitted && <p className="chart-note">{t('retention.forecast.notFitted')}</p>}
      {pooled && fitted && (
        <>
          <p className="chart-note">
            {t('retention.forecast.note', {
              horizon: number(HORIZON),
              survival: percent(pooled.projected[12] ?? pooled.projected.at(-1) ?? null),
              at: number(Math.min(12, pooled.projected.length - 1)),
              renewal: percent(pooled.retentionRates[0] ?? null),
              later: percent(pooled.retentionRates.at(-1) ?? null),
            })}
          </p>
          <PlotlyChart
            data={traces}
            layout={{ xaxis: { title: { text: periodAxis } }, yaxis: { title: { text: t('retention.forecast.axis') }, tickformat: '.0%', range: [0, 1.02] } }}
            title={t('retention.forecast.title')}
            fileName="retention-forecast"
          />
        </>
      )}
    </Panel>
  );
}
