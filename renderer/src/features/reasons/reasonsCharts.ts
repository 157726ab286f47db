// Plotly figures of the Reasons screen: churned customers per reason with a Pareto line, lift with
// its 95% interval, churn types, and monthly tickets per reason.
import { UNKNOWN_REASON, type ReasonRow, type ReasonTrendPoint } from '../../../../core/src/api/reasons.ts';
import type { ChartLayout, ChartTrace } from '../../components/charts/plotlyBundle.ts';
import { CHART_COLORS, ROLE_COLORS } from '../../components/charts/PlotlyChart.tsx';

const UNKNOWN_COLOR = ROLE_COLORS.unclear;

/**
 * Known reasons by churned customers, largest first, then `unknown` last: a Pareto ranks what can be
 * acted on, and "no reason found" is not a cause to rank, only a size to see.
 */
export function paretoOrder(rows: readonly ReasonRow[]): ReasonRow[] {
  const known = rows.filter((row) => row.key !== UNKNOWN_REASON).sort((a, b) => b.churnedCustomers - a.churnedCustomers);
  return [...known, ...rows.filter((row) => row.key === UNKNOWN_REASON)];
}

/**
 * Bars of churned customers per reason and the cumulative share of the known reasons' attributions
 * (a customer with two reasons counts in both, so the line sums attributions, not customers).
 */
export function paretoTraces(rows: readonly ReasonRow[], name: (row: ReasonRow) => string, names: { churned: string; cumulative: string }): ChartTrace[] {
  const ordered = paretoOrder(rows);
  const known = ordered.filter((row) => row.key !== UNKNOWN_REASON);
  const total = known.reduce((sum, row) => sum + row.churnedCustomers, 0);
  let running = 0;
  const cumulative = known.map((row) => (running += row.churnedCustomers) / (total || 1));
  return [
    {
      type: 'bar',
      name: names.churned,
      x: ordered.map(name),
      y: ordered.map((row) => row.churnedCustomers),
      customdata: ordered.map((row) => row.key),
      marker: { color: ordered.map((row) => (row.key === UNKNOWN_REASON ? UNKNOWN_COLOR : CHART_COLORS[0])) },
      hovertemplate: '%{x}: %{y:,}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: names.cumulative,
      x: known.map(name),
      y: total ? cumulative : [],
      yaxis: 'y2',
      line: { color: CHART_COLORS[1], width: 2 },
      marker: { size: 6 },
      hovertemplate: '%{x}: %{y:.1%}<extra></extra>',
    },
  ];
}

export const PARETO_LAYOUT: ChartLayout = {
  xaxis: { type: 'category', tickangle: -35, automargin: true },
  yaxis: { rangemode: 'tozero', tickformat: ',d', automargin: true },
  yaxis2: { overlaying: 'y', side: 'right', range: [0, 1.05], dtick: 0.2, tickformat: '.0%', showgrid: false, automargin: true },
  // Above the plot: below it the legend would sit on the slanted reason names.
  legend: { orientation: 'h', x: 0, y: 1.1 },
  margin: { l: 56, r: 56, t: 40, b: 40 },
  bargap: 0.25,
};

/** Rows that have a lift, lowest first so the largest ends on top of a horizontal chart. */
export function liftRows(rows: readonly ReasonRow[]): ReasonRow[] {
  return rows.filter((row) => row.lift !== null && row.lift > 0).sort((a, b) => a.lift! - b.lift!);
}

/** Lift as points with asymmetric error bars to the 95% limits; read on a log axis, 1 = no difference. */
export function liftTraces(rows: readonly ReasonRow[], name: (row: ReasonRow) => string, names: { lift: string; interval: string }): ChartTrace[] {
  const shown = liftRows(rows);
  const lift = shown.map((row) => row.lift!);
  return [
    {
      type: 'scatter',
      mode: 'markers',
      name: names.lift,
      y: shown.map(name),
      x: lift,
      customdata: shown.map((row) => [row.key, row.liftLow, row.liftHigh]),
      marker: { size: 9, color: shown.map((row) => (row.liftLow !== null && row.liftLow > 1 ? CHART_COLORS[3] : CHART_COLORS[0])) },
      error_x: {
        type: 'data',
        symmetric: false,
        // A missing limit draws no whisker on that side rather than a false one.
        array: shown.map((row, index) => (row.liftHigh === null ? 0 : row.liftHigh - lift[index]!)),
        arrayminus: shown.map((row, index) => (row.liftLow === null ? 0 : lift[index]! - row.liftLow)),
        color: ROLE_COLORS.unclear,
        thickness: 1.5,
        width: 4,
      },
      hovertemplate: `%{y}: %{x:.2f}<br>${names.interval} %{customdata[1]:.2f}–%{customdata[2]:.2f}<extra></extra>`,
    },
  ];
}

/** Height that gives each lift row room for its label. */
export function liftHeight(rows: number): number {
  return Math.max(260, 80 + rows * 28);
}

export function liftLayout(axisTitle: string): ChartLayout {
  return {
    xaxis: { type: 'log', title: { text: axisTitle }, automargin: true },
    yaxis: { type: 'category', automargin: true },
    shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: 1, x1: 1, y0: 0, y1: 1, line: { color: ROLE_COLORS.bad, dash: 'dot', width: 1 } }],
    showlegend: false,
    margin: { l: 24, r: 24, t: 24, b: 56 },
  };
}

/** Churned customers per churn type (the rollup of seed 002's types), largest on top. */
export function churnTypeTraces(rows: readonly ReasonRow[], name: (row: ReasonRow) => string, series: string): ChartTrace[] {
  const shown = [...rows].sort((a, b) => a.churnedCustomers - b.churnedCustomers);
  return [
    {
      type: 'bar',
      orientation: 'h',
      name: series,
      y: shown.map(name),
      x: shown.map((row) => row.churnedCustomers),
      customdata: shown.map((row) => row.key),
      text: shown.map((row) => (row.shareOfChurned === null ? '' : `${(row.shareOfChurned * 100).toFixed(1)}%`)),
      textposition: 'outside',
      cliponaxis: false,
      marker: { color: shown.map((row) => (row.key === UNKNOWN_REASON ? UNKNOWN_COLOR : CHART_COLORS[4])) },
      hovertemplate: '%{y}: %{x:,}<extra></extra>',
    },
  ];
}

export const CHURN_TYPE_LAYOUT: ChartLayout = { xaxis: { tickformat: ',d', rangemode: 'tozero', automargin: true }, yaxis: { automargin: true }, showlegend: false, margin: { l: 24, r: 24, t: 24, b: 40 } };

/**
 * One line of monthly tickets per known reason, in the order of `rows` (the largest reasons first in
 * the legend). Unknown is left out, as the screen's note says: "no reason found" is no trend to
 * follow, and its counts, often a hundred times the others', would flatten every known line.
 */
export function trendTraces(points: readonly ReasonTrendPoint[], rows: readonly ReasonRow[], name: (row: ReasonRow) => string): ChartTrace[] {
  const months = [...new Set(points.map((point) => point.month.slice(0, 7)))].sort();
  const byReason = new Map<string, Map<string, number>>();
  for (const point of points) {
    let series = byReason.get(point.reason);
    if (!series) byReason.set(point.reason, (series = new Map()));
    series.set(point.month.slice(0, 7), point.tickets);
  }
  return paretoOrder(rows)
    .filter((row) => row.key !== UNKNOWN_REASON && byReason.has(row.key))
    .map((row, index) => {
      const series = byReason.get(row.key)!;
      return {
        type: 'scatter',
        mode: 'lines+markers',
        name: name(row),
        x: months,
        // A month without tickets for the reason had none: 0, not a gap.
        y: months.map((month) => series.get(month) ?? 0),
        line: { width: 1.8, color: CHART_COLORS[index % CHART_COLORS.length] },
        marker: { size: 4 },
        hovertemplate: `${name(row)} %{x}: %{y:,}<extra></extra>`,
      };
    });
}

/** Below 10 tickets a month the count axis ticks every whole ticket: Plotly's half steps printed each integer twice. */
export function trendLayout(traces: readonly ChartTrace[]): ChartLayout {
  const most = Math.max(0, ...traces.flatMap((trace) => trace.y as number[]));
  return {
    xaxis: { type: 'category', automargin: true },
    yaxis: { rangemode: 'tozero', tickformat: ',d', automargin: true, ...(most < 10 ? { dtick: 1 } : {}) },
    // Named even when one reason is drawn (Plotly leaves a single line's legend out)
    showlegend: true,
    legend: { orientation: 'v', x: 1.02, y: 1 },
    margin: { l: 56, r: 24, t: 24, b: 56 },
  };
}
