// Rejected rows of some imports (or all): the first rows shown from the `rejects` Arrow table, and
// every row downloadable as CSV (fetched page by page only when asked for).
import { useEffect, useState } from 'react';
import { tableFromIPC, type Table } from 'apache-arrow';
import { ArrowTable } from '../../components/ArrowTable.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import Papa from 'papaparse';
import { csvBlob, downloadBlob } from '../../components/download.ts';
import { asCoreError, useCoreContext } from '../../client/hooks.ts';
import type { CoreError, CoreHandle } from '../../../../core/src/api/index.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';

const PAGE_ROWS = 50_000;
const SHOWN_ROWS = 1000;

/** The import's reject reasons (core/src/ingest/normalise.ts) by catalogue key; others are shown as the core wrote them. */
const REASON_KEYS = {
  'missing value': 'rejects.reasonText.missing',
  'not a date': 'rejects.reasonText.notDate',
  'not a number': 'rejects.reasonText.notNumber',
  'empty ticket: no text, category, rating or label': 'rejects.reasonText.emptyTicket',
} as const;

function isKnownReason(reason: string): reason is keyof typeof REASON_KEYS {
  return Object.hasOwn(REASON_KEYS, reason);
}

const REJECT_COLUMNS = ['file', 'line', 'column', 'raw', 'reason'] as const;

/** The rejects as the user downloads them: headers and reasons in the UI language, file names without their folders. */
export function rejectsCsv(table: Table, reasonText: (reason: string) => string, headers: string[]): string {
  const vectors = REJECT_COLUMNS.map((name) => table.getChild(name));
  const data: unknown[][] = [];
  for (let row = 0; row < table.numRows; row++) {
    const [file, line, column, raw, reason] = vectors.map((vector) => vector?.get(row) ?? null);
    data.push([file === null ? '' : String(file).split(/[\\/]/).pop(), line ?? '', column ?? '', raw ?? '', reason === null ? '' : reasonText(String(reason))]);
  }
  return Papa.unparse({ fields: headers, data });
}

/** Rejected rows per reason, most first. */
function reasonCounts(table: Table): [string, number][] {
  const column = table.getChild('reason');
  const counts = new Map<string, number>();
  for (let row = 0; row < table.numRows; row++) {
    const reason = String(column?.get(row) ?? '');
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

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

  const reasonText = (reason: string) => (isKnownReason(reason) ? t(REASON_KEYS[reason]) : reason);
  const download = async () => {
    setDownloading(true);
    try {
      downloadBlob(csvBlob(rejectsCsv(await fetchRejects(core, sourceIds), reasonText, REJECT_COLUMNS.map((column) => t(`rejects.${column}`)))), 'rejected-rows.csv');
    } catch (failure) {
      setError(asCoreError(failure));
    } finally {
      setDownloading(false);
    }
  };

  if (error) return <ErrorBanner error={error} onDismiss={() => setError(null)} />;
  if (!table || table.numRows === 0) return null;
  const complete = table.numRows >= total;
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
      <table className="simple-table rejects-summary" data-testid="rejects-summary">
        <caption>{complete ? t('rejects.byReason') : t('rejects.byReasonShown', { shown: number(table.numRows) })}</caption>
        <thead>
          <tr>
            <th>{t('rejects.reason')}</th>
            <th className="number">{t('rejects.rows')}</th>
          </tr>
        </thead>
        <tbody>
          {reasonCounts(table).map(([reason, count]) => (
            <tr key={reason}>
              <td>{reasonText(reason)}</td>
              <td className="number">{number(count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ArrowTable
        table={table}
        searchable
        label={t('result.rejectsTitle')}
        height={260}
        columns={[
          { name: 'file', label: t('rejects.file'), width: 'minmax(160px, 1.5fr)', format: (value) => (value === null ? null : String(value).split(/[\\/]/).pop()) },
          { name: 'line', label: t('rejects.line'), width: '80px' },
          { name: 'column', label: t('rejects.column'), width: '120px' },
          { name: 'raw', label: t('rejects.raw'), width: 'minmax(200px, 2fr)' },
          { name: 'reason', label: t('rejects.reason'), width: 'minmax(200px, 2fr)', format: (value) => (value === null ? null : reasonText(String(value))) },
        ]}
      />
    </section>
  );
}
