// Real data: CDNOW and UCI Online Retail cohort matrices cell by cell against plain TypeScript over the raw
// files, and Kaplan-Meier on IBM Telco tenure against a plain product-limit loop over the workbook.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CohortMatrix, RetentionMetric, RetentionMode, SurvivalCurve } from '../../src/api/retention.ts';
import { SHARED_DATA, openTestCore, type TestCore } from '../helpers/core.ts';
import { readFirstSheet } from '../helpers/workbook.ts';
import { openFixtureCore } from './fixtureCore.ts';

const CDNOW = join(SHARED_DATA, 'cdnow_lifetimes', 'CDNOW_master.txt');
const UCI = ['part1_2010-12_to_2011-03', 'part2_2011-04_to_2011-07', 'part3_2011-08_to_2011-12'].map((part) =>
  join(SHARED_DATA, 'uci_online_retail', `online_retail_${part}.csv.gz`),
);
const TELCO = join(SHARED_DATA, 'ibm_telco_churn', 'Telco_customer_churn.xlsx');
/** Imports and raw parsing take seconds alone but minutes when the whole suite shares two cores. */
const SETUP_TIMEOUT_MS = 600_000;
for (const file of [CDNOW, ...UCI, TELCO]) if (!existsSync(file)) console.warn(`skipping real-data checks that need ${file}: it is absent`);

/** One order as the raw file tells it: who, which calendar day, which order, how much. */
interface Purchase {
  customer: string;
  day: string;
  order: string;
  amount: number;
}

/** Calendar periods written out again, independently of core/src/analysis/periods.ts. */
const CALENDAR = {
  month: { index: (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1, label: (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01` },
  week: {
    // Days since the Monday 1969-12-29, in whole weeks
    index: (day: string) => Math.floor((Date.parse(`${day}T00:00:00Z`) / 86_400_000 + 3) / 7),
    label: (index: number) => new Date((index * 7 - 3) * 86_400_000).toISOString().slice(0, 10),
  },
} as const;

/**
 * The cohort matrix by brute force: cohort = period of each customer's first purchase; cell k = the
 * customers (or orders, or revenue) of the cohort in period cohort + k, or in any period from it on.
 * Cells after the last period are null.
 */
function expectedMatrix(purchases: Purchase[], calendar: (typeof CALENDAR)[keyof typeof CALENDAR], lastDay: string, metric: RetentionMetric, mode: RetentionMode) {
  const first = new Map<string, number>();
  for (const p of purchases) first.set(p.customer, Math.min(first.get(p.customer) ?? Number.POSITIVE_INFINITY, calendar.index(p.day)));
  const end = calendar.index(lastDay);
  const firstCohort = Math.min(...first.values());
  // cell key "cohort|k" -> customers (set), orders (set), revenue
  const cells = new Map<string, { customers: Set<string>; orders: Set<string>; revenue: number }>();
  for (const p of purchases) {
    const cohort = first.get(p.customer)!;
    const k = calendar.index(p.day) - cohort;
    const ks = mode === 'on' ? [k] : Array.from({ length: k + 1 }, (_, j) => j);
    for (const j of ks) {
      const key = `${cohort}|${j}`;
      const cell = cells.get(key) ?? { customers: new Set(), orders: new Set(), revenue: 0 };
      cell.customers.add(p.customer);
      cell.orders.add(p.order);
      if (j === k || mode === 'on-or-after') cell.revenue += p.amount;
      cells.set(key, cell);
    }
  }
  const cohorts = [...new Set(first.values())].sort((a, b) => a - b);
  return cohorts.map((cohort) => ({
    cohort: calendar.label(cohort),
    size: [...first.values()].filter((c) => c === cohort).length,
    values: Array.from({ length: end - firstCohort + 1 }, (_, k) => {
      if (cohort + k > end) return null;
      const cell = cells.get(`${cohort}|${k}`);
      if (!cell) return 0;
      return metric === 'customers' ? cell.customers.size : metric === 'orders' ? cell.orders.size : cell.revenue;
    }),
  }));
}

function expectSameMatrix(matrix: CohortMatrix, expected: ReturnType<typeof expectedMatrix>, metric: RetentionMetric): void {
  expect(matrix.cohorts.map((row) => [row.cohort, row.size])).toEqual(expected.map((row) => [row.cohort, row.size]));
  matrix.cohorts.forEach((row, index) => {
    const want = expected[index]!.values;
    expect(row.values.length).toBe(want.length);
    row.values.forEach((value, k) => {
      const target = want[k]!;
      if (metric === 'revenue' && value !== null && target !== null) expect(Math.abs(value - target), `${row.cohort} k${k}`).toBeLessThan(1e-6 * Math.max(1, target));
      else expect(value, `${row.cohort} k${k}`).toBe(target);
    });
  });
}

describe.skipIf(!existsSync(CDNOW))('CDNOW master: cohort matrices cell by cell', () => {
  let t: TestCore;
  let purchases: Purchase[];
  beforeAll(async () => {
    t = await openTestCore();
    await t.client.importFiles({ kind: 'orders', files: [CDNOW] });
    // "  00001 19970101  1   11.77": the import makes one order per customer and day (same-day purchases summed)
    purchases = readFileSync(CDNOW, 'utf8')
      .split(/\r?\n/)
      .slice(1)
      .filter((line) => line.trim())
      .map((line) => {
        const [customer, date, , amount] = line.trim().split(/\s+/);
        const day = `${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)}`;
        return { customer: customer!, day, order: `${customer}|${day}`, amount: Number(amount) };
      });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => t.close());

  it('has the facts SOURCE.md states', () => {
    expect(purchases).toHaveLength(69_659);
    expect(new Set(purchases.map((p) => p.customer)).size).toBe(23_570);
  });

  for (const [metric, mode] of [
    ['customers', 'on'],
    ['customers', 'on-or-after'],
    ['orders', 'on'],
    ['revenue', 'on'],
    ['revenue', 'on-or-after'],
  ] as const) {
    it(`monthly ${metric} ${mode}`, async () => {
      const result = await t.client.cohortRetention({ metric, mode });
      // purchases run to 1998-06-30: 18 months from January 1997, June complete
      expect(result.periods).toBe(18);
      expect(result.matrices[0]!.cohorts.every((row) => row.partialK === null)).toBe(true);
      expectSameMatrix(result.matrices[0]!, expectedMatrix(purchases, CALENDAR.month, '1998-06-30', metric, mode), metric);
    });
  }

  it('weekly (ISO Monday) customers on', async () => {
    const result = await t.client.cohortRetention({ period: 'week' });
    // 1998-06-30 is a Tuesday: the last week is partial
    expect(result.matrices[0]!.cohorts[0]!.partialK).toBe(result.periods - 1);
    expectSameMatrix(result.matrices[0]!, expectedMatrix(purchases, CALENDAR.week, '1998-06-30', 'customers', 'on'), 'customers');
  });
});

describe.skipIf(UCI.some((file) => !existsSync(file)))('UCI Online Retail: cohort matrices cell by cell', () => {
  let t: TestCore;
  let purchases: Purchase[];
  let lastDay: string;
  beforeAll(async () => {
    t = await openTestCore();
    await t.client.importFiles({ kind: 'orders', files: UCI });
    // Lines without CustomerID are not orders; invoices starting with C are cancellations (not activity,
    // but part of the data, so they can be its last day). An invoice's amount is Σ quantity × price in cents.
    const lines = UCI.flatMap(
      (file) => Papa.parse<Record<string, string>>(gunzipSync(readFileSync(file)).toString('utf8'), { header: true, skipEmptyLines: true }).data,
    );
    expect(lines).toHaveLength(541_909);
    const invoices = new Map<string, Purchase & { cancelled: boolean }>();
    for (const line of lines) {
      if (!line.CustomerID) continue;
      const invoice = invoices.get(line.InvoiceNo!) ?? { customer: line.CustomerID, day: line.InvoiceDate!.slice(0, 10), order: line.InvoiceNo!, amount: 0, cancelled: line.InvoiceNo!.startsWith('C') };
      invoice.amount += Number(line.Quantity) * Number(line.UnitPrice);
      if (line.InvoiceDate!.slice(0, 10) < invoice.day) invoice.day = line.InvoiceDate!.slice(0, 10);
      invoices.set(line.InvoiceNo!, invoice);
    }
    lastDay = [...invoices.values()].reduce((max, invoice) => (invoice.day > max ? invoice.day : max), '');
    purchases = [...invoices.values()].filter((invoice) => !invoice.cancelled).map((invoice) => ({ ...invoice, amount: Math.round(invoice.amount * 100) / 100 }));
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => t.close());

  it('has the facts SOURCE.md states', () => {
    expect(lastDay).toBe('2011-12-09');
    expect(new Set(purchases.map((p) => p.customer)).size).toBe(4_339);
  });

  for (const [metric, mode] of [
    ['customers', 'on'],
    ['customers', 'on-or-after'],
    ['orders', 'on'],
    ['revenue', 'on'],
  ] as const) {
    it(`monthly ${metric} ${mode}`, async () => {
      const result = await t.client.cohortRetention({ metric, mode });
      // December 2010 to December 2011: 13 months, the last one partial (the data end on the 9th)
      expect(result.periods).toBe(13);
      expect(result.matrices[0]!.cohorts[0]!.partialK).toBe(12);
      expectSameMatrix(result.matrices[0]!, expectedMatrix(purchases, CALENDAR.month, lastDay, metric, mode), metric);
    });
  }

  it('the weighted mean curve is Σ active / Σ cohort size over complete cells', async () => {
    const result = await t.client.cohortRetention({});
    const expected = expectedMatrix(purchases, CALENDAR.month, lastDay, 'customers', 'on');
    const [matrix] = result.matrices;
    for (const k of [1, 3, 6, 11]) {
      // cohort i (0 = December 2010) has its cell k in month i + k; month 12 (December 2011) is partial
      const complete = expected.filter((_, i) => i + k < 12);
      const rate = complete.reduce((sum, row) => sum + row.values[k]!, 0) / complete.reduce((sum, row) => sum + row.size, 0);
      expect(matrix!.weightedMean[k]!.rate).toBeCloseTo(rate, 12);
    }
  });
});

/** Kaplan-Meier the plain way: at each distinct time, S *= 1 - deaths / (subjects with time >= t). */
function productLimit(subjects: { time: number; event: boolean }[]) {
  const times = [...new Set(subjects.map((s) => s.time))].sort((a, b) => a - b);
  let survival = 1;
  return times.map((time) => {
    const atRisk = subjects.filter((s) => s.time >= time).length;
    const events = subjects.filter((s) => s.time === time && s.event).length;
    survival *= 1 - events / atRisk;
    return { time, atRisk, events, survival };
  });
}

describe.skipIf(!existsSync(TELCO))('IBM Telco: Kaplan-Meier of tenure against a plain product-limit calculation', () => {
  let t: TestCore;
  let subjects: { time: number; event: boolean; contract: string }[];
  let dir: string;
  beforeAll(async () => {
    subjects = (await readFirstSheet(TELCO)).map((row) => ({
      time: Number(row['Tenure Months']),
      event: Number(row['Churn Value']) === 1,
      contract: String(row['Contract']),
    }));
    // The workspace reads the same three columns from a CSV written here (the import keeps only canonical columns)
    dir = mkdtempSync(join(tmpdir(), 'churnwb-telco-'));
    const file = join(dir, 'telco.csv');
    writeFileSync(file, Papa.unparse({ fields: ['Tenure Months', 'Churn Value', 'Contract'], data: subjects.map((s) => [s.time, s.event ? 1 : 0, s.contract]) }));
    t = await openFixtureCore({ orders: [], statements: [{ sql: 'CREATE TABLE telco AS SELECT * FROM read_csv($file)', params: { file } }] });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const source = { table: 'telco', durationColumn: 'Tenure Months', eventColumn: 'Churn Value' };

  it('matches the product-limit estimate at every tenure', async () => {
    expect(subjects).toHaveLength(7_043);
    expect(subjects.filter((s) => s.event)).toHaveLength(1_869);
    const result = await t.client.survival({ source });
    const [curve] = result.curves;
    const plain = productLimit(subjects);
    expect(curve!.points.map((p) => [p.time, p.atRisk, p.events])).toEqual(plain.map((p) => [p.time, p.atRisk, p.events]));
    curve!.points.forEach((point, i) => expect(point.survival).toBeCloseTo(plain[i]!.survival, 12));
    // 26.5% churned over at most 72 months: the curve never reaches one half
    expect(curve!.median).toBeNull();
    expect(curve!.points.at(-1)!.survival).toBeGreaterThan(0.5);
  });

  it('per contract, with a log-rank test that tells them apart', async () => {
    const result = await t.client.survival({ source: { ...source, groupColumn: 'Contract' } });
    expect(result.curves.map((c: SurvivalCurve) => c.group).sort()).toEqual(['Month-to-month', 'One year', 'Two year']);
    for (const curve of result.curves) {
      const plain = productLimit(subjects.filter((s) => s.contract === curve.group));
      expect(curve.points.map((p) => [p.time, p.atRisk, p.events])).toEqual(plain.map((p) => [p.time, p.atRisk, p.events]));
      curve.points.forEach((point, i) => expect(point.survival).toBeCloseTo(plain[i]!.survival, 12));
    }
    // observed events add up per group; month-to-month customers churn far more than expected under one curve
    const test = result.logRank!;
    expect(test.df).toBe(2);
    expect(test.groups.reduce((sum, g) => sum + g.observed, 0)).toBe(1_869);
    expect(test.groups.reduce((sum, g) => sum + g.expected, 0)).toBeCloseTo(1_869, 6);
    const monthly = test.groups.find((g) => g.group === 'Month-to-month')!;
    expect(monthly.observed).toBeGreaterThan(monthly.expected * 1.5);
    // P(chi2_2 > x) = exp(-x / 2): below the smallest double for a statistic this large
    expect(test.statistic).toBeGreaterThan(1_500);
    expect(test.pValue).toBe(Math.exp(-test.statistic / 2));
  });

  it('medians and their 95% limits per contract as R gives them', async () => {
    // R 4.x, survival package, on the same three columns written to telco.csv (tenure, event, contract):
    //   f <- survfit(Surv(tenure, event) ~ contract, data = d, conf.type = "log-log")
    //   summary(f)$table[, c("median", "0.95LCL", "0.95UCL")]
    //   Month-to-month 35 32 38; One year NA 72 NA; Two year NA NA NA
    const result = await t.client.survival({ source: { ...source, groupColumn: 'Contract' } });
    const limits = Object.fromEntries(result.curves.map((c: SurvivalCurve) => [c.group, [c.median, c.medianLower, c.medianUpper]]));
    expect(limits).toEqual({ 'Month-to-month': [35, 32, 38], 'One year': [null, 72, null], 'Two year': [null, null, null] });
  });
});
