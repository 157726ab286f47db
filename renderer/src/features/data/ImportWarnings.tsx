// What the user should know about an import short of doubting its numbers (files joined, status words
// read as completed, an encoding guessed, no buyer column): under the preview and the result.
import type { ImportWarning } from '../../../../core/src/api/index.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { InOwnWords } from './InOwnWords.tsx';
import { profileName } from './PreviewStep.tsx';

export function ImportWarnings({ warnings }: { warnings: readonly ImportWarning[] }) {
  const { t, number, language } = useI18n();
  const listSeparator = language === 'zh-CN' ? '、' : ', ';
  if (warnings.length === 0) return null;
  return (
    <ul className="warnings" data-testid="import-warnings">
      {warnings.map((warning) => (
        <li key={`${warning.code}:${warning.message}`} data-code={warning.code}>
          <InOwnWords
            message={warning.message}
            own={() =>
              t(`import.warning.${warning.code}`, {
                count: number(warning.count ?? 0),
                words: (warning.words ?? []).join(listSeparator),
                file: warning.files?.[0] ?? '',
                encoding: (warning.encoding ?? '').toUpperCase(),
                profile: profileName(t, warning.profile ?? null),
              })
            }
          />
        </li>
      ))}
    </ul>
  );
}
