// The import's alerts (a file skipped as a copy, credit notes, ...): the same ones the CLI prints,
// after the import and, for those known before it (ids already in the workspace, no amount
// column), on its preview. The core writes them in English; other languages get a sentence of
// their own from the alert's code, count, share and file names that says all the reader needs,
// with the core's words behind a disclosure for the record.
import type { ImportAlert } from '../../../../core/src/api/index.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { fieldLabel } from './fieldLabel.ts';
import { InOwnWords } from './InOwnWords.tsx';

export function ImportAlerts({ alerts, title = 'result.alertsTitle' }: { alerts: readonly ImportAlert[]; title?: MessageKey }) {
  const { t, number, percent, language } = useI18n();
  const listSeparator = language === 'zh-CN' ? '、' : ', ';
  if (alerts.length === 0) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="import-alerts">
      <strong>{t(title)}</strong>
      <ul className="banner-body">
        {alerts.map((alert) => (
          <li key={`${alert.code}:${alert.message}`} data-code={alert.code}>
            <InOwnWords
              message={alert.message}
              own={() =>
                t(`result.alert.${alert.code}`, {
                  count: number(alert.count ?? 0),
                  share: percent(alert.share ?? null),
                  file: alert.files?.[0] ?? '',
                  other: alert.files?.[1] ?? '',
                  files: (alert.files ?? []).join(listSeparator),
                  column: alert.columns?.[0]?.header ?? '',
                  position: number(alert.columns?.[0]?.position ?? 0),
                  otherColumn: alert.columns?.[1]?.header ?? '',
                  otherPosition: number(alert.columns?.[1]?.position ?? 0),
                  columns: (alert.columns ?? []).map((column) => column.header).join(listSeparator),
                  field: alert.field === undefined ? '' : fieldLabel(t, alert.field),
                  customer: alert.customer?.id ?? '',
                  credited: number(alert.customer?.credited ?? 0, 2),
                  bought: number(alert.customer?.bought ?? 0, 2),
                })
              }
            />
          </li>
        ))}
      </ul>
    </div>
  );
}
