// What the sniffer found in the first file, with dropdowns to correct the encoding, sheet and mapping.
import type { ColumnMapping, EncodingName, ImportPreview } from '../../../../core/src/api/index.ts';
import { isMessageKey, useI18n, type I18n } from '../../i18n/I18nProvider.tsx';
import { fieldLabel } from './fieldLabel.ts';
import { ImportAlerts } from './ImportAlerts.tsx';
import { ImportWarnings } from './ImportWarnings.tsx';

export const ENCODINGS: readonly EncodingName[] = ['utf-8', 'gb18030', 'gbk', 'big5', 'utf-16le', 'utf-16be'];

/** Values the core can derive when an export lacks a field (see ColumnMapping in core/src/api/workspace.ts). */
const DERIVED: Record<string, readonly ('@customer_day' | '@order_id' | '@row')[]> = {
  order_id: ['@customer_day'],
  customer_id: ['@order_id'],
  ticket_id: ['@row'],
};

export interface PreviewChoices {
  encoding?: EncodingName;
  sheet?: string;
  mapping: ColumnMapping;
}

export interface PreviewStepProps {
  preview: ImportPreview;
  choices: PreviewChoices;
  /** Encoding and sheet changes re-sniff the file; mapping changes only change the choices. */
  onChange: (choices: PreviewChoices, resniff: boolean) => void;
}

function delimiterName(delimiter: string | null): string {
  if (delimiter === null) return '—';
  if (delimiter === '\t') return 'Tab';
  if (delimiter === ' ') return 'Space';
  return delimiter;
}

/** A recognised export in words ("UCI Online Retail (invoice lines)"); an id without a catalogue name shows as is. */
export function profileName(t: I18n['t'], profile: string | null): string {
  if (profile === null) return t('wizard.profile.none');
  const key = `wizard.profile.${profile}`;
  return isMessageKey(key) ? t(key) : profile;
}

export function PreviewStep({ preview, choices, onChange }: PreviewStepProps) {
  const { t } = useI18n();
  const headerField = new Map(Object.entries(choices.mapping).map(([column, header]) => [header, column]));
  const fileName = preview.file.split(/[\\/]/).pop() ?? preview.file;
  return (
    <div className="preview">
      <div className="detected" aria-label={t('wizard.detected')}>
        <div className="detected-item">
          <span className="detected-label">{t('wizard.format')}</span>
          <span className="detected-value" data-testid="detected-format">{preview.format}</span>
        </div>
        <label className="detected-item">
          <span className="detected-label">{t('wizard.encoding')}</span>
          <select
            value={choices.encoding ?? ''}
            data-testid="encoding-select"
            onChange={(event) => {
              const { encoding: _previous, ...rest } = choices;
              const value = event.target.value as EncodingName | '';
              onChange(value ? { ...rest, encoding: value } : rest, true);
            }}
          >
            <option value="">{t('wizard.auto', { value: preview.encoding })}</option>
            {ENCODINGS.map((encoding) => (
              <option key={encoding} value={encoding}>
                {encoding}
              </option>
            ))}
          </select>
        </label>
        <div className="detected-item">
          <span className="detected-label">{t('wizard.delimiter')}</span>
          <span className="detected-value" data-testid="detected-delimiter">{delimiterName(preview.delimiter)}</span>
        </div>
        {preview.sheets.length > 1 && (
          <label className="detected-item">
            <span className="detected-label">{t('wizard.sheet')}</span>
            <select value={choices.sheet ?? preview.sheets[0]} onChange={(event) => onChange({ ...choices, sheet: event.target.value }, true)}>
              {preview.sheets.map((sheet) => (
                <option key={sheet}>{sheet}</option>
              ))}
            </select>
          </label>
        )}
        <div className="detected-item">
          <span className="detected-label">{t('wizard.profile')}</span>
          <span className="detected-value" data-testid="detected-profile">{profileName(t, preview.profile)}</span>
        </div>
        <div className="detected-item">
          <span className="detected-label">{t('wizard.rowsAre')}</span>
          <span className="detected-value">{t(preview.lineLevel ? 'wizard.rowsAre.lines' : 'wizard.rowsAre.orders')}</span>
        </div>
      </div>
      {/* The alerts are the sniffed mapping's: "no amount column" is gone once the user maps one. */}
      <ImportAlerts alerts={preview.alerts.filter((alert) => alert.code !== 'no_amount' || !choices.mapping.amount)} title="wizard.alertsTitle" />
      <ImportWarnings warnings={preview.warnings} />

      <h3>{t('wizard.mapping')}</h3>
      <div className="mapping-grid" role="group" aria-label={t('wizard.mapping')}>
        {preview.columns.map((column) => {
          const missing = column.required && !choices.mapping[column.column];
          return (
            <label key={column.column} className={`mapping-row${missing ? ' mapping-missing' : ''}`}>
              <span className="mapping-field">
                {fieldLabel(t, column.column)}
                {column.required && <span className="badge">{t('wizard.mapping.required')}</span>}
              </span>
              <select
                aria-label={fieldLabel(t, column.column)}
                data-column={column.column}
                value={choices.mapping[column.column] ?? ''}
                onChange={(event) => onChange({ ...choices, mapping: { ...choices.mapping, [column.column]: event.target.value } }, false)}
              >
                <option value="">{t('wizard.mapping.none')}</option>
                {DERIVED[column.column]?.map((derived) => (
                  <option key={derived} value={derived}>
                    {t(`wizard.derived.${derived}`)}
                  </option>
                ))}
                {preview.headers.map((header) => (
                  <option key={header} value={header}>
                    {header}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
      </div>

      <h3>{t('wizard.preview', { file: fileName })}</h3>
      <div className="table-wrap preview-rows">
        <table className="simple-table">
          <thead>
            <tr>
              {preview.headers.map((header) => {
                const field = headerField.get(header);
                return (
                  <th key={header} className={field ? 'mapped' : undefined}>
                    <div>{header}</div>
                    {field && <div className="mapped-to">→ {fieldLabel(t, field)}</div>}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {preview.headers.map((header, columnIndex) => (
                  <td key={header}>{row[columnIndex] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
