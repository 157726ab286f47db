// The import wizard: choose files, check what was detected and fix the mapping, import with progress.
import { useState } from 'react';
import type { CoreError, ImportKind, ImportPreview, ImportResult } from '../../../../core/src/api/index.ts';
import { asCoreError, useCoreContext, useTask } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { FilePicker } from './FilePicker.tsx';
import { ImportResultView } from './ImportResultView.tsx';
import { PreviewStep, type PreviewChoices } from './PreviewStep.tsx';
import { fieldLabel } from './fieldLabel.ts';

type Step =
  | { name: 'pick' }
  | { name: 'check'; files: string[]; preview: ImportPreview }
  | { name: 'import'; files: string[]; preview: ImportPreview }
  | { name: 'result'; result: ImportResult };

const STEP_ORDER = ['pick', 'check', 'import'] as const;

export function ImportWizard({ initialKind = 'orders' }: { initialKind?: ImportKind }) {
  const { core, workspaceChanged } = useCoreContext();
  const { t } = useI18n();
  const task = useTask();
  const [kind, setKind] = useState<ImportKind>(initialKind);
  const [mode, setMode] = useState<'append' | 'replace'>('append');
  const [step, setStep] = useState<Step>({ name: 'pick' });
  const [choices, setChoices] = useState<PreviewChoices>({ mapping: {} });
  const [error, setError] = useState<CoreError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const preview = async (files: string[], next: PreviewChoices, keepMapping: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await core.previewImport({
        kind,
        files,
        rows: 20,
        ...(next.encoding ? { encoding: next.encoding } : {}),
        ...(next.sheet ? { sheet: next.sheet } : {}),
        ...(keepMapping ? { mapping: next.mapping } : {}),
      });
      setChoices({ ...next, mapping: keepMapping ? { ...result.mapping, ...next.mapping } : result.mapping });
      setStep({ name: 'check', files, preview: result });
    } catch (failure) {
      setError(asCoreError(failure));
    } finally {
      setBusy(false);
    }
  };

  const startImport = async (files: string[], detected: ImportPreview) => {
    setError(null);
    setNotice(null);
    setStep({ name: 'import', files, preview: detected });
    try {
      const result = await task.run((taskId) =>
        core.importFiles({
          kind,
          files,
          mode,
          mapping: choices.mapping,
          taskId,
          ...(choices.encoding ? { encoding: choices.encoding } : {}),
          ...(choices.sheet ? { sheet: choices.sheet } : {}),
        }),
      );
      workspaceChanged();
      setStep({ name: 'result', result });
    } catch (failure) {
      const coreError = asCoreError(failure);
      if (coreError.code === 'E_CANCELLED') setNotice(t('wizard.cancelled'));
      else setError(coreError);
      setStep({ name: 'check', files, preview: detected });
    }
  };

  const restart = () => {
    setStep({ name: 'pick' });
    setChoices({ mapping: {} });
    setError(null);
    setNotice(null);
  };

  const missing = step.name === 'check' ? step.preview.columns.filter((column) => column.required && !choices.mapping[column.column]) : [];
  const activeIndex = step.name === 'result' ? STEP_ORDER.length : STEP_ORDER.indexOf(step.name);

  return (
    <section className="panel" aria-labelledby="wizard-heading">
      <div className="section-head">
        <h2 id="wizard-heading">{t('wizard.title')}</h2>
        <ol className="steps">
          {STEP_ORDER.map((name, index) => (
            <li key={name} className={index === activeIndex ? 'step-active' : index < activeIndex ? 'step-done' : undefined}>
              <span className="step-number">{index + 1}</span>
              {t(`wizard.step.${name}`)}
            </li>
          ))}
        </ol>
      </div>

      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      {notice && (
        <div className="banner banner-info" role="status">
          {notice}
        </div>
      )}

      {step.name === 'pick' && (
        <div className="wizard-pick">
          <div className="field">
            <span className="field-label" id="import-kind-label">
              {t('wizard.kind')}
            </span>
            <div className="segmented" role="radiogroup" aria-labelledby="import-kind-label">
              {(['orders', 'tickets', 'surveys'] as const).map((option) => (
                <label key={option} className={kind === option ? 'segmented-on' : undefined}>
                  <input type="radio" name="import-kind" value={option} checked={kind === option} onChange={() => setKind(option)} />
                  {t(`data.kind.${option}`)}
                </label>
              ))}
            </div>
          </div>
          <FilePicker kind={kind} onPicked={(files) => void preview(files, { mapping: {} }, false)} />
          {busy && <p className="muted">{t('progress.phase.sniff')}…</p>}
        </div>
      )}

      {(step.name === 'check' || step.name === 'import') && (
        <>
          <p className="muted">{step.files.length === 1 ? t('wizard.files.one') : t('wizard.files', { count: step.files.length })}</p>
          {step.name === 'import' ? (
            <ProgressBar progress={task.progress} onCancel={task.cancel} />
          ) : (
            <PreviewStep preview={step.preview} choices={choices} onChange={(next, resniff) => (resniff ? void preview(step.files, next, true) : setChoices(next))} />
          )}
          {step.name === 'check' && (
            <div className="wizard-actions">
              {missing.length > 0 && (
                <p className="note-warn" role="alert">
                  {t('wizard.missing', { columns: missing.map((column) => fieldLabel(t, column.column)).join(', ') })}
                </p>
              )}
              <label className="inline-field">
                {t('wizard.mode')}
                <select value={mode} onChange={(event) => setMode(event.target.value === 'replace' ? 'replace' : 'append')}>
                  <option value="append">{t('wizard.mode.append')}</option>
                  <option value="replace">{t('wizard.mode.replace')}</option>
                </select>
              </label>
              <span className="progress-spacer" />
              <button type="button" className="button" onClick={restart} disabled={busy}>
                {t('wizard.back')}
              </button>
              <button type="button" className="button button-primary" disabled={busy || missing.length > 0} onClick={() => void startImport(step.files, step.preview)}>
                {step.files.length === 1 ? t('wizard.import.one') : t('wizard.import', { count: step.files.length })}
              </button>
            </div>
          )}
        </>
      )}

      {step.name === 'result' && (
        <>
          <ImportResultView result={step.result} />
          <div className="wizard-actions">
            <span className="progress-spacer" />
            <button type="button" className="button button-primary" onClick={restart}>
              {t('wizard.startOver')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
