// Why one customer got their RFM segment, shopper type and value: the scores and rules, side by side.
import type { CustomerExplanation } from '../../../../core/src/api/index.ts';
import { useCall } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Panel } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';

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

export function CustomerExplanationPanel({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const { t, number, percent, label } = useI18n();
  const explanation = useCall('explainCustomer', { customerId });
  const value: CustomerExplanation | undefined = explanation.value;
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
                  [t('customers.explain.segment'), `${label(value.rfm.rule.label)} (${value.rfm.segment})`],
                  [t('customers.explain.scores'), `R${value.rfm.r} F${value.rfm.f} M${value.rfm.m}`],
                  [t('customers.explain.recency'), t('churn.days', { days: number(value.rfm.recencyDays) })],
                  [t('customers.explain.frequency'), number(value.rfm.frequency)],
                  [t('customers.explain.monetary'), number(value.rfm.monetary, 2)],
                ]}
              />
            </section>
          )}
          {value.shopper && (
            <section>
              <h3>{t('customers.tab.shopper')}</h3>
              <Facts
                rows={[
                  [t('customers.explain.primary'), value.shopper.primary],
                  [t('customers.explain.secondary'), value.shopper.secondary.join(', ') || '—'],
                  ...(value.shopper.undeterminedReason ? ([[t('customers.explain.why'), value.shopper.undeterminedReason]] as [string, string][]) : []),
                ]}
              />
              <ul className="conditions">
                {value.shopper.types.map((type) => (
                  <li key={type.type} className={type.matched ? 'condition-pass' : undefined}>
                    <strong>{type.type}</strong>{' '}
                    {type.conditions.map((condition) => `${condition.feature} ${condition.op} ${condition.threshold} (${condition.value ?? '—'})${condition.passed === null ? ' ?' : condition.passed ? ' ✓' : ' ✗'}`).join(' · ')}
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
                  [t('customers.value.clv'), number(value.value.clv, 2)],
                  [t('customers.value.valueAtRisk'), number(value.value.valueAtRisk, 2)],
                  [t('customers.value.rank'), number(value.value.atRiskRank)],
                ]}
              />
            </section>
          )}
          {value.missing.length > 0 && <p className="muted">{t('customers.explain.missing', { tables: value.missing.join(', ') })}</p>}
        </div>
      )}
    </Panel>
  );
}
