// Plotly figures of the Churn screen: churn rate over time, lifecycle bars, survival curves with bands.
import type { ChurnPeriodRow, SurvivalCurve } from '../../../../core/src/api/index.ts';
import type { PeriodTicks } from '../../../../core/src/api/periodLabel.ts';
import type { ChartTrace } from '../../components/charts/plotlyBundle.ts';
import { CHART_COLORS, ROLE_COLORS } from '../../components/charts/PlotlyChart.tsx';

/** Churn rate by the period of the customers' last purchase; periods still censored have no point. Hovers name a period by `periodName` (2024 Q1), as the ticks do. */
export function churnRateTraces(periods: readonly ChurnPeriodRow[], names: { rate: string; churned: string }, periodName: (period: string) => string): ChartTrace[] {
  const x = periods.map((row) => row.period);
  const customdata = periods.map((row) => periodName(row.period));
  return [
    { type: 'bar', name: names.churned, x, customdata, y: periods.map((row) => row.churnedAfter), yaxis: 'y2', marker: { color: ROLE_COLORS.bad, opacity: 0.3 }, hovertemplate: '%{customdata}: %{y:,}<extra></extra>' },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: names.rate,
      x,
      customdata,
      y: periods.map((row) => row.churnRate),
      line: { color: CHART_COLORS[3], width: 2.5 },
      marker: { size: 6 },
      connectgaps: false,
      hovertemplate: '%{customdata}: %{y:.1%}<extra></extra>',
    },
  ];
}

/** Axis titles of the churn charts, in the UI language. */
export interface ChurnAxisTitles {
  period: string;
  rate: string;
  customers: string;
}

/** How the period axis reads: one period as a category (a date axis would stretch it to hours); few customers in whole steps. */
export interface ChurnAxisShape {
  singlePeriod: boolean;
  /** The largest count drawn; below 10 the count axis ticks every whole customer (else Plotly's halves print as repeated integers). */
  maxCount: number;
  /** The highest churn rate drawn (0-1); the rate axis is fixed to hold it (autorange of an overlaid pair cut the line off at 40%). */
  maxRate?: number;
  /** Ticks by the chosen period (components/charts/periodAxis.ts); without them Plotly picks its own steps (two weeks over two months). */
  ticks?: PeriodTicks | null;
}

function periodAxis(titles: ChurnAxisTitles, shape: ChurnAxisShape) {
  return { title: { text: titles.period }, ...(shape.singlePeriod ? { type: 'category' } : {}), ...shape.ticks };
}

function countTicks(shape: ChurnAxisShape) {
  return shape.maxCount < 10 ? { dtick: 1 } : {};
}

/** 0 to a little above the highest rate (room for the marker), at least 0-5% so a flat zero line is readable. */
function rateRange(shape: ChurnAxisShape) {
  return shape.maxRate === undefined ? {} : { range: [0, Math.max(0.05, shape.maxRate * 1.1)], autorange: false };
}

export function churnRateLayout(titles: ChurnAxisTitles, shape: ChurnAxisShape) {
  return {
    xaxis: periodAxis(titles, shape),
    yaxis: { title: { text: titles.rate }, tickformat: '.0%', rangemode: 'tozero', ...rateRange(shape) },
    // automargin and a standoff keep the right title clear of its tick labels.
    yaxis2: { title: { text: titles.customers, standoff: 12 }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero', tickformat: ',d', automargin: true, ...countTicks(shape) },
    bargap: 0.3,
  };
}

/** New, returning and resurrected customers up; customers churning in the period down. */
export function lifecycleTraces(periods: readonly ChurnPeriodRow[], names: { new: string; returning: string; resurrected: string; churned: string }, periodName: (period: string) => string): ChartTrace[] {
  const x = periods.map((row) => row.period);
  const customdata = periods.map((row) => periodName(row.period));
  const bar = (name: string, y: number[], color: string): ChartTrace => ({ type: 'bar', name, x, y, customdata, marker: { color }, hovertemplate: `${name} %{customdata}: %{y:,}<extra></extra>` });
  return [
    bar(names.new, periods.map((row) => row.new), CHART_COLORS[0]!),
    bar(names.returning, periods.map((row) => row.returning), CHART_COLORS[2]!),
    bar(names.resurrected, periods.map((row) => row.resurrected), CHART_COLORS[4]!),
    bar(names.churned, periods.map((row) => -row.churned), CHART_COLORS[3]!),
  ];
}

export function lifecycleLayout(titles: ChurnAxisTitles, shape: ChurnAxisShape) {
  return { barmode: 'relative', xaxis: periodAxis(titles, shape), yaxis: { title: { text: titles.customers }, tickformat: ',d', ...countTicks(shape) } };
}

function translucent(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** Kaplan-Meier steps per curve, each with its confidence band shaded behind it; `legendName` words a curve's legend entry from its group name and size in the UI language. */
export function survivalTraces(
  curves: readonly SurvivalCurve[],
  allName: string,
  legendName: (name: string, subjects: number) => string = (name, subjects) => `${name} (${subjects})`,
  // Groups with a colour of their own elsewhere on the screen (NPS groups) keep it here
  colorOf: (index: number) => string = (index) => CHART_COLORS[index % CHART_COLORS.length]!,
): ChartTrace[] {
  return curves.flatMap((curve, index) => {
    const color = colorOf(index);
    const name = curve.group ?? allName;
    // Start every curve at (0, 1): nobody has churned before the first event.
    const time = [0, ...curve.points.map((point) => point.time)];
    const band = (values: (number | null)[]) => [1, ...values];
    // Where the band is undefined (no events yet, or survival 0) it collapses onto the curve.
    const upper = curve.points.map((point) => point.upper ?? point.survival);
    const lower = curve.points.map((point) => point.lower ?? point.survival);
    return [
      { type: 'scatter', mode: 'lines', x: time, y: band(upper), line: { width: 0, shape: 'hv' }, hoverinfo: 'skip', showlegend: false, legendgroup: name },
      {
        type: 'scatter',
        mode: 'lines',
        x: time,
        y: band(lower),
        line: { width: 0, shape: 'hv' },
        fill: 'tonexty',
        fillcolor: translucent(color, 0.15),
        hoverinfo: 'skip',
        showlegend: false,
        legendgroup: name,
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: legendName(name, curve.subjects),
        legendgroup: name,
        x: time,
        y: band(curve.points.map((point) => point.survival)),
        line: { color, width: 2.2, shape: 'hv' },
        hovertemplate: `${name}<br>%{x}: %{y:.1%}<extra></extra>`,
      },
    ];
  });
}

export const SURVIVAL_LAYOUT = { yaxis: { tickformat: '.0%', range: [0, 1.02] } };
