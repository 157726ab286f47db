// BG/NBD model (Fader, Hardie & Lee 2005): maximum-likelihood fit, P(alive) and expected purchases.
//
// Input is one row per distinct (x, t_x, T) with a weight (the number of customers sharing it).
// The log-likelihood is evaluated in log space (log-sum-exp of the two terms of eq. 6) with
// every gamma-function term cached per distinct x and every logarithm per distinct t_x and T,
// so an evaluation costs one exp and one log1p per row. Parameters are fitted as logarithms
// within bounds, with times rescaled so that the longest T is 10 (as the `lifetimes` library
// does): the optimiser then sees well-conditioned numbers whatever the time unit.
import { CoreError } from '../api/errors.ts';
import { fitOutcome, maximizeWithWarmStart, sampleIndices, type FitStatus } from './maximumLikelihood.ts';
import digamma from '@stdlib/math-base-special-digamma';
import logGamma from '@stdlib/math-base-special-gammaln';
import { hypergeometric2F1 } from './special.ts';

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
 *
 * Customers without repeat purchases contribute -r ln(alpha + T) only, so they are summed per
 * distinct T. The others go through one tight loop over typed arrays: per row one exp and one
 * log1p give both the log-sum-exp of the two terms of eq. 6 and the share of the second term
 * that the gradient needs.
 */
function likelihoodEvaluator(data: BgNbdData, timeScale: number) {
  const xs = uniqueIndex(data.x);
  const Ts = uniqueIndex(data.T.map((T) => T * timeScale));
  const txs = uniqueIndex(data.tx.map((tx) => tx * timeScale));
  const distinctX = xs.values;
  const weightPerX = new Float64Array(distinctX.length);
  const onceWeightPerT = new Float64Array(Ts.values.length);
  let totalWeight = 0;
  let repeatRows = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight[i]!;
    weightPerX[xs.index[i]!]! += w;
    totalWeight += w;
    if (data.x[i] === 0) onceWeightPerT[Ts.index[i]!]! += w;
    else repeatRows++;
  }
  // the rows with x > 0, as parallel typed arrays the loop reads in order
  const rowWeight = new Float64Array(repeatRows);
  const rowX = new Float64Array(repeatRows);
  const rowK = new Int32Array(repeatRows);
  const rowT = new Int32Array(repeatRows);
  const rowTx = new Int32Array(repeatRows);
  for (let i = 0, j = 0; i < data.x.length; i++) {
    if (data.x[i] === 0) continue;
    rowWeight[j] = data.weight[i]!;
    rowX[j] = data.x[i]!;
    rowK[j] = xs.index[i]!;
    rowT[j] = Ts.index[i]!;
    rowTx[j] = txs.index[i]!;
    j++;
  }
  const logB = new Float64Array(distinctX.length);
  const invB = new Float64Array(distinctX.length);
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
    for (let k = 0; k < distinctX.length; k++) {
      const x = distinctX[k]!;
      const weight = weightPerX[k]!;
      logLikelihood += weight * (logGamma(r + x) - lgR + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x));
      logB[k] = x > 0 ? Math.log(b + x - 1) : 0;
      invB[k] = x > 0 ? 1 / (b + x - 1) : 0;
      if (gradient) {
        const psiABX = digamma(a + b + x);
        gr += weight * (digamma(r + x) - psiR);
        ga += weight * (psiAB - psiABX);
        gb += weight * (psiAB + digamma(b + x) - psiB - psiABX);
      }
    }
    for (let j = 0; j < Ts.values.length; j++) {
      logAT[j] = Math.log(alpha + Ts.values[j]!);
      invAT[j] = 1 / (alpha + Ts.values[j]!);
      const once = onceWeightPerT[j]!;
      logLikelihood -= once * r * logAT[j]!;
      gr -= once * logAT[j]!;
      gAlpha -= once * r * invAT[j]!;
    }
    for (let j = 0; j < txs.values.length; j++) {
      logAtx[j] = Math.log(alpha + txs.values[j]!);
      invAtx[j] = 1 / (alpha + txs.values[j]!);
    }
    const logA = Math.log(a);
    // sums over the repeat rows: sum w share4 and sum w share4 / (b + x - 1) give d/da and d/db
    let shareSum = 0;
    let shareOverB = 0;
    for (let i = 0; i < repeatRows; i++) {
      const w = rowWeight[i]!;
      const k = rowK[i]!;
      const jT = rowT[i]!;
      const jtx = rowTx[i]!;
      const rx = r + rowX[i]!;
      const lT = logAT[jT]!;
      const ltx = logAtx[jtx]!;
      const term3 = -rx * lT;
      const term4 = logA - logB[k]! - rx * ltx;
      // log(e^term3 + e^term4) = larger + log1p(e^-|difference|); share4 = e^term4 / (e^term3 + e^term4)
      const difference = term4 - term3;
      const small = Math.exp(-Math.abs(difference));
      logLikelihood += w * ((difference > 0 ? term4 : term3) + Math.log1p(small));
      const share4 = (difference > 0 ? 1 : small) / (1 + small);
      gr -= w * (lT + share4 * (ltx - lT));
      gAlpha -= w * rx * (invAT[jT]! + share4 * (invAtx[jtx]! - invAT[jT]!));
      shareSum += w * share4;
      shareOverB += w * share4 * invB[k]!;
    }
    if (gradient) {
      gradient[0] = gr;
      gradient[1] = gAlpha;
      gradient[2] = ga + shareSum / a;
      gradient[3] = gb - shareOverB;
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
  const sample = sampleIndices(data.x.length);
  const sampleData = sample && {
    x: Float64Array.from(sample, (i) => data.x[i]!),
    tx: Float64Array.from(sample, (i) => data.tx[i]!),
    T: Float64Array.from(sample, (i) => data.T[i]!),
    weight: Float64Array.from(sample, (i) => data.weight[i]!),
  };
  const { params: scaled, result } = maximizeWithWarmStart(
    {
      names: NAMES,
      start: options.start ? { ...options.start, alpha: options.start.alpha * timeScale } : { r: 1, alpha: Math.max(meanT * timeScale, 1e-3), a: 1, b: 1 },
      logLikelihood: likelihoodEvaluator(data, timeScale),
      totalWeight,
      ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
    },
    sampleData && { logLikelihood: likelihoodEvaluator(sampleData, timeScale), totalWeight: sampleData.weight.reduce((sum, w) => sum + w, 0) },
  );
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
