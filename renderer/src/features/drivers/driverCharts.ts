// The Drivers screen's chart: hazard ratios as a forest plot (log axis, 95% intervals, a line at 1).
import type { DriverCoefficient, ReportLang } from '../../../../core/src/api/index.ts';
import { logAxisTicks } from '../../../../core/src/api/logAxis.ts';
import type { ChartLayout, ChartTrace } from '../../components/charts/plotlyBundle.ts';
import { ROLE_COLORS } from '../../components/charts/PlotlyChart.tsx';

// The report's drivers chart uses the same roles: one palette in app and report.
const FASTER = ROLE_COLORS.bad;
const SLOWER = ROLE_COLORS.good;
const UNCLEAR = ROLE_COLORS.unclear;

/** Measured coefficients, strongest at the top (Plotly draws the first category at the bottom). */
export function forestRows(coefficients: readonly DriverCoefficient[]): DriverCoefficient[] {
  return coefficients
    .filter((c) => c.hazardRatio !== null && !c.infinite && c.lower !== null && c.upper !== null)
    .sort((a, b) => Math.abs(Math.log(a.hazardRatio!)) - Math.abs(Math.log(b.hazardRatio!)));
}

export function forestTrace(rows: readonly DriverCoefficient[], labels: readonly string[]): ChartTrace {
  return {
    type: 'scatter',
    mode: 'markers',
    x: rows.map((c) => c.hazardRatio),
    y: labels,
    marker: { size: 9, color: rows.map((c) => (c.pValue! < 0.05 ? (c.hazardRatio! > 1 ? FASTER : SLOWER) : UNCLEAR)) },
    error_x: { type: 'data', symmetric: false, array: rows.map((c) => c.upper! - c.hazardRatio!), arrayminus: rows.map((c) => c.hazardRatio! - c.lower!), color: '#555' },
    hovertemplate: '%{y}: %{x:.2f}<extra></extra>',
  };
}

/** The forest's layout: its log axis ticks 1-2-5 steps written in full, as the report's does (Plotly's own minor labels crowd into single digits). */
export function forestLayout(rows: readonly DriverCoefficient[], axisTitle: string, language: ReportLang): ChartLayout {
  const ticks = logAxisTicks(rows.flatMap((c) => [c.hazardRatio!, c.lower!, c.upper!]), language);
  return {
    xaxis: { type: 'log', title: { text: axisTitle }, tickmode: 'array', tickvals: ticks.tickvals, ticktext: ticks.ticktext, range: ticks.range },
    yaxis: { type: 'category', automargin: true },
    shapes: [{ type: 'line', x0: 1, x1: 1, yref: 'paper', y0: 0, y1: 1, line: { color: '#333', dash: 'dot', width: 1 } }],
    showlegend: false,
    margin: { l: 10 },
  };
}
