import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { minimizeBounded } from '../../src/stats/optimize.ts';
import logGamma from '@stdlib/math-base-special-gammaln';
import { bgNbdLogLikelihood } from '../../src/stats/bgnbd.ts';
import { gammaGammaLogLikelihood } from '../../src/stats/gammaGamma.ts';
import { hypergeometric2F1 } from '../../src/stats/special.ts';

describe('hypergeometric2F1', () => {
  it('reproduces closed forms', () => {
    for (const z of [0, 0.2, 0.5, 0.9, 0.99]) {
      // 2F1(1,1;2;z) = -ln(1-z)/z and 2F1(a,b;b;z) = (1-z)^-a
      expect(hypergeometric2F1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log(1 - z) / z, 10);
      expect(hypergeometric2F1(0.7, 2.3, 2.3, z)).toBeCloseTo((1 - z) ** -0.7, 10);
      // 2F1(1/2,1/2;3/2;s^2) = arcsin(s)/s
      const s = Math.sqrt(z);
      expect(hypergeometric2F1(0.5, 0.5, 1.5, z)).toBeCloseTo(z === 0 ? 1 : Math.asin(s) / s, 10);
    }
  });

  it('refuses z outside [0, 1) with a coded error', () => {
    expect(() => hypergeometric2F1(1, 1, 2, 1)).toThrow(CoreError);
  });
});

describe('bgNbdLogLikelihood', () => {
  // FHL 2005 eq. 6 written out per customer, with no caching or log-sum-exp
  const direct = (p: { r: number; alpha: number; a: number; b: number }, x: number, tx: number, T: number) =>
    logGamma(p.r + x) - logGamma(p.r) + p.r * Math.log(p.alpha) + logGamma(p.a + p.b) + logGamma(p.b + x) - logGamma(p.b) - logGamma(p.a + p.b + x) +
    Math.log((p.alpha + T) ** -(p.r + x) + (x > 0 ? (p.a / (p.b + x - 1)) * (p.alpha + tx) ** -(p.r + x) : 0));
  const rows = [
    [0, 0, 30, 3],
    [0, 0, 12.5, 1],
    [1, 2, 30, 2],
    [1, 29, 30, 1],
    [3, 10, 12.5, 4],
    [7, 20, 20, 1],
    [12, 5, 40, 2],
  ] as const;
  const data = {
    x: Float64Array.from(rows, (row) => row[0]),
    tx: Float64Array.from(rows, (row) => row[1]),
    T: Float64Array.from(rows, (row) => row[2]),
    weight: Float64Array.from(rows, (row) => row[3]),
  };
  it('equals the per-customer formula, weighted, on either side of the log-sum-exp switch', () => {
    for (const params of [
      { r: 0.24, alpha: 4.4, a: 0.79, b: 2.43 },
      { r: 3, alpha: 0.5, a: 20, b: 0.3 },
      { r: 0.05, alpha: 50, a: 0.01, b: 9 },
    ]) {
      const expected = rows.reduce((sum, [x, tx, T, w]) => sum + w * direct(params, x, tx, T), 0);
      expect(bgNbdLogLikelihood(params, data)).toBeCloseTo(expected, 10);
    }
  });

  it('stays finite where the powers underflow', () => {
    const far = { x: Float64Array.of(500), tx: Float64Array.of(1), T: Float64Array.of(1e6), weight: Float64Array.of(1) };
    expect(Number.isFinite(bgNbdLogLikelihood({ r: 2, alpha: 1, a: 1, b: 1 }, far))).toBe(true);
  });
});

describe('gammaGammaLogLikelihood', () => {
  it('equals the per-customer formula (Fader & Hardie note 025), weighted', () => {
    const rows = [
      [1, 20, 3],
      [1, 35.5, 1],
      [2, 12.25, 2],
      [5, 80, 1],
      [9, 7.5, 4],
    ] as const;
    const data = { x: Float64Array.from(rows, (row) => row[0]), m: Float64Array.from(rows, (row) => row[1]), weight: Float64Array.from(rows, (row) => row[2]) };
    for (const { p, q, v } of [
      { p: 6.25, q: 3.74, v: 15.45 },
      { p: 0.5, q: 12, v: 300 },
    ]) {
      const expected = rows.reduce(
        (sum, [x, m, w]) =>
          sum + w * (logGamma(p * x + q) - logGamma(p * x) - logGamma(q) + q * Math.log(v) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(x * m + v)),
        0,
      );
      expect(gammaGammaLogLikelihood({ p, q, v }, data)).toBeCloseTo(expected, 10);
    }
  });
});

describe('minimizeBounded', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const result = minimizeBounded(
      (x, g) => {
        const [a, b] = [x[0]!, x[1]!];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      [-1.2, 1],
      { lower: [-5, -5], upper: [5, 5] },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.atBound).toEqual([]);
  });

  it('stops on a bound when the unconstrained minimum lies outside', () => {
    // minimum of (x-3)^2 + (y+1)^2 within [0,2] x [0,2] is (2, 0)
    const result = minimizeBounded(
      (x, g) => {
        g[0] = 2 * (x[0]! - 3);
        g[1] = 2 * (x[1]! + 1);
        return (x[0]! - 3) ** 2 + (x[1]! + 1) ** 2;
      },
      [1, 1],
      { lower: [0, 0], upper: [2, 2] },
    );
    expect(result).toMatchObject({ converged: true, x: [2, 0], atBound: [0, 1] });
  });

  it('reports non-convergence instead of a NaN answer', () => {
    const result = minimizeBounded((x, g) => {
      g[0] = Number.NaN;
      return Number.NaN;
    }, [1], { lower: [0], upper: [2] });
    expect(result).toMatchObject({ converged: false, reason: 'not finite' });
  });

  it('gives up after maxIterations on a function without a minimum in reach', () => {
    const result = minimizeBounded((x, g) => {
      g[0] = Math.cos(x[0]! * 50) * 50 + 1e-3;
      return Math.sin(x[0]! * 50) + 1e-3 * x[0]!;
    }, [0.3], { lower: [-1e9], upper: [1e9], maxIterations: 2, gradientTolerance: 1e-30 });
    expect(result.converged).toBe(false);
  });
});
