// The drivers headline compares groups of customers, never "Undetermined" (no rule typed them) or
// customers without a value: such a level says nothing about why customers leave.
import { describe, expect, it } from 'vitest';
import type { DriverCoefficient, DriverTerm } from '../../src/api/index.ts';
import { headline, MISSING_LEVEL } from '../../src/analysis/drivers.ts';
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

  it('has no headline when only an unknown level differs from the reference', () => {
    const found = headline([{ ...term, levels: term.levels.slice(0, 2) }], [coefficient(UNDETERMINED, 2)], { covariance: [[0.01]] });
    expect(found).toBeNull();
  });
});
