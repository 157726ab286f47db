// retentionForecast through the workspace: Fader & Hardie's two cohorts rebuilt as orders give back the paper's fits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsFromSurvivors, fitSbg } from '../../src/analysis/sbg.ts';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from './fixtureCore.ts';

// Survivors of 1,000 per year 0..7 (Fader & Hardie 2007, Table 1), written here as months.
const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241];
const HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491];

/**
 * Every customer buys on the 15th of January 2000 and of each month up to their last one (month
 * last_k); the channel names the cohort. The data end on Aug 31 (a pending order), so with a 20-day
 * window everyone whose last purchase was in July or before is churned (47+ days) and the month-7
 * survivors (Aug 15, 16 days) are censored: exactly the paper's counts, with August complete.
 */
const ORDERS_SQL = `
  INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, channel, source_id)
  WITH spec(channel, survivors) AS (VALUES ('regular', ${JSON.stringify(REGULAR)}), ('high_end', ${JSON.stringify(HIGH_END)})),
       lasts AS (SELECT channel, t AS last_k, survivors[t + 1] - coalesce(survivors[t + 2], 0) AS n FROM spec, range(0, 8) r(t)),
       customers AS (SELECT channel, last_k, unnest(range(n)) AS i FROM lasts),
       orders AS (SELECT channel, last_k, i, unnest(range(last_k + 1)) AS k FROM customers)
  SELECT concat(channel, '-', last_k, '-', i, '-', k), concat(channel, '-', last_k, '-', i),
         TIMESTAMP '2000-01-15 10:00:00' + to_months(k), 10, 'completed', channel, 0
  FROM orders`;

describe('retentionForecast on the paper’s cohorts', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openFixtureCore({
      orders: [{ order_id: 'end', customer_id: 'x', ordered_at: '2000-08-31 12:00:00', status: 'pending' }],
      statements: [{ sql: ORDERS_SQL }],
    });
  });
  afterAll(async () => t.close());

  it('fits each segment’s cohort to the paper’s parameters', async () => {
    const result = await t.client.retentionForecast({ segment: 'channel', windowDays: 20, horizon: 12 });
    expect(result.options).toEqual({ period: 'month', horizon: 12, fitPeriods: null, segment: 'channel', statuses: ['completed'], asOf: '2000-08-31T12:00:00.000Z' });
    expect(result.rule.windowDays).toBe(20);
    const bySegment = new Map(result.segments.map((segment) => [segment.segment, segment]));
    for (const [segment, alpha, beta, logLikelihood, survivors] of [
      ['regular', 0.704, 1.182, -1680.3, REGULAR],
      ['high_end', 0.668, 3.806, -1611.2, HIGH_END],
    ] as const) {
      const { cohorts, pooled } = bySegment.get(segment)!;
      expect(cohorts).toHaveLength(1);
      const [cohort] = cohorts;
      expect(cohort).toMatchObject({ cohort: '2000-01-01', size: 1000, observedPeriods: 7, converged: true });
      expect(cohort!.alpha).toBeCloseTo(alpha, 3);
      expect(cohort!.beta).toBeCloseTo(beta, 3);
      expect(cohort!.logLikelihood).toBeCloseTo(logLikelihood, 1);
      cohort!.observed.forEach((share, k) => expect(share).toBeCloseTo(survivors[k]! / 1000, 12));
      expect(cohort!.projected).toHaveLength(13);
      // one cohort: the pooled fit is the same fit
      expect(pooled.alpha).toBeCloseTo(cohort!.alpha!, 8);
    }
  });

  it('pools cohorts into one fit of the weighted curve, and holds out periods on request', async () => {
    const result = await t.client.retentionForecast({ windowDays: 20, fitPeriods: 4 });
    const [all] = result.segments;
    // Without a segment both groups are one January cohort of 2,000 customers; fitted on months 1-4 only,
    // it equals the model fitted to the summed survivors of months 0-4.
    const summed = REGULAR.slice(0, 5).map((count, k) => count + HIGH_END[k]!);
    const expected = fitSbg(countsFromSurvivors(summed))!;
    expect(all!.pooled).toMatchObject({ cohort: null, size: 2000, observedPeriods: 4 });
    expect(all!.pooled.alpha).toBeCloseTo(expected.alpha, 6);
    expect(all!.pooled.beta).toBeCloseTo(expected.beta, 6);
    expect(all!.pooled.logLikelihood).toBeCloseTo(expected.logLikelihood, 6);
    expect(all!.pooled.projected).toHaveLength(25); // default horizon 24
    // Months 5-7 were held out: the data's survival there is the summed survivors over 2,000
    // (1,299/2,000 = 0.6495 ... 1,161 at month 7), next to the projection, and the mean absolute error of the three.
    const holdout = all!.pooled.holdout!;
    const survivorShare = (k: number) => (REGULAR[k]! + HIGH_END[k]!) / 2000;
    expect(holdout.periods.map((period) => period.k)).toEqual([5, 6, 7]);
    holdout.periods.forEach((period) => {
      expect(period.observed).toBeCloseTo(survivorShare(period.k), 10);
      expect(period.projected).toBe(all!.pooled.projected[period.k]);
    });
    const error = holdout.periods.reduce((sum, period) => sum + Math.abs(period.projected - survivorShare(period.k)), 0) / 3;
    expect(holdout.meanAbsoluteError).toBeCloseTo(error, 10);
    expect(holdout.meanAbsoluteError).toBeGreaterThan(0);
    // Without --fit-periods there is nothing held out.
    const full = await t.client.retentionForecast({ windowDays: 20 });
    expect(full.segments[0]!.pooled.holdout).toBeNull();
  });
});
