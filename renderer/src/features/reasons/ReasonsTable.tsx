// Every reason's numbers in the keyboard grid (arrow keys move, Enter opens the reason's customers);
// each column names its report format, so "Add to report" keeps shares as percentages and counts whole.
import { Field, Float64, Utf8 } from 'apache-arrow';
import { useMemo } from 'react';
import type { ReasonRow } from '../../../../core/src/api/reasons.ts';
import { ArrowTable, type ArrowColumn, type RowSource } from '../../components/ArrowTable.tsx';
import { useMoney } from '../../components/money.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';

export interface ReasonsTableProps {
  rows: readonly ReasonRow[];
  label: string;
  names: { reason: (key: string) => string };
  onOpen: (row: ReasonRow) => void;
}

export function ReasonsTable({ rows, label, names, onOpen }: ReasonsTableProps) {
  const { t, number, percent } = useI18n();
  const money = useMoney();
  // The rows are a dozen JSON objects; read cell by cell they reuse the grid every other table uses.
  // (Not tableFromArrays: Arrow's builders compile code with `new Function`, which the app's CSP refuses.)
  const source = useMemo<RowSource>(() => {
    const cells: [Field, (row: ReasonRow) => unknown][] = [
      [new Field('reason', new Utf8()), (row) => names.reason(row.key)],
      [new Field('tickets', new Float64()), (row) => row.tickets],
      [new Field('churned', new Float64()), (row) => row.churnedCustomers],
      [new Field('share', new Float64(), true), (row) => row.shareOfChurned],
      [new Field('rate_with', new Float64(), true), (row) => row.churnRateWith],
      [new Field('rate_without', new Float64(), true), (row) => row.churnRateWithout],
      [new Field('lift', new Float64(), true), (row) => row.lift],
      // One column for the interval: two numbers side by side read as a range and save a column.
      [new Field('lift_interval', new Utf8(), true), (row) => (row.liftLow === null || row.liftHigh === null ? null : `${number(row.liftLow, 2)}–${number(row.liftHigh, 2)}`)],
      [new Field('revenue', new Float64(), true), (row) => row.revenueAtStake],
      [new Field('median_days', new Float64(), true), (row) => row.medianDaysTicketToLastOrder],
    ];
    return { numRows: rows.length, fields: cells.map(([field]) => field), value: (column, index) => cells[column]![1](rows[index]!) ?? null };
  }, [rows, names, number]);
  const asPercent = (value: unknown) => (value === null || value === undefined ? null : percent(Number(value)));
  const asRatio = (value: unknown) => (value === null || value === undefined ? null : number(Number(value), 2));
  const columns: ArrowColumn[] = [
    { name: 'reason', label: t('reasons.column.reason'), width: 'minmax(180px, 3fr)' },
    { name: 'tickets', label: t('reasons.column.tickets'), reportFormat: 'integer', width: 'minmax(64px, 1fr)' },
    { name: 'churned', label: t('reasons.column.churned'), reportFormat: 'integer', width: 'minmax(68px, 1fr)' },
    { name: 'share', label: t('reasons.column.share'), format: asPercent, reportFormat: 'percent', width: 'minmax(64px, 1fr)' },
    { name: 'rate_with', label: t('reasons.column.rateWith'), format: asPercent, reportFormat: 'percent', width: 'minmax(84px, 1fr)' },
    { name: 'rate_without', label: t('reasons.column.rateWithout'), format: asPercent, reportFormat: 'percent', width: 'minmax(72px, 1fr)' },
    { name: 'lift', label: t('reasons.column.lift'), format: asRatio, reportFormat: 'number', width: 'minmax(52px, 1fr)' },
    { name: 'lift_interval', label: t('reasons.column.liftInterval'), width: 'minmax(100px, 1fr)' },
    { name: 'revenue', label: t('reasons.column.revenue'), reportFormat: 'money', format: (value) => (value === null || value === undefined ? null : money(Number(value))), width: 'minmax(84px, 1fr)' },
    { name: 'median_days', label: t('reasons.column.medianDays'), reportFormat: 'integer', format: (value) => (value === null || value === undefined ? null : number(Number(value), 0)), width: 'minmax(72px, 1fr)' },
  ];
  return (
    <ArrowTable
      source={source}
      label={label}
      columns={columns}
      height={Math.min(420, 30 * (rows.length + 1))}
      onActivateRow={(index) => {
        const row = rows[index];
        if (row) onOpen(row);
      }}
    />
  );
}
