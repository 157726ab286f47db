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

describe('Kaplan-Meier median and its interval', () => {
  // 20 subjects; R 4.x, survival package:
  //   t <- c(2,3,3,5,6,7,8,8,9,10,11,12,13,14,15,16,18,20,22,25)
  //   s <- c(1,1,0,1,1,0,1,1,1,0,1,1,0,1,1,1,0,1,1,0)
  //   f <- survfit(Surv(t, s) ~ 1, conf.type = "log-log"); summary(f)$table  ->  median 12, 0.95LCL 8, 0.95UCL 20
  //   f$lower, f$upper at t = 8: 0.420996109, 0.8427857; at t = 20: 0.037757842, 0.4313168
  const rows: Omit<TimeCounts, 'group'>[] = [
    [2, 1, 0], [3, 1, 1], [5, 1, 0], [6, 1, 0], [7, 0, 1], [8, 2, 0], [9, 1, 0], [10, 0, 1], [11, 1, 0],
    [12, 1, 0], [13, 0, 1], [14, 1, 0], [15, 1, 0], [16, 1, 0], [18, 0, 1], [20, 1, 0], [22, 1, 0], [25, 0, 1],
  ].map(([time, events, censored]) => ({ time: time!, events: events!, censored: censored! }));

  it('gives the lower limit from the lower band and the upper limit from the upper band, as survfit', () => {
    const km = curve('all', rows);
    expect([km.median, km.medianLower, km.medianUpper]).toEqual([12, 8, 20]);
    const at = (time: number) => km.points.find((point) => point.time === time)!;
    expect(at(8).lower).toBeCloseTo(0.420996109, 8);
    expect(at(8).upper).toBeCloseTo(0.8427857, 7);
    expect(at(20).lower).toBeCloseTo(0.037757842, 8);
    expect(at(20).upper).toBeCloseTo(0.4313168, 7);
  });
});
