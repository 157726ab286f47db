// Real data: IBM Telco churn reasons (every distinct text read and mapped by hand, segmentation counts
// against a direct count of the workbook) and 62,774 Chinese shopping reviews with sentiment labels.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChurnReasonsResult } from '../../src/api/reasons.ts';
import { SHARED_DATA, openTestCore, type TestCore } from '../helpers/core.ts';
import { readFirstSheet } from '../helpers/workbook.ts';

const TELCO = join(SHARED_DATA, 'ibm_telco_churn', 'Telco_customer_churn.xlsx');
const REVIEWS = ['part1', 'part2'].map((part) => join(SHARED_DATA, 'chinese_ecommerce_reviews', `online_shopping_10_cats_${part}.csv.gz`));
/** Imports take seconds alone but minutes when the whole suite shares two cores. */
const SETUP_TIMEOUT_MS = 600_000;
for (const file of [TELCO, ...REVIEWS]) if (!existsSync(file)) console.warn(`skipping real-data reason checks that need ${file}: it is absent`);

/**
 * All 20 distinct `Churn Reason` texts of the workbook (customers who stayed have none), read one by
 * one and mapped to the taxonomy by hand. "Lack of affordable download/upload speed" is about price
 * (affordable); "Limited range of services" is the product offered; "Deceased" and "Moved" are natural.
 */
const TELCO_REASONS: Record<string, string> = {
  'Attitude of support person': 'service',
  'Attitude of service provider': 'service',
  'Poor expertise of phone support': 'service',
  'Poor expertise of online support': 'service',
  'Service dissatisfaction': 'service',
  'Competitor offered higher download speeds': 'competition',
  'Competitor offered more data': 'competition',
  'Competitor made better offer': 'competition',
  'Competitor had better devices': 'competition',
  'Price too high': 'price',
  'Extra data charges': 'price',
  'Long distance charges': 'price',
  'Lack of affordable download/upload speed': 'price',
  'Product dissatisfaction': 'product_quality',
  'Limited range of services': 'product_quality',
  'Network reliability': 'technical',
  'Lack of self-service on Website': 'experience',
  Moved: 'natural',
  Deceased: 'natural',
  "Don't know": 'unknown',
};

describe.skipIf(!existsSync(TELCO))('IBM Telco: churn reasons as tickets, churn from the Churn Label', () => {
  let t: TestCore;
  let result: ChurnReasonsResult;
  const customers: { id: string; churned: boolean; reason: string | null }[] = [];
  beforeAll(async () => {
    for (const row of await readFirstSheet(TELCO)) {
      const reason = row['Churn Reason'] ?? null;
      customers.push({ id: String(row['CustomerID']), churned: row['Churn Label'] === 'Yes', reason: reason === null ? null : String(reason) });
    }
    t = await openTestCore();
    await t.client.importFiles({ kind: 'tickets', files: [TELCO] });
    result = await t.client.churnReasons({ churnFlag: { table: 'tickets', customerColumn: 'customer_id', eventColumn: 'label' } });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => t?.close());

  it('has exactly the 20 reason texts mapped above, each classified into its reason', async () => {
    const distinct = [...new Set(customers.flatMap((customer) => (customer.reason === null ? [] : [customer.reason])))].sort();
    expect(distinct).toEqual(Object.keys(TELCO_REASONS).sort());
    for (const [text, reason] of Object.entries(TELCO_REASONS)) {
      expect((await t.client.classifyText({ text })).reasons.map((match) => match.reason), text).toEqual([reason]);
    }
  });

  it('counts customers and churned customers per reason as a direct count of the workbook does', () => {
    const churned = customers.filter((customer) => customer.churned).length;
    expect([result.judgedCustomers, result.churnedCustomers]).toEqual([customers.length, churned]);
    expect([customers.length, churned]).toEqual([7043, 1869]);
    const expected = new Map<string, { customers: number; churned: number }>();
    for (const customer of customers) {
      const reason = customer.reason === null ? 'unknown' : TELCO_REASONS[customer.reason]!;
      const entry = expected.get(reason) ?? { customers: 0, churned: 0 };
      entry.customers++;
      if (customer.churned) entry.churned++;
      expected.set(reason, entry);
    }
    for (const row of result.reasons) {
      const direct = expected.get(row.key) ?? { customers: 0, churned: 0 };
      expect([row.key, row.customers, row.churnedCustomers, row.tickets]).toEqual([row.key, direct.customers, direct.churned, direct.customers]);
      // every named reason belongs to a churned customer: rate 1 against the rate of everyone else
      if (row.key !== 'unknown' && direct.customers > 0) {
        expect(row.churnRateWith).toBe(1);
        expect(row.lift).toBeCloseTo(1 / ((churned - direct.churned) / (customers.length - direct.customers)), 10);
      }
    }
    // the measured split: competition 621, service 455, price 243, quality 146, technical 103, experience 88, natural 59;
    // unknown (154) is listed last, not among the reasons it outnumbers
    expect(result.reasons.slice(0, 4).map((row) => [row.key, row.churnedCustomers])).toEqual([['competition', 621], ['service', 455], ['price', 243], ['product_quality', 146]]);
    expect(result.reasons.at(-1)).toMatchObject({ key: 'unknown', churnedCustomers: 154 });
    expect(result.churnTypes.find((row) => row.key === 'disappointment')?.churnedCustomers).toBe(455 + 146);
  });
});

describe.skipIf(REVIEWS.some((file) => !existsSync(file)))('Chinese shopping reviews: negative reviews carry reasons far more often', () => {
  let t: TestCore;
  const files = { negative: '', positive: '' };
  const counts = { negative: 0, positive: 0 };
  beforeAll(async () => {
    t = await openTestCore();
    // The reviews split by label (1 = positive) into two files, so each import's classification is one label's
    const rows = REVIEWS.flatMap((file) => Papa.parse<{ cat: string; label: string; review: string }>(gunzipSync(readFileSync(file)).toString('utf8'), { header: true, skipEmptyLines: true }).data);
    for (const label of ['negative', 'positive'] as const) {
      const part = rows.filter((row) => (row.label === '1') === (label === 'positive'));
      counts[label] = part.length;
      files[label] = join(t.dir, `${label}.csv`);
      writeFileSync(files[label], Papa.unparse(part, { columns: ['cat', 'label', 'review'] }));
    }
  }, SETUP_TIMEOUT_MS);
  afterAll(() => t?.close());

  it('classifies all 62,774 reviews; 87.5% of negative against 16.9% of positive ones get a reason', async () => {
    expect(counts).toEqual({ negative: 31_046, positive: 31_728 });
    await t.client.importFiles({ kind: 'tickets', files: [files.negative] });
    const negative = await t.client.classifyTickets({});
    expect([negative.tickets, negative.classified]).toEqual([counts.negative, counts.negative]);
    await t.client.importFiles({ kind: 'tickets', files: [files.positive] });
    // incremental: only the positive reviews are classified now
    const both = await t.client.classifyTickets({});
    expect([both.tickets, both.classified]).toEqual([62_774, counts.positive]);
    const unknown = (result: typeof both) => result.perReason.find((row) => row.reason === 'unknown')!.tickets;
    const negativeWithReason = 1 - unknown(negative) / counts.negative;
    const positiveWithReason = 1 - (unknown(both) - unknown(negative)) / counts.positive;
    // measured with the shipped classifier (rules and model): 27,155 of 31,046 and 5,375 of 31,728 (the rules alone 23,003
    // and 8,385; before the model's praise part 27,218 and 9,049). Not a held-out figure: the model learned from 1,329 of
    // these reviews, and its polarity and praise part from the others' positive/negative labels. Positive reviews often
    // name a drawback (质量不错，就是有点小), which is a reason by the guideline; praise alone is not (evaluation.test.ts)
    expect([Math.round(negativeWithReason * counts.negative), Math.round(positiveWithReason * counts.positive)]).toEqual([27_155, 5_375]);
    expect(negativeWithReason / positiveWithReason).toBeGreaterThan(2.5);
    // what shoppers complain about most: product quality, far ahead of the rest (unknown and logistics
    // follow within a few dozen tickets of each other)
    const [first, second] = negative.perReason.filter((row) => row.reason !== 'unknown');
    expect(first!.reason).toBe('product_quality');
    expect(first!.tickets).toBeGreaterThan(3 * second!.tickets);
  }, SETUP_TIMEOUT_MS);
});
