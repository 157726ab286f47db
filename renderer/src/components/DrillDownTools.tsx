// The actions of a drill-down panel (the customers behind a cell, a reason, ...): extra controls,
// the rows as CSV once they are there, and Close.
import type { Table } from 'apache-arrow';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { csvBlob, downloadBlob, tableToCsv } from './download.ts';

export function DrillDownTools({ table, fileName, onClose, children }: { table: Table | null | undefined; fileName: string; onClose: () => void; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="section-tools">
      {children}
      {table && (
        <button type="button" className="button button-small" onClick={() => downloadBlob(csvBlob(tableToCsv(table)), fileName)}>
          {t('common.downloadCsv')}
        </button>
      )}
      <button type="button" className="button button-small button-quiet" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}
