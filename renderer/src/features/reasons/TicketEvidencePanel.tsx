// One ticket's fields with the words that gave its reasons marked, and the negated words struck through;
// the analyst can correct its reason (or mark it as having none), which the next classification follows.
import { useState } from 'react';
import type { CoreError } from '../../../../core/src/api/index.ts';
import { NO_REASON_LABEL, type ReasonField } from '../../../../core/src/api/reasons.ts';
import { asCoreError, useCall, useCoreContext } from '../../client/hooks.ts';
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

/** The correction select: the classifier decides (''), a reason, or no reason. */
function CorrectionField({ ticketId, correction, nameOf, onCorrected }: { ticketId: string; correction: string | null; nameOf: (key: string) => string; onCorrected: () => void }) {
  const { t } = useI18n();
  const { core } = useCoreContext();
  const taxonomy = useCall('getTaxonomy', {});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CoreError | null>(null);
  const change = (reason: string) => {
    setSaving(true);
    setError(null);
    core.correctTicketReason({ ticketId, reason: reason === '' ? null : reason }).then(
      () => {
        setSaving(false);
        onCorrected();
      },
      (failure: unknown) => {
        setSaving(false);
        setError(asCoreError(failure));
      },
    );
  };
  return (
    <div className="correction-field">
      <label className="option-field">
        <span className="field-label">{t('reasons.correct.label')}</span>
        <select value={correction ?? ''} disabled={saving || !taxonomy.value} onChange={(event) => change(event.target.value)} data-testid="ticket-correction">
          <option value="">{t('reasons.correct.classifier')}</option>
          {taxonomy.value?.taxonomy.reasons.map((reason) => (
            <option key={reason.key} value={reason.key}>
              {nameOf(reason.key)}
            </option>
          ))}
          <option value={NO_REASON_LABEL}>{t('reasons.correct.noReason')}</option>
        </select>
      </label>
      {correction !== null && <p className="chart-note">{t('reasons.correct.current', { reason: correction === NO_REASON_LABEL ? t('reasons.correct.noReason') : nameOf(correction) })}</p>}
      {error && <ErrorBanner error={error} />}
    </div>
  );
}

export function TicketEvidencePanel({ ticketId, nameOf, onClose, onCorrected }: { ticketId: string; nameOf: (key: string) => string; onClose: () => void; onCorrected: () => void }) {
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
          <div>
            <ClassificationView classification={value.classification} nameOf={nameOf} />
            <CorrectionField ticketId={ticketId} correction={value.correction} nameOf={nameOf} onCorrected={onCorrected} />
          </div>
        </div>
      )}
    </Panel>
  );
}
