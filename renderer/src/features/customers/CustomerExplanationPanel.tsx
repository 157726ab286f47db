// Why one customer got their RFM segment, shopper type and value: the scores and rules, side by side.
import { useEffect, useRef } from 'react';
import type { ConditionCheck, CustomerExplanation } from '../../../../core/src/api/index.ts';
import { useCall } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useMoney } from '../../components/money.ts';
import { Panel } from '../../components/Screen.tsx';
import { useI18n, type I18n } from '../../i18n/I18nProvider.tsx';
import { UNDETERMINED } from './shopperKeys.ts';

function Facts({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "Orders ≥ 3 (5 ✓)": the feature by name, the threshold and the customer's value rounded for reading. */
function conditionText(condition: ConditionCheck, i18n: I18n): string {
  const digits = (value: number) => (Number.isInteger(value) ? 0 : 2);
  const value = condition.value === null ? '—' : i18n.number(condition.value, digits(condition.value));
  const mark = condition.passed === null ? ' ?' : condition.passed ? ' ✓' : ' ✗';
  return `${i18n.t(`feature.${condition.feature}`)} ${condition.op.replace('>=', '≥').replace('<=', '≤')} ${i18n.number(condition.threshold, digits(condition.threshold))} (${value})${mark}`;
}

const TABLE_TABS = { rfm: 'customers.tab.rfm', shopper: 'customers.tab.shopper', value: 'customers.tab.value' } as const;

export function CustomerExplanationPanel({ customerId, resultsKey, onClose }: { customerId: string; resultsKey: string; onClose: () => void }) {
  const i18n = useI18n();
  const money = useMoney();
  const { t, number, percent, label } = i18n;
  const explanation = useCall('explainCustomer', { customerId });
  const value: CustomerExplanation | undefined = explanation.value;
  const { reload } = explanation;
  const shownFor = useRef(resultsKey);
  useEffect(() => {
    if (shownFor.current === resultsKey) return;
    shownFor.current = resultsKey;
    reload();
  }, [resultsKey, reload]);
  const typeName = (key: string) => {
    if (key === UNDETERMINED) return t('customers.undeterminedType');
    const type = value?.shopper?.types.find((item) => item.type === key);
    return type ? label(type.label) : key;
  };
  const undeterminedReason = (reason: string) =>
    reason === 'insufficient_data' || reason === 'no_rule_matched' ? t(`customers.undeterminedReason.${reason}`) : reason;
  return (
    <Panel
      id="customer-explanation"
      title={t('customers.explain.title', { id: customerId })}
      actions={
        <button type="button" className="button button-small button-quiet" onClick={onClose}>
          {t('common.close')}
        </button>
      }
    >
      {explanation.error && <ErrorBanner error={explanation.error} />}
      {value && (
        <div className="explain-grid">
          {value.rfm && (
            <section>
              <h3>{t('customers.tab.rfm')}</h3>
              <Facts
                rows={[
                  [t('customers.explain.segment'), label(value.rfm.rule.label)],
                  [t('customers.explain.scores'), `R${value.rfm.r} F${value.rfm.f} M${value.rfm.m}`],
                  [t('customers.explain.recency'), t('churn.days', { days: number(value.rfm.recencyDays) })],
                  [t('customers.explain.frequency'), number(value.rfm.frequency)],
                  [t('customers.explain.monetary'), money(value.rfm.monetary, 2)],
                ]}
              />
            </section>
          )}
          {value.shopper && (
            <section>
              <h3>{t('customers.tab.shopper')}</h3>
              <Facts
                rows={[
                  [t('customers.explain.primary'), typeName(value.shopper.primary)],
                  [t('customers.explain.secondary'), value.shopper.secondary.map(typeName).join(i18n.language === 'en' ? ', ' : '、') || '—'],
                  ...(value.shopper.undeterminedReason ? ([[t('customers.explain.why'), undeterminedReason(value.shopper.undeterminedReason)]] as [string, string][]) : []),
                ]}
              />
              <ul className="conditions">
                {value.shopper.types.map((type) => (
                  <li key={type.type} className={type.matched ? 'condition-pass' : undefined}>
                    <strong>{label(type.label)}</strong> {type.conditions.map((condition) => conditionText(condition, i18n)).join(' · ')}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {value.value && (
            <section>
              <h3>{t('customers.tab.value')}</h3>
              <Facts
                rows={[
                  [t('customers.value.pAlive'), percent(value.value.pAlive)],
                  [t('customers.value.expectedPurchases'), number(value.value.expectedPurchases, 2)],
                  [t('customers.value.clv'), money(value.value.clv, 2)],
                  [t('customers.value.valueAtRisk'), money(value.value.valueAtRisk, 2)],
                  [t('customers.value.rank'), number(value.value.atRiskRank)],
                ]}
              />
            </section>
          )}
          {value.missing.length > 0 && <p className="muted">{t('customers.explain.missing', { tables: value.missing.map((table) => t(TABLE_TABS[table])).join(i18n.language === 'en' ? ', ' : '、') })}</p>}
        </div>
      )}
    </Panel>
  );
}
