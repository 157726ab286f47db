// The Cox model against hand computation (a tiny set with tied times) and against R's survival::coxph on IBM Telco.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitCox, type CoxData, type CoxFit } from '../../src/stats/cox.ts';
import { SHARED_DATA } from '../helpers/core.ts';
import { readFirstSheet } from '../helpers/workbook.ts';

/**
 * Seven subjects, one binary covariate x, events tied at t = 2 and an event and a censoring both at t = 4:
 *   time   1 2 2 3 4 4 5
 *   status 1 1 1 0 1 0 1
 *   x      1 1 0 1 0 0 0
 * With r = e^beta, Efron's partial likelihood is
 *   L = r/(3r+4) * r/(2r+4) * 1/(2r+4 - (r+1)/2) * 1/3 * 1
 * so log L(0) = -log(7 * 6 * 5 * 3) = -log 630, and the score is
 *   U(beta) = 1 - 3r/(3r+4) + 1 - 2r/(2r+4) - 1.5r/(1.5r+3.5),
 * with information 12r/(3r+4)^2 + 8r/(2r+4)^2 + 5.25r/(1.5r+3.5)^2.
 * Concordance: comparable pairs (x as the risk score) are A with the 6 later (4 concordant, 2 tied in x),
 * B with D, E, F, G (3 concordant, 1 tied), C with D (discordant), E, F, G (3 tied), E with F (censored at
 * the same time: still at risk) and G (2 tied): C = (7 + 8/2) / (7 + 1 + 8) = 11/16.
 */
const TINY: CoxData = {
  time: Float64Array.from([1, 2, 2, 3, 4, 4, 5]),
  event: Uint8Array.from([1, 1, 1, 0, 1, 0, 1]),
  columns: [Float64Array.from([1, 1, 0, 1, 0, 0, 0])],
  names: ['x'],
  terms: ['x'],
};
const tinyScore = (beta: number) => {
  const r = Math.exp(beta);
  return 1 - (3 * r) / (3 * r + 4) + 1 - (2 * r) / (2 * r + 4) - (1.5 * r) / (1.5 * r + 3.5);
};
const tinyInformation = (beta: number) => {
  const r = Math.exp(beta);
  return (12 * r) / (3 * r + 4) ** 2 + (8 * r) / (2 * r + 4) ** 2 + (5.25 * r) / (1.5 * r + 3.5) ** 2;
};
const tinyLogLikelihood = (beta: number) => {
  const r = Math.exp(beta);
  return 2 * beta - Math.log(3 * r + 4) - Math.log(2 * r + 4) - Math.log(2 * r + 4 - (r + 1) / 2) - Math.log(3);
};

describe('Cox model on a hand-computable set with ties', () => {
  const fit = fitCox(TINY);
  const [x] = fit.coefficients;

  it('has the null log-likelihood -log 630 and solves the score equation', () => {
    expect(fit.logLikelihood.null).toBeCloseTo(-Math.log(630), 12);
    // the root of U by bisection, independent of Newton-Raphson
    let lo = 0;
    let hi = 5;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (tinyScore(mid) > 0) lo = mid;
      else hi = mid;
    }
    expect(x!.coefficient).toBeCloseTo(lo, 10);
    expect(x!.standardError).toBeCloseTo(1 / Math.sqrt(tinyInformation(lo)), 10);
    expect(fit.logLikelihood.model).toBeCloseTo(tinyLogLikelihood(lo), 10);
    expect(fit.likelihoodRatio.statistic).toBeCloseTo(2 * (tinyLogLikelihood(lo) + Math.log(630)), 10);
    // score test at 0: U(0)^2 / I(0)
    expect(fit.score.statistic).toBeCloseTo(tinyScore(0) ** 2 / tinyInformation(0), 12);
    expect(fit.converged).toBe(true);
  });

  it('counts concordance as survival::concordance does', () => {
    expect(fit.concordance).toEqual({ value: 11 / 16, concordant: 7, discordant: 1, tiedRisk: 8 });
  });

  it('equals R: coef, se, loglik and cox.zph', () => {
    // Rscript -e 'library(survival); d <- data.frame(time=c(1,2,2,3,4,4,5), status=c(1,1,1,0,1,0,1), x=c(1,1,0,1,0,0,0));
    //   fit <- coxph(Surv(time, status) ~ x, d, ties="efron"); print(coef(fit), digits=15); print(sqrt(vcov(fit)), digits=15);
    //   print(fit$loglik, digits=15); print(cox.zph(fit)$table, digits=15)'   (R 4.2.2, survival 3.5.3)
    expect(x!.coefficient).toBeCloseTo(1.31215256461115, 10);
    expect(x!.standardError).toBeCloseTo(1.23199156567721, 10);
    expect(fit.logLikelihood.model).toBeCloseTo(-5.83301469787754, 10);
    expect(fit.proportionalHazards.terms).toHaveLength(1);
    expect(fit.proportionalHazards.terms[0]!.statistic).toBeCloseTo(0.509220968045623, 10);
    expect(fit.proportionalHazards.global.statistic).toBeCloseTo(0.509220968045623, 10);
    expect(fit.proportionalHazards.global.pValue).toBeCloseTo(0.475476287639861, 10);
  });

  it('leaves out a covariate that copies another, as R reports NA', () => {
    const copy = fitCox({ ...TINY, columns: [TINY.columns[0]!, Float64Array.from(TINY.columns[0]!, (v) => 2 * v + 1)], names: ['x', 'y'], terms: ['x', 'y'] });
    expect(copy.coefficients[1]!.coefficient).toBeNull();
    expect(copy.coefficients[0]!.coefficient).toBeCloseTo(1.31215256461115, 10);
    expect(copy.likelihoodRatio.df).toBe(1);
  });

  it('flags a coefficient that runs to infinity (nobody with x = 1 churned) instead of reporting a spurious error', () => {
    const separated = fitCox({ ...TINY, event: Uint8Array.from([0, 0, 1, 0, 1, 0, 1]) });
    const [c] = separated.coefficients;
    expect(c!.infinite).toBe(true);
    expect(c!.coefficient!).toBeLessThan(-10);
    expect([c!.standardError, c!.lower, c!.upper, c!.pValue]).toEqual([null, null, null, null]);
    expect(fit.coefficients[0]!.infinite).toBe(false);
  });

  it('refuses data without an event', () => {
    expect(() => fitCox({ ...TINY, event: new Uint8Array(7) })).toThrow(/no subject has an observed event/);
  });
});

const TELCO = join(SHARED_DATA, 'ibm_telco_churn', 'Telco_customer_churn.xlsx');
if (!existsSync(TELCO)) console.warn(`skipping the Cox model on IBM Telco: ${TELCO} is absent`);

/**
 * R reference, computed once (R 4.2.2 Patched, survival 3.5.3) from the workbook saved as CSV with the same columns:
 *   d <- read.csv("telco.csv", check.names = FALSE)
 *   fac <- function(x) relevel(factor(x), ref = names(which.max(table(x))))      # reference = most frequent
 *   df <- data.frame(time = d[["Tenure Months"]], event = d[["Churn Value"]], contract = fac(d$Contract),
 *     internet = fac(d[["Internet Service"]]), payment = fac(d[["Payment Method"]]), senior = fac(d[["Senior Citizen"]]),
 *     partner = fac(d$Partner), dependents = fac(d$Dependents), paperless = fac(d[["Paperless Billing"]]),
 *     techsupport = fac(d[["Tech Support"]]), monthly = d[["Monthly Charges"]])
 *   fit <- coxph(Surv(time, event) ~ contract + internet + payment + senior + partner + dependents + paperless
 *                + techsupport + monthly, data = df, ties = "efron")
 *   print(cbind(coef(fit), sqrt(diag(vcov(fit)))), digits = 15); fit$loglik; summary(fit)$logtest; summary(fit)$sctest
 *   fit$concordance; cox.zph(fit)$table
 * ("Tech Support: No internet service" is the same customers as "Internet Service: No": R gives NA.)
 */
export const TELCO_R = {
  coefficients: {
    'contract: One year': [-1.6883335935636448, 0.0873830789916613],
    'contract: Two year': [-3.3028873093705373, 0.16376538730167892],
    'internet: DSL': [-1.2865750978840365, 0.10543842450122093],
    'internet: No': [-2.4899710892481033, 0.18137207811109279],
    'payment: Bank transfer (automatic)': [-0.637408922197675, 0.07079488957046644],
    'payment: Credit card (automatic)': [-0.7075930271709092, 0.0737482376668929],
    'payment: Mailed check': [0.0065459900952294, 0.07060481614778283],
    'senior: Yes': [-0.174658708954848, 0.05548207593219872],
    'partner: Yes': [-0.3901772863682489, 0.05170288683311432],
    'dependents: Yes': [-1.1487860177769769, 0.10332891990546546],
    'paperless: No': [-0.1624315131005577, 0.05614149725109433],
    'techsupport: No internet service': [null, null],
    'techsupport: Yes': [-0.2667029501151618, 0.06746335535725487],
    monthly: [-0.0280052142819753, 0.00222767818376201],
  } as Record<string, [number | null, number | null]>,
  logLikelihood: [-15653.0396351115, -13939.4997992676],
  likelihoodRatio: 3427.07967168772,
  score: 3040.08750006764,
  concordance: { value: 0.858265259399508, concordant: 7_636_212, discordant: 1_260_929, tiedRisk: 293 },
  zph: {
    contract: [94.18189740049718, 2],
    internet: [41.9175120320206, 2],
    payment: [50.50256324778215, 3],
    senior: [0.15625968765932, 1],
    partner: [19.67553712384429, 1],
    dependents: [23.8993524499556, 1],
    paperless: [3.42589590039236, 1],
    techsupport: [42.51486085185386, 1],
    monthly: [105.32493460046533, 1],
  } as Record<string, [number, number]>,
  zphGlobal: [297.97509007210476, 13],
};

/** Relative difference, for tolerances stated relative to the reference. */
const relative = (value: number, reference: number) => Math.abs(value - reference) / Math.abs(reference);

/** Checks a fit of the Telco model against TELCO_R at the tolerances the issue sets. */
export function expectTelcoMatchesR(fit: Pick<CoxFit, 'coefficients' | 'logLikelihood' | 'likelihoodRatio' | 'score' | 'concordance' | 'proportionalHazards'>): void {
  expect(fit.coefficients.map((c) => c.name).sort()).toEqual(Object.keys(TELCO_R.coefficients).sort());
  for (const c of fit.coefficients) {
    const [coefficient, se] = TELCO_R.coefficients[c.name]!;
    if (coefficient === null) {
      expect(c.coefficient, c.name).toBeNull();
      continue;
    }
    expect(relative(c.coefficient!, coefficient), c.name).toBeLessThan(1e-4);
    expect(relative(c.standardError!, se!), c.name).toBeLessThan(1e-4);
  }
  expect(relative(fit.logLikelihood.null, TELCO_R.logLikelihood[0]!)).toBeLessThan(1e-3);
  expect(relative(fit.logLikelihood.model, TELCO_R.logLikelihood[1]!)).toBeLessThan(1e-3);
  expect(Math.abs(fit.logLikelihood.model - TELCO_R.logLikelihood[1]!)).toBeLessThan(1e-3);
  expect(Math.abs(fit.likelihoodRatio.statistic - TELCO_R.likelihoodRatio)).toBeLessThan(1e-3);
  expect(fit.likelihoodRatio.df).toBe(13);
  expect(relative(fit.score.statistic, TELCO_R.score)).toBeLessThan(1e-6);
  expect(Math.abs(fit.concordance.value - TELCO_R.concordance.value)).toBeLessThan(1e-3);
  expect(fit.concordance).toMatchObject({ concordant: TELCO_R.concordance.concordant, discordant: TELCO_R.concordance.discordant, tiedRisk: TELCO_R.concordance.tiedRisk });
  for (const term of fit.proportionalHazards.terms) {
    const [statistic, df] = TELCO_R.zph[term.term]!;
    expect(term.df, term.term).toBe(df);
    expect(relative(term.statistic, statistic), term.term).toBeLessThan(1e-2);
  }
  expect(fit.proportionalHazards.global.df).toBe(TELCO_R.zphGlobal[1]);
  expect(relative(fit.proportionalHazards.global.statistic, TELCO_R.zphGlobal[0]!)).toBeLessThan(1e-2);
}

describe.skipIf(!existsSync(TELCO))('Cox model on IBM Telco against R survival::coxph', () => {
  let data: CoxData;
  beforeAll(async () => {
    const rows = await readFirstSheet(TELCO);
    // Dummy columns per categorical covariate against its most frequent level, written independently of the drivers analysis
    const columns: Float64Array[] = [];
    const names: string[] = [];
    const terms: string[] = [];
    const categorical = (term: string, header: string) => {
      const values = rows.map((row) => String(row[header]));
      const counts = new Map<string, number>();
      for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
      const reference = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
      for (const level of [...counts.keys()].filter((level) => level !== reference).sort()) {
        columns.push(Float64Array.from(values, (value) => (value === level ? 1 : 0)));
        names.push(`${term}: ${level}`);
        terms.push(term);
      }
    };
    categorical('contract', 'Contract');
    categorical('internet', 'Internet Service');
    categorical('payment', 'Payment Method');
    categorical('senior', 'Senior Citizen');
    categorical('partner', 'Partner');
    categorical('dependents', 'Dependents');
    categorical('paperless', 'Paperless Billing');
    categorical('techsupport', 'Tech Support');
    columns.push(Float64Array.from(rows, (row) => Number(row['Monthly Charges'])));
    names.push('monthly');
    terms.push('monthly');
    data = {
      time: Float64Array.from(rows, (row) => Number(row['Tenure Months'])),
      event: Uint8Array.from(rows, (row) => Number(row['Churn Value'])),
      columns,
      names,
      terms,
    };
  }, 120_000);

  it('reproduces coefficients, errors, likelihoods, concordance and cox.zph', () => {
    const fit = fitCox(data);
    expect(fit.subjects).toBe(7_043);
    expect(fit.events).toBe(1_869);
    expectTelcoMatchesR(fit);
  });
});
