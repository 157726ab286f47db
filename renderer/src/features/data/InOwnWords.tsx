// An import's alert or warning as the reader's language says it. The core words them in English (as
// the CLI prints them); in another language the catalogue's sentence, built from the notice's code
// and fields, says all the reader needs, and the core's words stay behind a closed disclosure for the record.
import { useI18n } from '../../i18n/I18nProvider.tsx';

export function InOwnWords({ message, own }: { message: string; own: () => string }) {
  const { t, language } = useI18n();
  if (language === 'en') return <>{message}</>;
  return (
    <>
      {own()}{' '}
      <details className="banner-details">
        <summary>{t('error.details')}</summary>
        {message}
      </details>
    </>
  );
}
