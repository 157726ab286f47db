// BG/NBD model (Fader, Hardie & Lee 2005): maximum-likelihood fit, P(alive) and expected purchases.
//
// Input is one row per distinct (x, t_x, T) with a weight (the number of customers sharing it).
// The log-likelihood is evaluated in log space (log-sum-exp of the two terms of eq. 6) with
// every gamma-function term cached per distinct x and every logarithm per distinct t_x and T,
// so an evaluation costs one exp and one log1p per row. Parameters are fitted as logarithms
// within bounds, with times rescaled so that the longest T is 10 (as the `lifetimes` library
// does): the optimiser then sees well-conditioned numbers whatever the time unit.
import { CoreError } from '../api/errors.ts';
import { fitOutcome, maximizeLikelihood, type FitStatus } from './maximumLikelihood.ts';
import digamma from '@stdlib/math-base-special-digamma';
import logGamma from '@stdlib/math-base-special-gammaln';
import { hypergeometric2F1, logAddExp } from './special.ts';

/** Customers grouped by identical (x, t_x, T). Times in one unit (days or weeks). */
export interface BgNbdData {
  /** Repeat purchases: distinct purchase periods after the first. */
  x: Float64Array;
  /** Time from the first to the last purchase. */
  tx: Float64Array;
  /** Time from the first purchase to the end of calibration. */
  T: Float64Array;
  /** Customers with this (x, t_x, T). */
  weight: Float64Array;
}

export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export type BgNbdFit = BgNbdParameters & FitStatus;

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

interface Unique {
  values: Float64Array;
  index: Int32Array;
}

function uniqueIndex(column: Float64Array): Unique {
  const positions = new Map<number, number>();
  const values: number[] = [];
  const index = new Int32Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const value = column[i]!;
    let position = positions.get(value);
    if (position === undefined) {
      position = values.length;
      positions.set(value, position);
      values.push(value);
    }
    index[i] = position;
  }
  return { values: Float64Array.from(values), index };
}

function checkData(data: BgNbdData): void {
  const n = data.x.length;
  if (data.tx.length !== n || data.T.length !== n || data.weight.length !== n) {
    throw new CoreError('E_ARGS', 'BG/NBD data columns differ in length');
  }
  for (let i = 0; i < n; i++) {
    const x = data.x[i]!;
    const tx = data.tx[i]!;
    const T = data.T[i]!;
    if (!(Number.isInteger(x) && x >= 0 && tx >= 0 && T >= tx && data.weight[i]! > 0)) {
      throw new CoreError('E_VALUE', `BG/NBD row ${i + 1} is not a valid (x, t_x, T): x=${x}, t_x=${tx}, T=${T}; x must be a whole number >= 0 and 0 <= t_x <= T`, { row: i + 1 });
    }
    if (x > 0 && tx === 0) {
      throw new CoreError('E_VALUE', `BG/NBD row ${i + 1} has ${x} repeat purchases but recency 0`, { row: i + 1 });
    }
  }
}

/**
 * The log-likelihood and its gradient for one time scale, with the per-row work reduced to
 * lookups: the closure is called once per optimiser evaluation.
 */
function likelihoodEvaluator(data: BgNbdData, timeScale: number) {
  const xs = uniqueIndex(data.x);
  const Ts = uniqueIndex(data.T.map((T) => T * timeScale));
  const txs = uniqueIndex(data.tx.map((tx) => tx * timeScale));
  const weightPerX = new Float64Array(xs.values.length);
  let totalWeight = 0;
  for (let i = 0; i < data.x.length; i++) {
    weightPerX[xs.index[i]!]! += data.weight[i]!;
    totalWeight += data.weight[i]!;
  }
  const perX = { constant: new Float64Array(xs.values.length), logB: new Float64Array(xs.values.length), dr: new Float64Array(xs.values.length), da: new Float64Array(xs.values.length), db: new Float64Array(xs.values.length) };
  const logAT = new Float64Array(Ts.values.length);
  const invAT = new Float64Array(Ts.values.length);
  const logAtx = new Float64Array(txs.values.length);
  const invAtx = new Float64Array(txs.values.length);

  /** Returns the log-likelihood; fills `gradient` (d/dr, d/dalpha, d/da, d/db) when given. */
  return (params: BgNbdParameters, gradient?: Float64Array): number => {
    const { r, alpha, a, b } = params;
    const lgR = logGamma(r);
    const lgAB = logGamma(a + b);
    const lgB = logGamma(b);
    const psiR = digamma(r);
    const psiAB = digamma(a + b);
    const psiB = digamma(b);
    let logLikelihood = totalWeight * r * Math.log(alpha);
    let gr = totalWeight * Math.log(alpha);
    let gAlpha = (totalWeight * r) / alpha;
    let ga = 0;
    let gb = 0;
    for (let k = 0; k < xs.values.length; k++) {
      const x = xs.values[k]!;
      perX.constant[k] = logGamma(r + x) - lgR + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x);
      perX.logB[k] = x > 0 ? Math.log(b + x - 1) : 0;
      logLikelihood += weightPerX[k]! * perX.constant[k]!;
      if (gradient) {
        const psiABX = digamma(a + b + x);
        gr += weightPerX[k]! * (digamma(r + x) - psiR);
        ga += weightPerX[k]! * (psiAB - psiABX);
        gb += weightPerX[k]! * (psiAB + digamma(b + x) - psiB - psiABX);
      }
    }
    for (let j = 0; j < Ts.values.length; j++) {
      logAT[j] = Math.log(alpha + Ts.values[j]!);
      invAT[j] = 1 / (alpha + Ts.values[j]!);
    }
    for (let j = 0; j < txs.values.length; j++) {
      logAtx[j] = Math.log(alpha + txs.values[j]!);
      invAtx[j] = 1 / (alpha + txs.values[j]!);
    }
    const logA = Math.log(a);
    const n = data.x.length;
    for (let i = 0; i < n; i++) {
      const k = xs.index[i]!;
      const x = xs.values[k]!;
      const w = data.weight[i]!;
      const rx = r + x;
      const jT = Ts.index[i]!;
      const term3 = -rx * logAT[jT]!;
      if (x === 0) {
        logLikelihood += w * term3;
        if (gradient) {
          gr -= w * logAT[jT]!;
          gAlpha -= w * rx * invAT[jT]!;
        }
        continue;
      }
      const jtx = txs.index[i]!;
      const term4 = logA - perX.logB[k]! - rx * logAtx[jtx]!;
      const total = logAddExp(term3, term4);
      logLikelihood += w * total;
      if (gradient) {
        const share4 = Math.exp(term4 - total);
        const share3 = 1 - share4;
        gr -= w * (share3 * logAT[jT]! + share4 * logAtx[jtx]!);
        gAlpha -= w * rx * (share3 * invAT[jT]! + share4 * invAtx[jtx]!);
        ga += (w * share4) / a;
        gb -= (w * share4) / (b + x - 1);
      }
    }
    if (gradient) {
      gradient[0] = gr;
      gradient[1] = gAlpha;
      gradient[2] = ga;
      gradient[3] = gb;
    }
    return logLikelihood;
  };
}

export interface BgNbdFitOptions {
  /** Starting values in the data's time unit. Default r = a = b = 1, alpha = mean T. */
  start?: BgNbdParameters;
  /** Default 500. */
  maxIterations?: number;
}

/**
 * Fits BG/NBD by maximum likelihood. Throws E_CONVERGENCE (with the last parameters in its
 * details) when the optimiser stops without converging; never returns NaN.
 */
export function fitBgNbd(data: BgNbdData, options: BgNbdFitOptions = {}): BgNbdFit {
  checkData(data);
  let totalWeight = 0;
  let maxT = 0;
  for (let i = 0; i < data.T.length; i++) {
    totalWeight += data.weight[i]!;
    maxT = Math.max(maxT, data.T[i]!);
  }
  if (totalWeight === 0 || maxT === 0) {
    throw new CoreError('E_NO_DATA', 'BG/NBD needs customers observed for some time (every T is 0)');
  }
  const timeScale = 10 / maxT;
  const meanT = data.T.reduce((sum, T, i) => sum + T * data.weight[i]!, 0) / totalWeight;
  const evaluate = likelihoodEvaluator(data, timeScale);
  const { params: scaled, result } = maximizeLikelihood({
    names: NAMES,
    start: options.start ? { ...options.start, alpha: options.start.alpha * timeScale } : { r: 1, alpha: Math.max(meanT * timeScale, 1e-3), a: 1, b: 1 },
    logLikelihood: evaluate,
    totalWeight,
    ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
  });
  const params: BgNbdParameters = { ...scaled, alpha: scaled.alpha / timeScale };
  return fitOutcome('BG/NBD', params, result, NAMES, likelihoodEvaluator(data, 1)(params), totalWeight);
}

/** Log-likelihood of the data at given parameters (in the data's time unit). */
export function bgNbdLogLikelihood(params: BgNbdParameters, data: BgNbdData): number {
  return likelihoodEvaluator(data, 1)(params);
}

/**
 * ln of the odds that a customer has dropped out: ln[a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)],
 * or -Infinity for x = 0 (the model says a customer without repeat purchases is alive).
 */
export function bgNbdLogDropoutOdds(params: BgNbdParameters, x: number, tx: number, T: number): number {
  if (x === 0) return Number.NEGATIVE_INFINITY;
  const { r, alpha, a, b } = params;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** P(alive | x, t_x, T) = 1 / (1 + odds of dropout), computed without overflow. */
export function bgNbdPAlive(params: BgNbdParameters, x: number, tx: number, T: number): number {
  const logOdds = bgNbdLogDropoutOdds(params, x, tx, T);
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected purchases in (T, T + t] of a customer known to be alive at T, i.e. E[Y(t) | x, t_x, T]
 * divided by P(alive); it depends on x and T only, so callers evaluate it once per distinct pair.
 * From FHL 2005 eq. 10: (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))].
 */
export function bgNbdExpectedPurchasesIfAlive(params: BgNbdParameters, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const z = t / (alpha + T + t);
  const power = Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)));
  const value = ((a + b + x - 1) / (a - 1)) * (1 - power * hypergeometric2F1(r + x, b + x, a + b + x - 1, z));
  if (!Number.isFinite(value)) {
    throw new CoreError('E_CONVERGENCE', `BG/NBD expectation is not finite at x=${x}, T=${T}, t=${t} (a=${a} is too close to 1)`, { x, T, t, a });
  }
  return value;
}
