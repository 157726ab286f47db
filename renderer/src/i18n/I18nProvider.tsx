// Runtime-switchable zh-CN / en messages and number formatting; the choice is remembered per machine.
import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zhCN.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type MessageParams = Record<string, string | number>;

const CATALOGUES: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'churnwb.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The saved choice, else Chinese for a Chinese system, else English. */
export function initialLanguage(storage: Pick<Storage, 'getItem'>, systemLanguage: string): Language {
  const saved = storage.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  return systemLanguage.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, params?: MessageParams): string;
  /** A locale-formatted number; integers get grouping, fractions `digits` places. */
  number(value: number | null | undefined, digits?: number): string;
  percent(value: number | null | undefined, digits?: number): string;
  /** Money with `digits` decimals and, when `currency` (ISO 4217) is set, its symbol as the language writes it ("¥1,234" in zh-CN, "CN¥1,234" in en). */
  money(value: number | null | undefined, digits: number, currency: string | null): string;
  /** Picks the current language from a two-language name carried by the data (rules files, segments). */
  label(text: { en: string; zh: string }): string;
}

export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const text = CATALOGUES[language][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, language: forced }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(() => forced ?? initialLanguage(localStorage, navigator.language));
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<I18n>(() => {
    const formats = new Map<number, Intl.NumberFormat>();
    const formatter = (digits: number) => {
      let format = formats.get(digits);
      if (!format) {
        format = new Intl.NumberFormat(language, { maximumFractionDigits: digits, minimumFractionDigits: digits });
        formats.set(digits, format);
      }
      return format;
    };
    return {
      language,
      setLanguage,
      t: (key, params) => translate(language, key, params),
      number: (value, digits = 0) => (value === null || value === undefined ? '—' : formatter(digits).format(value)),
      percent: (value, digits = 1) => (value === null || value === undefined ? '—' : `${formatter(digits).format(value * 100)}%`),
      money: (value, digits, currency) => {
        if (value === null || value === undefined) return '—';
        if (currency === null) return formatter(digits).format(value);
        return new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
      },
      label: (text) => (language === 'zh-CN' ? text.zh : text.en),
    };
  }, [language, setLanguage]);
  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18n {
  const context = use(I18nContext);
  if (!context) throw new Error('useI18n outside <I18nProvider>');
  return context;
}
