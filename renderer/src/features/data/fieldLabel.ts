// The user-facing name of a canonical column, falling back to the column name itself.
import { isMessageKey, type I18n } from '../../i18n/I18nProvider.tsx';

export function fieldLabel(t: I18n['t'], column: string): string {
  const key = `field.${column}`;
  return isMessageKey(key) ? t(key) : column;
}
