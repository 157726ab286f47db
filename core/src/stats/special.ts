// Special functions the customer-value models need that @stdlib does not offer: the Gauss hypergeometric series.
import { CoreError } from '../api/errors.ts';

const HYPERGEOMETRIC_MAX_TERMS = 1_000_000;

/**
 * Gauss's hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 by its power series, summed
 * until a term no longer changes the sum. The BG/NBD expectation calls it with z = t / (alpha + T + t).
 */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new CoreError('E_ARGS', `2F1 series needs 0 <= z < 1, got ${z}`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < HYPERGEOMETRIC_MAX_TERMS; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) return sum;
    if (!Number.isFinite(sum)) break;
  }
  throw new CoreError('E_CONVERGENCE', `2F1(${a}, ${b}; ${c}; ${z}) did not converge`);
}
