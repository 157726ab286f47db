import { classifyFields, compileTaxonomy } from './src/analysis/reasonClassify.ts';
import { readTaxonomyFile } from './src/analysis/reasonTaxonomy.ts';
const m = compileTaxonomy(readTaxonomyFile('/work/wt-reasons/resources/taxonomy/churn-reasons.json'));
const cases: [string, string[]][] = [
 ['客服态度很好', []], ['售后很好', []], ['购物体验很好', []], ['赶上降价，很划算', []], ['好的售后，发货也快', []],
 ['一个星期才到但是质量很好', ['logistics']], ['物流真是太快了，一个星期才到', ['logistics']], ['客服态度好得很呢，问三遍都不回', ['service']],
 ['没想到质量这么差', ['product_quality']], ['I have never had such poor quality', ['product_quality']], ['没有质量问题', []], ['not late at all', []],
 ['The delivery was not late at all', []], ['百分百不是原厂正品', ['product_quality']], ['客服不太好', ['service']], ['The app crashed twice', ['technical']],
 ['There is a hardware problem with my laptop', ['product_quality']], ['從來沒有這麼差的質量', ['product_quality']], ['ＱＵＡＬＩＴＹ ＩＳ ＰＯＯＲ', ['product_quality']],
 ['没有质量问题，就是发货太慢', ['logistics']], ['No quality issue, but the parcel arrived late', ['logistics']], ['I love chocolate', []], ['我要退货', []], ['不给退款', ['after_sales']],
 ['从来没有遇到这么差的客服', ['service']], ['质量不错，客服也很耐心', []], ['物流很慢，质量也差', ['logistics', 'product_quality']], ['快递很快', []], ['The support agent never replied', ['service']],
 ['質量很差', ['product_quality']], ['发货太慢了', ['logistics']], ['太贵了', ['price']], ['not as described', ['product_quality']], ['as described, great', []],
];
for (const [t, want] of cases) { const c = classifyFields(m, { body: t }); const got = c.reasons.map((r) => r.reason).filter((r) => r !== 'unknown').sort(); const ok = JSON.stringify(got) === JSON.stringify([...want].sort()); console.log(ok ? 'ok ' : 'BAD', t, '=>', c.primary, JSON.stringify(got), JSON.stringify(c.negated.map(e=>e.terms)), JSON.stringify(c.praised.map(e=>e.terms))); }
