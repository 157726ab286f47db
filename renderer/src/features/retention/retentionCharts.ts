// Plotly figures of the Retention screen, built from CohortRetentionResult (pure: tested without a browser).
import type { CohortMatrix, RetentionPeriod } from '../../../../core/src/api/index.ts';
import { labelWidth } from '../../components/charts/periodAxis.ts';
import type { ChartLayout, ChartTrace } from '../../components/charts/plotlyBundle.ts';
import { RATE_SCALE, UNOBSERVED_COLOR } from '../../../../core/src/api/palette.ts';
import { CHART_COLORS } from '../../components/charts/PlotlyChart.tsx';

// The heatmap colours are the report's, from the one palette.
export { UNOBSERVED_COLOR };

export interface HeatmapLabels {
  /** Column title, e.g. "Months since first order". */
  periodAxis: string;
  cohortAxis: string;
  /** A rate as the cell shows it, e.g. "41%". */
  percent: (rate: number) => string;
  /** A count (customers, orders or revenue) as the cell shows it. */
  count: (value: number) => string;
  partialMark: string;
  /** A cohort's row label with its size, e.g. "2011-01-01 · 78". */
  cohortLabel: (cohort: string, size: number) => string;
  /** Hover text of a cell: cohort, k, the shown value and the retained count with the cohort's size. */
  hover: (cohort: string, k: number, rate: string, retained: string, size: string) => string;
}

/** What the cells show: the retention rate or the count behind it. */
export type HeatmapValue = 'percent' | 'count';

/** The cohort triangle: rows are cohorts (oldest on top) labelled with their size, columns k; unobservable cells stay empty and grey. */
export function cohortHeatmap(matrix: CohortMatrix, periods: number, labels: HeatmapLabels, show: HeatmapValue = 'percent'): { data: ChartTrace[]; layout: ChartLayout; height: number } {
  const cohorts = matrix.cohorts.map((row) => row.cohort);
  const ks = Array.from({ length: periods }, (_, k) => k);
  const z = matrix.cohorts.map((row) => ks.map((k) => row.rates[k] ?? null));
  const cellText = (row: CohortMatrix['cohorts'][number], k: number) => {
    const rate = row.rates[k];
    const value = row.values[k];
    if (rate === null || rate === undefined) return '';
    const shown = show === 'count' && value !== null && value !== undefined ? labels.count(value) : labels.percent(rate);
    return row.partialK === k ? `${shown}${labels.partialMark}` : shown;
  };
  const text = matrix.cohorts.map((row) => ks.map((k) => cellText(row, k)));
  const hover = matrix.cohorts.map((row) =>
    ks.map((k) => {
      const rate = row.rates[k];
      if (rate === null || rate === undefined) return '';
      const value = row.values[k];
      return labels.hover(row.cohort, k, `${labels.percent(rate)}${row.partialK === k ? labels.partialMark : ''}`, value === null || value === undefined ? '—' : labels.count(value), labels.count(row.size));
    }),
  );
  const height = Math.min(900, Math.max(260, 90 + cohorts.length * 26));
  const cohortLabels = matrix.cohorts.map((row) => labels.cohortLabel(row.cohort, row.size));
  return {
    height,
    data: [
      {
        type: 'heatmap',
        x: ks,
        y: cohorts,
        z,
        text,
        customdata: hover,
        texttemplate: periods <= 24 ? '%{text}' : '',
        textfont: { size: 11 },
        hovertemplate: '%{customdata}<extra></extra>',
        colorscale: RATE_SCALE,
        zmin: 0,
        zmax: 1,
        xgap: 1,
        ygap: 1,
        hoverongaps: false,
        colorbar: { tickformat: '.0%', thickness: 12, outlinewidth: 0 },
      },
    ],
    layout: {
      plot_bgcolor: UNOBSERVED_COLOR,
      xaxis: { title: { text: labels.periodAxis }, dtick: periods > 24 ? 3 : 1, side: 'top', gridcolor: 'rgba(0,0,0,0)', zeroline: false, automargin: true },
      yaxis: {
        title: { text: labels.cohortAxis, standoff: 8 },
        automargin: true,
        autorange: 'reversed',
        type: 'category',
        gridcolor: 'rgba(0,0,0,0)',
        tickvals: cohorts,
        ticktext: cohortLabels,
      },
      // Plotly's automargin measured these labels too narrow on first draw (their start was cut):
      // room for the longest label and the axis title, set from the text itself.
      margin: { l: Math.max(96, Math.max(0, ...cohortLabels.map(labelWidth)) + 44), r: 24, t: 56, b: 24 },
    },
  };
}


/** Weighted (solid) and simple (dotted) mean retention curves, one colour per segment matrix. */
export function retentionCurves(matrices: readonly CohortMatrix[], names: { weighted: string; simple: string; all: string; axis: string }): ChartTrace[] {
  return matrices.flatMap((matrix, index) => {
    const color = CHART_COLORS[index % CHART_COLORS.length];
    const name = matrix.segment ?? names.all;
    const curve = (points: CohortMatrix['weightedMean'], dash: string, kind: string, showlegend: boolean): ChartTrace => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${name} · ${kind}`,
      legendgroup: name,
      showlegend,
      x: points.map((point) => point.k),
      y: points.map((point) => point.rate),
      customdata: points.map((point) => point.cohorts),
      hovertemplate: `${name} · ${kind}<br>k=%{x}: %{y:.1%}<extra></extra>`,
      line: { color, dash, width: dash === 'solid' ? 2.5 : 1.5 },
      marker: { size: dash === 'solid' ? 5 : 3 },
      connectgaps: false,
    });
    return [curve(matrix.weightedMean, 'solid', names.weighted, true), curve(matrix.simpleMean, 'dot', names.simple, true)];
  });
}

export const CURVES_LAYOUT: ChartLayout = { yaxis: { tickformat: '.0%', rangemode: 'tozero' }, xaxis: { dtick: 1 } };

/** The rate at k = trendK for each cohort, oldest first; partial cells drawn hollow. Hovers name a cohort by `cohortName` (2024 Q1), as the ticks do. */
export function trendTrace(matrix: CohortMatrix, name: string, cohortName: (cohort: string) => string): ChartTrace {
  return {
    type: 'scatter',
    mode: 'lines+markers',
    name,
    x: matrix.trend.map((point) => point.cohort),
    customdata: matrix.trend.map((point) => cohortName(point.cohort)),
    y: matrix.trend.map((point) => point.rate),
    marker: {
      size: 7,
      color: CHART_COLORS[0],
      symbol: matrix.trend.map((point) => (point.partial ? 'circle-open' : 'circle')),
    },
    line: { color: CHART_COLORS[0], width: 2 },
    hovertemplate: '%{customdata}: %{y:.1%}<extra></extra>',
    connectgaps: false,
  };
}

/** Period names for axis titles and option labels. */
export const PERIODS: readonly RetentionPeriod[] = ['day', 'week', 'month', 'quarter'];
