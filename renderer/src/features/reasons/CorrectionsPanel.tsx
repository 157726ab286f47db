// The analyst's corrections: how many there are, and how well the model learned from them predicts
// corrections it did not learn from (per-reason precision and recall by 5-fold cross-validation).
import { useCall } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Panel } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';

export function CorrectionsPanel({ nameOf }: { nameOf: (key: string) => string }) {
  const { t, number, percent } = useI18n();
  const info = useCall('reasonCorrections', {});
  const value = info.value;
  return (
    <Panel id="reasons-corrections" title={t('reasons.corrections.title')}>
      {info.error && <ErrorBanner error={info.error} onRetry={info.reload} />}
      {value && (
        <>
          <p className="chart-note" data-testid="corrections-count">
            {t('reasons.corrections.count', { count: number(value.corrections) })} {value.modelTrained ? t('reasons.corrections.note') : t('reasons.corrections.untrained')}
          </p>
          {value.scores.length > 0 && (
            <table className="simple-table" data-testid="corrections-scores">
              <thead>
                <tr>
                  <th scope="col">{t('reasons.corrections.reason')}</th>
                  <th scope="col">{t('reasons.corrections.corrected')}</th>
                  <th scope="col">{t('reasons.corrections.precision')}</th>
                  <th scope="col">{t('reasons.corrections.recall')}</th>
                </tr>
              </thead>
              <tbody>
                {value.scores.map((score) => (
                  <tr key={score.reason}>
                    <td>{score.reason === 'none' ? t('reasons.correct.noReason') : nameOf(score.reason)}</td>
                    <td>{number(score.corrected)}</td>
                    <td>{percent(score.precision)}</td>
                    <td>{percent(score.recall)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Panel>
  );
}
