// The drivers verb: customer lifetimes and covariates from the order workspace checked against a hand-made
// shop, and the Cox model on a table (IBM Telco) through the whole verb against R's survival::coxph.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriversResult } from '../../src/api/drivers.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { churnDrivers, driverSubjects } from '../../src/analysis/drivers.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { SHARED_DATA, type TestCore } from '../helpers/core.ts';
import { readFirstSheet } from '../helpers/workbook.ts';
import { openFixtureCore, writeFixtureWorkspace } from '../retention/fixtureCore.ts';
import { SHOP_ORDERS, SHOP_TICKETS } from '../retention/shop.ts';
import { expectTelcoMatchesR, TELCO_R } from './cox.test.ts';

describe('order workspace: one row per customer with the drivers', () => {
  let dir: string;
  let workspace: Workspace;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-drivers-'));
    await writeFixtureWorkspace(join(dir, 'shop.duckdb'), { orders: SHOP_ORDERS, tickets: SHOP_TICKETS });
    workspace = await Workspace.open(join(dir, 'shop.duckdb'), { threads: 1 });
  });
  afterAll(async () => {
    await workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the lifetimes of survival and the covariates by hand', async () => {
    // Window 30 days, evaluation 2024-04-20 (the last order, g's pending one). By hand:
    //   a Jan 5 .. Apr 1: 19 days since, active: 106 days to Apr 20       channel web, refunds 0/3, rating (5+1)/2
    //   b Jan 20 .. Jan 25: churned Feb 24: 35 days                      app, 1 refunded of 3
    //   c Jan 31 .. Mar 15: churned Apr 14: 74 days                      web (first order with a channel), 1 of 2 with a refund amount
    //   d Feb 1 .. Mar 1: churned Mar 31: 59 days                        web, 0 of 3 (cancelled is not refunded)
    //   e Feb 29: churned Mar 30: 30 days                                app
    //   f Mar 31 .. Apr 15: active: 20 days                              no channel
    const subjects = await workspace.withConnection((connection) =>
      driverSubjects(connection, bundledTaxonomy(), { windowDays: 30, covariates: ['channel', 'refundShare', 'rating'] }, { revenue: true }),
    );
    expect(Array.from(subjects.time)).toEqual([106, 35, 74, 59, 30, 20]);
    expect(Array.from(subjects.event)).toEqual([0, 1, 1, 1, 1, 0]);
    expect(subjects.values.get('channel')).toEqual(['web', 'app', 'web', 'web', 'app', null]);
    expect(Array.from(subjects.values.get('refundShare') as Float64Array)).toEqual([0, 1 / 3, 1 / 2, 0, 0, 0]);
    expect(Array.from(subjects.values.get('rating') as Float64Array)).toEqual([3, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    // trailing 12-month revenue of completed orders: a 10 + 20 + 30
    expect(subjects.revenue![0]).toBe(60);
  });

  it('fits a fixed draw of the customers beyond the bound, each row still its own customer, and says so', async () => {
    // The same lifetimes by hand as above, keyed by customer: a draw must keep each with its own row
    const byHand = new Map([['a', 106], ['b', 35], ['c', 74], ['d', 59], ['e', 30], ['f', 20]]);
    const options = { windowDays: 30, covariates: ['channel'] };
    const [drawn, again, within] = await workspace.withConnection(async (connection) => [
      await driverSubjects(connection, bundledTaxonomy(), options, { maxSubjects: 4 }),
      await driverSubjects(connection, bundledTaxonomy(), options, { maxSubjects: 4 }),
      await driverSubjects(connection, bundledTaxonomy(), options, { maxSubjects: 6 }),
    ]);
    expect(drawn.sampledFrom).toBe(6);
    expect(drawn.customerIds).toHaveLength(4);
    expect(new Set(drawn.customerIds).size).toBe(4);
    expect(Array.from(drawn.time)).toEqual(drawn.customerIds!.map((id) => byHand.get(id)));
    expect(again.customerIds).toEqual(drawn.customerIds);
    // at the bound nobody is left out and nothing is said
    expect(within.sampledFrom).toBeNull();
    expect(within.customerIds).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const result = await workspace.withConnection((connection) => churnDrivers(connection, bundledTaxonomy(), options, 4));
    expect(result.subjects).toBe(4);
    expect(result.warnings.find((warning) => warning.kind === 'sampled')).toMatchObject({ subjects: 4, of: 6 });
  });

  it('refuses a covariate that is not an order driver, naming the drivers', async () => {
    await expect(workspace.withConnection((connection) => driverSubjects(connection, bundledTaxonomy(), { covariates: ['colour'] }))).rejects.toThrow(/not an order driver/);
  });
});

const TELCO = join(SHARED_DATA, 'ibm_telco_churn', 'Telco_customer_churn.xlsx');
if (!existsSync(TELCO)) console.warn(`skipping the drivers verb on IBM Telco: ${TELCO} is absent`);

/** The workbook's columns under the names of the R script in cox.test.ts, as a workspace table. */
const TELCO_COLUMNS = {
  contract: 'Contract',
  internet: 'Internet Service',
  payment: 'Payment Method',
  senior: 'Senior Citizen',
  partner: 'Partner',
  dependents: 'Dependents',
  paperless: 'Paperless Billing',
  techsupport: 'Tech Support',
  monthly: 'Monthly Charges',
} as const;

describe.skipIf(!existsSync(TELCO))('drivers on the IBM Telco table against R survival::coxph', () => {
  let t: TestCore;
  let dir: string;
  let result: DriversResult;
  beforeAll(async () => {
    const rows = await readFirstSheet(TELCO);
    dir = mkdtempSync(join(tmpdir(), 'churnwb-telco-drivers-'));
    const file = join(dir, 'telco.csv');
    const fields = ['tenure', 'churn', ...Object.keys(TELCO_COLUMNS)];
    writeFileSync(file, Papa.unparse({ fields, data: rows.map((row) => [row['Tenure Months'], row['Churn Value'], ...Object.values(TELCO_COLUMNS).map((header) => row[header])]) }));
    // Yes/No stay words (the sniffer would read them as BOOLEAN, whose levels print as true/false)
    t = await openFixtureCore({
      orders: [],
      statements: [{ sql: `CREATE TABLE telco AS SELECT * FROM read_csv($file, auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR'])`, params: { file } }],
    });
    result = await t.client.churnDrivers({ source: { table: 'telco', durationColumn: 'tenure', eventColumn: 'churn' }, covariates: Object.keys(TELCO_COLUMNS) });
  }, 600_000);
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reproduces R to the stated tolerances', () => {
    expect(result.subjects).toBe(7_043);
    expect(result.events).toBe(1_869);
    expectTelcoMatchesR({
      ...result,
      coefficients: result.coefficients.map((c) => ({ ...c, name: c.level === null ? c.term : `${c.term}: ${c.level}` })),
      proportionalHazards: {
        terms: result.terms.map((term) => ({ term: term.term, ...term.proportionalHazards! })),
        global: result.proportionalHazardsGlobal,
      },
    });
    expect(result.terms.find((term) => term.term === 'contract')!.reference).toBe('Month-to-month');
  });

  it('names the strongest driver in words, with N from the model', () => {
    const twoYear = TELCO_R.coefficients['contract: Two year']![0]!;
    expect(result.headline).toMatchObject({ term: 'contract', level: 'Month-to-month', than: 'Two year' });
    expect(result.headline!.factor).toBeCloseTo(Math.exp(-twoYear), 3);
    expect(result.headline!.sentence.en).toBe(`Customers with contract "Month-to-month" leave ${Math.exp(-twoYear).toFixed(1)} times as fast as those with "Two year".`);
    expect(result.headline!.sentence.zh).toContain('倍');
  });

  it('warns in plain words where proportional hazards fail, and says which column duplicates others', () => {
    const failing = result.warnings.filter((w) => w.kind === 'proportionalHazards').map((w) => (w as { term: string }).term);
    // cox.zph p < 0.05 for every term but senior (0.69) and paperless (0.064)
    expect(failing.sort()).toEqual(['contract', 'dependents', 'internet', 'monthly', 'partner', 'payment', 'techsupport']);
    expect(result.warnings.some((w) => w.kind === 'proportionalHazardsGlobal')).toBe(true);
    expect(result.warnings.find((w) => w.kind === 'aliased')).toMatchObject({ term: 'techsupport', level: 'No internet service' });
  });

  it('takes another reference level and standardises numbers on request', async () => {
    const other = await t.client.churnDrivers({
      source: { table: 'telco', durationColumn: 'tenure', eventColumn: 'churn' },
      covariates: ['contract', 'monthly'],
      reference: { contract: 'Two year' },
      standardize: true,
    });
    const monthToMonth = other.coefficients.find((c) => c.level === 'Month-to-month')!;
    const oneYear = other.coefficients.find((c) => c.level === 'One year')!;
    // Changing the reference shifts every contrast by the same constant: month-to-month minus one year is unchanged
    const base = await t.client.churnDrivers({ source: { table: 'telco', durationColumn: 'tenure', eventColumn: 'churn' }, covariates: ['contract', 'monthly'] });
    const baseOneYear = base.coefficients.find((c) => c.level === 'One year')!.coefficient!;
    expect(monthToMonth.coefficient! - oneYear.coefficient!).toBeCloseTo(0 - baseOneYear, 8);
    const monthly = other.terms.find((term) => term.term === 'monthly')!;
    expect(monthly.standardized).toBe(true);
    const baseMonthly = base.coefficients.find((c) => c.term === 'monthly')!.coefficient!;
    expect(other.coefficients.find((c) => c.term === 'monthly')!.coefficient!).toBeCloseTo(baseMonthly * monthly.sd!, 8);
    expect(other.logLikelihood.model).toBeCloseTo(base.logLikelihood.model, 8);
    await expect(
      t.client.churnDrivers({ source: { table: 'telco', durationColumn: 'tenure', eventColumn: 'churn' }, covariates: ['contract'], reference: { contract: 'Weekly' } }),
    ).rejects.toThrow(/no level "Weekly"/);
  });
});
