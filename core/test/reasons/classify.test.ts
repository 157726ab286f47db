// Matching on hand-made bilingual texts: every reason in both languages, negation, several reasons in one
// ticket, structured fields before text, traditional characters, full-width forms, and taxonomy checks
// (polarity.test.ts holds the examples of aspect, praise, sarcasm and negation scope).
import { describe, expect, it } from 'vitest';
import type { Classification, Taxonomy } from '../../src/api/reasons.ts';
import { CONFIDENCE, classifyFields, compileTaxonomy, readFields, readText, zeroDigits, type TicketFields } from '../../src/analysis/reasonClassify.ts';
import { segment } from '../../src/analysis/reasonTokens.ts';
import { ticketText } from '../../src/analysis/reasonCorrections.ts';
import { dict } from '@node-rs/jieba/dict.js';
import { bundledTaxonomy, checkTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { normalizeText } from '../../src/text/normalize.ts';

const taxonomy = bundledTaxonomy();
const classify = (fields: TicketFields | string): Classification =>
  classifyFields(compileTaxonomy(taxonomy), typeof fields === 'string' ? { body: fields } : fields);
const reasonsOf = (fields: TicketFields | string) => classify(fields).reasons.map((match) => match.reason).sort();

/** One complaint per reason and language, written for this test (not taken from the taxonomy's lists). */
const EVERY_REASON: [reason: string, zh: string, en: string][] = [
  ['product_quality', '衣服洗了一次就掉色，做工粗糙', 'The kettle arrived faulty and stopped working after a day'],
  ['service', '客服态度恶劣，问了三遍都爱理不理', 'Support was rude and took a week to reply'],
  ['price', '同样的东西这里太贵了，性价比低', 'Way too expensive for what you get, overpriced'],
  ['competition', '以后去别家买了，其他平台包邮', 'A competitor offered a better deal, so we are switching to them'],
  ['logistics', '快递太慢了，而且包装破损', 'Slow shipping and the parcel was damaged in transit'],
  ['after_sales', '申请退款两周了，商家拒绝退货', 'My return was refused and I am still waiting for my refund'],
  ['experience', '支付流程繁琐，界面难用', 'The checkout is confusing, too many steps to pay'],
  ['technical', '网站打不开，付款失败三次', 'The app keeps crashing and the payment failed'],
  ['privacy', '刚下单就接到骚扰电话，个人信息泄露了吧', 'My personal data leaked and now I get spam calls'],
  ['marketing', '每天短信轰炸，广告太多', 'Too many promotional emails, I had to unsubscribe'],
  ['personalization', '首页推荐不准，乱推荐', 'The recommendations are irrelevant to me'],
  ['natural', '我们搬家了，以后不需要了', 'We moved abroad and no longer need supplies'],
];

describe('classification of hand-made texts', () => {
  it('the bundled taxonomy has the twelve reasons of DOMAIN.md section 3, each tested below in both languages', () => {
    expect(taxonomy.reasons.map((reason) => reason.key).sort()).toEqual(EVERY_REASON.map(([reason]) => reason).sort());
  });

  it.each(EVERY_REASON)('%s: found in Chinese and in English', (reason, zh, en) => {
    expect(reasonsOf(zh)).toEqual([reason]);
    expect(reasonsOf(en)).toEqual([reason]);
  });

  it('praise and plain questions match nothing: one unknown row, never an empty list', () => {
    for (const text of ['质量很好，物流也快，下次还会买', '请问可以开发票吗', 'Great quality and fast delivery, thank you', 'Could you send a VAT invoice?', '']) {
      expect(classify(text).reasons, text).toEqual([{ reason: 'unknown', confidence: 0, evidence: [], source: 'rules' }]);
      expect(classify(text).primary).toBe('unknown');
    }
  });

  it('negation of a complaint drops it and reports it as negated, with where it lies', () => {
    expect(classify('没有质量问题，就是发货太慢')).toEqual({
      primary: 'logistics',
      reasons: [{ reason: 'logistics', confidence: CONFIDENCE.textWord, evidence: [{ field: 'body', terms: ['发货太慢'], spans: [{ start: 9, end: 13 }] }], source: 'rules' }],
      negated: [{ field: 'body', terms: ['质量问题'], spans: [{ start: 2, end: 6 }] }],
      praised: [],
    });
    expect(classify('No quality problem, but you sent the wrong items').reasons.map((match) => match.reason)).toEqual(['logistics']);
    expect(classify('No quality problem, but you sent the wrong items').negated).toEqual([{ field: 'body', terms: ['quality problem'], spans: [{ start: 3, end: 18 }] }]);
    for (const text of ['质量没问题', '并没有发现质量问题', 'no problem with delivery', 'The parcel was not late', 'never had any quality issues']) {
      expect(reasonsOf(text), text).toEqual(['unknown']);
    }
  });

  it('negation does not reach across a clause or from far away', () => {
    // 没 three characters before 坏了 is not negating it ("it broke within a few days")
    expect(reasonsOf('没几天就坏了')).toEqual(['product_quality']);
    // the comma ends the negated clause: the delivery is still late
    expect(reasonsOf('No damage, late delivery though')).toEqual(['logistics']);
    // a keyword that contains a negation word is itself the complaint
    expect(reasonsOf('无法退款')).toEqual(['after_sales']);
    expect(reasonsOf('问了好几次都没人理')).toEqual(['service']);
  });

  it('a ticket can carry several reasons, each with its own evidence; the one complained of most is primary', () => {
    const result = classify({ subject: '差评', body: '质量太差，物流也慢得要死。客服态度恶劣，还一直不回复' });
    expect(result.reasons.map((match) => match.reason).sort()).toEqual(['logistics', 'product_quality', 'service']);
    // two complaints of service (态度恶劣, 不回复) against one each of quality and delivery
    expect(result.primary).toBe('service');
    const service = result.reasons.find((match) => match.reason === 'service');
    expect(service?.evidence).toEqual([{ field: 'body', terms: ['态度恶劣', '不回复'], spans: [{ start: 15, end: 19 }, { start: 23, end: 26 }] }]);
    expect(service?.confidence).toBe(CONFIDENCE.textWord + CONFIDENCE.perExtraWord);
    // ties go to the reason complained of first
    expect(classify('物流太慢，质量也差').primary).toBe('logistics');
    expect(classify('质量也差，物流太慢').primary).toBe('product_quality');
    expect(classify('太贵了').reasons).toEqual([{ reason: 'price', confidence: CONFIDENCE.textWord, evidence: [{ field: 'body', terms: ['太贵'], spans: [{ start: 0, end: 2 }] }], source: 'rules' }]);
  });

  it('a category or refund reason that names a reason comes first with the highest confidence', () => {
    const result = classify({ category: '物流', refund_reason: null, body: '太贵了，真的太贵了' });
    // named by the category, it is primary though the body complains of price twice
    expect(result.primary).toBe('logistics');
    expect(result.reasons).toEqual([
      { reason: 'logistics', confidence: CONFIDENCE.namedByField, evidence: [{ field: 'category', terms: ['物流'] }], source: 'rules' },
      { reason: 'price', confidence: CONFIDENCE.textWord + CONFIDENCE.perExtraWord, evidence: [{ field: 'body', terms: ['太贵'], spans: [{ start: 0, end: 2 }, { start: 6, end: 8 }] }], source: 'rules' },
    ]);
    expect(classify({ refund_reason: 'Refund request' }).reasons).toEqual([
      { reason: 'after_sales', confidence: CONFIDENCE.namedByField, evidence: [{ field: 'refund_reason', terms: ['Refund request'] }], source: 'rules' },
    ]);
    // a keyword inside a refund-reason text: structured, but not a listed value
    expect(classify({ refund_reason: '收到的商品与描述不符' }).reasons).toEqual([
      { reason: 'product_quality', confidence: CONFIDENCE.structuredWord, evidence: [{ field: 'refund_reason', terms: ['与描述不符'], spans: [{ start: 5, end: 10 }] }], source: 'rules' },
    ]);
  });

  it('traditional characters, full-width forms and upper case match the simplified, half-width, lower-case keywords', () => {
    expect(normalizeText('質量問題　ＬＡＴＥ　Ｄｅｌｉｖｅｒｙ！')).toBe('质量问题 late delivery!');
    expect(classify('退款太難了，客服態度惡劣').reasons.map((match) => [match.reason, match.evidence[0]?.terms])).toEqual([
      ['after_sales', ['退款太难']],
      ['service', ['态度恶劣']],
    ]);
    expect(reasonsOf('ＬＡＴＥ ＤＥＬＩＶＥＲＹ, ＴＯＯ ＥＸＰＥＮＳＩＶＥ')).toEqual(['logistics', 'price']);
  });

  it('English keywords match whole words only', () => {
    // "late" inside "chocolate", "return" inside "returning"
    expect(reasonsOf('The chocolate was lovely, returning customer here')).toEqual(['unknown']);
  });

  it('a low rating raises a matched reason and, alone, stays as evidence of dissatisfaction on unknown', () => {
    const low = classify({ body: 'Late delivery', rating: 1 });
    expect(low.reasons).toEqual([
      {
        reason: 'logistics',
        confidence: CONFIDENCE.textWord + CONFIDENCE.lowRating,
        evidence: [{ field: 'body', terms: ['late delivery'], spans: [{ start: 0, end: 13 }] }, { field: 'rating', terms: ['1'] }],
        source: 'rules',
      },
    ]);
    expect(classify({ body: '一般般', rating: 2 }).reasons).toEqual([{ reason: 'unknown', confidence: 0, evidence: [{ field: 'rating', terms: ['2'] }], source: 'rules' }]);
    expect(classify({ body: '一般般', rating: 3 }).reasons).toEqual([{ reason: 'unknown', confidence: 0, evidence: [], source: 'rules' }]);
  });

  it('patterns are regular expressions on each normalised clause', () => {
    const edited = structuredClone(taxonomy);
    edited.reasons[0]!.patterns = ['zipper (?:broke|snapped)'];
    expect(classifyFields(compileTaxonomy(edited), { body: 'Nice colour. The zipper snapped on day one' }).reasons).toEqual([
      { reason: 'product_quality', confidence: CONFIDENCE.textWord, evidence: [{ field: 'body', terms: ['zipper snapped'], spans: [{ start: 17, end: 31 }] }], source: 'rules' },
    ]);
    // words between the aspect and the complaint, but no negation among them
    expect(reasonsOf('快递真的太慢')).toEqual(['logistics']);
    expect(reasonsOf('快递也不慢')).toEqual(['unknown']);
  });

  it('slow alone is the delivery, but a device that responds or charges slowly is the goods', () => {
    expect(reasonsOf('太慢了')).toEqual(['logistics']);
    expect(reasonsOf('反应太慢，退货')).toEqual(['product_quality']);
    expect(reasonsOf('充电超级慢')).toEqual(['product_quality']);
    expect(reasonsOf('开机很慢，物流也慢')).toEqual(['logistics', 'product_quality']);
  });
});

describe('taxonomy checks', () => {
  const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(taxonomy)) as Record<string, unknown>;
  const edit = (change: (value: Taxonomy) => void) => {
    const value = valid() as unknown as Taxonomy;
    change(value);
    return () => checkTaxonomy(value);
  };

  it('accepts the bundled file and fills in lowRating', () => {
    const { lowRating: _, ...rest } = valid();
    expect(checkTaxonomy(rest).lowRating).toBe(2);
  });

  it.each([
    ['an empty keyword', (t: Taxonomy) => (t.reasons[3]!.keywords.zh[2] = ' '), 'taxonomy reasons[3].keywords.zh[2]: empty'],
    ['a duplicate key', (t: Taxonomy) => (t.reasons[1]!.key = t.reasons[0]!.key), 'taxonomy reasons[1].key: duplicate key "product_quality"'],
    ['the reserved key', (t: Taxonomy) => (t.reasons[0]!.key = 'unknown'), 'taxonomy reasons[0].key: "unknown" is reserved'],
    ['an unknown churn type', (t: Taxonomy) => ((t.reasons[2] as { churnType: string }).churnType = 'bored'), 'taxonomy reasons[2].churnType: must be one of'],
    ['a bad pattern', (t: Taxonomy) => (t.reasons[0]!.patterns = ['(unclosed']), 'taxonomy reasons[0].patterns[0]: not a valid regular expression'],
    // (a+)+$ backtracks exponentially: it once passed the check and hung classification on a 37-character text
    ['a nested repeat', (t: Taxonomy) => (t.reasons[0]!.patterns = ['(a+)+$']), 'taxonomy reasons[0].patterns[0]: unsafe regular expression "(a+)+$"'],
    ['a repeated alternation', (t: Taxonomy) => (t.reasons[1]!.patterns = ['x(?:a|aa)*y']), 'taxonomy reasons[1].patterns[0]: unsafe regular expression'],
    ['a back-reference', (t: Taxonomy) => (t.reasons[1]!.patterns = ['(a)\\1']), 'back-references and look-arounds are not allowed'],
    ['three unbounded repeats', (t: Taxonomy) => (t.reasons[1]!.patterns = ['a.*b.*c.*d']), 'at most two unbounded repeats'],
    ['an unknown unnamedAspect', (t: Taxonomy) => (t.unnamedAspect = 'goods'), 'taxonomy unnamedAspect: must be the key of a reason, got "goods"'],
    ['a text where a list belongs', (t: Taxonomy) => ((t.reasons[5]!.keywords as { en: unknown }).en = 'refund'), 'taxonomy reasons[5].keywords.en: must be a list'],
    ['no reasons', (t: Taxonomy) => (t.reasons = []), 'taxonomy reasons: must not be empty'],
    ['a version of 0', (t: Taxonomy) => (t.version = 0), 'taxonomy version: must be a whole number from 1'],
  ])('names the entry of %s, with E_TAXONOMY', (_, change, message) => {
    expect(edit(change)).toThrow(expect.objectContaining({ code: 'E_TAXONOMY', message: expect.stringContaining(message) }));
  });

  it('a reason that could never match is refused', () => {
    const check = edit((t) => {
      const { aspects: _a, actions: _b, opinions: _c, ...rest } = t.reasons[0]!;
      t.reasons[0] = { ...rest, keywords: { zh: [], en: [] }, patterns: [], categories: [] };
    });
    expect(check).toThrow('reasons[0]: reason "product_quality" has no keyword, aspect, action, opinion, pattern or category');
  });

  it('safe patterns pass, and the 37-character text that hung the old check is classified', () => {
    const edited = structuredClone(taxonomy);
    edited.reasons[0]!.patterns = ['(?:质量|做工)[^，。]{0,3}(?:差|烂)', 'a+b?c*$', '(?:ab)?x{2,5}'];
    const checked = checkTaxonomy(edited);
    expect(classifyFields(compileTaxonomy(checked), { body: `${'a'.repeat(36)}!` }).primary).toBe('product_quality');
  });
});

describe('the words the rules hand the model (readFields)', () => {
  const matcher = compileTaxonomy(taxonomy);
  const wholeText = (text: string) => segment(zeroDigits(normalizeText(text)), matcher.known).map((unit) => unit.key);

  it.each([
    '物流太慢了，等了3天才到！客服态度很好',
    '等了3天，天气也不好',
    '質量問題很多，ＡＰＰ一直閃退',
    '这个app很差 用了两天就坏了',
    "The app keeps crashing, and support didn't reply",
  ])('are the whole text\'s words, whether its clauses were read before or not: %s', (text) => {
    for (let pass = 0; pass < 2; pass++) {
      const { words } = readFields(matcher, { body: text });
      expect(words).toEqual({ normalised: zeroDigits(normalizeText(text)), words: wholeText(text) });
    }
  });

  it('are left to the model where clause by clause reads otherwise: an English clause in a Chinese text, a clause opening with 天才', () => {
    const readWords = (text: string) => readText(matcher, normalizeText(text)).words;
    expect([readWords("质量很差，can't use it"), wholeText("质量很差，can't use it")]).toEqual([
      ['质量', '很', '差', 'can', 'not', 'use', 'it'],
      ['质量', '很', '差', 'can', 't', 'use', 'it'],
    ]);
    expect(readFields(matcher, { body: "质量很差，can't use it" }).words).toBeNull();
    // 3，天才送到 is 3天 + 才 to the whole text, but a clause read before leaves 天才送到 to be read alone
    readFields(matcher, { body: '等了7' });
    expect([readWords('等了7，天才送到'), wholeText('等了7，天才送到')]).toEqual([
      ['等', '了', '0', '天才', '送到'],
      ['等', '了', '0', '天', '才', '送到'],
    ]);
    expect(readFields(matcher, { body: '等了7，天才送到' }).words).toBeNull();
  });

  it('share a full stop as a clause end with jieba: no word of its dictionary holds one, so none spans it', () => {
    const words = new TextDecoder().decode(dict).split('\n').map((line) => line.split(' ')[0]!);
    expect(words.length).toBeGreaterThan(300_000);
    expect(words.filter((word) => word.includes('.'))).toEqual([]);
    expect(readFields(matcher, { body: '质量很好.物流很慢' }).words?.words).toEqual(wholeText('质量很好.物流很慢'));
  });

  it('are the words of the fields joined as the model reads them, unless a field names a reason (no text to the rules)', () => {
    expect(readFields(matcher, { category: '书籍', subject: '退款', body: '质量很差' }).words).toEqual({ normalised: '书籍. 退款. 质量很差', words: wholeText('书籍. 退款. 质量很差') });
    expect(ticketText({ category: '书籍', subject: '退款', body: '质量很差' })).toBe('书籍. 退款. 质量很差');
    expect(readFields(matcher, { subject: null, body: '质量很差', rating: 1 }).words?.words).toEqual(wholeText('质量很差'));
    expect(readFields(matcher, { category: '物流', body: '质量很差' }).words).toBeNull();
  });
});
