// The log-rank test on counts built by hand: tiny p-values stay exact, and groups without information drop out.
import { describe, expect, it } from 'vitest';
import { kaplanMeier, logRank, type TimeCounts } from '../../src/analysis/survival.ts';

const Z95 = 1.959963984540054;
const curve = (group: string, rows: Omit<TimeCounts, 'group'>[]) => kaplanMeier(group, rows.map((row) => ({ group, ...row })), Z95);

describe('log-rank', () => {
  it('keeps a p-value far below 1e-17 exact (the upper incomplete gamma, not 1 - CDF)', () => {
    // A: 100 events at t=1; B and C: 100 censored at t=2 each. One event time: n = 300, d = 100, n_g = 100.
    // E = 100/3 each; O - E over A, B = (200/3, -100/3); V = c [[2/9, -1/9], [-1/9, 2/9]], c = 100 * 200 / 299.
    // V^-1 = (1/c) [[6, 3], [3, 6]] -> chi2 = (1/c)(6 * 40000/9 - 6 * 20000/9 + 6 * 10000/9) = 20000 / c = 299.
    // Two degrees of freedom: p = exp(-299 / 2) = 1.5e-65.
    const test = logRank([
      curve('A', [{ time: 1, events: 100, censored: 0 }]),
      curve('B', [{ time: 2, events: 0, censored: 100 }]),
      curve('C', [{ time: 2, events: 0, censored: 100 }]),
    ])!;
    expect(test.df).toBe(2);
    expect(test.statistic).toBeCloseTo(299, 9);
    expect(test.pValue / Math.exp(-299 / 2)).toBeCloseTo(1, 9);
  });

  it('is null when fewer than two groups are at risk at any event time', () => {
    // B leaves (censored at 1) before A's only event at 2; with no events at all there is nothing to test either
    expect(logRank([curve('A', [{ time: 2, events: 1, censored: 0 }]), curve('B', [{ time: 1, events: 0, censored: 3 }])])).toBeNull();
    expect(logRank([curve('A', [{ time: 2, events: 0, censored: 2 }]), curve('B', [{ time: 1, events: 0, censored: 3 }])])).toBeNull();
  });
});
