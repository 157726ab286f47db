// Which Plotly figures a slide can hold as a native (editable) chart, and their data in that form.
//
// A figure fits when every trace is a bar, or every trace is a plain line, and all traces share
// one category axis: that is what PowerPoint's bar and line charts can show faithfully. Heatmaps,
// step curves, bands and scatter clouds become images instead.
import type { JsonObject, JsonValue, ReportChart } from '../api/report.ts';
import { CHART_COLORS } from './theme.ts';

export interface NativeSeries {
  name: string;
  labels: string[];
  values: number[];
}

export interface NativeChart {
  type: 'bar' | 'line';
  /** Bars drawn left to right from the category axis (Plotly orientation 'h'). */
  horizontal: boolean;
  stacked: boolean;
  series: NativeSeries[];
  /** Excel number format of the value axis, from Plotly's tickformat. */
  valueFormat: string | null;
  categoryTitle: string | null;
  valueTitle: string | null;
  /** Hex colours without '#', one per series. */
  colors: string[];
}

/** The native form of a figure, or null when only an image can show it faithfully. */
export function nativeChartOf(chart: ReportChart): NativeChart | null {
  const traces = chart.data;
  if (traces.length === 0) return null;
  const type = traces.every(isBarTrace) ? 'bar' : traces.every(isLineTrace) ? 'line' : null;
  if (!type) return null;
  const horizontal = type === 'bar' && traces.every((trace) => trace.orientation === 'h');
  if (type === 'bar' && !horizontal && traces.some((trace) => trace.orientation === 'h')) return null;
  const series: NativeSeries[] = [];
  for (const [index, trace] of traces.entries()) {
    const labels = arrayOf(horizontal ? trace.y : trace.x);
    const values = arrayOf(horizontal ? trace.x : trace.y);
    if (!labels || !values || labels.length !== values.length || labels.length === 0) return null;
    if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) return null;
    series.push({ name: typeof trace.name === 'string' ? trace.name : `${index + 1}`, labels: labels.map(labelOf), values: values as number[] });
  }
  const categories = series[0]!.labels.join('\u0000');
  if (!series.every((item) => item.labels.join('\u0000') === categories)) return null;
  const valueAxis = objectOf(chart.layout[horizontal ? 'xaxis' : 'yaxis']);
  const categoryAxis = objectOf(chart.layout[horizontal ? 'yaxis' : 'xaxis']);
  return {
    type,
    horizontal,
    stacked: chart.layout.barmode === 'stack' || chart.layout.barmode === 'relative',
    series,
    valueFormat: excelFormat(valueAxis?.tickformat),
    categoryTitle: axisTitle(categoryAxis),
    valueTitle: axisTitle(valueAxis),
    colors: traces.map((trace, index) => traceColor(trace) ?? CHART_COLORS[index % CHART_COLORS.length]!.slice(1)),
  };
}

function isBarTrace(trace: JsonObject): boolean {
  return trace.type === 'bar';
}

function isLineTrace(trace: JsonObject): boolean {
  const type = trace.type ?? 'scatter';
  const mode = typeof trace.mode === 'string' ? trace.mode : 'lines';
  const shape = objectOf(trace.line)?.shape;
  return (type === 'scatter' || type === 'scattergl') && mode.includes('lines') && (shape === undefined || shape === 'linear' || shape === 'spline') && (trace.fill === undefined || trace.fill === 'none');
}

function arrayOf(value: JsonValue | undefined): JsonValue[] | null {
  return Array.isArray(value) ? value : null;
}

function objectOf(value: JsonValue | undefined): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
}

function labelOf(value: JsonValue): string {
  return value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function axisTitle(axis: JsonObject | null): string | null {
  const title = axis?.title;
  if (typeof title === 'string') return title || null;
  const text = objectOf(title)?.text;
  return typeof text === 'string' && text ? text : null;
}

function traceColor(trace: JsonObject): string | null {
  const color = objectOf(trace.marker)?.color ?? objectOf(trace.line)?.color;
  return typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color.slice(1) : null;
}

/** d3 tick formats Plotly uses ('.0%', ',.1f', ',d') as Excel number formats; others stay General. */
export function excelFormat(tickformat: JsonValue | undefined): string | null {
  if (typeof tickformat !== 'string') return null;
  const match = /^(,)?\.?(\d+)?([%fd])$/.exec(tickformat);
  if (!match) return null;
  const [, grouping, digitsText, kind] = match;
  const digits = kind === 'd' ? 0 : Number(digitsText ?? 0);
  const decimals = digits > 0 ? `.${'0'.repeat(digits)}` : '';
  if (kind === '%') return `0${decimals}%`;
  return `${grouping ? '#,##0' : '0'}${decimals}`;
}
