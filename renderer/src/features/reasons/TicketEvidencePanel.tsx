// One ticket's fields with the words that gave its reasons marked, and the negated words struck through.
import type { ReasonField } from '../../../../core/src/api/reasons.ts';
import { useCall } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Panel } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { ClassificationView, FIELD_KEYS } from './ClassificationView.tsx';
import { fieldMarks, HighlightedText } from './highlight.tsx';

const TEXT_FIELDS = [
  ['category', 'category'],
  ['refund_reason', 'refundReason'],
  ['subject', 'subject'],
  ['body', 'body'],
] as const satisfies readonly (readonly [ReasonField, string])[];

export function TicketEvidencePanel({ ticketId, nameOf, onClose }: { ticketId: string; nameOf: (key: string) => string; onClose: () => void }) {
  const { t, number } = useI18n();
  const evidence = useCall('ticketEvidence', { ticketId });
  const value = evidence.value;
  return (
    <Panel
      id="ticket-evidence"
      title={t('reasons.evidence.title', { id: ticketId })}
      actions={
        <button type="button" className="button button-small button-quiet" onClick={onClose}>
          {t('common.close')}
        </button>
      }
    >
      {evidence.error && <ErrorBanner error={evidence.error} onRetry={evidence.reload} />}
      {value && (
        <div className="evidence-grid">
          <dl className="facts ticket-fields">
            <div>
              <dt>{t('field.customer_id')}</dt>
              <dd>{value.ticket.customerId ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('field.created_at')}</dt>
              <dd>{value.ticket.createdAt?.slice(0, 19).replace('T', ' ') ?? '—'}</dd>
            </div>
            {TEXT_FIELDS.map(([field, property]) => {
              const text = value.ticket[property];
              if (text === null || text === '') return null;
              return (
                <div key={field}>
                  <dt>{t(FIELD_KEYS[field])}</dt>
                  <dd className="ticket-text">
                    <HighlightedText text={text} marks={fieldMarks(value.classification, field)} />
                  </dd>
                </div>
              );
            })}
            {value.ticket.rating !== null && (
              <div>
                <dt>{t('field.rating')}</dt>
                <dd>{number(value.ticket.rating, Number.isInteger(value.ticket.rating) ? 0 : 1)}</dd>
              </div>
            )}
          </dl>
          <ClassificationView classification={value.classification} nameOf={nameOf} />
        </div>
      )}
    </Panel>
  );
}
