// The shifted-beta-geometric model against Fader & Hardie (2007): their data, fitted values and projections.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countsFromSurvivors, fitSbg, forecastCounts, observedSurvival, sbgLogLikelihood, sbgSurvival } from '../../src/analysis/sbg.ts';
import { SHARED_DATA } from '../helpers/core.ts';

const FILE = join(SHARED_DATA, 'fader_hardie_retention', 'customer_retention_pct.csv');
if (!existsSync(FILE)) console.warn(`skipping the Fader & Hardie checks: ${FILE} is absent`);

/** Survivors per 1,000 by year (the CSV holds percentages of 1,000-customer cohorts). */
function survivors(column: 'regular' | 'high_end'): number[] {
  const [header, ...lines] = readFileSync(FILE, 'utf8').trim().split('\n');
  const index = header!.split(',').indexOf(column);
  return lines.map((line) => Math.round(Number(line.split(',')[index]) * 10));
}

/**
 * The paper's likelihood written out independently of the implementation (no gamma functions):
 * P(T=1) = α/(α+β), P(T=t) = P(T=t-1)(β+t-2)/(α+β+t-1), S(t) = 1 - Σ P; LL = Σ churned ln P + survivors ln S(T).
 */
function paperLogLikelihood(alpha: number, beta: number, counts: number[]): number {
  let p = alpha / (alpha + beta);
  let s = 1 - p;
  let ll = (counts[0]! - counts[1]!) * Math.log(p);
  for (let t = 2; t < counts.length; t++) {
    p = (p * (beta + t - 2)) / (alpha + beta + t - 1);
    s -= p;
    ll += (counts[t - 1]! - counts[t]!) * Math.log(p);
  }
  return ll + counts.at(-1)! * Math.log(s);
}

describe.skipIf(!existsSync(FILE))('sBG on Fader & Hardie (2007), fitted on years 1-7', () => {
  const cases = [
    // the paper's Table: regular alpha 0.704, beta 1.182 (LL -1680.3); high end alpha 0.668, beta 3.806 (LL -1611.2)
    { column: 'regular', alpha: 0.704, beta: 1.182, logLikelihood: -1680.3 },
    { column: 'high_end', alpha: 0.668, beta: 3.806, logLikelihood: -1611.2 },
  ] as const;

  it.each(cases)('$column: the fit is the paper’s', ({ column, alpha, beta, logLikelihood }) => {
    const all = survivors(column);
    expect(all).toHaveLength(13);
    const years1to7 = all.slice(0, 8);
    const fit = fitSbg(countsFromSurvivors(years1to7))!;
    expect(fit.converged).toBe(true);
    expect(fit.alpha).toBeCloseTo(alpha, 3);
    expect(fit.beta).toBeCloseTo(beta, 3);
    expect(fit.logLikelihood).toBeCloseTo(logLikelihood, 1);
    // the implementation's likelihood equals the paper's recursion, and the fit beats the paper's rounded values
    expect(sbgLogLikelihood(fit, countsFromSurvivors(years1to7))).toBeCloseTo(paperLogLikelihood(fit.alpha, fit.beta, years1to7), 8);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(paperLogLikelihood(alpha, beta, years1to7));
  });

  it.each(cases)('$column: projects years 8-12 within 2 points of what happened', ({ column }) => {
    const all = survivors(column);
    const forecast = forecastCounts(countsFromSurvivors(all.slice(0, 8)), 12);
    // observed survival is the survivor share itself when everyone left is censored at year 7
    forecast.observed.forEach((share, year) => expect(share).toBeCloseTo(all[year]! / 1000, 12));
    expect(forecast.observed).toHaveLength(8);
    for (let year = 8; year <= 12; year++) expect(Math.abs(forecast.projected[year]! - all[year]! / 1000), `year ${year}`).toBeLessThan(0.02);
    // retention rates r_t = (β + t - 1) / (α + β + t - 1) rise with t: the survivors are the loyal ones
    expect(forecast.retentionRates[0]).toBeCloseTo((forecast.beta!) / (forecast.alpha! + forecast.beta!), 12);
    expect(forecast.retentionRates.every((rate, t) => t === 0 || rate > forecast.retentionRates[t - 1]!)).toBe(true);
  });
});

describe('sBG building blocks', () => {
  it('survival follows the recursion S(t) = S(t-1) (β + t - 1) / (α + β + t - 1)', () => {
    // α = 1, β = 1: S(t) = 1 / (t + 1)
    expect(sbgSurvival({ alpha: 1, beta: 1 }, 3)).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
  });

  it('observed survival is Kaplan-Meier over churn and censoring times', () => {
    // 10 customers: 2 churn at t=1, 1 censored at t=1, 2 churn at t=2, 5 censored at t=2.
    // S(1) = 1 - 2/10 = 0.8; at risk at 2: 10 - 2 - 1 = 7 -> S(2) = 0.8 * (1 - 2/7)
    expect(observedSurvival({ churned: [0, 2, 2], censored: [0, 1, 5] })).toEqual([1, 0.8, 0.8 * (5 / 7)]);
  });

  it('flags constant churn: the fit runs off towards a geometric model and is not called converged', () => {
    // 20% leave every period, whoever they are: retention never rises, so alpha and beta grow without bound
    // at a fixed ratio alpha / (alpha + beta) = 0.2; the projection is still 0.8^t
    const survivors = [100000, 80000, 64000, 51200, 40960, 32768];
    const fit = fitSbg(countsFromSurvivors(survivors))!;
    expect(fit.converged).toBe(false);
    expect(fit.alpha / (fit.alpha + fit.beta)).toBeCloseTo(0.2, 4);
    expect(sbgSurvival(fit, 8)[8]).toBeCloseTo(0.8 ** 8, 3);
  });

  it('refuses to fit what cannot identify both parameters', () => {
    expect(fitSbg({ churned: [0, 0, 0], censored: [0, 0, 10] })).toBeNull(); // no churn
    expect(fitSbg({ churned: [0, 4], censored: [0, 6] })).toBeNull(); // one period
    expect(forecastCounts({ churned: [0, 4], censored: [0, 6] }, 5)).toMatchObject({ alpha: null, projected: [], observed: [1, 0.6] });
  });
});
