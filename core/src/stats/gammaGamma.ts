// Gamma-Gamma spend model (Fader & Hardie, note 025): maximum-likelihood fit and expected spend per purchase.
//
// Input is one row per repeat customer (x >= 1 repeat purchases, mean repeat spend m > 0),
// optionally grouped with weights. Gamma-function terms are cached per distinct x; money is
// rescaled to a mean of 1 while fitting so v starts near its optimum whatever the currency.
import { CoreError } from '../api/errors.ts';
import { fitOutcome, maximizeWithWarmStart, sampleIndices, type FitStatus } from './maximumLikelihood.ts';
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

/**
 * Per customer, ln L = lnG(px + q) - lnG(px) - lnG(q) + q ln v + (px - 1) ln m + px ln x - (px + q) ln(x m + v).
 * Everything but the last term is a weighted sum known before the fit (over rows, or per distinct
 * x for the gamma functions), so an evaluation costs one log and one division per row.
 */
function likelihoodEvaluator(data: GammaGammaData, moneyScale: number) {
  const n = data.x.length;
  const spend = new Float64Array(n);
  const weightedX = new Float64Array(n);
  const distinctX = [...new Set(data.x)];
  const positionOfX = new Map(distinctX.map((x, k) => [x, k]));
  const weightPerX = new Float64Array(distinctX.length);
  let totalWeight = 0;
  // sum w ln m and sum w x (ln m + ln x): the (px - 1) ln m + px ln x part is p * logTerms - logSpend
  let logSpend = 0;
  let logTerms = 0;
  for (let i = 0; i < n; i++) {
    const w = data.weight[i]!;
    const x = data.x[i]!;
    const logM = Math.log(data.m[i]! * moneyScale);
    spend[i] = x * data.m[i]! * moneyScale;
    weightedX[i] = w * x;
    weightPerX[positionOfX.get(x)!]! += w;
    totalWeight += w;
    logSpend += w * logM;
    logTerms += w * x * (logM + Math.log(x));
  }

  /** Returns the log-likelihood; fills `gradient` (d/dp, d/dq, d/dv) when given. */
  return (params: GammaGammaParameters, gradient?: Float64Array): number => {
    const { p, q, v } = params;
    const logV = Math.log(v);
    let logLikelihood = totalWeight * (q * logV - logGamma(q)) + p * logTerms - logSpend;
    let gp = logTerms;
    let gq = totalWeight * (logV - digamma(q));
    for (let k = 0; k < distinctX.length; k++) {
      const px = p * distinctX[k]!;
      logLikelihood += weightPerX[k]! * (logGamma(px + q) - logGamma(px));
      if (gradient) {
        const psiPXQ = digamma(px + q);
        gp += weightPerX[k]! * distinctX[k]! * (psiPXQ - digamma(px));
        gq += weightPerX[k]! * psiPXQ;
      }
    }
    // sums over rows of w ln(x m + v), w x ln(x m + v), w / (x m + v) and w x / (x m + v)
    let logTotal = 0;
    let xLogTotal = 0;
    let inverse = 0;
    let xInverse = 0;
    for (let i = 0; i < n; i++) {
      const total = spend[i]! + v;
      const logOfTotal = Math.log(total);
      const w = data.weight[i]!;
      logTotal += w * logOfTotal;
      xLogTotal += weightedX[i]! * logOfTotal;
      inverse += w / total;
      xInverse += weightedX[i]! / total;
    }
    logLikelihood -= p * xLogTotal + q * logTotal;
    if (gradient) {
      gradient[0] = gp - xLogTotal;
      gradient[1] = gq - logTotal;
      gradient[2] = (totalWeight * q) / v - p * xInverse - q * inverse;
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
  const sample = sampleIndices(data.x.length);
  const sampleData = sample && {
    x: Float64Array.from(sample, (i) => data.x[i]!),
    m: Float64Array.from(sample, (i) => data.m[i]!),
    weight: Float64Array.from(sample, (i) => data.weight[i]!),
  };
  const { params: scaled, result } = maximizeWithWarmStart(
    {
      names: NAMES,
      start: { p: 1, q: 1, v: 1 },
      logLikelihood: likelihoodEvaluator(data, moneyScale),
      totalWeight,
      ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
    },
    sampleData && { logLikelihood: likelihoodEvaluator(sampleData, moneyScale), totalWeight: sampleData.weight.reduce((sum, w) => sum + w, 0) },
  );
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
