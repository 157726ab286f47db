// The praise part of the reason model (reasonPolarity.ts): its weights and probability by hand, its stored form, the
// blend's praise gate, and the shipped part on hand-made reviews.
import { describe, expect, it } from 'vitest';
import type { Classification } from '../../src/api/reasons.ts';
import { classifyFields, compileTaxonomy } from '../../src/analysis/reasonClassify.ts';
import { BLEND, blendWithModel, bundledReasonModel, loadedModel, praiseOf, storedModel, textFeatures, trainReasonModel } from '../../src/analysis/reasonModel.ts';
import { loadedPraiseModel, praiseFeatures, praiseModelOf, praiseProbability, storedPraiseModel } from '../../src/analysis/reasonPolarity.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';

const rulesSay = (reason: string | null, praised = false): Classification => ({
  primary: reason ?? 'unknown',
  reasons: [{ reason: reason ?? 'unknown', confidence: reason ? 0.6 : 0, evidence: [], source: 'rules' }],
  negated: [],
  praised: praised ? [{ field: 'body', terms: ['质量很好'] }] : [],
});
const votes = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('the praise model', () => {
  it('is the difference of a two-label model\'s weights, and reads a text scaled by the features it knows', () => {
    const model = praiseModelOf({
      labels: ['complaint', 'praise'],
      featureIndex: new Map([['w:好', 0], ['w:差', 1]]),
      // feature-major: 好 (complaint -1, praise 1), 差 (complaint 2, praise -1)
      weights: Float64Array.from([-1, 1, 2, -1]),
      bias: Float64Array.from([0.25, -0.25]),
    });
    expect(model.bias).toBe(-0.5);
    expect([...model.weights]).toEqual([['w:好', 2], ['w:差', -3]]);
    // 好 alone: -0.5 + 2 / sqrt(1) = 1.5; 好 and 差: -0.5 + (2 - 3) / sqrt(2); unknown features and the polarity cuts count for nothing
    expect(praiseProbability(model, ['w:好', 'w:unseen', 's>0'])).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 12);
    expect(praiseProbability(model, ['w:好', 'w:差'])).toBeCloseTo(1 / (1 + Math.exp(0.5 + 1 / Math.SQRT2)), 12);
    expect(praiseProbability(model, [])).toBeCloseTo(1 / (1 + Math.exp(0.5)), 12);
    expect(() => praiseModelOf({ labels: ['logistics', 'none'], featureIndex: new Map(), weights: new Float64Array(), bias: new Float64Array(2) })).toThrow(/praise/);
  });

  it('learns without the polarity cuts, which sum log odds learned from the same reviews', () => {
    expect(praiseFeatures(['w:好', 's>0', 's<=3', 'c:好', 'p:unknown'])).toEqual(['w:好', 'c:好', 'p:unknown']);
    const examples = [
      ...['w:好', 'w:满意', 'w:喜欢'].map((word) => ({ features: [word, 'w:推荐'], label: 'praise' })),
      ...['w:差', 'w:慢', 'w:贵'].map((word) => ({ features: [word, 'w:失望'], label: 'complaint' })),
    ];
    const model = praiseModelOf(trainReasonModel(examples)!);
    expect(praiseProbability(model, ['w:满意', 'w:推荐'])).toBeGreaterThan(0.9);
    expect(praiseProbability(model, ['w:慢', 'w:失望'])).toBeLessThan(0.1);
  });

  it('is stored in whole hundredths within the reason model, and reads back', () => {
    const praise = { bias: -0.123, weights: new Map([['w:好', 2.345], ['c:差', -0.004]]) };
    expect(storedPraiseModel(praise)).toEqual({ bias: -12, features: { 'c:差': 0, 'w:好': 235 } });
    expect(loadedPraiseModel(storedPraiseModel(praise))).toEqual({ bias: -0.12, weights: new Map([['c:差', 0], ['w:好', 2.35]]) });
    const model = { ...trainReasonModel([{ features: ['w:慢'], label: 'logistics' }, { features: ['w:好'], label: 'none' }, ...Array(4).fill({ features: ['w:贵'], label: 'price' })])!, praise };
    const loaded = loadedModel(JSON.parse(JSON.stringify(storedModel(model))));
    expect(loaded.praise?.weights.get('w:好')).toBe(2.35);
    expect(praiseOf(loaded, ['w:好'])).toBeCloseTo(1 / (1 + Math.exp(-(-0.12 + 2.35))), 12);
    expect(praiseOf({ praise: null }, ['w:好'])).toBeNull();
  });
});

describe('the blend\'s praise gate', () => {
  const TEXT = '东西收到了';

  it(`gives no reason to a Chinese text read as praise from ${BLEND.praise}, whatever the rules found and the model is unsure of`, () => {
    const found = blendWithModel(rulesSay('logistics'), votes({ logistics: 0.85, none: 0.15 }), TEXT, 0.97);
    expect([found.primary, found.reasons]).toEqual(['unknown', [{ reason: 'unknown', confidence: 0.97, evidence: [], source: 'model' }]]);
    // the model's own reason, where the rules found none
    expect(blendWithModel(rulesSay(null), votes({ product_quality: 0.6, none: 0.4 }), TEXT, 0.93).primary).toBe('unknown');
    expect(blendWithModel(rulesSay(null), votes({ product_quality: 0.6, none: 0.4 }), TEXT, 0.92).primary).toBe('product_quality');
    expect(blendWithModel(rulesSay('logistics'), votes({ logistics: 0.85, none: 0.15 }), TEXT, 0.92).primary).toBe('logistics');
    expect(blendWithModel(rulesSay('logistics'), votes({ logistics: 0.85, none: 0.15 }), TEXT, null).primary).toBe('logistics');
  });

  it(`keeps a reason the model puts ${BLEND.complaintOverPraise} on: a model trained on from corrections may know a complaint the ratings call praise`, () => {
    expect(blendWithModel(rulesSay(null), votes({ competition: 0.95, none: 0.05 }), TEXT, 0.99).primary).toBe('competition');
    expect(blendWithModel(rulesSay(null), votes({ competition: 0.94, none: 0.06 }), TEXT, 0.99).primary).toBe('unknown');
  });

  it('leaves English texts to the rules and the model: the praise model learned from Chinese reviews', () => {
    expect(blendWithModel(rulesSay('logistics'), votes({ logistics: 0.85, none: 0.15 }), 'The parcel came late', 0.99).primary).toBe('logistics');
  });
});

describe('the shipped praise part', () => {
  const matcher = compileTaxonomy(bundledTaxonomy());
  const shipped = bundledReasonModel()!.model;
  const praise = (text: string) => praiseOf(shipped, textFeatures(text, matcher.known, classifyFields(matcher, { body: text }), shipped.polarity))!;

  it('is learned from thousands of features (those seen in at least 100 rated reviews)', () => {
    expect(shipped.praise!.weights.size).toBeGreaterThan(5000);
  });

  it.each(['东西不错，价格实惠，物流也快，好评', '衣服很好看，穿着舒服，很满意'])('reads praise as praise: %s', (text) => {
    expect(praise(text)).toBeGreaterThanOrEqual(BLEND.praise);
  });

  it.each(['质量太差了，穿一次就破了', '等了两个小时，饭都凉了，再也不点了'])('reads a complaint as none: %s', (text) => {
    expect(praise(text)).toBeLessThan(0.05);
  });

  it.each(['一个星期才到但是质量很好', '物流真是太快了，一个星期才到', '客服态度好得很呢，问三遍都不回', '质量很好但是太贵了'])(
    'does not read the issue\'s mixed and sarcastic texts as praise: %s',
    (text) => {
      expect(praise(text)).toBeLessThan(BLEND.praise);
    },
  );
});
