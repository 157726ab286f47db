// An error as the user sees it: its stable code, the core's message, and what they can do next.
import type { ErrorData } from '../../../core/src/api/index.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';

export interface ErrorBannerProps {
  error: Pick<ErrorData, 'code' | 'message'>;
  onRetry?: () => void;
  onDismiss?: () => void;
}

export function ErrorBanner({ error, onRetry, onDismiss }: ErrorBannerProps) {
  const { t } = useI18n();
  // An empty workspace is a state, not a failure: say what to do instead of showing a code.
  if (error.code === 'E_NO_DATA') {
    return (
      <div className="banner banner-info" role="status" data-testid="no-data">
        {t('error.noData')} <a href="#/data">{t('nav.data')}</a>
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-body">
        <strong>{t('error.title')}</strong>
        <code className="banner-code">{error.code}</code>
        <span className="banner-message">{error.message}</span>
      </div>
      <div className="banner-actions">
        {onRetry && (
          <button type="button" className="button" onClick={onRetry}>
            {t('error.retry')}
          </button>
        )}
        {onDismiss && (
          <button type="button" className="button button-quiet" onClick={onDismiss}>
            {t('error.dismiss')}
          </button>
        )}
      </div>
    </div>
  );
}
