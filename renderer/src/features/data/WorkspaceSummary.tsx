// The open workspace at a glance: counts, order date range, imported files and their rejects.
import type { WorkspaceInfo } from '../../../../core/src/api/index.ts';
import { DataWarningList } from '../../components/DataWarnings.tsx';
import { Panel } from '../../components/Screen.tsx';
import { StatTile } from '../../components/StatTile.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { RejectsPanel } from './RejectsPanel.tsx';

export function WorkspaceSummary({ info }: { info: WorkspaceInfo }) {
  const { t, number } = useI18n();
  const rejected = info.tables.find((table) => table.name === 'rejects')?.rows ?? 0;
  const range = info.dateRange ? `${info.dateRange.from.slice(0, 10)} –\n${info.dateRange.to.slice(0, 10)}` : '—';
  return (
    <Panel
      id="workspace-heading"
      title={t('data.workspace')}
      actions={
        <span className="muted path" title={info.path}>
          {info.path}
        </span>
      }
    >
      <DataWarningList info={info} />
      <div className="stats">
        <StatTile label={t('data.workspace.orders')} value={number(info.orders)} />
        <StatTile label={t('data.workspace.customers')} value={number(info.customers)} />
        <StatTile label={t('data.workspace.tickets')} value={number(info.tickets)} />
        <StatTile label={t('data.workspace.range')} value={range} compact />
        <StatTile label={t('data.workspace.rejects')} value={number(rejected)} />
      </div>
      {info.orders === 0 && info.tickets === 0 && <p className="empty-note">{t('data.workspace.empty')}</p>}
      {info.sources.length > 0 && (
        <section className="panel-section">
          <h3>{t('data.sources.title')}</h3>
          <div className="table-wrap">
            <table className="simple-table">
              <thead>
                <tr>
                  <th>{t('data.sources.file')}</th>
                  <th>{t('data.sources.kind')}</th>
                  <th>{t('data.sources.format')}</th>
                  <th>{t('data.sources.encoding')}</th>
                  <th className="number">{t('data.sources.loaded')}</th>
                  <th className="number">{t('data.sources.rejected')}</th>
                  <th>{t('data.sources.importedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {info.sources.map((source) => (
                  <tr key={source.sourceId}>
                    <td className="path" title={source.file}>
                      {source.file.split(/[\\/]/).pop()}
                    </td>
                    <td>{t(`data.kind.${source.kind}`)}</td>
                    <td>{source.format}</td>
                    <td>{source.encoding ?? '—'}</td>
                    <td className="number">{number(source.rowsLoaded)}</td>
                    <td className="number">{number(source.rowsRejected)}</td>
                    <td>{source.importedAt.slice(0, 16).replace('T', ' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {rejected > 0 && <RejectsPanel sourceIds={null} total={rejected} />}
    </Panel>
  );
}
