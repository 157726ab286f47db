// Hands files to the core: uploads them from a browser tab, or asks Electron's native dialog for paths.
import { useState, type ChangeEvent } from 'react';
import type { ImportKind } from '../../../../core/src/api/index.ts';
import { asCoreError, useCoreContext } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import type { CoreError } from '../../../../core/src/api/index.ts';

export interface FilePickerProps {
  kind: ImportKind;
  onPicked: (paths: string[]) => void;
}

export function FilePicker({ kind, onPicked }: FilePickerProps) {
  const { host } = useCoreContext();
  const { t, percent } = useI18n();
  const [uploading, setUploading] = useState<{ file: string; share: number } | null>(null);
  const [error, setError] = useState<CoreError | null>(null);
  const files = host.files;

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    if (files.kind !== 'upload') return;
    const chosen = [...(event.target.files ?? [])];
    event.target.value = '';
    if (chosen.length === 0) return;
    setError(null);
    try {
      const paths: string[] = [];
      for (const file of chosen) {
        setUploading({ file: file.name, share: 0 });
        paths.push(await files.upload(file, (loaded, total) => setUploading({ file: file.name, share: total > 0 ? loaded / total : 0 })));
      }
      onPicked(paths);
    } catch (failure) {
      setError(asCoreError(failure));
    } finally {
      setUploading(null);
    }
  };

  const pick = async () => {
    if (files.kind !== 'dialog') return;
    const paths = await files.pick(kind);
    if (paths.length > 0) onPicked(paths);
  };

  return (
    <div className="file-picker">
      {files.kind === 'upload' ? (
        <label className={`button button-primary${uploading ? ' is-disabled' : ''}`}>
          <input type="file" multiple className="visually-hidden" onChange={(event) => void upload(event)} disabled={uploading !== null} data-testid="file-input" />
          {t('wizard.pick')}
        </label>
      ) : (
        <button type="button" className="button button-primary" onClick={() => void pick()}>
          {t('wizard.pick')}
        </button>
      )}
      <span className="muted">{uploading ? `${t('wizard.uploading', { file: uploading.file })} ${percent(uploading.share, 0)}` : t('wizard.pickHint')}</span>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
