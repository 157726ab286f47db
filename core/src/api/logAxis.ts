// Ticks of a log axis (hazard ratios) with their whole values. Left to itself, Plotly labels a log
// axis's minor ticks by their first digit only, and once the labels crowd they read as nonsense
// ("5 0.1 2 5 1 2 5 10 2" for 0.05 to 20). Here every tick is a 1-2-5 step (0.05, 0.1, 0.2, 0.5, 1,
// ...) written in full in the reader's language, and the axis runs from the step at or below the
// smallest value to the step at or above the largest, so every tick in range is drawn.
import type { ReportLang } from './report.ts';

/** Above this many 1-2-5 ticks the axis ticks whole decades only (1, 10, 100), so labels keep apart. */
const MAX_TICKS = 9;

/** Share of the axis span left either side, so a marker on the first or last tick is not cut in half. */
const EDGE_PADDING = 0.03;

export interface LogAxisTicks {
  /** Tick positions in data units. */
  tickvals: number[];
  /** Each tick's value as the reader's language writes numbers. */
  ticktext: string[];
  /** The axis range in log10 units, as Plotly takes a log axis's range. */
  range: [number, number];
}

/** Ticks covering `values` (non-positive and non-finite ones ignored) and 1, the ratio of no difference. */
export function logAxisTicks(values: readonly number[], lang: ReportLang): LogAxisTicks {
  const positive = values.filter((value) => Number.isFinite(value) && value > 0);
  const low = Math.min(1, ...positive);
  const high = Math.max(1, ...positive);
  const fineTicks = spanningTicks(low, high, [1, 2, 5], 1);
  const ticks = fineTicks.length <= MAX_TICKS ? fineTicks : decadeTicks(low, high);
  const format = new Intl.NumberFormat(lang, { maximumSignificantDigits: 1 });
  const first = Math.log10(ticks[0]!);
  const last = Math.log10(ticks.at(-1)!);
  const padding = (last - first) * EDGE_PADDING;
  return { tickvals: ticks, ticktext: ticks.map((tick) => format.format(tick)), range: [first - padding, last + padding] };
}

/**
 * The steps `mantissa` x 10^e from the last at or below `low` to the first at or above `high`; when
 * both are one step (all values at 1) the steps either side too, so the axis has a width.
 */
function spanningTicks(low: number, high: number, mantissas: readonly number[], decadeStep: number): number[] {
  // Decades on multiples of the step, so 1 (decade 0) is always one of them
  const firstDecade = (Math.floor(Math.floor(Math.log10(low)) / decadeStep) - 1) * decadeStep;
  const lastDecade = Math.ceil(Math.log10(high)) + decadeStep;
  const steps: number[] = [];
  for (let decade = firstDecade; decade <= lastDecade; decade += decadeStep) {
    // Parsed from text so 0.2 is 0.2, not 2 * 0.1 = 0.20000000000000004
    for (const mantissa of mantissas) steps.push(Number(`${mantissa}e${decade}`));
  }
  let from = steps.findLastIndex((step) => step <= low);
  let to = steps.findIndex((step) => step >= high);
  if (from === to) [from, to] = [from - 1, to + 1];
  return steps.slice(from, to + 1);
}

/** Whole decades, every k-th so that at most MAX_TICKS remain. */
function decadeTicks(low: number, high: number): number[] {
  const decades = Math.ceil(Math.log10(high)) - Math.floor(Math.log10(low));
  return spanningTicks(low, high, [1], Math.ceil(decades / (MAX_TICKS - 1)));
}
