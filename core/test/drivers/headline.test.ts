// The drivers headline compares groups of customers, never "Undetermined" (no rule typed them) or
// customers without a value: such a level says nothing about why customers leave.
import { describe, expect, it } from 'vitest';
import type { DriverCoefficient, DriverTerm } from '../../src/api/index.ts';
import { driversFinding, headline, MISSING_LEVEL } from '../../src/analysis/drivers.ts';
import { UNDETERMINED } from '../../src/analysis/shopperTypes.ts';

const coefficient = (level: string, value: number): DriverCoefficient => ({
  term: 'shopperType',
  level,
  coefficient: value,
  infinite: false,
  hazardRatio: Math.exp(value),
  standardError: 0.1,
  lower: Math.exp(value - 0.196),
  upper: Math.exp(value + 0.196),
  z: value / 0.1,
  pValue: 0.0001,
});

const term: DriverTerm = {
  term: 'shopperType',
  kind: 'categorical',
  reference: 'simple',
  levels: [
    { level: 'simple', subjects: 300, events: 100, names: { zh: '简单型', en: 'Simple' } },
    { level: UNDETERMINED, subjects: 200, events: 150, names: { zh: '未判定', en: 'Undetermined' } },
    { level: MISSING_LEVEL, subjects: 50, events: 45, names: { zh: '无', en: 'none' } },
    { level: 'loyal', subjects: 100, events: 10, names: { zh: '忠诚型', en: 'Loyal' } },
  ],
  mean: null,
  sd: null,
  standardized: false,
  proportionalHazards: null,
};

describe('drivers headline', () => {
  it('leaves Undetermined and missing values out of the comparison', () => {
    // log hazards against Simple: Undetermined +2, (none) +3, Loyal -1; variances 0.01, no covariance
    const coefficients = [coefficient(UNDETERMINED, 2), coefficient(MISSING_LEVEL, 3), coefficient('loyal', -1)];
    const covariance = [
      [0.01, 0, 0],
      [0, 0.01, 0],
      [0, 0, 0.01],
    ];
    const found = headline([term], coefficients, { covariance });
    // Simple (0) against Loyal (-1): exp(1) = 2.718...
    expect(found).toMatchObject({ level: 'simple', than: 'loyal' });
    expect(found!.factor).toBeCloseTo(Math.E, 10);
    expect(found!.sentence.zh).not.toContain('未判定');
  });

  it('has no headline when only an unknown level differs from the reference, and says so instead of "no factor"', () => {
    const terms = [{ ...term, levels: term.levels.slice(0, 2) }];
    const coefficients = [coefficient(UNDETERMINED, 2)];
    const found = headline(terms, coefficients, { covariance: [[0.01]] });
    expect(found).toBeNull();
    const finding = driversFinding(found, terms, coefficients, { pValue: 1e-6 });
    expect(finding.en).toMatch(/^Only customers with shopper type "Undetermined" leave at a significantly different pace/);
    expect(finding.zh).toMatch(/^只有购物者类型为「未判定」的客户流失速度显著不同/);
  });

  it('finds a significant pair when the extremes are not significant', () => {
    // against Simple (0): Loyal +3 with variance 4 (z 1.5), Routine -0.67 with variance 0.0576 (z -2.79, p 0.005);
    // Loyal against Routine: 3.67 over sqrt(4.0576), p 0.068. Only Simple against Routine is significant.
    const coefficients = [{ ...coefficient('loyal', 3), pValue: 0.13 }, { ...coefficient('routine', -0.67), pValue: 0.005 }];
    const terms = [{ ...term, levels: [term.levels[0]!, term.levels[3]!, { level: 'routine', subjects: 120, events: 20, names: { zh: '常规型', en: 'Routine' } }] }];
    const found = headline(terms, coefficients, { covariance: [[4, 0], [0, 0.0576]] });
    expect(found).toMatchObject({ level: 'simple', than: 'routine' });
    expect(found!.factor).toBeCloseTo(Math.exp(0.67), 10);
    // Wald chi-square 0.67^2 / 0.0576 = 7.793, upper tail 0.00524 (R: pchisq(0.67^2/0.0576, 1, lower.tail = FALSE))
    expect(found!.pValue).toBeCloseTo(0.00524, 5);
    expect(driversFinding(found, terms, coefficients, { pValue: 0.01 })).toBe(found!.sentence);
  });

  it('counts a pair at 5% only after Bonferroni over the term\'s pairs', () => {
    // against Simple (0): Routine -0.5 with variance 0.0529 (z -2.17, p 0.0297), Loyal 0 (no difference):
    // three levels make three pairs, so p 0.0297 x 3 = 0.089 is not significant, where alone it was
    const coefficients = [{ ...coefficient('routine', -0.5), pValue: 0.0297 }, { ...coefficient('loyal', 0), pValue: 1 }];
    const terms = [{ ...term, levels: [term.levels[0]!, term.levels[3]!, { level: 'routine', subjects: 120, events: 20, names: { zh: '常规型', en: 'Routine' } }] }];
    expect(headline(terms, coefficients, { covariance: [[0.0529, 0], [0, 0.0001]] })).toBeNull();
    // with Loyal gone, Simple against Routine is the term's one pair
    expect(headline([{ ...terms[0]!, levels: terms[0]!.levels.filter((level) => level.level !== 'loyal') }], [coefficients[0]!], { covariance: [[0.0529]] })).toMatchObject({ level: 'simple', than: 'routine' });
  });

  it('says the factors matter together when no single pair is significant, and "no factor" only when nothing is', () => {
    const coefficients = [{ ...coefficient('loyal', 0.1), pValue: 0.3 }];
    const terms = [{ ...term, levels: [term.levels[0]!, term.levels[3]!] }];
    expect(headline(terms, coefficients, { covariance: [[0.01]] })).toBeNull();
    expect(driversFinding(null, terms, coefficients, { pValue: 0.02 }).en).toBe(
      'Taken together the factors change how fast customers leave (likelihood-ratio test p = 0.020), but no single comparison between groups is significant at the 5% level.',
    );
    expect(driversFinding(null, terms, coefficients, { pValue: 0.4 })).toEqual({ en: 'No factor changes how fast customers leave at the 5% level.', zh: '在 5% 的显著性水平下，没有哪个因素明显改变流失速度。' });
  });
});
