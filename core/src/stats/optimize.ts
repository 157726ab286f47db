// Box-bounded quasi-Newton minimiser (projected BFGS with an Armijo line search) for the small smooth fits.
//
// Why not a library: the npm candidates are unmaintained (fmin 0.0.4: no bounds, no types);
// the models here have 3-4 parameters and analytic gradients, where projected BFGS is short,
// exact enough and converges in a few dozen iterations.

/** Writes the gradient of the objective at `x` into `gradient` and returns the objective's value. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  lower: readonly number[];
  upper: readonly number[];
  /** Converged when every projected gradient component is at most this. Default 1e-8. */
  gradientTolerance?: number;
  /** Also converged when an accepted step lowers the objective by less than this, relatively. Default 1e-14. */
  relativeTolerance?: number;
  /** Default 500. */
  maxIterations?: number;
  /** A first estimate of the inverse Hessian (n x n, by rows), e.g. from a fit on a sample; default the identity. */
  inverseHessian?: Float64Array;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Largest projected gradient component at the end. */
  gradientNorm: number;
  /** Indices of the parameters that ended on a bound. */
  atBound: number[];
  /** Why it stopped: 'gradient', 'no progress', 'iterations' or 'not finite'. */
  reason: 'gradient' | 'no progress' | 'iterations' | 'not finite';
  /** The BFGS estimate of the inverse Hessian at the end, to start a related problem with. */
  inverseHessian: Float64Array;
}

const ARMIJO = 1e-4;
const MIN_STEP = 1e-20;

export function minimizeBounded(objective: Objective, start: readonly number[], options: MinimizeOptions): MinimizeResult {
  const n = start.length;
  const { lower, upper } = options;
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const relativeTolerance = options.relativeTolerance ?? 1e-14;
  const maxIterations = options.maxIterations ?? 500;
  const clamp = (value: number, i: number) => Math.min(upper[i]!, Math.max(lower[i]!, value));

  let x = Float64Array.from(start, clamp);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;
  let inverseHessian = options.inverseHessian?.length === n * n ? Float64Array.from(options.inverseHessian) : identity(n);
  const projected = new Float64Array(n);
  const direction = new Float64Array(n);
  let nextGradient = new Float64Array(n);
  const result = (converged: boolean, iterations: number, reason: MinimizeResult['reason']): MinimizeResult => ({
    x: [...x],
    value,
    converged,
    iterations,
    evaluations,
    gradientNorm: projectGradient(x, gradient, lower, upper, projected),
    atBound: [...x.keys()].filter((i) => x[i] === lower[i] || x[i] === upper[i]),
    reason,
    inverseHessian,
  });
  if (!Number.isFinite(value)) return result(false, 0, 'not finite');

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (projectGradient(x, gradient, lower, upper, projected) <= gradientTolerance) return result(true, iteration - 1, 'gradient');
    // Search only over the free parameters: those on a bound whose gradient pushes outwards stay put
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum -= inverseHessian[i * n + j]! * projected[j]!;
      direction[i] = projected[i] === 0 ? 0 : sum;
    }
    if (dot(direction, projected) >= 0) {
      inverseHessian = identity(n);
      for (let i = 0; i < n; i++) direction[i] = -projected[i]!;
    }
    let step = 1;
    let accepted = false;
    const candidate = new Float64Array(n);
    let candidateValue = Number.NaN;
    while (step >= MIN_STEP) {
      for (let i = 0; i < n; i++) candidate[i] = clamp(x[i]! + step * direction[i]!, i);
      candidateValue = objective(candidate, nextGradient);
      evaluations++;
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += gradient[i]! * (candidate[i]! - x[i]!);
      if (Number.isFinite(candidateValue) && candidateValue <= value + ARMIJO * decrease) {
        accepted = true;
        break;
      }
      step *= Number.isFinite(candidateValue) ? 0.5 : 0.1;
    }
    if (!accepted) return result(false, iteration, 'no progress');
    const s = candidate.map((c, i) => c - x[i]!);
    const y = nextGradient.map((g, i) => g - gradient[i]!);
    const previousValue = value;
    x = candidate;
    value = candidateValue;
    [gradient, nextGradient] = [nextGradient, gradient];
    updateInverseHessian(inverseHessian, s, y);
    if (previousValue - value <= relativeTolerance * Math.max(1, Math.abs(value))) {
      const converged = projectGradient(x, gradient, lower, upper, projected) <= Math.sqrt(gradientTolerance);
      return result(converged, iteration, converged ? 'gradient' : 'no progress');
    }
  }
  return result(projectGradient(x, gradient, lower, upper, projected) <= gradientTolerance, maxIterations, 'iterations');
}

/** Zeroes the components that point out of the box at a bound; returns the largest remaining magnitude. */
function projectGradient(x: Float64Array, gradient: Float64Array, lower: readonly number[], upper: readonly number[], out: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < x.length; i++) {
    const g = gradient[i]!;
    const blocked = (x[i]! <= lower[i]! && g > 0) || (x[i]! >= upper[i]! && g < 0);
    out[i] = blocked ? 0 : g;
    largest = Math.max(largest, Math.abs(out[i]!));
  }
  return largest;
}

/** BFGS update of the inverse Hessian, skipped when the curvature condition fails. */
function updateInverseHessian(h: Float64Array, s: Float64Array, y: Float64Array): void {
  const n = s.length;
  const sy = dot(s, y);
  if (!(sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y)))) return;
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hy[i]! += h[i * n + j]! * y[j]!;
  const yhy = dot(y, hy);
  const scale = (sy + yhy) / (sy * sy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      h[i * n + j]! += scale * s[i]! * s[j]! - (hy[i]! * s[j]! + s[i]! * hy[j]!) / sy;
    }
  }
}

function identity(n: number): Float64Array {
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) matrix[i * n + i] = 1;
  return matrix;
}

function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += u[i]! * v[i]!;
  return sum;
}
