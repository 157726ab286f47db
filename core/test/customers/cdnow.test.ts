// BG/NBD and Gamma-Gamma on the CDNOW sample, checked against an independent log-likelihood.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { bgNbdExpectedPurchasesIfAlive, bgNbdLogLikelihood, bgNbdPAlive, fitBgNbd, type BgNbdParameters } from '../../src/stats/bgnbd.ts';
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaParameters } from '../../src/stats/gammaGamma.ts';
import { WARM_START_ROWS } from '../../src/stats/maximumLikelihood.ts';
import { SHARED_DATA } from '../helpers/core.ts';

const SUMMARY = join(SHARED_DATA, 'cdnow_lifetimes', 'cdnow_customers_summary.csv');
const WITH_SPEND = join(SHARED_DATA, 'cdnow_lifetimes', 'cdnow_customers_summary_with_transactions.csv');
const present = existsSync(SUMMARY) && existsSync(WITH_SPEND);
if (!present) console.warn(`skipping CDNOW model tests: ${SUMMARY} not found`);

function readNumbers(path: string): number[][] {
  return readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(',').map(Number));
}

/**
 * FHL 2005 eq. 6 written out a second way, sharing no code with the model: the gamma-function
 * ratios for whole x are products (Γ(r+x)/Γ(r) = r(r+1)...(r+x-1)), the two terms summed as plain numbers.
 */
function paperLogLikelihood({ r, alpha, a, b }: BgNbdParameters, rows: number[][]): number {
  let total = 0;
  for (const [, x = 0, tx = 0, T = 0] of rows) {
    let ratio = 1; // Γ(r+x)/Γ(r) * Γ(b+x)/Γ(b) * Γ(a+b)/Γ(a+b+x)
    for (let k = 0; k < x; k++) ratio *= ((r + k) * (b + k)) / (a + b + k);
    const a1 = ratio * alpha ** r;
    const term3 = (alpha + T) ** -(r + x);
    const term4 = x > 0 ? (a / (b + x - 1)) * (alpha + tx) ** -(r + x) : 0;
    total += Math.log(a1 * (term3 + term4));
  }
  return total;
}

/** ln Γ by shifting above 30 and Stirling's first terms: independent of the model's Lanczos code. */
function stirlingLogGamma(x: number): number {
  let shift = 0;
  let value = x;
  while (value < 30) {
    shift -= Math.log(value);
    value += 1;
  }
  return shift + (value - 0.5) * Math.log(value) - value + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * value) - 1 / (360 * value ** 3) + 1 / (1260 * value ** 5);
}

/** Fader & Hardie note 025, eq. for the Gamma-Gamma likelihood of (x, m). */
function noteLogLikelihood({ p, q, v }: GammaGammaParameters, rows: number[][]): number {
  let total = 0;
  for (const [, x = 0, , , m = 0] of rows) {
    total +=
      stirlingLogGamma(p * x + q) - stirlingLogGamma(p * x) - stirlingLogGamma(q) + q * Math.log(v) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(x * m + v);
  }
  return total;
}

/** The parameters nudged by ±step in each coordinate: 2 x (number of parameters) neighbours. */
function neighbours<P extends object>(params: P, step: number): P[] {
  return Object.keys(params).flatMap((key) =>
    [1 + step, 1 - step].map((factor) => ({ ...params, [key]: (params as Record<string, number>)[key]! * factor })),
  );
}

describe.skipIf(!present)('BG/NBD on cdnow_customers_summary.csv (weeks, 2,357 customers)', () => {
  const rows = present ? readNumbers(SUMMARY) : [];
  const data = {
    x: Float64Array.from(rows, (row) => row[1]!),
    tx: Float64Array.from(rows, (row) => row[2]!),
    T: Float64Array.from(rows, (row) => row[3]!),
    weight: new Float64Array(rows.length).fill(1),
  };

  it('reaches the published maximum of the likelihood', () => {
    const fit = fitBgNbd(data);
    // published (FHL 2005, lifetimes): r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4
    expect(fit).toMatchObject({ converged: true, customers: 2357, atBound: [] });
    expect(fit.r).toBeCloseTo(0.24259, 4);
    expect(fit.alpha).toBeCloseTo(4.41353, 3);
    expect(fit.a).toBeCloseTo(0.79289, 4);
    expect(fit.b).toBeCloseTo(2.42575, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4256, 3);
    // the independent formula agrees with the model's own evaluation ...
    const atFit = paperLogLikelihood(fit, rows);
    expect(atFit).toBeCloseTo(fit.logLikelihood, 6);
    expect(bgNbdLogLikelihood(fit, data)).toBeCloseTo(atFit, 6);
    // ... and every point 0.5% away, as well as the published rounded parameters, is lower
    for (const nearby of neighbours({ r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b }, 0.005)) {
      expect(paperLogLikelihood(nearby, rows)).toBeLessThan(atFit);
    }
    const published = paperLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, rows);
    expect(published).toBeLessThan(atFit);
    expect(atFit - published).toBeLessThan(0.01);
  });

  it('predicts customer 1 as in the paper: E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226', () => {
    const fit = fitBgNbd(data);
    const pAlive = bgNbdPAlive(fit, 2, 30.43, 38.86);
    // P(alive) = 1 / (1 + a/(b+1) * ((alpha+T)/(alpha+t_x))^(r+2)) by hand from the fitted values
    expect(pAlive).toBeCloseTo(1 / (1 + (fit.a / (fit.b + 1)) * ((fit.alpha + 38.86) / (fit.alpha + 30.43)) ** (fit.r + 2)), 12);
    expect(pAlive).toBeCloseTo(0.7266, 4);
    expect(pAlive * bgNbdExpectedPurchasesIfAlive(fit, 2, 38.86, 39)).toBeCloseTo(1.226, 3);
    expect(bgNbdPAlive(fit, 0, 0, 38.86)).toBe(1);
  });

  it('refuses rows that are not (x, t_x, T) with E_VALUE', () => {
    const bad = { x: Float64Array.of(1), tx: Float64Array.of(5), T: Float64Array.of(3), weight: Float64Array.of(1) };
    expect(() => fitBgNbd(bad)).toThrow(CoreError);
  });

  it('reports a fit that cannot converge as E_CONVERGENCE, with no NaN', () => {
    let error: unknown;
    try {
      fitBgNbd(data, { maxIterations: 2 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_CONVERGENCE');
    expect(Object.values((error as CoreError).details ?? {}).every((value) => typeof value !== 'number' || Number.isFinite(value))).toBe(true);
  });

  it('gives the same fit for rows grouped with weights', () => {
    const groups = new Map<string, number>();
    for (const [, x, tx, T] of rows) groups.set(`${x},${tx},${T}`, (groups.get(`${x},${tx},${T}`) ?? 0) + 1);
    const keys = [...groups.keys()].map((key) => key.split(',').map(Number));
    expect(keys.length).toBeLessThan(rows.length);
    const grouped = fitBgNbd({
      x: Float64Array.from(keys, (key) => key[0]!),
      tx: Float64Array.from(keys, (key) => key[1]!),
      T: Float64Array.from(keys, (key) => key[2]!),
      weight: Float64Array.from(groups.values()),
    });
    const ungrouped = fitBgNbd(data);
    expect(grouped.logLikelihood).toBeCloseTo(ungrouped.logLikelihood, 6);
    expect(grouped.r).toBeCloseTo(ungrouped.r, 5);
    expect(grouped.customers).toBe(2357);
  });

  it('ends at the same optimum when over 100,000 rows make it start from a sample', () => {
    // every customer split into 50 rows of weight 1/50: the same likelihood, over the sampling threshold
    const copies = 50;
    const split = (column: Float64Array) => Float64Array.from({ length: column.length * copies }, (_, i) => column[Math.floor(i / copies)]!);
    const many = { x: split(data.x), tx: split(data.tx), T: split(data.T), weight: new Float64Array(data.x.length * copies).fill(1 / copies) };
    expect(many.x.length).toBeGreaterThan(WARM_START_ROWS);
    const fromSample = fitBgNbd(many);
    const direct = fitBgNbd(data);
    expect(fromSample.logLikelihood).toBeCloseTo(direct.logLikelihood, 6);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expect(fromSample[name]).toBeCloseTo(direct[name], 4);
    // the sample's curvature leaves the full fit only a few iterations
    expect(fromSample.iterations).toBeLessThan(direct.iterations / 2);
  });
});

describe.skipIf(!present)('Gamma-Gamma on cdnow_customers_summary_with_transactions.csv (946 repeat customers)', () => {
  const rows = present ? readNumbers(WITH_SPEND).filter((row) => row[1]! > 0) : [];
  const data = { x: Float64Array.from(rows, (row) => row[1]!), m: Float64Array.from(rows, (row) => row[4]!), weight: new Float64Array(rows.length).fill(1) };

  it('reaches the published maximum of the likelihood', () => {
    const fit = fitGammaGamma(data);
    // published (lifetimes docs): p 6.25, q 3.74, v 15.45
    expect(fit).toMatchObject({ converged: true, customers: 946, atBound: [] });
    expect(fit.p).toBeCloseTo(6.2488, 3);
    expect(fit.q).toBeCloseTo(3.7446, 3);
    expect(fit.v).toBeCloseTo(15.4477, 2);
    const atFit = noteLogLikelihood(fit, rows);
    expect(atFit).toBeCloseTo(fit.logLikelihood, 6);
    expect(atFit).toBeCloseTo(-4055.9232, 3);
    for (const nearby of neighbours({ p: fit.p, q: fit.q, v: fit.v }, 0.005)) {
      expect(noteLogLikelihood(nearby, rows)).toBeLessThan(atFit);
    }
  });

  it('shrinks each customer mean spend toward the population mean', () => {
    const fit = fitGammaGamma(data);
    // customer 1: x = 2, m = 22.35 -> p (x m + v) / (p x + q - 1)
    expect(gammaGammaExpectedSpend(fit, 2, 22.35)).toBeCloseTo((fit.p * (2 * 22.35 + fit.v)) / (fit.p * 2 + fit.q - 1), 12);
    expect(gammaGammaExpectedSpend(fit, 0, 0)).toBeCloseTo((fit.p * fit.v) / (fit.q - 1), 12);
    expect(gammaGammaExpectedSpend({ p: 1, q: 0.9, v: 1 }, 0, 0)).toBeNull();
  });

  it('ends at the same optimum when over 100,000 rows make it start from a sample', () => {
    const copies = 120;
    const split = (column: Float64Array) => Float64Array.from({ length: column.length * copies }, (_, i) => column[Math.floor(i / copies)]!);
    const many = { x: split(data.x), m: split(data.m), weight: new Float64Array(data.x.length * copies).fill(1 / copies) };
    expect(many.x.length).toBeGreaterThan(WARM_START_ROWS);
    const fromSample = fitGammaGamma(many);
    const direct = fitGammaGamma(data);
    expect(fromSample.logLikelihood).toBeCloseTo(direct.logLikelihood, 6);
    for (const name of ['p', 'q', 'v'] as const) expect(fromSample[name]).toBeCloseTo(direct[name], 3);
    expect(fromSample.iterations).toBeLessThan(direct.iterations / 2);
  });
});
