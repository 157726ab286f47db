// The client's look, set once per workspace: report title, client name, logo, accent colour,
// whether the workspace file name shows, and the currency money is shown in (screens and reports).
// Saved in the workspace, so every export and the command line's report use it.
import { useEffect, useState } from 'react';
import type { CoreError, DisplaySettings, ReportBranding, ReportLogo } from '../../../../core/src/api/index.ts';
import { asCoreError, useCall, useCoreContext } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';

/** Currencies offered in the list; the core takes any ISO 4217 code (the CLI's --currency). */
const CURRENCIES = ['CNY', 'HKD', 'TWD', 'USD', 'EUR', 'GBP', 'JPY', 'KRW', 'SGD', 'AUD', 'CAD', 'INR'] as const;

/** Reads a chosen image file as the logo the core keeps; null for a file that is neither PNG nor JPEG. */
async function readLogo(file: File): Promise<ReportLogo | null> {
  if (file.type !== 'image/png' && file.type !== 'image/jpeg') return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { mimeType: file.type, base64: btoa(binary) };
}

export interface BrandingPanelProps {
  /** Called with what was saved, so the open draft can take it at once. */
  onSaved: (settings: DisplaySettings) => void;
}

export function BrandingPanel({ onSaved }: BrandingPanelProps) {
  const { core } = useCoreContext();
  const { t, money } = useI18n();
  const saved = useCall('displaySettings', {});
  const [branding, setBranding] = useState<ReportBranding | null>(null);
  // undefined until the user picks one: saving then leaves the currency to follow the imported amounts
  const [chosenCurrency, setChosenCurrency] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<CoreError | null>(null);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [logoRefused, setLogoRefused] = useState(false);

  useEffect(() => {
    if (!saved.value) return;
    setBranding(saved.value.branding);
    setChosenCurrency(undefined);
  }, [saved.value]);

  if (saved.error) return <ErrorBanner error={saved.error} />;
  if (!branding) return null;
  const currency = chosenCurrency === undefined ? (saved.value?.currency ?? null) : chosenCurrency;
  const edit = (change: Partial<ReportBranding>) => {
    setBranding({ ...branding, ...change });
    setStatus('idle');
  };
  const save = async () => {
    setStatus('saving');
    setError(null);
    try {
      const next = await core.saveDisplaySettings({ branding, ...(chosenCurrency === undefined ? {} : { currency: chosenCurrency }) });
      setStatus('saved');
      saved.reload();
      onSaved(next);
    } catch (failure) {
      setError(asCoreError(failure));
      setStatus('idle');
    }
  };

  return (
    <details className="panel branding" data-testid="branding">
      <summary>
        <span className="branding-title">{t('report.branding')}</span>
        <span className="muted">{t('report.branding.hint')}</span>
      </summary>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      <div className="branding-grid">
        <label className="field">
          <span className="field-label">{t('report.branding.title')}</span>
          <input value={branding.title} placeholder={t('report.draftTitle')} onChange={(event) => edit({ title: event.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">{t('report.branding.client')}</span>
          <input value={branding.clientName} onChange={(event) => edit({ clientName: event.target.value })} data-testid="branding-client" />
        </label>
        <div className="field">
          <span className="field-label">{t('report.branding.logo')}</span>
          <div className="branding-logo">
            {branding.logo && <img src={`data:${branding.logo.mimeType};base64,${branding.logo.base64}`} alt={t('report.branding.logo')} />}
            {/* The browser's own file button speaks the system's language, not the app's: a labelled button of ours opens it. */}
            <label className="button button-small">
              {t(branding.logo ? 'report.branding.logoChange' : 'report.branding.logoChoose')}
              <input
                type="file"
                hidden
                accept="image/png,image/jpeg"
                data-testid="branding-logo"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  if (!file) return;
                  void readLogo(file).then((logo) => {
                    setLogoRefused(logo === null);
                    if (logo) edit({ logo });
                  });
                }}
              />
            </label>
            {branding.logo && (
              <button type="button" className="button button-small button-quiet" onClick={() => edit({ logo: null })}>
                {t('report.branding.logoRemove')}
              </button>
            )}
          </div>
          {logoRefused && <span className="field-error">{t('report.branding.logoType')}</span>}
        </div>
        <label className="field">
          <span className="field-label">{t('report.branding.accent')}</span>
          <input type="color" value={branding.accentColor.toLowerCase()} onChange={(event) => edit({ accentColor: event.target.value.toUpperCase() })} />
        </label>
        <label className="field">
          <span className="field-label">{t('report.branding.currency')}</span>
          <select
            value={currency ?? ''}
            onChange={(event) => {
              setChosenCurrency(event.target.value === '' ? null : event.target.value);
              setStatus('idle');
            }}
            data-testid="branding-currency"
          >
            <option value="">{t('report.branding.currencyNone')}</option>
            {[...new Set([...CURRENCIES, ...(currency ? [currency] : [])])].map((code) => (
              <option key={code} value={code}>
                {`${code} · ${money(1234.5, 2, code)}`}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox-field">
          <input type="checkbox" checked={branding.hideWorkspaceName} onChange={(event) => edit({ hideWorkspaceName: event.target.checked })} />
          {t('report.branding.hideWorkspaceName')}
        </label>
      </div>
      <div className="branding-actions">
        <button type="button" className="button button-primary" disabled={status === 'saving'} onClick={() => void save()}>
          {t('report.branding.save')}
        </button>
        {status === 'saved' && <span className="muted" role="status">{t('report.branding.saved')}</span>}
      </div>
    </details>
  );
}
