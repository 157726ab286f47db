// Ticks of the charts whose x axis is a run of periods (churn rate, lifecycle, retention trend,
// satisfaction over time): they follow the period chosen, labelled as the cohort rows and the report
// write it (2024-01, 2024 Q1 / 2024年第1季度), as many as fit across a half-width chart.
import { periodLabel, periodTicks, type PeriodTicks } from '../../../../core/src/api/periodLabel.ts';
import type { RetentionPeriod } from '../../../../core/src/api/index.ts';
import type { Language } from '../../i18n/I18nProvider.tsx';

/** Width of the plot area of a half-width chart at 1280 px, less the axis margins, in pixels. */
const HALF_CHART_PLOT_WIDTH = 480;
/** Space kept between two tick labels, in pixels. */
const TICK_GAP = 24;

/** Width in pixels of a tick label at Plotly's 12 px font: CJK characters are about twice a Latin one. */
export function labelWidth(label: string): number {
  return [...label].reduce((width, char) => width + (/[\u2e80-\uffff]/.test(char) ? 12 : 7), 0);
}

/** The x axis ticks of `firstDays` by `period` (null: Plotly's own steps fit better, see periodTicks). */
export function periodAxisTicks(period: RetentionPeriod, firstDays: readonly string[], language: Language): PeriodTicks | null {
  const widest = labelWidth(periodLabel(period, '2024-12-30', language));
  const maxTicks = Math.max(2, Math.floor(HALF_CHART_PLOT_WIDTH / (widest + TICK_GAP)));
  return periodTicks(period, firstDays, maxTicks, language);
}
