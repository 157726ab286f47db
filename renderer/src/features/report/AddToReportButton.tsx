// "Add to report" next to a chart or table: one click appends a copy of it to the report draft,
// and the button says so for a moment (the navigation shows the draft's section count).
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { useOptionalReportDraft, type AddedSection } from './ReportDraft.tsx';

const FEEDBACK_MS = 2500;

type Feedback = { kind: 'added'; position: number } | { kind: 'notReady' };

export interface AddToReportButtonProps {
  /** The section to add, made at the click; null when what it needs is still loading. */
  makeSection: () => AddedSection | null;
  disabled?: boolean;
}

export function AddToReportButton({ makeSection, disabled = false }: AddToReportButtonProps) {
  const draft = useOptionalReportDraft();
  const { t } = useI18n();
  const [feedback, setFeedback] = useState<Feedback | null>(null);

  useEffect(() => {
    if (!feedback) return;
    const timer = setTimeout(() => setFeedback(null), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [feedback]);

  if (!draft) return null;
  const add = () => {
    const section = makeSection();
    setFeedback(section ? { kind: 'added', position: draft.addSection(section) } : { kind: 'notReady' });
  };
  return (
    <span className="add-to-report">
      <span role="status" className="add-status">
        {feedback?.kind === 'added' && t('report.added.status', { position: feedback.position })}
        {feedback?.kind === 'notReady' && t('report.add.notReady')}
      </span>
      <button type="button" className={`button button-small${feedback?.kind === 'added' ? ' button-done' : ''}`} disabled={disabled} onClick={add} title={t('report.add.hint')}>
        {feedback?.kind === 'added' ? t('report.added') : t('report.add')}
      </button>
    </span>
  );
}
