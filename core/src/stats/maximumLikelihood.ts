// Maximum likelihood over positive parameters: fit their logarithms within bounds, and report the outcome or E_CONVERGENCE.
import { CoreError } from '../api/errors.ts';
import { minimizeBounded } from './optimize.ts';

/** What every fitted model reports besides its parameters. */
export interface FitStatus {
  logLikelihood: number;
  converged: boolean;
  /** Optimiser iterations over every row (for large inputs, after those of the fit on a sample: see maximizeWithWarmStart). */
  iterations: number;
  /** Largest gradient component of the mean negative log-likelihood (log parameters) at the end. */
  gradientNorm: number;
  /** Parameters that ended on their bound (the data do not pin them down). */
  atBound: string[];
  customers: number;
}

/** Log parameters stay within ln(1e-6) .. ln(1e6) of the (rescaled) data's units. */
const LOG_BOUND = Math.log(1e6);

export interface LikelihoodProblem<K extends string> {
  names: readonly K[];
  /** Starting values of the parameters (positive). */
  start: Record<K, number>;
  /** Log-likelihood at `params`; writes d/dparam into `gradient` in `names` order. */
  logLikelihood: (params: Record<K, number>, gradient: Float64Array) => number;
  /** Sum of the weights, to optimise the mean so tolerances do not depend on the data's size. */
  totalWeight: number;
  maxIterations?: number;
  /** A first estimate of the inverse Hessian in log parameters, e.g. from a fit on a sample. */
  inverseHessian?: Float64Array;
}

/** Rows above which a fit first runs on a systematic sample of them (see maximizeWithWarmStart). */
export const WARM_START_ROWS = 100_000;

/** Every k-th index of `rows`, k chosen so that about WARM_START_ROWS remain; null when there are not more rows than that. */
export function sampleIndices(rows: number): Int32Array | null {
  if (rows <= WARM_START_ROWS) return null;
  const step = Math.ceil(rows / WARM_START_ROWS);
  return Int32Array.from({ length: Math.ceil(rows / step) }, (_, i) => i * step);
}

/** Maximises the log-likelihood; returns the parameters at the optimum (in the problem's units) with the optimiser's report. */
export function maximizeLikelihood<K extends string>(problem: LikelihoodProblem<K>) {
  const { names, totalWeight } = problem;
  const gradient = new Float64Array(names.length);
  const fromLog = (theta: ArrayLike<number>) => Object.fromEntries(names.map((name, i) => [name, Math.exp(theta[i]!)])) as Record<K, number>;
  const result = minimizeBounded(
    (theta, out) => {
      const params = fromLog(theta);
      const value = -problem.logLikelihood(params, gradient) / totalWeight;
      // chain rule to log parameters: d/d(ln p) = p * d/dp
      names.forEach((name, i) => (out[i] = (-gradient[i]! * params[name]) / totalWeight));
      return value;
    },
    names.map((name) => Math.log(problem.start[name])),
    {
      lower: names.map(() => -LOG_BOUND),
      upper: names.map(() => LOG_BOUND),
      maxIterations: problem.maxIterations ?? 500,
      gradientTolerance: 1e-9,
      ...(problem.inverseHessian ? { inverseHessian: problem.inverseHessian } : {}),
    },
  );
  return { params: fromLog(result.x), result };
}

/**
 * Maximises the likelihood of all rows, first on a sample of them when `sample` is given: the
 * sample's optimum and its curvature (BFGS's inverse Hessian of the mean log-likelihood, which a
 * systematic sample estimates) start the full fit, which then needs a few iterations over every row
 * instead of twenty or more. Without a converged sample fit the full fit starts as usual.
 */
export function maximizeWithWarmStart<K extends string>(problem: LikelihoodProblem<K>, sample: Pick<LikelihoodProblem<K>, 'logLikelihood' | 'totalWeight'> | null) {
  if (sample) {
    const warm = maximizeLikelihood({ ...problem, ...sample });
    if (warm.result.converged) return maximizeLikelihood({ ...problem, start: warm.params, inverseHessian: warm.result.inverseHessian });
  }
  return maximizeLikelihood(problem);
}

/**
 * The fit as models report it; throws E_CONVERGENCE (with the last parameters, all finite or null,
 * in its details) when the optimiser did not converge or the likelihood is not finite.
 */
export function fitOutcome<P extends object>(
  model: string,
  params: P,
  outcome: ReturnType<typeof maximizeLikelihood>['result'],
  names: readonly string[],
  logLikelihood: number,
  customers: number,
): P & FitStatus {
  if (!outcome.converged || !Number.isFinite(logLikelihood)) {
    throw new CoreError('E_CONVERGENCE', `${model} fit did not converge (${outcome.reason} after ${outcome.iterations} iterations)`, {
      ...params,
      logLikelihood: Number.isFinite(logLikelihood) ? logLikelihood : null,
      iterations: outcome.iterations,
      reason: outcome.reason,
    });
  }
  return {
    ...params,
    logLikelihood,
    converged: true,
    iterations: outcome.iterations,
    gradientNorm: outcome.gradientNorm,
    atBound: outcome.atBound.map((i) => names[i]!),
    customers,
  };
}
