// churnwb drivers / what-if / surveys as a user runs them, on the hand-computable set of cox.test.ts
// held as a workspace table, and on the survey fixtures.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriversResult, WhatIfResult } from '../../src/api/drivers.ts';
import { writeFixtureWorkspace } from '../retention/fixtureCore.ts';
import { SHOP_ORDERS as REASONS_SHOP_ORDERS, ticketStatements } from '../reasons/shop.ts';
import { SHOP_ORDERS } from '../retention/shop.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'surveys');

describe('churnwb drivers, what-if and surveys', () => {
  let dir: string;
  let workspace: string;
  const run = async (...args: string[]) => (await promisify(execFile)(process.execPath, [CLI, '-w', workspace, ...args])).stdout;
  const table = ['--table', 'tiny', '--duration', 'time', '--event', 'status'];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-drivers-cli-'));
    workspace = join(dir, 'shop.duckdb');
    // cox.test.ts's seven subjects; grp names x's groups (b = x 1)
    await writeFixtureWorkspace(workspace, {
      orders: SHOP_ORDERS,
      statements: [
        {
          sql: `CREATE TABLE tiny AS SELECT * FROM (VALUES (1, 1, 1, 'b'), (2, 1, 1, 'b'), (2, 1, 0, 'a'), (3, 0, 1, 'b'), (4, 1, 0, 'a'), (4, 0, 0, 'a'), (5, 1, 0, 'a')) t(time, status, x, grp)`,
        },
      ],
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('drivers --json has R\'s coefficient; --csv goes through the report CSV writer; the summary says it in words', async () => {
    const result = JSON.parse(await run('drivers', ...table, '--covariates', 'x', '--json')) as DriversResult;
    expect(result.coefficients[0]!.coefficient).toBeCloseTo(1.31215256461115, 10);
    expect(result.concordance.value).toBe(11 / 16);
    const csv = (await run('drivers', ...table, '--covariates', 'grp', '--csv')).split(/\r?\n/);
    expect(csv[0]).toBe('\uFEFFFactor,Level,Reference,Hazard ratio,Lower,Upper,p,Coefficient,SE,z');
    expect(csv[1]!.startsWith('grp,b,a,')).toBe(true);
    expect(Number(csv[1]!.split(',')[3])).toBeCloseTo(Math.exp(1.31215256461115), 9);
    const summary = await run('drivers', ...table, '--covariates', 'grp');
    expect(summary).toContain('Cox model (Efron ties): 7 subjects, 5 events; time in time.');
    expect(summary).toContain('No factor changes how fast customers leave at the 5% level.');
  });

  it('drivers on the orders says first when the derived window rests on few repeat customers, and not with --window-days', async () => {
    // the shop's 5 repeat customers give the window, as churn says in retention/cli.db.test.ts
    const [caution, finding] = (await run('drivers', '--covariates', 'channel')).split(/\r?\n/);
    expect(caution).toBe(
      'caution: the window rests on the gaps of only 5 repeat customers, too few for a steady 90th percentile; churn rates and survival mostly restate it. Choose a window that fits the purchase cycle with --window-days N',
    );
    expect(finding).not.toContain('caution');
    expect(await run('drivers', '--covariates', 'channel', '--window-days', '30')).not.toContain('caution');
  });

  it('drivers names the levels as the finding does: "no ticket" and reason names, not their keys', async () => {
    const shop = join(dir, 'reasons.duckdb');
    await writeFixtureWorkspace(shop, { orders: REASONS_SHOP_ORDERS, statements: ticketStatements() });
    const text = (await promisify(execFile)(process.execPath, [CLI, '-w', shop, 'drivers', '--covariates', 'reason', '--window-days', '30', '--as-of', '2024-06-30'])).stdout;
    const rows = text.split(/\r?\n/).filter((line) => line.startsWith('main churn reason,'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.split(',')[1])).toContain('no ticket');
    expect(text).not.toMatch(/^main churn reason,(none|logistics|product_quality|price),/m);
  });

  it('what-if: customers kept from the observed rate, by hand', async () => {
    // Group b: events at 1 and 2, D censored at 3: 2 events over 6 months, h = 1/3 a month; one active (D).
    // Halving the rate over 3 months keeps e^{-0.5} - e^{-1} of a customer.
    const result = JSON.parse(await run('what-if', ...table, '--driver', 'grp=b', '--reduction', '0.5', '--months', '3', '--json')) as WhatIfResult;
    expect(result.monthlyChurnRate).toBeCloseTo(1 / 3, 12);
    expect(result.activeCustomers).toBe(1);
    expect(result.scenario.customersKept).toBeCloseTo(Math.exp(-0.5) - Math.exp(-1), 12);
    expect(result.model!.hazardRatio).toBeCloseTo(Math.exp(1.31215256461115), 9);
    expect(result.model!.scenario!.reduction).toBeCloseTo(1 - Math.exp(-1.31215256461115), 9);
    const text = await run('what-if', ...table, '--driver', 'grp=b', '--reduction', '0.5', '--months', '3');
    expect(text).toContain('Assumptions:');
  });

  it('surveys after an import with --kind surveys', async () => {
    await run('import', join(FIXTURES, 'wjx.csv'), '--kind', 'surveys');
    const text = await run('surveys', '--window-days', '30');
    expect(text).toContain('CSAT 50.0% (3 of 6 answered 4 or 5');
    expect(text).toContain('NPS 33.3 (3 promoters, 2 passives, 1 detractors of 6)');
    const csv = (await run('surveys', '--csv')).split(/\r?\n/);
    expect(csv[0]).toBe('\uFEFFPeriod,Responses,CSAT (share 4-5),NPS');
  });

  it('fails in one line on a bad --reference', async () => {
    await expect(run('drivers', ...table, '--covariates', 'grp', '--reference', 'grp')).rejects.toMatchObject({ stderr: 'churnwb: E_ARGS: --reference takes COLUMN=LEVEL, got "grp"\n' });
  });
});
