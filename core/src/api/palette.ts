// One chart palette for the app and the report, so a series keeps its colour from screen to slide.
//
// Okabe-Ito's colour-blind-safe eight (yellow darkened to read on white), then Paul Tol's wine,
// indigo, olive and green and black, so up to 13 series never repeat a colour.
export const CHART_COLORS = ['#0072b2', '#e69f00', '#009e73', '#d55e00', '#cc79a7', '#7f7f7f', '#b8a200', '#56b4e9', '#882255', '#332288', '#999933', '#117733', '#000000'] as const;

/**
 * Colours with a meaning, all from the palette above: a good outcome (promoters, returning customers,
 * a factor that keeps customers), a middling one, a bad one (churn, detractors, a factor that speeds
 * churn), and one the data cannot tell (unknown reasons, an unclear effect).
 */
export const ROLE_COLORS = {
  main: CHART_COLORS[0],
  second: CHART_COLORS[1],
  good: CHART_COLORS[2],
  middling: CHART_COLORS[6],
  bad: CHART_COLORS[3],
  unclear: CHART_COLORS[5],
} as const;

/** Colour of cells the data cannot fill yet (heatmaps' background): far from every colour of RATE_SCALE. */
export const UNOBSERVED_COLOR = '#e9ebef';

/** Sequential blues of rate heatmaps (cohort retention, RFM grid), light for low, in app and report alike. */
export const RATE_SCALE: [number, string][] = [
  [0, '#f3f7ff'],
  [0.15, '#bcd3fb'],
  [0.4, '#6b9af2'],
  [1, '#1d4fc4'],
];
