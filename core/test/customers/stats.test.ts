import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { minimizeBounded } from '../../src/stats/optimize.ts';
import { hypergeometric2F1, logAddExp } from '../../src/stats/special.ts';

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

describe('logAddExp', () => {
  it('does not overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-1000, 0)).toBe(0);
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
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
