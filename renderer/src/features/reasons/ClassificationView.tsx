// A classification as a reader checks it: each reason with its confidence and the words that gave
// it (by field), and the words found but negated.
import type { Classification, Evidence, ReasonField } from '../../../../core/src/api/reasons.ts';
import { UNKNOWN_REASON } from '../../../../core/src/api/reasons.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';

export const FIELD_KEYS = {
  category: 'field.category',
  refund_reason: 'field.refund_reason',
  subject: 'field.subject',
  body: 'field.body',
  rating: 'field.rating',
} as const satisfies Record<ReasonField, string>;

function EvidenceList({ evidence }: { evidence: readonly Evidence[] }) {
  const { t } = useI18n();
  return (
    <ul className="evidence-list">
      {evidence.map((item, index) => (
        <li key={`${item.field}-${index}`}>
          <span className="evidence-field">{t(FIELD_KEYS[item.field])}</span>
          {item.terms.map((term) => (
            <code key={term} className="evidence-term">
              {term}
            </code>
          ))}
        </li>
      ))}
    </ul>
  );
}

export function ClassificationView({ classification, nameOf }: { classification: Classification; nameOf: (key: string) => string }) {
  const { t, percent } = useI18n();
  return (
    <div className="classification" data-testid="classification">
      <ul className="reason-matches">
        {classification.reasons.map((match) => (
          <li key={match.reason} className={match.reason === UNKNOWN_REASON ? 'reason-match reason-unknown' : 'reason-match'}>
            <div className="reason-match-head">
              <strong>{nameOf(match.reason)}</strong>
              {match.reason !== UNKNOWN_REASON && <span className="badge">{t('reasons.confidence', { value: percent(match.confidence, 0) })}</span>}
            </div>
            {match.evidence.length > 0 && <EvidenceList evidence={match.evidence} />}
          </li>
        ))}
      </ul>
      {classification.negated.length > 0 && (
        <div className="negated">
          <span className="field-label">{t('reasons.negated')}</span>
          <EvidenceList evidence={classification.negated} />
        </div>
      )}
    </div>
  );
}
