// The default report of a real dataset (CDNOW 1/10 sample, 6,919 purchases of 2,357 customers):
// its headlines against plain TypeScript over the raw CSV, and RFM against a plain re-aggregation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/api/report.ts';
import { formatCount, formatDecimal, formatPercent, formatPoints } from '../../src/report/text.ts';
import { SHARED_DATA, openTestCore, type TestCore } from '../helpers/core.ts';

const CDNOW = join(SHARED_DATA, 'cdnow_btyd', 'cdnowElog.csv');
if (!existsSync(CDNOW)) console.warn(`report/realData.db.test.ts: skipped, ${CDNOW} is absent`);

interface Purchase {
  customer: string;
  day: string;
  amount: number;
}

function purchases(): Purchase[] {
  const rows = Papa.parse<Record<string, string>>(readFileSync(CDNOW, 'utf8'), { header: true, skipEmptyLines: true }).data;
  return rows.map((row) => ({ customer: row.masterid!, day: `${row.date!.slice(0, 4)}-${row.date!.slice(4, 6)}-${row.date!.slice(6, 8)}`, amount: Number(row.sales) }));
}

const monthIndex = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

describe.skipIf(!existsSync(CDNOW))('default report of CDNOW', () => {
  let t: TestCore;
  let report: ReportModel;
  const raw = existsSync(CDNOW) ? purchases() : [];
  beforeAll(async () => {
    t = await openTestCore();
    await t.client.importFiles({ kind: 'orders', files: [CDNOW] });
    report = await t.client.defaultReport({ lang: 'en' });
  });
  afterAll(() => t.close());
  const headline = (id: string) => report.sections.find((section) => section.id === id)?.headline;

  it('names the cohort that retains worst at month 3 and its distance from the average', () => {
    const first = new Map<string, number>();
    for (const p of raw) first.set(p.customer, Math.min(first.get(p.customer) ?? Infinity, monthIndex(p.day)));
    const size = new Map<number, number>();
    for (const cohort of first.values()) size.set(cohort, (size.get(cohort) ?? 0) + 1);
    const activeAt3 = new Map<number, Set<string>>();
    for (const p of raw) {
      const cohort = first.get(p.customer)!;
      if (monthIndex(p.day) - cohort === 3) activeAt3.set(cohort, (activeAt3.get(cohort) ?? new Set()).add(p.customer));
    }
    // Every cohort (Jan to Mar 1997) has 30 customers or more and sees its month 3 (Apr to Jun 1997) whole.
    const rates = [...size].map(([cohort, n]) => ({ cohort, n, rate: (activeAt3.get(cohort)?.size ?? 0) / n }));
    expect(rates.every((row) => row.n >= 30)).toBe(true);
    const worst = rates.reduce((a, b) => (b.rate < a.rate ? b : a));
    const average = rates.reduce((sum, row) => sum + row.rate * row.n, 0) / rates.reduce((sum, row) => sum + row.n, 0);
    const label = `${Math.floor(worst.cohort / 12)}-${String((worst.cohort % 12) + 1).padStart(2, '0')}`;
    expect(headline('retention.cohorts')).toBe(
      `The ${label} cohort retains worst in month 3: ${formatPercent(worst.rate, 'en')} of its ${formatCount(worst.n, 'en')} customers bought then, ${formatPoints(average - worst.rate, 'en')} points below the average of ${formatPercent(average, 'en')}.`,
    );
  });

  it('states the top 20% revenue share and the Gini coefficient', () => {
    const revenue = new Map<string, number>();
    for (const p of raw) revenue.set(p.customer, (revenue.get(p.customer) ?? 0) + p.amount);
    const ascending = [...revenue.values()].sort((a, b) => a - b);
    const total = ascending.reduce((sum, value) => sum + value, 0);
    const top = ascending.slice(ascending.length - Math.ceil(0.2 * ascending.length)).reduce((sum, value) => sum + value, 0);
    const n = ascending.length;
    const gini = ascending.reduce((sum, value, index) => sum + (2 * (index + 1) - n - 1) * value, 0) / (n * total);
    expect(headline('kpis.overview')).toBe(`The top 20% of customers bring ${formatPercent(top / total, 'en')} of revenue (Gini ${formatDecimal(gini, 'en', 2)}).`);
  });

  it('counts churned and censored customers with the P90 window', () => {
    const days = new Map<string, Set<number>>();
    for (const p of raw) days.set(p.customer, (days.get(p.customer) ?? new Set()).add(dayNumber(p.day)));
    const gaps: number[] = [];
    for (const set of days.values()) {
      const sorted = [...set].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i]! - sorted[i - 1]!);
    }
    gaps.sort((a, b) => a - b);
    const position = (gaps.length - 1) * 0.9;
    const low = Math.floor(position);
    const window = Math.ceil(gaps[low]! + (position - low) * (gaps[low + 1]! - gaps[low]!));
    const end = Math.max(...raw.map((p) => dayNumber(p.day)));
    const churned = [...days.values()].filter((set) => end - Math.max(...set) > window).length;
    const customers = days.size;
    expect(headline('churn.summary')).toBe(
      `${formatPercent(churned / customers, 'en')} of customers have churned: ${formatCount(churned, 'en')} of ${formatCount(customers, 'en')} went more than ${window} days without buying; ${formatCount(customers - churned, 'en')} bought within the window and are too recent to judge.`,
    );
  });

  it('names the RFM segment with the largest revenue share, as the per-customer rows add up', async () => {
    const segments = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'resources', 'segments', 'rfm.json'), 'utf8')) as { segments: { key: string; label: { en: string } }[] };
    const rows = await t.client.customerRows({ table: 'rfm', limit: 10_000 });
    const table = tableFromIPC(rows.rows);
    const bySegment = new Map<string, { customers: number; revenue: number }>();
    let revenue = 0;
    for (const row of table.toArray() as { segment: string; monetary: number }[]) {
      const entry = bySegment.get(row.segment) ?? { customers: 0, revenue: 0 };
      entry.customers++;
      entry.revenue += row.monetary;
      revenue += row.monetary;
      bySegment.set(row.segment, entry);
    }
    const [key, top] = [...bySegment].reduce((a, b) => (b[1].revenue > a[1].revenue ? b : a));
    const label = segments.segments.find((segment) => segment.key === key)!.label.en;
    expect(headline('customers.rfm')).toBe(
      `${label} are ${formatPercent(top.customers / table.numRows, 'en')} of customers and bring ${formatPercent(top.revenue / revenue, 'en')} of revenue, more than any other segment.`,
    );
  });

  it('exports the at-risk list with the model’s top rows', async () => {
    const section = report.sections.find((item) => item.id === 'customers.value');
    expect(section?.table?.totalRows).toBe(2357);
    const value = await t.client.customerRows({ table: 'value', limit: 3 });
    const expectedTop = (tableFromIPC(value.rows).toArray() as { customer_id: string }[]).map((row) => row.customer_id);
    const listed = (tableFromIPC(section!.table!.arrow).toArray() as { customer_id: string }[]).slice(0, 3).map((row) => row.customer_id);
    expect(listed).toEqual(expectedTop);
  });
});
