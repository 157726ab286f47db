// The drivers report section in Chinese: the model-fit line says 自由度, not the English "df".
import { describe, expect, it } from 'vitest';
import { driversResult as result } from '../drivers/driversResultFixture.ts';
import { driversSections } from '../../src/report/sections/drivers.ts';

describe('drivers report section', () => {
  it('writes the likelihood-ratio degrees of freedom in the report language', () => {
    const fit = (lang: 'en' | 'zh-CN') => driversSections(result, lang).flatMap((section) => section.options ?? []).find((option) => option.value.startsWith('C = '))?.value;
    expect(fit('zh-CN')).toBe('C = 0.710; LR χ² = 40.0 (自由度 2), p < 0.001');
    expect(fit('en')).toBe('C = 0.710; LR χ² = 40.0 (2 df), p < 0.001');
  });
});
