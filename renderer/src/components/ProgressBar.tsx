// Progress of a long core task: phase, share of bytes, rows and rows/s, and a Cancel button.
import { useState } from 'react';
import type { ProgressEvent } from '../../../core/src/api/index.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

export interface ProgressBarProps {
  progress: ProgressEvent | null;
  onCancel?: () => Promise<void>;
}

export function ProgressBar({ progress, onCancel }: ProgressBarProps) {
  const { t, number, percent } = useI18n();
  const [cancelling, setCancelling] = useState(false);
  // A task still running at 100% of its bytes is finishing work the bytes do not measure (normalising,
  // saving): an indeterminate bar says so, where "100%" read as stuck. Counts show once there are some.
  const read = progress && progress.bytesTotal > 0 ? Math.min(1, progress.bytesDone / progress.bytesTotal) : null;
  const fraction = read !== null && read < 1 ? read : null;
  const rows = progress && progress.rows > 0 ? progress.rows : null;
  const rate = progress && progress.rowsPerSec > 0 ? progress.rowsPerSec : null;
  // Classification counts tickets; every other phase counts rows of data
  const tickets = progress?.phase === 'classify';
  const cancel = async () => {
    if (!onCancel) return;
    setCancelling(true);
    try {
      await onCancel();
    } finally {
      setCancelling(false);
    }
  };
  return (
    <div className="progress" role="status" aria-live="polite">
      <div className="progress-head">
        <span className="progress-phase">{progress ? t(`progress.phase.${progress.phase}`) : t('progress.starting')}</span>
        {progress?.file && <span className="progress-file">{progress.file}</span>}
        <span className="progress-spacer" />
        {progress && (
          <span className="progress-numbers">
            {fraction !== null && <span data-testid="progress-share">{percent(fraction, 0)}</span>}
            {rows !== null && <span data-testid="progress-rows">{t(tickets ? 'progress.tickets' : 'progress.rows', { rows: number(rows) })}</span>}
            {rate !== null && <span data-testid="progress-rate">{t(tickets ? 'progress.ticketsPerSec' : 'progress.rowsPerSec', { rate: number(rate) })}</span>}
          </span>
        )}
        {onCancel && (
          <button type="button" className="button button-danger" onClick={() => void cancel()} disabled={cancelling}>
            {cancelling ? t('progress.cancelling') : t('progress.cancel')}
          </button>
        )}
      </div>
      <div
        className={`progress-track${fraction === null ? ' progress-indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        {...(fraction === null ? {} : { 'aria-valuenow': Math.round(fraction * 100) })}
      >
        <div className="progress-fill" style={fraction === null ? undefined : { width: `${fraction * 100}%` }} />
      </div>
    </div>
  );
}
