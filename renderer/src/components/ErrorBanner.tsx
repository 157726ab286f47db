// An error as the user sees it: what happened in the UI language (by the error's code and the
// parameters it carries), what they can do next, and the core's own message for the record.
import type { ReactNode } from 'react';
import type { ErrorCode, ErrorData } from '../../../core/src/api/index.ts';
import type { MessageKey } from '../i18n/en.ts';
import { isMessageKey, useI18n } from '../i18n/I18nProvider.tsx';

export interface ErrorBannerProps {
  error: Pick<ErrorData, 'code' | 'message' | 'details'>;
  onRetry?: () => void;
  onDismiss?: () => void;
  /** What fixes this error on the screen that shows it (e.g. a field to set the churn window). */
  fix?: ReactNode;
}

/** Absolute paths (POSIX or Windows) in a message, shown by their file name only: uploads live in internal folders. */
export function withoutFolders(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?(?:[\\/][^\\/\s:'"()]+)*[\\/]([^\\/\s:'"()]+)/g, (whole, name: string) => (whole.length > name.length + 1 ? name : whole));
}

/** The reason an analysis had nothing to work on, when the core named one (details.reason). */
function noDataReason(error: ErrorBannerProps['error']): string | null {
  const reason = error.details?.reason;
  return typeof reason === 'string' && isMessageKey(`error.noData.${reason}`) ? reason : null;
}

/** A catalogue text for the particular case, when the core named one (details.reason) beyond its code. */
function reasonKey(error: ErrorBannerProps['error']): MessageKey | null {
  const key = `error.reason.${String(error.details?.reason)}`;
  return isMessageKey(key) ? key : null;
}

/** Whether the core's reason is an empty workspace, the one case the Data screen fixes. */
function noOrders(error: ErrorBannerProps['error']): boolean {
  return /no orders|no usable orders/i.test(error.message);
}

/**
 * What to do about a named reason: the lead-in to the screen's own fix when it has one
 * ("Set the churn window in days:"), else where to fix it.
 */
function fixText(reason: string, screenHasFix: boolean): MessageKey | null {
  const key = `error.noData.${reason}.${screenHasFix ? 'fixHere' : 'fixElsewhere'}`;
  return isMessageKey(key) ? key : null;
}

function place(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  const parts: string[] = [];
  if (typeof details.file === 'string') parts.push(withoutFolders(details.file));
  if (typeof details.line === 'number') parts.push(`#${details.line}`);
  if (typeof details.column === 'string') parts.push(details.column);
  return parts.join(' · ');
}

export function ErrorBanner({ error, onRetry, onDismiss, fix }: ErrorBannerProps) {
  const { t, language } = useI18n();
  const message = withoutFolders(error.message);
  if (error.code === 'E_NO_DATA') {
    const reason = noDataReason(error);
    const fixKey = reason ? fixText(reason, fix !== undefined) : null;
    // An empty workspace is a state, not a failure: say what the core found and what to do instead of showing a code.
    return (
      <div className="banner banner-info" role="status" data-testid="no-data" data-reason={reason ?? undefined}>
        <div className="banner-body">
          {reason ? (
            <span>{t(`error.noData.${reason}` as Parameters<typeof t>[0], stringParams(error.details))}</span>
          ) : noOrders(error) ? (
            <>
              <span>{t('error.noData')}</span> <a href="#/data">{t('nav.data')}</a>
            </>
          ) : (
            // A reason the catalogue does not name yet: the core's own words, shown as they are in English and behind a
            // disclosure in other languages, rather than sending the user to import orders they already have.
            <>
              <span>{t('error.noData.other')}</span>{' '}
              {language === 'en' ? <span className="banner-message">{message}</span> : <details className="banner-details"><summary>{t('error.details')}</summary>{message}</details>}
            </>
          )}
          {fixKey && <span>{language === 'zh-CN' ? '' : ' '}{t(fixKey)}</span>}
          {fix && <div className="banner-fix">{fix}</div>}
        </div>
      </div>
    );
  }
  const codeKey = `error.code.${error.code satisfies ErrorCode}`;
  const reason = reasonKey(error);
  const where = place(error.details);
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-body">
        <strong>{t('error.title')}</strong>
        <code className="banner-code">{error.code}</code>
        {reason ? (
          <>
            <span className="banner-message">{t(reason, stringParams(error.details))}</span>
            <details className="banner-details">
              <summary>{t('error.details')}</summary>
              {message}
            </details>
          </>
        ) : language === 'en' || !isMessageKey(codeKey) ? (
          <span className="banner-message">{message}</span>
        ) : (
          <>
            <span className="banner-message">
              {t(codeKey)}
              {where && ` (${where})`}
            </span>
            <details className="banner-details">
              <summary>{t('error.details')}</summary>
              {message}
            </details>
          </>
        )}
        {fix && <div className="banner-fix">{fix}</div>}
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

function stringParams(details: Record<string, unknown> | undefined): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(details ?? {})) if (typeof value === 'string' || typeof value === 'number') params[key] = typeof value === 'string' ? withoutFolders(value) : value;
  return params;
}
