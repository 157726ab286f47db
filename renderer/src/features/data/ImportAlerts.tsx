// The import's alerts (a file skipped as a copy, credit notes, ...): the same ones the CLI prints.
// The core writes them in English with file names; other languages get a sentence of their own
// with the count, and keep the core's text beside it for the file names.
import type { ImportAlert } from '../../../../core/src/api/index.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';

export function ImportAlerts({ alerts }: { alerts: readonly ImportAlert[] }) {
  const { t, number, percent, language } = useI18n();
  if (alerts.length === 0) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="import-alerts">
      <strong>{t('result.alertsTitle')}</strong>
      <ul className="banner-body">
        {alerts.map((alert) => (
          <li key={`${alert.code}:${alert.message}`} data-code={alert.code}>
            {language === 'en' ? (
              alert.message
            ) : (
              <>
                {t(`result.alert.${alert.code}`, { count: number(alert.count ?? 0), share: percent(alert.share ?? null) })}
                <span className="import-alert-detail" lang="en">
                  {' '}
                  ({alert.message})
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
