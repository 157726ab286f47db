// Which order statuses count as purchases (ActivityOptions.statuses): the rule every analysis shares.
import type { OrderStatusName } from '../../../core/src/api/index.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

export const ORDER_STATUSES: readonly OrderStatusName[] = ['completed', 'pending', 'refunded', 'cancelled'];
export const DEFAULT_STATUSES: readonly OrderStatusName[] = ['completed'];

export function StatusesField({ value, onChange }: { value: readonly OrderStatusName[]; onChange: (statuses: OrderStatusName[]) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="option-field statuses">
      <legend className="field-label">{t('statuses.label')}</legend>
      <div className="statuses-choices">
        {ORDER_STATUSES.map((status) => (
          <label key={status}>
            <input
              type="checkbox"
              checked={value.includes(status)}
              // At least one status must stay: an analysis of no orders has nothing to say.
              disabled={value.length === 1 && value.includes(status)}
              onChange={(event) => onChange(event.target.checked ? ORDER_STATUSES.filter((s) => s === status || value.includes(s)) : value.filter((s) => s !== status))}
            />
            {t(`statuses.${status}`)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
