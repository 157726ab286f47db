// Every example of the churn-reason issue: aspect and polarity, sarcasm, negation by scope, words not
// substrings, inflections, traditional and full-width forms, one primary reason.
import { describe, expect, it } from 'vitest';
import { classifyFields, compileTaxonomy } from '../../src/analysis/reasonClassify.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { segment } from '../../src/analysis/reasonTokens.ts';

const matcher = compileTaxonomy(bundledTaxonomy());
const classify = (text: string) => classifyFields(matcher, { body: text });
const reasonsOf = (text: string) => classify(text).reasons.map((match) => match.reason).sort();

describe('a reason is given for a complaint about its aspect, not for a mention of it', () => {
  it.each([
    ['客服态度很好', 'service'],
    ['售后很好', 'after_sales'],
    ['购物体验很好', 'experience'],
    ['赶上降价，很划算', 'price'],
    ['好的售后，发货也快', 'after_sales'],
    ['The support agent was friendly and helpful', 'service'],
    ['Fast delivery, on time', 'logistics'],
  ])('praise gives no reason: %s', (text, aspect) => {
    const result = classify(text);
    expect(result.primary).toBe('unknown');
    expect(result.reasons.map((match) => match.reason)).toEqual(['unknown']);
    // the praised aspect is reported, so it is clear why no reason was given
    expect(result.praised.length, `${text} praises ${aspect}`).toBeGreaterThan(0);
  });

  it('a mixed text gives only the complained-of aspect', () => {
    expect(reasonsOf('一个星期才到但是质量很好')).toEqual(['logistics']);
    expect(reasonsOf('质量很好，就是太贵了')).toEqual(['price']);
    expect(reasonsOf('Great quality, but the parcel arrived late')).toEqual(['logistics']);
  });

  it('sarcasm: a positive phrase contradicted by the fact next to it is the complaint', () => {
    expect(classify('物流真是太快了，一个星期才到').primary).toBe('logistics');
    expect(classify('客服态度好得很呢，问三遍都不回').primary).toBe('service');
  });
});

describe('negation by scope, not by window', () => {
  /** Pairs: the first complains, the second, with the negation governing the complaint, does not. */
  const PAIRS: [complaint: string, reason: string, notComplaint: string][] = [
    ['没想到质量这么差', 'product_quality', '没有质量问题'],
    ['从来没有这么差的质量', 'product_quality', '质量没有问题'],
    ['I have never had such poor quality', 'product_quality', 'I never had a quality problem'],
    ['The parcel was late', 'logistics', 'The parcel was not late at all'],
    ['百分百不是原厂正品', 'product_quality', '百分百原厂正品'],
    ['客服不太好', 'service', '客服不错'],
    ['物流不快', 'logistics', '物流不慢'],
    ['They never replied to my emails', 'service', 'They replied within a day'],
    ['不给退款', 'after_sales', '退款很快'],
    ['没几天就坏了', 'product_quality', '没坏'],
  ];
  it.each(PAIRS)('%s complains of %s; %s does not', (complaint, reason, notComplaint) => {
    expect(classify(complaint).primary, complaint).toBe(reason);
    expect(classify(notComplaint).primary, notComplaint).toBe('unknown');
  });

  it('a negated complaint is reported as negated', () => {
    expect(classify('没有质量问题').negated.flatMap((item) => item.terms)).toEqual(['质量问题']);
    expect(classify('not late at all').negated.flatMap((item) => item.terms)).toEqual(['late']);
  });

  it('negation does not reach into the next clause', () => {
    expect(reasonsOf('没有质量问题，就是发货太慢')).toEqual(['logistics']);
    expect(reasonsOf('No quality issue, but the delivery was slow')).toEqual(['logistics']);
  });
});

describe('words, not substrings', () => {
  it('Chinese is read in jieba words: 快 inside 快递 is no praise of speed, 好 inside 好评 no opinion', () => {
    expect(segment('快递很快', matcher.known).map((unit) => unit.key)).toEqual(['快递', '很快']);
    expect(classify('快递很快').praised.flatMap((item) => item.terms)).toEqual(['快递很快']);
    expect(reasonsOf('快递员送错了地址')).toEqual(['logistics']);
    expect(reasonsOf('好评')).toEqual(['unknown']);
  });

  it('a function word glued to an opinion is split off: 不太好 is 不 + 太 + 好', () => {
    expect(segment('客服不太好', matcher.known).map((unit) => unit.key)).toEqual(['客服', '不太', '好']);
  });

  it('English is read in lemmas: one entry covers its inflections', () => {
    expect(classify('The app crashed twice').primary).toBe('technical');
    expect(classify('The app keeps crashing').primary).toBe('technical');
    expect(classify('There is a hardware problem with my laptop').primary).toBe('product_quality');
    expect(classify('Hardware problems again').primary).toBe('product_quality');
  });

  it('an English keyword does not fire inside another word', () => {
    expect(reasonsOf('I love the chocolate, returning customer')).toEqual(['unknown']);
  });

  it('traditional characters and full-width forms read as simplified and half-width', () => {
    expect(classify('質量很差').primary).toBe('product_quality');
    expect(classify('從來沒有這麼差的客服').primary).toBe('service');
    expect(classify('ＴＨＥ ＡＰＰ ＣＲＡＳＨＥＤ').primary).toBe('technical');
  });
});

describe('one primary reason per text', () => {
  it('is the reason complained of most, ties to the first, unknown when none', () => {
    expect(classify('发货太慢，包装也破损了，质量还行').primary).toBe('logistics');
    expect(classify('太贵了，质量也差，做工粗糙').primary).toBe('product_quality');
    expect(classify('请问什么时候发货').primary).toBe('unknown');
  });
});

describe('words that judge only in some places (found in the reviews outside the test part)', () => {
  it.each([
    ['送给小侄子的，故事很有趣', 'unknown'],
    ['感谢赠送的小礼物', 'unknown'],
    ['虽然有点小贵，但我觉得值了', 'price'],
    ['基本上没有什么大问题', 'unknown'],
    ['屏幕靓丽，就是稍微小了一点', 'product_quality'],
    ['平板收到，除了内存小了点，其它还算满意', 'product_quality'],
  ])('小 and 大 judge size only as a predicate: %s gives %s', (text, reason) => {
    expect(classify(text).primary).toBe(reason);
  });

  it.each([
    ['唯一的不足就是房间有点旧', 'product_quality'],
    ['唯一的不足就是，总体很满意', 'unknown'],
    ['原来以为是质量问题，后来看了还是挺好的', 'unknown'],
    ['本以为质量很好，结果一般', 'product_quality'],
    ['犹豫了很久，终于买了', 'unknown'],
    ['目前也没什么问题，很愉快的一次购物', 'unknown'],
    ['问了几天客服，也不给解决', 'service'],
    ['速度极慢，发到霍尔果斯用了三天多', 'logistics'],
    ['待机时间太短了', 'product_quality'],
  ])('what a phrase governs: %s gives %s', (text, reason) => {
    expect(classify(text).primary).toBe(reason);
  });

  it.each([
    ['等了3天才到', 'logistics'],
    ['送了两个多小时', 'logistics'],
    ['保质期是到2020年的', 'unknown'],
    ['基本上能用个4天到5天', 'unknown'],
    ['全程冷链配送，收货时还是冰的', 'unknown'],
  ])('a duration next to an arrival is a delay, a date or a range is not: %s gives %s', (text, reason) => {
    expect(classify(text).primary).toBe(reason);
  });

  it('3天才到 is read as 天 + 才, not 天才 (genius), and 什么 stays one word', () => {
    expect(segment('等了3天才到', matcher.known).map((unit) => unit.key)).toEqual(['等', '了', '3', '天', '才', '到']);
    expect(segment('没有什么问题', matcher.known).map((unit) => unit.key)).toEqual(['没有', '什么', '问题']);
  });
});
