// The report's house style: fonts, colours and the Plotly layout every writer lays a figure over.
import type { JsonObject, ReportChart, ReportLang } from '../api/report.ts';

/** CSS font stack: Latin first, then CJK faces of Linux (Noto), Windows and macOS. */
export const FONT_STACK = '"Inter", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "Segoe UI", system-ui, sans-serif';

/** Fonts PowerPoint and LibreOffice have (or substitute) for each language. */
export const SLIDE_FONT: Record<ReportLang, string> = { 'zh-CN': 'Microsoft YaHei', en: 'Calibri' };

export const INK = '1F2430';
export const MUTED = '5B6270';
export const ACCENT = '2F6FED';
export const RULE = 'D9DDE3';
/** The palette the app uses too (core/src/api/palette.ts). Roles by index: 0 main, 1 second series, 3 loss/churn, 5 neutral grey. */
export { CHART_COLORS, ROLE_COLORS } from '../api/palette.ts';
import { CHART_COLORS } from '../api/palette.ts';

export const DEFAULT_CHART_HEIGHT = 380;

/** Width in CSS pixels of a chart on a printed page: the narrower of A4 and Letter minus 15 mm margins. */
export const PRINT_CHART_WIDTH = 680;

/** The section's layout over the house theme; axes merge so a chart keeps its own titles and formats. */
export function themedLayout(chart: ReportChart, size: { width?: number; height?: number } = {}): JsonObject {
  const axis = (name: 'xaxis' | 'yaxis'): JsonObject => ({
    gridcolor: '#eef0f3',
    zerolinecolor: '#d9dde3',
    automargin: true,
    ...(isObject(chart.layout[name]) ? chart.layout[name] : {}),
  });
  return {
    margin: { l: 64, r: 24, t: 40, b: 56 },
    font: { family: FONT_STACK, size: 12, color: `#${INK}` },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    colorway: [...CHART_COLORS],
    // Above the plot: below it, a legend ran into the x axis title.
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom' },
    ...chart.layout,
    xaxis: axis('xaxis'),
    yaxis: axis('yaxis'),
    height: size.height ?? chart.height ?? DEFAULT_CHART_HEIGHT,
    ...(size.width === undefined ? { autosize: true } : { width: size.width, autosize: false }),
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
