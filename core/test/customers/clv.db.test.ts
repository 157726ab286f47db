// customerValue end to end: the CDNOW sample from raw transactions and from the ready summary, through the loopback wire.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CustomerValueResult } from '../../src/api/customers.ts';
import { CoreError } from '../../src/api/errors.ts';
import { arrowFromBytes } from '../../src/db/arrow.ts';
import { bgNbdExpectedPurchasesIfAlive, bgNbdPAlive } from '../../src/stats/bgnbd.ts';
import { SHARED_DATA, type TestCore } from '../helpers/core.ts';
import { insertOrders } from '../helpers/fixtures.ts';
import { openSeededCore } from './seed.ts';

const FOLDER = join(SHARED_DATA, 'cdnow_lifetimes');
const SAMPLE = join(FOLDER, 'CDNOW_sample.txt');
const SUMMARY = join(FOLDER, 'cdnow_customers_summary.csv');
const WITH_SPEND = join(FOLDER, 'cdnow_customers_summary_with_transactions.csv');
const present = [SAMPLE, SUMMARY, WITH_SPEND].every(existsSync);
if (!present) console.warn(`skipping CDNOW customerValue tests: ${FOLDER} not found`);

function readNumbers(path: string): number[][] {
  return readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(',').map(Number));
}

/** The 1/10 CDNOW sample as completed orders: customer = sample id, one order per transaction line. */
async function loadSample(): Promise<TestCore> {
  return openSeededCore(async (connection) => {
    await connection.run(
      `INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, source_id)
       SELECT 'o' || row_number() OVER (), CAST(CAST(parts[2] AS INTEGER) AS VARCHAR), strptime(parts[3], '%Y%m%d'), CAST(parts[5] AS DOUBLE), 'completed', 0
       FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS parts FROM read_csv($file, header = false, columns = {'line': 'VARCHAR'}, delim = '|'))`,
      { file: SAMPLE },
    );
  });
}

describe.skipIf(!present)('customerValue on CDNOW', () => {
  let t: TestCore;
  afterEach(async () => t?.close());

  it('builds the published calibration summary from raw transactions and fits it', async () => {
    t = await loadSample();
    const result = await t.client.customerValue({ until: '1997-09-30', unit: 'week' });
    // every customer's (x, t_x, T) equals the published weekly summary (rounded there to 2 decimals)
    const published = new Map(readNumbers(SUMMARY).map(([id, x, tx, T]) => [String(id), { x, tx, T }]));
    const rows = arrowFromBytes((await t.client.customerRows({ table: 'value', limit: 10_000, sort: [{ column: 'customer_id' }] })).rows).toArray();
    expect(rows).toHaveLength(2357);
    for (const row of rows) {
      const expected = published.get(row.customer_id as string)!;
      expect(row.frequency).toBe(expected.x);
      expect(Math.abs((row.recency as number) - expected.tx!)).toBeLessThan(0.006);
      expect(Math.abs((row.T as number) - expected.T!)).toBeLessThan(0.006);
    }
    // so the fit is the paper's (to the rounding of the published summary)
    expect(result.bgnbd.r).toBeCloseTo(0.2426, 3);
    expect(result.bgnbd.alpha).toBeCloseTo(4.41, 1);
    expect(result.bgnbd.a).toBeCloseTo(0.793, 2);
    expect(result.bgnbd.b).toBeCloseTo(2.43, 1);
    expect(result.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(result.summary).toMatchObject({ customers: 2357, repeatCustomers: 946 });
  });

  it('compares predicted with actual purchases in the 39-week holdout', async () => {
    t = await loadSample();
    const result = await t.client.customerValue({ until: '1997-09-30', unit: 'week' });
    // actual holdout purchases by a plain loop over the raw file: distinct (customer, day) after 1997-09-30
    const days = new Set<string>();
    const calibrationDays = new Map<number, Set<string>>();
    for (const line of readFileSync(SAMPLE, 'utf8').trim().split(/\r?\n/)) {
      const [, id, date] = line.trim().split(/\s+/);
      if (date! > '19970930') days.add(`${Number(id)}:${date}`);
      else calibrationDays.set(Number(id), (calibrationDays.get(Number(id)) ?? new Set()).add(date!));
    }
    const oneDayCustomers = [...calibrationDays].filter(([, set]) => set.size === 1).map(([id]) => id);
    const oneDayHoldout = [...days].filter((key) => oneDayCustomers.includes(Number(key.split(':')[0]))).length;
    const holdout = result.holdout!;
    expect(holdout).toMatchObject({ from: '1997-09-30', to: '1998-06-30T00:00:00.000Z' });
    expect(holdout.length).toBeCloseTo(273 / 7, 10);
    expect(holdout.totalActual).toBe(days.size);
    expect(holdout.buckets.map((b) => b.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(holdout.buckets.reduce((sum, b) => sum + b.customers, 0)).toBe(2357);
    // predicted = sum of P(alive) x E[Y(39) | alive] over customers, recomputed by the pure model on the published summary
    let expected = 0;
    for (const [, x = 0, tx = 0, T = 0] of readNumbers(SUMMARY)) expected += bgNbdPAlive(result.bgnbd, x, tx, T) * bgNbdExpectedPurchasesIfAlive(result.bgnbd, x, T, 39);
    expect(holdout.totalPredicted).toBeCloseTo(expected, 0);
    // the customers with no calibration repeat purchase: model 0.225 per customer against 0.237 seen
    expect(holdout.buckets[0]).toMatchObject({ customers: oneDayCustomers.length });
    expect(holdout.buckets[0]!.predicted).toBeCloseTo(0.2251, 3);
    expect(holdout.buckets[0]!.actual).toBeCloseTo(oneDayHoldout / oneDayCustomers.length, 12);
    for (let i = 1; i < holdout.buckets.length; i++) expect(holdout.buckets[i]!.predicted).toBeGreaterThan(holdout.buckets[i - 1]!.predicted);
  });

  it('fits a ready summary file and reproduces the lifetimes CLV of customers 1-5', async () => {
    t = await openSeededCore(async () => undefined);
    // lifetimes' customer_lifetime_value steps 30 units per month; its README runs it on this weekly
    // file, i.e. unit 'day' here: 140.096218, 18.943466, 38.180575 (x = 0 customers 3-5)
    const result = (await t.client.customerValue({ summaryFile: WITH_SPEND, unit: 'day', horizonMonths: 12, monthlyDiscountRate: 0.01 })) as CustomerValueResult;
    expect(result.gammaGamma).toMatchObject({ customers: 946, converged: true });
    expect(result.gammaGamma!.p).toBeCloseTo(6.2488, 3);
    expect(result.bgnbd.r).toBeCloseTo(0.24259, 4);
    const page = await t.client.customerRows({ table: 'value', filter: { column: 'customer_id', values: ['1', '2', '3', '4', '5'] }, sort: [{ column: 'customer_id' }] });
    const clv = arrowFromBytes(page.rows).toArray().map((row) => row.clv as number);
    expect(clv[0]).toBeCloseTo(140.096218, 4);
    expect(clv[1]).toBeCloseTo(18.943466, 4);
    expect(clv[2]).toBeCloseTo(38.180575, 4);
    expect(clv[4]).toBeCloseTo(clv[2]!, 12);
    // value at risk = (1 - P(alive)) x the value if still active = CLV / P(alive) x (1 - P(alive)):
    // CLV already carries one factor P(alive), so it is not multiplied by (1 - P(alive)) again
    const atRisk = arrowFromBytes(result.atRisk).toArray();
    expect(atRisk).toHaveLength(100);
    const risks = atRisk.map((row) => row.value_at_risk as number);
    expect([...risks].sort((a, b) => b - a)).toEqual(risks);
    const first = atRisk[0]!;
    const p = first.p_alive as number;
    expect(p).toBeLessThan(0.5);
    expect(first.value_at_risk).toBeCloseTo(((first.clv as number) / p) * (1 - p), 8);
    // customer 1 (x = 2, lifetimes CLV 140.096218 above): CLV + value at risk = its value if certainly active
    const one = arrowFromBytes(page.rows).toArray()[0]!;
    expect((one.clv as number) + (one.value_at_risk as number)).toBeCloseTo((one.clv as number) / (one.p_alive as number), 8);
    // CDNOW separates customers: a fit off its bounds, 1,411 one-time buyers (2,357 - 946) at P(alive) 1
    expect(result.fitQuality).toEqual({ degenerate: false, issues: [], oneTimeBuyers: 2357 - 946 });
    const explained = await t.client.explainCustomer({ customerId: String(first.customer_id) });
    expect(explained.value).toMatchObject({ atRiskRank: 1, frequency: first.frequency });
  });

  it('names the columns it needs when a summary file lacks them, and bad rows by customer', async () => {
    t = await openSeededCore(async () => undefined);
    const noColumns = join(t.dir, 'bad.csv');
    writeFileSync(noColumns, 'id,visits\n1,2\n');
    const missing = await t.client.customerValue({ summaryFile: noColumns }).catch((e: unknown) => e);
    expect((missing as CoreError).code).toBe('E_MAPPING');
    expect((missing as CoreError).message).toContain('frequency');
    const badRow = join(t.dir, 'row.csv');
    writeFileSync(badRow, 'ID,frequency,recency,T\n1,2,30,38\n7,1,40,38\n');
    const invalid = await t.client.customerValue({ summaryFile: badRow }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(CoreError);
    expect((invalid as CoreError).code).toBe('E_VALUE');
    expect((invalid as CoreError).message).toContain('customer 7');
  });
});

describe('customerValue on a hand-checked fixture', () => {
  let t: TestCore;
  afterEach(async () => t?.close());

  it('derives x, t_x, T and the mean repeat spend per purchase day', async () => {
    t = await openSeededCore((c) =>
      insertOrders(c, [
        // p1: days Jan 1 (10 + 20 -> one purchase day of 30), Jan 8 (40), Jan 22 (60): x = 2, t_x = 21 d, m = (40 + 60) / 2 = 50
        { order_id: '1', customer_id: 'p1', ordered_at: '2024-01-01 09:00:00', amount: 10 },
        { order_id: '2', customer_id: 'p1', ordered_at: '2024-01-01 19:00:00', amount: 20 },
        { order_id: '3', customer_id: 'p1', ordered_at: '2024-01-08 09:00:00', amount: 40 },
        { order_id: '4', customer_id: 'p1', ordered_at: '2024-01-22 09:00:00', amount: 60 },
        // p2: one purchase Jan 15; a cancelled Feb 1 order does not count but ends the data (T to Feb 1)
        { order_id: '5', customer_id: 'p2', ordered_at: '2024-01-15 09:00:00', amount: 25 },
        { order_id: '6', customer_id: 'p2', ordered_at: '2024-02-01 09:00:00', amount: 99, status: 'cancelled' },
      ]),
    );
    const result = await t.client.customerValue({ unit: 'day' });
    expect(result.gammaGamma).toBeNull();
    expect(result.gammaGammaSkipped).toContain('only 1 repeat customers');
    expect(result.holdout).toBeNull();
    const rows = arrowFromBytes((await t.client.customerRows({ table: 'value', sort: [{ column: 'customer_id' }] })).rows).toArray();
    // T: p1 Jan 1 -> Feb 1 = 31 days, p2 Jan 15 -> Feb 1 = 17 days
    expect(rows.map((row) => [row.customer_id, row.frequency, row.recency, row.T, row.monetary_value, row.revenue])).toEqual([
      ['p1', 2, 21, 31, 50, 130],
      ['p2', 0, 0, 17, null, 25],
    ]);
    expect(rows[1]!.p_alive).toBe(1);
    expect(rows.every((row) => row.clv === null)).toBe(true);
    const weeks = await t.client.customerValue({ unit: 'week' });
    expect(weeks.options.unit).toBe('week');
    const weekRows = arrowFromBytes((await t.client.customerRows({ table: 'value', sort: [{ column: 'customer_id' }] })).rows).toArray();
    expect(weekRows[0]!.T).toBeCloseTo(31 / 7, 12);
  });

  it('stores values whether the first (x, T) pair DuckDB returns is whole or fractional', async () => {
    // In weeks, T is whole for w1..w3 and fractional for f1. The pairs come back in no fixed order; a list
    // bound by inference took its type from its first item, so a whole first T made INTEGER[] and the
    // fraction after it failed ("number is not an integer") in about three runs of four.
    t = await openSeededCore((c) =>
      insertOrders(c, [
        { order_id: '1', customer_id: 'w1', ordered_at: '2024-01-25 09:00:00' },
        { order_id: '2', customer_id: 'w1', ordered_at: '2024-01-28 09:00:00' },
        { order_id: '3', customer_id: 'w2', ordered_at: '2024-01-18 09:00:00' },
        { order_id: '4', customer_id: 'w3', ordered_at: '2024-01-11 09:00:00' },
        { order_id: '5', customer_id: 'f1', ordered_at: '2024-01-15 09:00:00' },
        { order_id: '6', customer_id: 'f1', ordered_at: '2024-01-20 09:00:00' },
        { order_id: '7', customer_id: 'end', ordered_at: '2024-02-01 09:00:00' },
      ]),
    );
    for (let run = 0; run < 4; run++) {
      await t.client.customerValue({ unit: 'week' });
      const rows = arrowFromBytes((await t.client.customerRows({ table: 'value', sort: [{ column: 'customer_id' }] })).rows).toArray();
      expect(rows.map((row) => [row.customer_id, row.T])).toEqual([
        ['end', 0],
        ['f1', 17 / 7],
        ['w1', 1],
        ['w2', 2],
        ['w3', 3],
      ]);
    }
  });

  it('flags a fit that cannot separate customers: nobody stops buying, so BG/NBD a ends on its bound', async () => {
    // 12 customers buy every 7 days from their first week to the data's last day (2024-03-25):
    // there is no dropout to learn from, the fit drives a to its lower bound and every P(alive) to 1.
    const rows = Array.from({ length: 12 }, (_, customer) =>
      Array.from({ length: 12 - (customer % 3) }, (_, week) => {
        const day = new Date(Date.UTC(2024, 0, 1 + 7 * (week + (customer % 3))));
        return { order_id: `${customer}-${week}`, customer_id: `c${customer}`, ordered_at: `${day.toISOString().slice(0, 10)} 09:00:00`, amount: 20 + 9 * customer + 10 * ((week + customer) % 3) };
      }),
    ).flat();
    t = await openSeededCore((c) => insertOrders(c, [...rows, { order_id: 'once', customer_id: 'one-time', ordered_at: '2024-02-01 09:00:00' }]));
    const result = await t.client.customerValue({ unit: 'week' });
    expect(result.bgnbd.atBound).toContain('a');
    expect(result.fitQuality.degenerate).toBe(true);
    expect(result.fitQuality.oneTimeBuyers).toBe(1);
    expect(result.fitQuality.issues.map((issue) => issue.code)).toEqual(['parameter_on_bound', 'no_separation']);
    expect(result.fitQuality.issues[0]).toEqual({ code: 'parameter_on_bound', model: 'bgnbd', parameters: ['a'] });
    expect(result.warnings[0]).toContain('more history');
    expect(result.summary.meanPAlive).toBeGreaterThan(0.999);
    // a one-time buyer: P(alive) 1 and value at risk 0, which ranks nobody (no "rank 1" among ties at 0)
    const once = await t.client.explainCustomer({ customerId: 'one-time' });
    expect(once.value).toMatchObject({ frequency: 0, pAlive: 1, valueAtRisk: 0, atRiskRank: null });
  });

  it('refuses bad options and data without repeat customers', async () => {
    t = await openSeededCore((c) => insertOrders(c, [{ order_id: '1', customer_id: 'x', ordered_at: '2024-01-01 09:00:00' }]));
    expect(((await t.client.customerValue({ horizonMonths: 0 }).catch((e: unknown) => e)) as CoreError).code).toBe('E_ARGS');
    expect(((await t.client.customerValue({ unit: 'month' as 'week' }).catch((e: unknown) => e)) as CoreError).code).toBe('E_ARGS');
    expect(((await t.client.customerValue({}).catch((e: unknown) => e)) as CoreError).code).toBe('E_NO_DATA');
  });
});
