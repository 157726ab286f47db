// Small dense symmetric matrices (a Cox model's information matrix): Cholesky factor with a
// singularity tolerance, solves and the inverse. Row-major Float64Array of size n * n.

/** A symmetric positive (semi-)definite matrix factored as L D L'; `singular` marks pivots below tolerance. */
export interface CholeskyFactor {
  size: number;
  /** Unit lower triangle below the diagonal, D on the diagonal (row-major n * n). */
  factor: Float64Array;
  /** Columns whose pivot fell below the tolerance: linear combinations of earlier columns (or constant). */
  singular: boolean[];
}

/**
 * L D L' factor of `matrix` (only its lower triangle is read). A pivot smaller than `tolerance` times
 * the largest diagonal element marks its column singular, as R's cholesky2 does (toler.chol =
 * eps^0.75 by default): its row and column are zeroed, so solves leave that component at 0.
 */
export function cholesky(matrix: Float64Array, size: number, tolerance = Number.EPSILON ** 0.75): CholeskyFactor {
  const a = Float64Array.from(matrix);
  let largest = 0;
  for (let i = 0; i < size; i++) largest = Math.max(largest, Math.abs(a[i * size + i]!));
  const threshold = largest * tolerance;
  const singular = new Array<boolean>(size).fill(false);
  for (let i = 0; i < size; i++) {
    const pivot = a[i * size + i]!;
    if (!(pivot > threshold)) {
      singular[i] = true;
      for (let j = 0; j < size; j++) {
        a[j * size + i] = 0;
        a[i * size + j] = 0;
      }
      continue;
    }
    for (let j = i + 1; j < size; j++) {
      const ratio = a[j * size + i]! / pivot;
      a[j * size + i] = ratio;
      for (let k = i + 1; k <= j; k++) a[j * size + k]! -= ratio * a[k * size + i]! * pivot;
    }
  }
  return { size, factor: a, singular };
}

/** x solving A x = b through the factor; singular components are 0. */
export function choleskySolve({ size, factor, singular }: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < size; i++) {
    let sum = x[i]!;
    for (let k = 0; k < i; k++) sum -= factor[i * size + k]! * x[k]!;
    x[i] = sum;
  }
  for (let i = size - 1; i >= 0; i--) {
    if (singular[i]) {
      x[i] = 0;
      continue;
    }
    let sum = x[i]! / factor[i * size + i]!;
    for (let k = i + 1; k < size; k++) sum -= factor[k * size + i]! * x[k]!;
    x[i] = sum;
  }
  return x;
}

/** The inverse of A (generalised: singular rows and columns are 0), column by column. */
export function choleskyInverse(factor: CholeskyFactor): Float64Array {
  const { size } = factor;
  const inverse = new Float64Array(size * size);
  const unit = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    unit.fill(0);
    unit[j] = 1;
    const column = choleskySolve(factor, unit);
    for (let i = 0; i < size; i++) inverse[i * size + j] = column[i]!;
  }
  return inverse;
}

/** b' A^-1 b, the quadratic form of score tests. */
export function quadraticFormInverse(matrix: Float64Array, size: number, b: ArrayLike<number>): number {
  const x = choleskySolve(cholesky(matrix, size), b);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += x[i]! * b[i]!;
  return sum;
}
