// Retention forecast: the shifted-beta-geometric model (Fader & Hardie 2007, "How to project customer retention") fitted per cohort and pooled.
//
// Model: each customer churns at the end of a period with probability θ, θ ~ Beta(α, β) across
// customers. With T the period after which a customer leaves (T = 1, 2, ...):
//   S(t) = P(T > t) = B(α, β + t) / B(α, β),  recursively S(t) = S(t-1) (β + t - 1) / (α + β + t - 1),
//   P(T = t) = S(t-1) - S(t) = S(t-1) α / (α + β + t - 1).
// Data: a customer active in period k (or later) of their cohort survived k renewals. A customer the
// inactivity rule calls churned left after their last active period L (T = L + 1); the others are
// censored there (T > L). LL = Σ churned(t) ln P(T = t) + Σ censored(t) ln S(t). The SQL gives the
// counts per cohort; the fit runs on those few numbers.
import digamma from '@stdlib/math-base-special-digamma';
import logGamma from '@stdlib/math-base-special-gammaln';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CohortForecast, ForecastHoldout, Resolved, RetentionForecastOptions, RetentionForecastResult, SbgFit, SegmentForecast } from '../api/retention.ts';
import { queryRows, quoteIdent } from '../db/sql.ts';
import { minimizeBounded } from '../stats/optimize.ts';
import { activityRelations, customerStatusParams, customerStatusSql, resolveChurnRule } from './activity.ts';
import { RETENTION_PERIODS, choice, evaluationDay, groupBy, numberChoice, periodEnd, periodOrdinalSql, periodStart, segmentChoice, segmentLabel } from './periods.ts';

export type { RetentionForecastOptions, RetentionForecastResult } from '../api/retention.ts';

export const RETENTION_FORECAST_DEFAULTS = {
  period: 'month',
  horizon: 24,
  fitPeriods: null,
  segment: null,
} as const satisfies Omit<Resolved<RetentionForecastOptions>, 'statuses' | 'asOf' | 'windowDays'>;

/** Survival data in periods: `churned[t]` customers left after period t (t >= 1); `censored[t]` are known alive through t. */
export interface SurvivalCounts {
  churned: number[];
  censored: number[];
}

export interface SbgParameters {
  alpha: number;
  beta: number;
}

/** Log-likelihood of the sBG model on survival counts. */
export function sbgLogLikelihood({ alpha, beta }: SbgParameters, data: SurvivalCounts): number {
  return sbgTerms(alpha, beta, data).value;
}

/** The log-likelihood and its gradient in (ln α, ln β), via ln Γ and digamma (S and P in closed form). */
function sbgTerms(alpha: number, beta: number, data: SurvivalCounts): { value: number; dLogAlpha: number; dLogBeta: number } {
  const sum = alpha + beta;
  const base = logGamma(sum) - logGamma(beta);
  const baseDigamma = digamma(sum);
  const betaDigamma = digamma(beta);
  let value = 0;
  let dAlpha = 0;
  let dBeta = 0;
  const horizon = Math.max(data.churned.length, data.censored.length);
  for (let t = 0; t < horizon; t++) {
    const churned = data.churned[t] ?? 0;
    const censored = data.censored[t] ?? 0;
    if (censored > 0) {
      // ln S(t) = lnΓ(β + t) - lnΓ(α + β + t) - lnΓ(β) + lnΓ(α + β)
      value += censored * (logGamma(beta + t) - logGamma(sum + t) + base);
      dAlpha += censored * (baseDigamma - digamma(sum + t));
      dBeta += censored * (digamma(beta + t) - digamma(sum + t) - betaDigamma + baseDigamma);
    }
    if (churned > 0 && t >= 1) {
      // ln P(T = t) = ln α + lnΓ(β + t - 1) - lnΓ(α + β + t) - lnΓ(β) + lnΓ(α + β)
      value += churned * (Math.log(alpha) + logGamma(beta + t - 1) - logGamma(sum + t) + base);
      dAlpha += churned * (1 / alpha + baseDigamma - digamma(sum + t));
      dBeta += churned * (digamma(beta + t - 1) - digamma(sum + t) - betaDigamma + baseDigamma);
    }
  }
  return { value, dLogAlpha: alpha * dAlpha, dLogBeta: beta * dBeta };
}

/** S(0..horizon). */
export function sbgSurvival({ alpha, beta }: SbgParameters, horizon: number): number[] {
  const survival = [1];
  for (let t = 1; t <= horizon; t++) survival.push(survival[t - 1]! * ((beta + t - 1) / (alpha + beta + t - 1)));
  return survival;
}

/** Discrete Kaplan-Meier of the counts: at risk at t are those whose churn or censoring time is t or later. */
export function observedSurvival(data: SurvivalCounts): number[] {
  const last = Math.max(data.churned.length, data.censored.length) - 1;
  let atRisk = [...data.churned, ...data.censored].reduce((a, b) => a + (b ?? 0), 0) - (data.churned[0] ?? 0);
  const survival = [1];
  for (let t = 1; t <= last; t++) {
    atRisk -= data.censored[t - 1] ?? 0;
    if (atRisk <= 0) break;
    const churned = data.churned[t] ?? 0;
    survival.push(survival[t - 1]! * (1 - churned / atRisk));
    atRisk -= churned;
  }
  return survival;
}

// Parameters are fitted as logarithms inside this box: wide enough for any real cohort (θ means
// from 1e-7 to 1 - 1e-7), narrow enough that ln Γ stays finite.
const LOG_BOUND = 16;

/** Maximum-likelihood fit; null when the data cannot identify both parameters. */
export function fitSbg(data: SurvivalCounts): (SbgParameters & { logLikelihood: number; converged: boolean }) | null {
  const lastChurn = data.churned.findLastIndex((count, t) => t >= 1 && count > 0);
  const lastTime = Math.max(data.churned.findLastIndex((count) => count > 0), data.censored.findLastIndex((count) => count > 0));
  // Churn must be seen, and over at least two periods, or α and β trade off along a ridge
  if (lastChurn < 1 || lastTime < 2) return null;
  const fit = minimizeBounded(
    (x, gradient) => {
      const terms = sbgTerms(Math.exp(x[0]!), Math.exp(x[1]!), data);
      gradient[0] = -terms.dLogAlpha;
      gradient[1] = -terms.dLogBeta;
      return -terms.value;
    },
    [0, 0],
    { lower: [-LOG_BOUND, -LOG_BOUND], upper: [LOG_BOUND, LOG_BOUND], gradientTolerance: 1e-7 },
  );
  // Within e of the box the likelihood is still rising towards infinity (no heterogeneity: geometric churn), not at a maximum
  const inside = fit.x.every((x) => Math.abs(x) < LOG_BOUND - 1);
  return { alpha: Math.exp(fit.x[0]!), beta: Math.exp(fit.x[1]!), logLikelihood: -fit.value, converged: fit.converged && inside };
}

/** Fit, observed curve and projection for one set of counts. */
export function forecastCounts(data: SurvivalCounts, horizon: number): SbgFit {
  const fit = fitSbg(data);
  const observed = observedSurvival(data);
  if (!fit) return { alpha: null, beta: null, logLikelihood: null, converged: false, observed, projected: [], retentionRates: [] };
  const projected = sbgSurvival(fit, horizon);
  return {
    alpha: fit.alpha,
    beta: fit.beta,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    observed,
    projected,
    retentionRates: projected.slice(1).map((value, index) => value / projected[index]!),
  };
}

/** Survival counts from a survivor series n_0, n_1, ... n_T (everyone still there at T is censored at T), as in the paper's tables. */
export function countsFromSurvivors(survivors: readonly number[]): SurvivalCounts {
  const churned = survivors.map((count, t) => (t === 0 ? 0 : survivors[t - 1]! - count));
  const censored = survivors.map((count, t) => (t === survivors.length - 1 ? count : 0));
  return { churned, censored };
}

type CohortCountRow = { segment: string | null; cohort: number; last_k: number; churned: boolean; customers: number };

export async function retentionForecast(connection: DuckDBConnection, options: RetentionForecastOptions = {}): Promise<RetentionForecastResult> {
  const rule = await resolveChurnRule(connection, options);
  const resolved: Resolved<Omit<RetentionForecastOptions, 'windowDays'>> = {
    period: choice('period', options.period, RETENTION_PERIODS, RETENTION_FORECAST_DEFAULTS.period),
    horizon: numberChoice('horizon', options.horizon, RETENTION_FORECAST_DEFAULTS.horizon, { min: 1, max: 10_000, whole: true }),
    fitPeriods: options.fitPeriods === null || options.fitPeriods === undefined ? null : numberChoice('fitPeriods', options.fitPeriods, undefined, { min: 1, max: 10_000, whole: true }),
    segment: segmentChoice(options.segment),
    statuses: rule.statuses,
    asOf: rule.asOf,
  };
  const end = periodEnd(resolved.period, await evaluationDay(connection, rule.asOf));
  const rows = await queryRows<CohortCountRow>(
    connection,
    `WITH status AS (${customerStatusSql((await activityRelations(connection, rule.statuses, options.asOf ?? null)).customers)}),
          periods AS (SELECT ${resolved.segment === null ? 'NULL' : quoteIdent(resolved.segment)} AS segment, churned,
                             ${periodOrdinalSql(resolved.period, 'CAST(first_at AS DATE)')} AS cohort,
                             ${periodOrdinalSql(resolved.period, 'CAST(last_at AS DATE)')} AS last_p FROM status)
     SELECT segment, cohort, last_p - cohort AS last_k, churned, count(*) AS customers
     FROM periods
     GROUP BY ALL`,
    customerStatusParams(rule),
  );
  const segments = [...groupBy(rows, (row) => segmentLabel(row.segment)).entries()].map(([segment, segmentRows]): SegmentForecast => {
    const cohorts = [...groupBy(segmentRows, (row) => row.cohort).entries()]
      .sort(([a], [b]) => a - b)
      .map(([cohort, cohortRows]) => {
        // Only complete periods enter the fit: the cohort is observed through the last finished one
        const completePeriods = Math.max(0, end.ordinal - cohort - (end.partial ? 1 : 0));
        const observedPeriods = Math.min(completePeriods, resolved.fitPeriods ?? Number.POSITIVE_INFINITY);
        return {
          cohort,
          rows: cohortRows,
          observedPeriods,
          counts: survivalCounts(cohortRows, Math.max(0, observedPeriods)),
          // Every complete period, for comparing a holdout fit with what the data went on to show.
          allCounts: survivalCounts(cohortRows, completePeriods),
        };
      });
    const pool = (pick: (cohort: (typeof cohorts)[number]) => SurvivalCounts) => cohorts.reduce((sum, cohort) => addCounts(sum, pick(cohort)), { churned: [], censored: [] } as SurvivalCounts);
    const forecast = (cohort: string | null, size: number, observedPeriods: number, counts: SurvivalCounts, allCounts: SurvivalCounts): CohortForecast => {
      const fit = forecastCounts(counts, resolved.horizon);
      return { cohort, size, observedPeriods, ...fit, holdout: resolved.fitPeriods === null ? null : holdoutCheck(fit.projected, observedSurvival(allCounts), observedPeriods) };
    };
    const size = (rowsOf: CohortCountRow[]) => rowsOf.reduce((sum, row) => sum + row.customers, 0);
    return {
      segment,
      pooled: forecast(null, size(segmentRows), Math.max(0, ...cohorts.map((cohort) => cohort.observedPeriods)), pool((cohort) => cohort.counts), pool((cohort) => cohort.allCounts)),
      cohorts: cohorts.map((cohort) => forecast(periodStart(resolved.period, cohort.cohort), size(cohort.rows), Math.max(0, cohort.observedPeriods), cohort.counts, cohort.allCounts)),
    };
  });
  segments.sort((a, b) => b.pooled.size - a.pooled.size || String(a.segment).localeCompare(String(b.segment)));
  return { options: resolved, rule, segments };
}

/** The periods after the fitted ones that the data observed and the projection reaches, with the mean absolute error; null when there are none. */
export function holdoutCheck(projected: readonly number[], actual: readonly number[], fitted: number): ForecastHoldout | null {
  const periods: ForecastHoldout['periods'] = [];
  for (let k = fitted + 1; k < actual.length && k < projected.length; k++) periods.push({ k, observed: actual[k]!, projected: projected[k]! });
  if (periods.length === 0) return null;
  return { periods, meanAbsoluteError: periods.reduce((sum, period) => sum + Math.abs(period.projected - period.observed), 0) / periods.length };
}

/**
 * A cohort's counts, cut at `observed` periods: churn after the last active period L is an event
 * at L + 1 if that is within the observed periods; everyone else is censored at min(L, observed).
 */
function survivalCounts(rows: CohortCountRow[], observed: number): SurvivalCounts {
  const churned = new Array<number>(observed + 1).fill(0);
  const censored = new Array<number>(observed + 1).fill(0);
  for (const row of rows) {
    if (row.churned && row.last_k + 1 <= observed) churned[row.last_k + 1]! += row.customers;
    else censored[Math.min(row.last_k, observed)]! += row.customers;
  }
  return { churned, censored };
}

function addCounts(a: SurvivalCounts, b: SurvivalCounts): SurvivalCounts {
  const add = (x: number[], y: number[]) => Array.from({ length: Math.max(x.length, y.length) }, (_, t) => (x[t] ?? 0) + (y[t] ?? 0));
  return { churned: add(a.churned, b.churned), censored: add(a.censored, b.censored) };
}
