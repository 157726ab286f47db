// The drivers report section: the model-fit line says 自由度 in Chinese, not the English "df"; the
// forest plot's log axis carries its own ticks in full.
import { describe, expect, it } from 'vitest';
import { driversResult as result } from '../drivers/driversResultFixture.ts';
import { driversSections } from '../../src/report/sections/drivers.ts';

describe('drivers report section', () => {
  it('writes the likelihood-ratio degrees of freedom in the report language', () => {
    const fit = (lang: 'en' | 'zh-CN') => driversSections(result, lang).flatMap((section) => section.options ?? []).find((option) => option.value.startsWith('C = '))?.value;
    expect(fit('zh-CN')).toBe('C = 0.710; LR χ² = 40.0 (自由度 2), p < 0.001');
    expect(fit('en')).toBe('C = 0.710; LR χ² = 40.0 (2 df), p < 0.001');
  });

  it.each(['en', 'zh-CN'] as const)('ticks the forest plot from 1 to the widest interval in full (%s)', (lang) => {
    // Delivery: ratio 3, interval 2.4 to 3.75; the infinite level is not drawn
    const xaxis = driversSections(result, lang)[0]!.chart!.layout.xaxis as Record<string, unknown>;
    expect(xaxis).toMatchObject({ type: 'log', tickmode: 'array', tickvals: [1, 2, 5], ticktext: ['1', '2', '5'] });
    expect(xaxis.range).toEqual([-Math.log10(5) * 0.03, Math.log10(5) * 1.03]);
  });
});
