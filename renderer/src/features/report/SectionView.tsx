// One report section as the analyst edits it: headline (written by the analyst for sections added
// from a screen), chart, table, options used, and a note.
import { useMemo } from 'react';
import type { ReportColumnFormat, ReportSection } from '../../../../core/src/api/index.ts';
import { useArrowTable } from '../../client/arrow.ts';
import { ArrowTable, type ArrowColumn } from '../../components/ArrowTable.tsx';
import { PlotlyChart, type ChartHandle } from '../../components/charts/PlotlyChart.tsx';
import { useI18n, type I18n } from '../../i18n/I18nProvider.tsx';

export const DEFAULT_CHART_HEIGHT = 380;

/** How a report cell of `format` reads on screen; an empty cell reads as a dash, as in the exports. */
function cellFormat(format: ReportColumnFormat, i18n: I18n, currency: string | null): (value: unknown) => string | null {
  const shown = (value: unknown, text: (value: unknown) => string) => (value === null || value === undefined ? '—' : text(value));
  switch (format) {
    case 'integer':
      return (value) => shown(value, (v) => i18n.number(Number(v), 0));
    case 'number':
      return (value) => shown(value, (v) => i18n.number(Number(v), 2));
    case 'money':
      return (value) => shown(value, (v) => i18n.money(Number(v), 2, currency));
    case 'percent':
      return (value) => shown(value, (v) => i18n.percent(Number(v)));
    case 'date':
      return (value) => shown(value, (v) => new Date(Number(v)).toISOString().slice(0, 10));
    case 'text':
      return (value) => (value === null || value === undefined ? null : String(value));
  }
}

const isColumnFormat = (value: unknown): value is ReportColumnFormat =>
  value === 'integer' || value === 'number' || value === 'money' || value === 'percent' || value === 'date' || value === 'text';

export interface SectionViewProps {
  section: ReportSection;
  index: number;
  count: number;
  onChange: (section: ReportSection) => void;
  onMove: (offset: -1 | 1) => void;
  onRemove: () => void;
  onChartHandle: (handle: ChartHandle | null) => void;
  /** The report's currency (ISO 4217) for money columns, as the exports show them. */
  currency: string | null;
}

export function SectionView({ section, index, count, onChange, onMove, onRemove, onChartHandle, currency }: SectionViewProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const table = useArrowTable(section.table?.arrow);
  const columns = useMemo(
    () =>
      section.table?.columns.map((column): ArrowColumn => {
        // A column with a formatKey takes each row's format from that column (the KPI table's unit).
        const byRow = column.formatKey === undefined ? null : table?.getChild(column.formatKey);
        const columnFormat = cellFormat(column.format, i18n, currency);
        const format = byRow
          ? (value: unknown, row: number) => {
              const named: unknown = byRow.get(row);
              return (isColumnFormat(named) ? cellFormat(named, i18n, currency) : columnFormat)(value);
            }
          : column.format === 'text'
            ? undefined
            : columnFormat;
        // Text takes the grid's default track; a number's track is as wide as its widest value (ArrowTable)
        return { name: column.key, label: column.label, ...(format ? { format } : {}) };
      }),
    [section.table, table, i18n, currency],
  );
  const headingId = `section-${section.id.replace(/\W/g, '-')}`;
  return (
    <section className="panel report-section" aria-labelledby={headingId} data-section={section.id}>
      <div className="section-head">
        <h2 id={headingId}>
          <span className="section-index">{index + 1}</span>
          {section.title}
        </h2>
        <div className="section-tools">
          <button type="button" className="button button-small" disabled={index === 0} onClick={() => onMove(-1)} aria-label={t('report.section.up')} title={t('report.section.up')}>
            ↑
          </button>
          <button type="button" className="button button-small" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={t('report.section.down')} title={t('report.section.down')}>
            ↓
          </button>
          <button type="button" className="button button-small button-quiet" onClick={onRemove}>
            {t('report.section.remove')}
          </button>
        </div>
      </div>
      {section.area === 'custom' ? (
        <input
          className="headline headline-input"
          value={section.headline}
          aria-label={t('report.section.headline')}
          placeholder={t('report.section.headlinePlaceholder')}
          onChange={(event) => onChange({ ...section, headline: event.target.value })}
        />
      ) : (
        <p className="headline">{section.headline}</p>
      )}
      {section.chart && (
        <PlotlyChart
          data={section.chart.data}
          layout={section.chart.layout}
          height={section.chart.height ?? DEFAULT_CHART_HEIGHT}
          title={section.title}
          fileName={section.id}
          onHandle={onChartHandle}
          addToReport={false}
        />
      )}
      {table && columns && <ArrowTable table={table} columns={columns} label={section.table?.name ?? section.title} height={240} addToReport={false} />}
      {table && section.table?.totalRows !== undefined && section.table.totalRows > table.numRows && (
        <p className="muted table-caption">{t('report.section.rowsShown', { shown: i18n.number(table.numRows), total: i18n.number(section.table.totalRows) })}</p>
      )}
      {section.options.length > 0 && (
        <dl className="options" aria-label={t('report.section.options')}>
          {section.options.map((option) => (
            <div key={option.label} className="option-chip">
              <dt>{option.label}</dt>
              <dd>{option.value}</dd>
            </div>
          ))}
        </dl>
      )}
      <label className="note">
        <span className="field-label">{t('report.section.note')}</span>
        <textarea value={section.note} rows={2} placeholder={t('report.section.notePlaceholder')} onChange={(event) => onChange({ ...section, note: event.target.value })} />
      </label>
    </section>
  );
}
