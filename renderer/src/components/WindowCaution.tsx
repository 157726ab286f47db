// A churn window derived from the gaps of a handful of repeat customers is a guess that every
// churn rate, survival curve and reason lift then restates (Olist: 214 days from 2 customers, 100%
// churned in every month). The screens that apply the window say so above their numbers, with the fix.
import { windowRestsOnFew, type ChurnRuleInfo } from '../../../core/src/api/index.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

export function WindowCaution({ rule }: { rule: ChurnRuleInfo }) {
  const { t, number } = useI18n();
  if (!windowRestsOnFew(rule)) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="window-caution">
      <div className="banner-body">{t('churn.windowFew', { days: number(rule.windowDays), customers: number(rule.repeatCustomers ?? 0), field: t('churn.window') })}</div>
    </div>
  );
}
