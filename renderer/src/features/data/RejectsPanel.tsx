// Rejected rows of some imports (or all): the Arrow table from `rejects`, shown and downloadable as CSV.
import { useEffect, useState } from 'react';
import { tableFromIPC, type Table } from 'apache-arrow';
import { ArrowTable } from '../../components/ArrowTable.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { csvBlob, downloadBlob, tableToCsv } from '../../components/download.ts';
import { asCoreError, useCoreContext } from '../../client/hooks.ts';
import type { CoreError, CoreHandle } from '../../../../core/src/api/index.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';

const PAGE_ROWS = 50_000;

/** Every rejected row of the given sources (all sources when none are given), page by page. */
export async function fetchRejects(core: CoreHandle, sourceIds: readonly number[] | null): Promise<Table> {
  const tables: Table[] = [];
  for (const sourceId of sourceIds ?? [undefined]) {
    for (let offset = 0; ; offset += PAGE_ROWS) {
      const page = tableFromIPC(await core.rejects({ ...(sourceId === undefined ? {} : { sourceId }), offset, limit: PAGE_ROWS }));
      tables.push(page);
      if (page.numRows < PAGE_ROWS) break;
    }
  }
  const [first, ...rest] = tables;
  if (!first) throw new Error('rejects returned no table');
  return first.concat(...rest);
}

export function RejectsPanel({ sourceIds }: { sourceIds: readonly number[] | null }) {
  const { core, revision } = useCoreContext();
  const { t } = useI18n();
  const [table, setTable] = useState<Table | null>(null);
  const [error, setError] = useState<CoreError | null>(null);
  const key = JSON.stringify(sourceIds);

  useEffect(() => {
    let current = true;
    fetchRejects(core, JSON.parse(key) as number[] | null).then(
      (result) => current && setTable(result),
      (failure: unknown) => current && setError(asCoreError(failure)),
    );
    return () => {
      current = false;
    };
  }, [core, key, revision]);

  if (error) return <ErrorBanner error={error} />;
  if (!table || table.numRows === 0) return null;
  return (
    <section className="panel-section">
      <div className="section-head">
        <h3>{t('result.rejectsTitle')}</h3>
        <button type="button" className="button" onClick={() => downloadBlob(csvBlob(tableToCsv(table)), 'rejected-rows.csv')}>
          {t('result.downloadRejects')}
        </button>
      </div>
      <ArrowTable
        table={table}
        label={t('result.rejectsTitle')}
        height={260}
        columns={[
          { name: 'file', width: 'minmax(160px, 1.5fr)' },
          { name: 'line', width: '80px' },
          { name: 'column', width: '120px' },
          { name: 'raw', width: 'minmax(200px, 2fr)' },
          { name: 'reason', width: 'minmax(200px, 2fr)' },
        ]}
      />
    </section>
  );
}
