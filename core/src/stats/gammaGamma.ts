// Gamma-Gamma spend model (Fader & Hardie, note 025): maximum-likelihood fit and expected spend per purchase.
//
// Input is one row per repeat customer (x >= 1 repeat purchases, mean repeat spend m > 0),
// optionally grouped with weights. Gamma-function terms are cached per distinct x; money is
// rescaled to a mean of 1 while fitting so v starts near its optimum whatever the currency.
import { CoreError } from '../api/errors.ts';
import { fitOutcome, maximizeLikelihood, type FitStatus } from './maximumLikelihood.ts';
import digamma from '@stdlib/math-base-special-digamma';
import logGamma from '@stdlib/math-base-special-gammaln';

export interface GammaGammaData {
  /** Repeat purchases (>= 1). */
  x: Float64Array;
  /** Mean spend of the repeat purchases (> 0). */
  m: Float64Array;
  weight: Float64Array;
}

export interface GammaGammaParameters {
  p: number;
  q: number;
  v: number;
}

export type GammaGammaFit = GammaGammaParameters & FitStatus;

const NAMES = ['p', 'q', 'v'] as const;

function checkData(data: GammaGammaData): void {
  const n = data.x.length;
  if (data.m.length !== n || data.weight.length !== n) throw new CoreError('E_ARGS', 'Gamma-Gamma data columns differ in length');
  for (let i = 0; i < n; i++) {
    if (!(data.x[i]! >= 1 && data.m[i]! > 0 && data.weight[i]! > 0)) {
      throw new CoreError('E_VALUE', `Gamma-Gamma row ${i + 1} needs x >= 1 and a positive mean spend, got x=${data.x[i]}, m=${data.m[i]}`, { row: i + 1 });
    }
  }
}

function likelihoodEvaluator(data: GammaGammaData, moneyScale: number) {
  const n = data.x.length;
  const m = data.m.map((value) => value * moneyScale);
  const logM = m.map(Math.log);
  const logX = data.x.map(Math.log);
  const distinctX = [...new Set(data.x)];
  const positionOfX = new Map(distinctX.map((x, k) => [x, k]));
  const xIndex = Int32Array.from(data.x, (x) => positionOfX.get(x)!);
  const weightPerX = new Float64Array(distinctX.length);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    weightPerX[xIndex[i]!]! += data.weight[i]!;
    totalWeight += data.weight[i]!;
  }
  const psiPXQ = new Float64Array(distinctX.length);
  const psiPX = new Float64Array(distinctX.length);

  /** Returns the log-likelihood; fills `gradient` (d/dp, d/dq, d/dv) when given. */
  return (params: GammaGammaParameters, gradient?: Float64Array): number => {
    const { p, q, v } = params;
    const logV = Math.log(v);
    let logLikelihood = totalWeight * (q * logV - logGamma(q));
    let gq = totalWeight * (logV - digamma(q));
    let gp = 0;
    let gv = (totalWeight * q) / v;
    for (let k = 0; k < distinctX.length; k++) {
      const px = p * distinctX[k]!;
      logLikelihood += weightPerX[k]! * (logGamma(px + q) - logGamma(px));
      if (gradient) {
        psiPXQ[k] = digamma(px + q);
        psiPX[k] = digamma(px);
        gq += weightPerX[k]! * psiPXQ[k]!;
      }
    }
    for (let i = 0; i < n; i++) {
      const w = data.weight[i]!;
      const x = data.x[i]!;
      const px = p * x;
      const logTotal = Math.log(x * m[i]! + v);
      logLikelihood += w * ((px - 1) * logM[i]! + px * logX[i]! - (px + q) * logTotal);
      if (gradient) {
        const k = xIndex[i]!;
        gp += w * x * (psiPXQ[k]! - psiPX[k]! + logM[i]! + logX[i]! - logTotal);
        gq -= w * logTotal;
        gv -= (w * (px + q)) / (x * m[i]! + v);
      }
    }
    if (gradient) {
      gradient[0] = gp;
      gradient[1] = gq;
      gradient[2] = gv;
    }
    return logLikelihood;
  };
}

/** Fits Gamma-Gamma by maximum likelihood; throws E_CONVERGENCE rather than returning NaN. */
export function fitGammaGamma(data: GammaGammaData, options: { maxIterations?: number } = {}): GammaGammaFit {
  checkData(data);
  let totalWeight = 0;
  let spend = 0;
  for (let i = 0; i < data.x.length; i++) {
    totalWeight += data.weight[i]!;
    spend += data.weight[i]! * data.m[i]!;
  }
  if (totalWeight === 0) throw new CoreError('E_NO_DATA', 'Gamma-Gamma needs at least one repeat customer with positive spend');
  const moneyScale = totalWeight / spend;
  const { params: scaled, result } = maximizeLikelihood({
    names: NAMES,
    start: { p: 1, q: 1, v: 1 },
    logLikelihood: likelihoodEvaluator(data, moneyScale),
    totalWeight,
    ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
  });
  const params: GammaGammaParameters = { ...scaled, v: scaled.v / moneyScale };
  return fitOutcome('Gamma-Gamma', params, result, NAMES, likelihoodEvaluator(data, 1)(params), totalWeight);
}

/** Log-likelihood at given parameters, in the data's money unit. */
export function gammaGammaLogLikelihood(params: GammaGammaParameters, data: GammaGammaData): number {
  return likelihoodEvaluator(data, 1)(params);
}

/**
 * E[M | x, m] = (p (x m + v)) / (p x + q - 1): the expected spend per purchase of a customer
 * with x repeat purchases of mean m (x = 0 gives the population mean p v / (q - 1)).
 * Null when q <= 1, where the population mean does not exist.
 */
export function gammaGammaExpectedSpend(params: GammaGammaParameters, x: number, m: number): number | null {
  const { p, q, v } = params;
  if (q <= 1) return null;
  return (p * (x * m + v)) / (p * x + q - 1);
}
