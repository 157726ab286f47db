// Rejected rows of some imports (or all): the first rows shown from the `rejects` Arrow table, and
// every row downloadable as CSV (fetched page by page only when asked for).
import { useEffect, useState } from 'react';
import { tableFromIPC, type Table } from 'apache-arrow';
import { ArrowTable } from '../../components/ArrowTable.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { csvBlob, downloadBlob, tableToCsv } from '../../components/download.ts';
import { asCoreError, useCoreContext } from '../../client/hooks.ts';
import type { CoreError, CoreHandle } from '../../../../core/src/api/index.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';

const PAGE_ROWS = 50_000;
const SHOWN_ROWS = 1000;

/** Rejected rows of the given sources (all sources when null), up to `limit` of them, page by page. */
export async function fetchRejects(core: CoreHandle, sourceIds: readonly number[] | null, limit = Number.POSITIVE_INFINITY): Promise<Table> {
  const tables: Table[] = [];
  let fetched = 0;
  for (const sourceId of sourceIds ?? [undefined]) {
    for (let offset = 0; fetched < limit; offset += PAGE_ROWS) {
      const size = Math.min(PAGE_ROWS, limit - fetched);
      const page = tableFromIPC(await core.rejects({ ...(sourceId === undefined ? {} : { sourceId }), offset, limit: size }));
      tables.push(page);
      fetched += page.numRows;
      if (page.numRows < size) break;
    }
  }
  const [first, ...rest] = tables;
  if (!first) throw new Error('rejects returned no table');
  return first.concat(...rest);
}

export function RejectsPanel({ sourceIds, total }: { sourceIds: readonly number[] | null; total: number }) {
  const { core, revision } = useCoreContext();
  const { t, number } = useI18n();
  const [table, setTable] = useState<Table | null>(null);
  const [error, setError] = useState<CoreError | null>(null);
  const [downloading, setDownloading] = useState(false);
  const key = JSON.stringify(sourceIds);

  useEffect(() => {
    let current = true;
    fetchRejects(core, JSON.parse(key) as number[] | null, SHOWN_ROWS).then(
      (result) => current && setTable(result),
      (failure: unknown) => current && setError(asCoreError(failure)),
    );
    return () => {
      current = false;
    };
  }, [core, key, revision]);

  const download = async () => {
    setDownloading(true);
    try {
      downloadBlob(csvBlob(tableToCsv(await fetchRejects(core, sourceIds))), 'rejected-rows.csv');
    } catch (failure) {
      setError(asCoreError(failure));
    } finally {
      setDownloading(false);
    }
  };

  if (error) return <ErrorBanner error={error} onDismiss={() => setError(null)} />;
  if (!table || table.numRows === 0) return null;
  return (
    <section className="panel-section">
      <div className="section-head">
        <h3>{t('result.rejectsTitle')}</h3>
        <span className="muted">{table.numRows < total ? t('result.rejectsShown', { shown: number(table.numRows), total: number(total) }) : ''}</span>
        <span className="progress-spacer" />
        <button type="button" className="button" onClick={() => void download()} disabled={downloading}>
          {downloading ? t('report.exporting') : t('result.downloadRejects')}
        </button>
      </div>
      <ArrowTable
        table={table}
        label={t('result.rejectsTitle')}
        height={260}
        columns={[
          { name: 'file', label: t('rejects.file'), width: 'minmax(160px, 1.5fr)', format: (value) => (value === null ? null : String(value).split(/[\\/]/).pop()) },
          { name: 'line', label: t('rejects.line'), width: '80px' },
          { name: 'column', label: t('rejects.column'), width: '120px' },
          { name: 'raw', label: t('rejects.raw'), width: 'minmax(200px, 2fr)' },
          { name: 'reason', label: t('rejects.reason'), width: 'minmax(200px, 2fr)' },
        ]}
      />
    </section>
  );
}
