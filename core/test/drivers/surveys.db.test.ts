// Surveys: a 问卷星-style and a Qualtrics-style export imported with kind surveys, and CSAT, NPS, the trend
// and churn by NPS group equal to hand computation.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from '../retention/fixtureCore.ts';
import { SHOP_ORDERS } from '../retention/shop.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'surveys');

/**
 * wjx.csv (问卷星: 序号, 提交答卷时间, 用户ID, question texts):
 *   customer  a   b   c   d   e         f
 *   CSAT      5   4   2   3   非常满意   1      -> 4-5: a, b, e = 3 of 6 = 50%
 *   NPS      10   9   3   7   8         9      -> promoters a, b, f (3), passives d, e (2), detractors c (1): (3 - 1) / 6 = +33.3
 *   March (a, b, c): CSAT 2/3, NPS (2 - 1)/3 = +33.3; April (d, e, f): CSAT 1/3, NPS (1 - 0)/3 = +33.3
 * qualtrics.csv (ResponseId, RecordedDate, ExternalReference, question texts):
 *   a 4/10, b 2/5, g 5/9 -> both files: CSAT 5 of 9, NPS (5 promoters - 2 detractors) / 9 = +33.3
 * Churn (shop.ts, window 30 days, as of 2024-04-20): a and f active; b, c, d, e churned; g has no orders.
 */
describe('survey exports, CSAT and NPS by hand', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openFixtureCore({ orders: SHOP_ORDERS });
  });
  afterAll(async () => t.close());

  it('maps 问卷星 headers, question texts included, and computes CSAT and NPS', async () => {
    const imported = await t.client.importFiles({ kind: 'surveys', files: [join(FIXTURES, 'wjx.csv')] });
    expect(imported.rowsLoaded).toBe(6);
    expect(imported.rowsRejected).toBe(0);
    expect(imported.mapping).toMatchObject({
      survey_id: '序号',
      responded_at: '提交答卷时间',
      customer_id: '用户ID',
      csat: '1.您对本次购物的整体满意度',
      nps: '2.您有多大可能向朋友推荐我们？(0-10分)',
      comment: '3.您还有什么意见或建议？',
    });
    const result = await t.client.surveys({ windowDays: 30 });
    expect(result.responses).toBe(6);
    expect(result.csat).toEqual({ responses: 6, satisfied: 3, score: 0.5, mean: (5 + 4 + 2 + 3 + 5 + 1) / 6 });
    expect(result.nps).toMatchObject({ responses: 6, promoters: 3, passives: 2, detractors: 1 });
    expect(result.nps!.score).toBeCloseTo(100 / 3, 10);
    expect(result.overTime.map((row) => [row.period, row.csat, row.nps])).toEqual([
      ['2024-03-01', 2 / 3, 100 / 3],
      ['2024-04-01', 1 / 3, 100 / 3],
    ]);
    expect(result.comments).toBe(4);
    expect(result.reasons.find((row) => row.key === 'logistics')?.comments).toBeGreaterThanOrEqual(1);
  });

  it('appends a Qualtrics export; the latest answer sets each customer\'s NPS group', async () => {
    const imported = await t.client.importFiles({ kind: 'surveys', files: [join(FIXTURES, 'qualtrics.csv')] });
    expect(imported.rowsLoaded).toBe(3);
    expect(imported.mapping).toMatchObject({ survey_id: 'ResponseId', responded_at: 'RecordedDate', customer_id: 'ExternalReference' });
    const result = await t.client.surveys({ windowDays: 30 });
    expect(result.csat).toMatchObject({ responses: 9, satisfied: 5 });
    expect(result.nps).toMatchObject({ responses: 9, promoters: 5, detractors: 2 });
    expect(result.nps!.score).toBeCloseTo((100 * 3) / 9, 10);
    // a 10 (then 10), b 9 then 5 (detractor now), g 9 without orders
    expect(result.byNpsGroup).toEqual([
      { group: 'promoter', customers: 3, judged: 2, churned: 0, churnRate: 0 },
      { group: 'passive', customers: 2, judged: 2, churned: 2, churnRate: 1 },
      { group: 'detractor', customers: 2, judged: 2, churned: 2, churnRate: 1 },
    ]);
    expect(result.survival.map((curve) => [curve.group, curve.subjects, curve.events])).toEqual([
      ['promoter', 2, 0],
      ['passive', 2, 2],
      ['detractor', 2, 2],
    ]);
  });

  it('refuses a file with no score or comment column', async () => {
    await expect(t.client.importFiles({ kind: 'surveys', files: [join(FIXTURES, '..', 'surveys', 'wjx.csv')], mapping: { csat: '', nps: '', comment: '' } })).rejects.toThrow(
      /no CSAT, NPS or comment column/,
    );
  });
});
