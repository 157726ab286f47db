// What an import did: rows read, loaded, rejected and replaced, and its data-quality report.
import type { ImportResult } from '../../../../core/src/api/index.ts';
import { StatTile } from '../../components/StatTile.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { ImportAlerts } from './ImportAlerts.tsx';
import { ImportWarnings } from './ImportWarnings.tsx';
import { RejectsPanel } from './RejectsPanel.tsx';

export function ImportResultView({ result }: { result: ImportResult }) {
  const { t, number, percent } = useI18n();
  const rejectShare = result.rowsRead > 0 ? result.rowsRejected / result.rowsRead : 0;
  return (
    <div className="import-result" data-testid="import-result">
      <h3>{t('result.title')}</h3>
      <div className="stats">
        {/* a line-level export's rows are order lines: its counts are not the orders' count, shown beside them */}
        <StatTile label={t(result.lineLevel ? 'result.readLines' : 'result.read')} value={number(result.rowsRead)} />
        <StatTile label={t(result.lineLevel ? 'result.loadedLines' : 'result.loaded')} value={number(result.rowsLoaded)} />
        {result.lineLevel && <StatTile label={t('result.ordersInWorkspace')} value={number(result.orders)} />}
        <StatTile label={t('result.rejected')} value={number(result.rowsRejected)} />
        <StatTile label={t('result.replaced')} value={number(result.rowsReplaced)} />
        <StatTile label={t('result.seconds')} value={t('result.secondsValue', { seconds: number(result.seconds, 1) })} />
      </div>
      <ImportAlerts alerts={result.alerts} />
      <h3>{t('result.quality')}</h3>
      <p className={result.rowsRejected > 0 ? 'note-warn' : 'note-ok'}>
        {result.rowsRejected > 0 ? t('result.rejectShare', { share: percent(rejectShare, 2) }) : t('result.qualityGood')}
      </p>
      <ImportWarnings warnings={result.warnings} />
      {result.rowsRejected > 0 && <RejectsPanel sourceIds={result.sourceIds} total={result.rowsRejected} />}
    </div>
  );
}
