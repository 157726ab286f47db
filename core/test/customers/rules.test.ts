// The shipped rules files load, and hand-edited mistakes fail with E_TAXONOMY naming the place.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShopperRules } from '../../src/api/customers.ts';
import { CoreError } from '../../src/api/errors.ts';
import {
  checkRfmRules,
  checkShopperRules,
  keywordPatternParam,
  loadKeywords,
  loadRfmRules,
  loadShopperRules,
  readRulesFile,
} from '../../src/analysis/customerRules.ts';
import { judgeTypes } from '../../src/analysis/shopperTypes.ts';

function failure(run: () => unknown): CoreError {
  try {
    run();
  } catch (error) {
    if (error instanceof CoreError) return error;
    throw error;
  }
  throw new Error('expected a CoreError');
}

describe('segment rules', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('ships valid rfm.json, shopper-types.json and keywords.json', () => {
    expect(loadRfmRules().rules.segments.map((s) => s.key)).toEqual([
      'champions', 'loyal', 'potential_loyalist', 'new', 'promising', 'need_attention', 'about_to_sleep', 'at_risk', 'cant_lose', 'hibernating', 'lost',
    ]);
    expect(loadShopperRules().rules.types.map((t) => t.key)).toEqual(['connector', 'sportster', 'bargainer', 'routine', 'surfer', 'simplifier']);
    const keywords = loadKeywords().rules;
    expect(keywords.sportsEntertainment).toContain('运动');
    expect(keywords.presaleInquiry.every((word) => word === word.toLowerCase())).toBe(true);
  });

  it('names the file, line and column of broken JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    dirs.push(dir);
    const path = join(dir, 'rfm.json');
    writeFileSync(path, '{\n  "version": 1,\n  "segments": [1,,]\n}\n');
    const error = failure(() => readRulesFile(path, checkRfmRules));
    expect(error.code).toBe('E_TAXONOMY');
    expect(error.message).toMatch(new RegExp(`^${path.replaceAll('/', '\\/')} line 3 column 18: not valid JSON`));
  });

  it('names the JSON path of a bad field', () => {
    const rules = structuredClone(loadShopperRules().rules) as ShopperRules;
    (rules.types[2]!.all[0] as { any: { feature: string }[] }).any[1]!.feature = 'promo_share';
    const error = failure(() => checkShopperRules(rules, 'my.json'));
    expect(error.message).toBe(
      'my.json types[2].all[0].any[1].feature: unknown feature "promo_share"; one of orders, purchase_days, tenure_days, avg_order_value, order_size_ratio, discount_order_share, promotion_day_share, gap_cv, mean_gap_days, distinct_categories, category_entropy, top_category_share, sports_share, repeat_item_share, tickets, tickets_per_order, presale_inquiries',
    );
    expect(failure(() => checkRfmRules({ version: 1, segments: [{ key: 'a', label: { en: 'A', zh: 'A' }, r: [0, 5], f: [1, 5] }] }, 'r.json')).message).toBe(
      'r.json segments[0].r: must be [low, high] with whole scores 1 <= low <= high <= 5',
    );
    expect(failure(() => checkShopperRules({ ...rules, types: [{ ...rules.types[0]!, key: 'undetermined' }] }, 's.json')).message).toContain('reserved');
  });

  it('judges how far each type can go on the available columns', () => {
    const rules = loadShopperRules().rules;
    const nothing = { discount: false, orderCategory: false, lineCategory: false, lineItem: false, tickets: false, items: false, channel: false, region: false };
    expect(judgeTypes(rules, nothing).map((j) => j.judged)).toEqual(['none', 'none', 'partial', 'full', 'none', 'none']);
    const everything = { discount: true, orderCategory: true, lineCategory: true, lineItem: true, tickets: true, items: true, channel: true, region: true };
    expect(judgeTypes(rules, everything).every((j) => j.judged === 'full')).toBe(true);
  });

  it('escapes keywords into one literal regular expression', () => {
    expect(keywordPatternParam(['b2b', 'a.b', 'c|d', '(x)'])).toBe('b2b|a\\.b|c\\|d|\\(x\\)');
    expect(keywordPatternParam([])).toBeNull();
  });
});
