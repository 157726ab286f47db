// The reason model and its blend with the rules: the thresholds by hand, the stored form, the polarity
// features, training on from a base, and the examples through the shipped classifier.
import { describe, expect, it } from 'vitest';
import type { Classification } from '../../src/api/reasons.ts';
import { classifyFields, compileTaxonomy, readFields } from '../../src/analysis/reasonClassify.ts';
import { classifyWithModel, ticketText } from '../../src/analysis/reasonCorrections.ts';
import { blendWithModel, bundledReasonModel, loadedModel, praiseOf, predictLabels, shippedModelFor, storedModel, textFeatures, textScores, trainReasonModel, type ModelExample } from '../../src/analysis/reasonModel.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';

const rulesSay = (reason: string | null, reading: Partial<Pick<Classification, 'praised' | 'negated'>> = {}): Classification => ({
  primary: reason ?? 'unknown',
  reasons: [{ reason: reason ?? 'unknown', confidence: reason ? 0.6 : 0, evidence: [], source: 'rules' }],
  negated: reading.negated ?? [],
  praised: reading.praised ?? [],
});
const votes = (entries: Record<string, number>) => new Map(Object.entries(entries));
/** A text the blend reads for a question (none here). */
const TEXT = '东西收到了';

describe('blendWithModel: the model overrules the rules only where it is sure', () => {
  it('overrides a found reason from probability 0.8, keeping the rules\' reason as another', () => {
    const blended = blendWithModel(rulesSay('logistics'), votes({ product_quality: 0.85, logistics: 0.1, none: 0.05 }), TEXT);
    expect(blended.primary).toBe('product_quality');
    expect(blended.reasons.map((match) => [match.reason, match.confidence, match.source])).toEqual([
      ['product_quality', 0.85, 'model'],
      ['logistics', 0.6, 'rules'],
    ]);
    expect(blendWithModel(rulesSay('logistics'), votes({ product_quality: 0.79, logistics: 0.11, none: 0.1 }), TEXT).primary).toBe('logistics');
  });

  it('decides where the rules found nothing, unless they read praise or a negated complaint or the text asks (then from 0.8)', () => {
    expect(blendWithModel(rulesSay(null), votes({ product_quality: 0.4, none: 0.35, price: 0.25 }), TEXT).primary).toBe('product_quality');
    expect(blendWithModel(rulesSay(null), votes({ none: 0.5, product_quality: 0.5 }), TEXT).primary).toBe('unknown');
    const praised = { praised: [{ field: 'body' as const, terms: ['质量很好'] }] };
    expect(blendWithModel(rulesSay(null, praised), votes({ product_quality: 0.7, none: 0.3 }), TEXT).primary).toBe('unknown');
    expect(blendWithModel(rulesSay(null, praised), votes({ product_quality: 0.85, none: 0.15 }), TEXT).primary).toBe('product_quality');
    const negated = { negated: [{ field: 'body' as const, terms: ['问题'] }] };
    expect(blendWithModel(rulesSay(null, negated), votes({ product_quality: 0.7, none: 0.3 }), TEXT).primary).toBe('unknown');
    // a question is no complaint either
    expect(blendWithModel(rulesSay(null), votes({ after_sales: 0.7, none: 0.3 }), '请问可以开发票吗').primary).toBe('unknown');
    expect(blendWithModel(rulesSay(null), votes({ after_sales: 0.7, none: 0.3 }), '发票一直没开').primary).toBe('after_sales');
  });

  it('gives no reason where the rules found one and the model says none from 0.5', () => {
    const blended = blendWithModel(rulesSay('service'), votes({ none: 0.5, service: 0.4, price: 0.1 }), TEXT);
    expect([blended.primary, blended.reasons.map((match) => [match.reason, match.source])]).toEqual(['unknown', [['unknown', 'model']]]);
    expect(blendWithModel(rulesSay('service'), votes({ none: 0.49, service: 0.41, price: 0.1 }), TEXT).primary).toBe('service');
  });
});

const examples: ModelExample[] = [
  ...['w:慢', 'w:快递', 'w:等'].map((word) => ({ features: [word, 'w:物流'], label: 'logistics' })),
  ...['w:贵', 'w:价格', 'w:降价'].map((word) => ({ features: [word, 'w:钱'], label: 'price' })),
  ...['w:好', 'w:满意', 'w:喜欢'].map((word) => ({ features: [word, 'w:推荐'], label: 'none' })),
];

describe('the model', () => {
  it('is stored in whole hundredths and reads back to the same predictions', () => {
    const model = { ...trainReasonModel(examples)!, polarity: new Map([['好', 1.234], ['差', -0.004]]) };
    const stored = storedModel(model);
    expect(stored.polarity).toEqual({ 好: 123, 差: 0 });
    expect(Object.values(stored.features).flat().every(Number.isInteger)).toBe(true);
    const loaded = loadedModel(JSON.parse(JSON.stringify(stored)));
    expect(loaded.labels).toEqual(['logistics', 'none', 'price']);
    for (const features of [['w:慢'], ['w:钱', 'w:好'], ['w:unseen']]) {
      const [before, after] = [predictLabels(model, features), predictLabels(loaded, features)];
      for (const label of loaded.labels) expect(Math.abs(before.get(label)! - after.get(label)!)).toBeLessThan(0.01);
    }
    expect(loaded.polarity.get('好')).toBe(1.23);
  });

  it('trains on from a base: the base\'s labels stay, a new label is learned, and the new words decide', () => {
    const base = trainReasonModel(examples)!;
    const corrections = ['w:别家', 'w:超市', 'w:对面'].flatMap((word) => [
      { features: [word, 'w:还不如'], label: 'competition' },
      { features: [word, 'w:好'], label: 'none' },
    ]);
    const trained = trainReasonModel(corrections, base)!;
    expect(trained.labels).toEqual(['competition', 'logistics', 'none', 'price']);
    expect(trained.examples).toBe(examples.length + corrections.length);
    const probabilities = predictLabels(trained, ['w:还不如', 'w:别家']);
    expect([...probabilities].sort((a, b) => b[1] - a[1])[0]![0]).toBe('competition');
    // what only the base knew is still known
    expect([...predictLabels(trained, ['w:慢', 'w:物流'])].sort((a, b) => b[1] - a[1])[0]![0]).toBe('logistics');
    // too few corrections teach nothing: the base itself
    expect(trainReasonModel(corrections.slice(0, 2), base)).toBe(base);
  });

  it('reads a text\'s polarity as the summed log odds of its characters and pairs, cut at fixed points', () => {
    const matcher = compileTaxonomy(bundledTaxonomy());
    const polarity = new Map([['好', 2], ['很好', 2.5], ['差', -4]]);
    // 很好: 好 2 + 很好 2.5 = 4.5, above 3 and not above 5
    const features = textFeatures('很好', matcher.known, rulesSay(null), polarity);
    expect(features.filter((feature) => feature.startsWith('s'))).toEqual(['s>-12', 's>-8', 's>-5', 's>-3', 's>-1', 's>0', 's>1', 's>3', 's<=5', 's<=8', 's<=12']);
    expect(features).toEqual(expect.arrayContaining(['w:很', 'w:好', 'c:很', 'c:好', 'c:很好', 'p:unknown']));
    // no polarity for a text without Chinese
    expect(textFeatures('too slow', matcher.known, rulesSay(null), polarity).some((feature) => feature.startsWith('s'))).toBe(false);
  });
});

describe('the shipped classifier (rules and the shipped model)', () => {
  const matcher = compileTaxonomy(bundledTaxonomy());
  const shipped = bundledReasonModel();
  const classify = (text: string) => classifyWithModel(matcher, shipped!.model, { body: text });

  it('applies the shipped model only under the taxonomy it learned with (its version aside)', () => {
    const taxonomy = bundledTaxonomy();
    expect(shippedModelFor(taxonomy)?.model).toBe(shipped!.model);
    expect(shippedModelFor({ ...taxonomy, version: taxonomy.version + 1 })?.model).toBe(shipped!.model);
    const edited = { ...taxonomy, reasons: taxonomy.reasons.map((reason) => (reason.key === 'service' ? { ...reason, keywords: { ...reason.keywords, zh: [...(reason.keywords?.zh ?? []), '很满意'] } } : reason)) };
    expect(shippedModelFor(edited)).toBeNull();
  });

  it('ships a model learned from Chinese texts that judges Chinese texts only', () => {
    expect(shipped?.model.judges).toBe('chinese');
    for (const text of ['Late delivery, and too expensive', 'I have never had such poor quality', 'The support agent was friendly and helpful']) {
      expect(classify(text)).toEqual(classifyFields(matcher, { body: text }));
    }
  });

  it.each([
    ['客服态度很好', 'unknown'],
    ['售后很好', 'unknown'],
    ['购物体验很好', 'unknown'],
    ['赶上降价，很划算', 'unknown'],
    ['好的售后，发货也快', 'unknown'],
    ['一个星期才到但是质量很好', 'logistics'],
    ['物流真是太快了，一个星期才到', 'logistics'],
    ['客服态度好得很呢，问三遍都不回', 'service'],
    ['没想到质量这么差', 'product_quality'],
    ['没有质量问题', 'unknown'],
    ['百分百不是原厂正品', 'product_quality'],
    ['客服不太好', 'service'],
    ['质量很好但是太贵了', 'price'],
  ])('keeps the issue\'s example: %s is %s', (text, primary) => {
    expect(classify(text).primary).toBe(primary);
  });
});

describe('textScores: the model\'s prediction and praise without naming the features', () => {
  const matcher = compileTaxonomy(bundledTaxonomy());
  const shipped = bundledReasonModel()!.model;
  // Repeated words and pairs (counted once), praise terms, English, mixed, traditional and full-width
  // forms, digits, no Chinese, nothing at all
  const TEXTS = [
    '物流太慢了，物流太慢了，等了3天才到',
    '客服态度很好，售后很好，质量很好',
    '质量很好但是太贵了，好的售后',
    '没想到质量这么差，百分百不是原厂正品',
    '質量問題很多，ＡＰＰ一直閃退',
    'the app keeps crashing 而且客服不回复',
    'Late delivery, and too expensive',
    '订单#48213 退款 still waiting',
    '',
  ];
  const trained = trainReasonModel(
    TEXTS.slice(0, 6).map((text, index) => ({ features: textFeatures(text, matcher.known, classifyFields(matcher, { body: text }), shipped.polarity), label: ['logistics', 'none', 'price', 'product_quality', 'technical', 'service'][index]! })),
    shipped,
  )!;

  it.each([
    ['the shipped model', shipped],
    ['a model trained on from it', trained],
  ])('gives %s\'s predictLabels and praiseOf of textFeatures to the last bit', (_, model) => {
    expect(model.praise).not.toBeNull();
    const scored = (scores: { probabilities: Map<string, number>; praise: number | null }) => [[...scores.probabilities], scores.praise];
    let shared = 0;
    for (const text of TEXTS) {
      const { rules, words } = readFields(matcher, { body: text });
      const features = textFeatures(text, matcher.known, rules, model.polarity);
      const expected = [[...predictLabels(model, features)], praiseOf(model, features)];
      expect([text, scored(textScores(model, text, matcher.known, rules))]).toEqual([text, expected]);
      // with the words the rules read, where they hand them over
      if (words) shared++;
      expect([text, scored(textScores(model, text, matcher.known, rules, words))]).toEqual([text, expected]);
    }
    // the praise part reads the texts apart: the praising one above the complaining one
    const praiseOfText = (text: string) => textScores(model, text, matcher.known, classifyFields(matcher, { body: text })).praise!;
    expect(praiseOfText('东西很好，很喜欢，下次还来买')).toBeGreaterThan(0.9);
    expect(praiseOfText(TEXTS[0]!)).toBeLessThan(0.1);
    expect(shared).toBeGreaterThan(5);
    // the texts are read, not all alike: their top labels differ
    const tops = TEXTS.map((text) => [...textScores(model, text, matcher.known, classifyFields(matcher, { body: text })).probabilities].sort((a, b) => b[1] - a[1])[0]![0]);
    expect(new Set(tops).size).toBeGreaterThan(2);
  });

  it('classifies tickets of several fields as the features named one by one would (the rules\' words of every field)', () => {
    const tickets = [
      { category: '书籍', body: '物流太慢了，等了三天才到' },
      { category: '手机', subject: '屏幕', body: '质量很好但是太贵了' },
      { subject: '退款', body: "质量很差，can't use it" },
      { category: '物流', body: '包装破损' },
    ];
    for (const fields of tickets) {
      const text = ticketText(fields);
      const rules = classifyFields(matcher, fields);
      const features = textFeatures(text, matcher.known, rules, shipped.polarity);
      const expected = blendWithModel(rules, predictLabels(shipped, features), text, praiseOf(shipped, features));
      expect([text, classifyWithModel(matcher, shipped, fields)]).toEqual([text, expected]);
    }
    expect(tickets.filter((fields) => readFields(matcher, fields).words !== null)).toHaveLength(2);
  });
});
