// Money on screens in the workspace's currency (kept with the report branding), so a figure reads
// the same in the app and in the client's report.
import { useCallback } from 'react';
import { useCall } from '../client/hooks.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

export type MoneyFormat = (value: number | null | undefined, digits?: number) => string;

/** The workspace's currency code, or null (plain numbers) until it is known or when none is set. */
export function useCurrency(): string | null {
  return useCall('displaySettings', {}).value?.currency ?? null;
}

/** A formatter of money figures: whole units unless `digits` says otherwise, with the currency's symbol when one is set. */
export function useMoney(): MoneyFormat {
  const { money } = useI18n();
  const currency = useCurrency();
  return useCallback((value, digits = 0) => money(value, digits, currency), [money, currency]);
}
