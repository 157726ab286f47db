// Log-axis ticks of the hazard-ratio forest plots: 1-2-5 steps written in full, from the step at or
// below the smallest value to the step at or above the largest, whole decades when steps would crowd.
import { describe, expect, it } from 'vitest';
import { logAxisTicks } from '../../src/api/logAxis.ts';

describe('logAxisTicks', () => {
  it('covers the UCI Online Retail forest plot (0.06 to 15.08) with 1-2-5 steps in full', () => {
    const ticks = logAxisTicks([0.41, 0.06, 2.89, 13.24, 11.63, 15.08, 1.01], 'en');
    expect(ticks.tickvals).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]);
    expect(ticks.ticktext).toEqual(['0.05', '0.1', '0.2', '0.5', '1', '2', '5', '10', '20']);
    const padding = (Math.log10(20) - Math.log10(0.05)) * 0.03;
    expect(ticks.range[0]).toBeCloseTo(Math.log10(0.05) - padding, 12);
    expect(ticks.range[1]).toBeCloseTo(Math.log10(20) + padding, 12);
  });

  it('always reaches 1, the ratio of no difference, and gives an axis of ratios all at 1 a width', () => {
    expect(logAxisTicks([2.4, 3, 3.75], 'en').tickvals).toEqual([1, 2, 5]);
    expect(logAxisTicks([0.3, 0.45], 'en').tickvals).toEqual([0.2, 0.5, 1]);
    expect(logAxisTicks([1], 'en').tickvals).toEqual([0.5, 1, 2]);
    expect(logAxisTicks([], 'en').tickvals).toEqual([0.5, 1, 2]);
  });

  it('ignores values a log axis cannot place', () => {
    expect(logAxisTicks([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1.5], 'en').tickvals).toEqual([1, 2]);
  });

  it('ticks whole decades when 1-2-5 steps would be more than nine, every k-th decade over very wide spans', () => {
    expect(logAxisTicks([0.001, 1000], 'en').ticktext).toEqual(['0.001', '0.01', '0.1', '1', '10', '100', '1,000']);
    expect(logAxisTicks([0.02, 60], 'en').tickvals).toEqual([0.01, 0.1, 1, 10, 100]);
    expect(logAxisTicks([1e-9, 1e9], 'en').tickvals).toEqual([1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9]);
  });

  it('writes the ticks as Chinese writes numbers', () => {
    expect(logAxisTicks([0.05, 2000], 'zh-CN').ticktext).toEqual(['0.01', '0.1', '1', '10', '100', '1,000', '10,000']);
  });
});
