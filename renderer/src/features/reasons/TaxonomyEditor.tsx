// The taxonomy editor: each reason's keywords, aspects and actions per language, patterns and category values, the
// negation words, a live try of any text against the unsaved edit, save, and reset to the bundled file.
import { useEffect, useMemo, useState } from 'react';
import type { ChurnType, Taxonomy, TaxonomyReason, TaxonomyTerms } from '../../../../core/src/api/reasons.ts';
import { UNKNOWN_REASON } from '../../../../core/src/api/reasons.ts';
import type { CoreError } from '../../../../core/src/api/index.ts';
import { asCoreError, useCall, useCoreContext } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { OptionSelect } from '../../components/OptionSelect.tsx';
import { Panel } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { ClassificationView } from './ClassificationView.tsx';
import { fieldMarks, HighlightedText } from './highlight.tsx';
import { useDebounced } from './useDebounced.ts';

const TRY_DELAY_MS = 300;

/** Terms as typed (blank lines and padding kept while editing) to terms as saved. */
function cleanTerms(terms: readonly string[]): string[] {
  return terms.map((term) => term.trim()).filter((term) => term !== '');
}

function cleanBoth(terms: TaxonomyTerms): TaxonomyTerms {
  return { zh: cleanTerms(terms.zh), en: cleanTerms(terms.en) };
}

/** The draft as the core should see it: every list without blank entries. */
export function cleanTaxonomy(draft: Taxonomy): Taxonomy {
  return {
    ...draft,
    negations: cleanBoth(draft.negations),
    reasons: draft.reasons.map((reason) => ({
      ...reason,
      keywords: cleanBoth(reason.keywords),
      ...(reason.aspects ? { aspects: cleanBoth(reason.aspects) } : {}),
      ...(reason.actions ? { actions: cleanBoth(reason.actions) } : {}),
      ...(reason.patterns ? { patterns: cleanTerms(reason.patterns) } : {}),
      ...(reason.categories ? { categories: cleanTerms(reason.categories) } : {}),
    })),
  };
}

/** One list of words, one per line. */
function TermsField({ label, terms, onChange, testId }: { label: string; terms: readonly string[]; onChange: (terms: string[]) => void; testId?: string }) {
  return (
    <label className="field terms-field">
      <span className="field-label">{label}</span>
      <textarea rows={Math.min(10, Math.max(3, terms.length + 1))} value={terms.join('\n')} onChange={(event) => onChange(event.target.value.split('\n'))} data-testid={testId} spellCheck={false} />
    </label>
  );
}

export function TaxonomyEditor({ onSaved }: { onSaved: () => void }) {
  const { t, label } = useI18n();
  const { core } = useCoreContext();
  const info = useCall('getTaxonomy', {});
  const [draft, setDraft] = useState<Taxonomy | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tryText, setTryText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CoreError | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (info.value) setDraft(info.value.taxonomy);
  }, [info.value]);

  const cleaned = useMemo(() => (draft ? cleanTaxonomy(draft) : null), [draft]);
  const dirty = Boolean(info.value && cleaned && JSON.stringify(cleaned) !== JSON.stringify(info.value.taxonomy));
  const tryRequest = useDebounced(tryText.trim() && cleaned ? { text: tryText, taxonomy: cleaned } : null, TRY_DELAY_MS);
  const trial = useCall('classifyText', tryRequest);

  if (info.error) return <ErrorBanner error={info.error} onRetry={info.reload} />;
  if (!draft || !info.value) return <p className="muted">{t('chart.loading')}</p>;

  const reason = draft.reasons.find((item) => item.key === selected) ?? draft.reasons[0];
  const nameOf = (key: string) => {
    if (key === UNKNOWN_REASON) return t('reasons.unknown');
    const found = draft.reasons.find((item) => item.key === key);
    return found ? label(found) : key;
  };
  const updateReason = (key: string, change: Partial<TaxonomyReason>) => {
    setSaved(false);
    setDraft((current) => current && { ...current, reasons: current.reasons.map((item) => (item.key === key ? { ...item, ...change } : item)) });
  };
  const updateNegations = (language: keyof TaxonomyTerms, terms: string[]) => {
    setSaved(false);
    setDraft((current) => current && { ...current, negations: { ...current.negations, [language]: terms } });
  };

  const persist = async (taxonomy: Taxonomy | null) => {
    setSaving(true);
    setError(null);
    try {
      await core.setTaxonomy({ taxonomy });
      setSaved(true);
      onSaved();
    } catch (failure) {
      setError(asCoreError(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="taxonomy-editor">
      <section className="panel taxonomy-head" aria-label={t('reasons.taxonomy.title')}>
        <div>
          <strong>{t('reasons.taxonomy.title')}</strong>
          <span className="badge">{t(info.value.source === 'bundled' ? 'reasons.taxonomy.bundled' : 'reasons.taxonomy.workspace')}</span>
          <span className="badge">{t('reasons.taxonomy.version', { version: info.value.taxonomy.version })}</span>
          {dirty && <span className="badge badge-warn">{t('reasons.taxonomy.unsaved')}</span>}
          {saved && !dirty && <span className="badge badge-ok">{t('reasons.taxonomy.saved')}</span>}
        </div>
        <div className="section-tools">
          <button type="button" className="button button-primary" disabled={!dirty || saving} onClick={() => cleaned && void persist(cleaned)}>
            {t('reasons.taxonomy.save')}
          </button>
          <button type="button" className="button" disabled={!dirty || saving} onClick={() => setDraft(info.value?.taxonomy ?? null)}>
            {t('reasons.taxonomy.discard')}
          </button>
          <button type="button" className="button button-danger" disabled={saving || info.value.source === 'bundled'} onClick={() => void persist(null)}>
            {t('reasons.taxonomy.reset')}
          </button>
        </div>
        <p className="chart-note">{t('reasons.taxonomy.note')}</p>
      </section>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}

      <div className="taxonomy-body">
        <nav className="taxonomy-list" aria-label={t('reasons.taxonomy.reasons')}>
          {draft.reasons.map((item) => (
            <button key={item.key} type="button" className={item === reason ? 'taxonomy-item taxonomy-item-on' : 'taxonomy-item'} aria-current={item === reason ? 'true' : undefined} onClick={() => setSelected(item.key)}>
              <span>{label(item)}</span>
              <span className="muted taxonomy-key">{item.key}</span>
            </button>
          ))}
        </nav>
        {reason && (
          <Panel id="taxonomy-reason" title={`${label(reason)} · ${reason.key}`}>
            <div className="taxonomy-fields">
              <p className="muted taxonomy-names">
                {reason.zh} / {reason.en}
              </p>
              <OptionSelect<ChurnType>
                label={t('reasons.column.churnType')}
                value={reason.churnType}
                onChange={(churnType) => updateReason(reason.key, { churnType })}
                choices={draft.churnTypes.map((type) => ({ value: type.key, label: label(type) }))}
              />
              <div className="terms-pair">
                <TermsField label={t('reasons.taxonomy.keywordsZh')} terms={reason.keywords.zh} onChange={(zh) => updateReason(reason.key, { keywords: { ...reason.keywords, zh } })} testId="keywords-zh" />
                <TermsField label={t('reasons.taxonomy.keywordsEn')} terms={reason.keywords.en} onChange={(en) => updateReason(reason.key, { keywords: { ...reason.keywords, en } })} testId="keywords-en" />
              </div>
              <div className="terms-pair">
                <TermsField label={t('reasons.taxonomy.aspectsZh')} terms={reason.aspects?.zh ?? []} onChange={(zh) => updateReason(reason.key, { aspects: { zh, en: reason.aspects?.en ?? [] } })} testId="aspects-zh" />
                <TermsField label={t('reasons.taxonomy.aspectsEn')} terms={reason.aspects?.en ?? []} onChange={(en) => updateReason(reason.key, { aspects: { zh: reason.aspects?.zh ?? [], en } })} testId="aspects-en" />
              </div>
              <div className="terms-pair">
                <TermsField label={t('reasons.taxonomy.actionsZh')} terms={reason.actions?.zh ?? []} onChange={(zh) => updateReason(reason.key, { actions: { zh, en: reason.actions?.en ?? [] } })} testId="actions-zh" />
                <TermsField label={t('reasons.taxonomy.actionsEn')} terms={reason.actions?.en ?? []} onChange={(en) => updateReason(reason.key, { actions: { zh: reason.actions?.zh ?? [], en } })} testId="actions-en" />
              </div>
              <div className="terms-pair">
                <TermsField label={t('reasons.taxonomy.patterns')} terms={reason.patterns ?? []} onChange={(patterns) => updateReason(reason.key, { patterns })} />
                <TermsField label={t('reasons.taxonomy.categories')} terms={reason.categories ?? []} onChange={(categories) => updateReason(reason.key, { categories })} />
              </div>
            </div>
          </Panel>
        )}
      </div>

      <div className="chart-pair">
        <Panel id="taxonomy-try" title={t('reasons.taxonomy.try')}>
          <p className="chart-note">{t('reasons.taxonomy.tryNote')}</p>
          <textarea className="try-input" rows={3} value={tryText} onChange={(event) => setTryText(event.target.value)} placeholder={t('reasons.taxonomy.tryPlaceholder')} data-testid="taxonomy-try" />
          {trial.error && tryRequest && <ErrorBanner error={trial.error} />}
          {trial.value && tryRequest && !trial.error && (
            <>
              <p className="ticket-text try-echo">
                <HighlightedText text={tryRequest.text} marks={fieldMarks(trial.value, 'body')} />
              </p>
              <ClassificationView classification={trial.value} nameOf={nameOf} />
            </>
          )}
        </Panel>
        <Panel id="taxonomy-negations" title={t('reasons.taxonomy.negations')}>
          <p className="chart-note">{t('reasons.taxonomy.negationsNote')}</p>
          <div className="terms-pair">
            <TermsField label={t('reasons.taxonomy.keywordsZh')} terms={draft.negations.zh} onChange={(terms) => updateNegations('zh', terms)} />
            <TermsField label={t('reasons.taxonomy.keywordsEn')} terms={draft.negations.en} onChange={(terms) => updateNegations('en', terms)} />
          </div>
        </Panel>
      </div>
    </div>
  );
}
