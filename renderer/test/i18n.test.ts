import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { initialLanguage, translate } from '../src/i18n/I18nProvider.tsx';
import { zhCN } from '../src/i18n/zhCN.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('message catalogues', () => {
  it('have the same keys in zh-CN and en', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty messages', () => {
    for (const catalogue of [en, zhCN]) {
      const empty = Object.entries(catalogue).filter(([, text]) => text.trim() === '');
      expect(empty).toEqual([]);
    }
  });

  it('use the same placeholders in both languages', () => {
    const mismatched = Object.keys(en).filter((key) => {
      const k = key as keyof typeof en;
      return placeholders(en[k]).join() !== placeholders(zhCN[k]).join();
    });
    expect(mismatched).toEqual([]);
  });

  it('translate Chinese for real (a zh-CN message that equals the English one is a forgotten translation)', () => {
    const untranslated = Object.keys(en).filter((key) => {
      const k = key as keyof typeof en;
      return zhCN[k] === en[k] && /[a-z]{3}/.test(en[k]) && !/^[A-Z]{2,5}$/.test(en[k]);
    });
    expect(untranslated).toEqual([]);
  });

  it('fills placeholders and keeps unknown ones visible', () => {
    expect(translate('en', 'table.rows', { count: '1,234' })).toBe('1,234 rows');
    expect(translate('zh-CN', 'table.rows', { count: '1,234' })).toBe('共 1,234 行');
    expect(translate('en', 'table.rows')).toBe('{count} rows');
  });

  it('starts in the saved language, else in Chinese on a Chinese system', () => {
    const storage = (saved: string | null) => ({ getItem: () => saved });
    expect(initialLanguage(storage('en'), 'zh-CN')).toBe('en');
    expect(initialLanguage(storage(null), 'zh-TW')).toBe('zh-CN');
    expect(initialLanguage(storage('fr'), 'de-DE')).toBe('en');
  });
});
