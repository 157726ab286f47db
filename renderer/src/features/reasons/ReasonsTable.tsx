// Every reason's numbers in the keyboard grid (arrow keys move, Enter opens the reason's customers).
import { tableFromArrays } from 'apache-arrow';
import { useMemo } from 'react';
import type { ReasonRow } from '../../../../core/src/api/reasons.ts';
import { ArrowTable, type ArrowColumn } from '../../components/ArrowTable.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';

export interface ReasonsTableProps {
  rows: readonly ReasonRow[];
  label: string;
  names: { reason: (key: string) => string; churnType: (key: string) => string };
  onOpen: (row: ReasonRow) => void;
}

export function ReasonsTable({ rows, label, names, onOpen }: ReasonsTableProps) {
  const { t, number, percent } = useI18n();
  // The rows are a dozen JSON objects; as columns they reuse the grid every other table uses.
  const table = useMemo(
    () =>
      tableFromArrays({
        reason: rows.map((row) => names.reason(row.key)),
        churn_type: rows.map((row) => (row.churnType ? names.churnType(row.churnType) : null)),
        tickets: rows.map((row) => row.tickets),
        customers: rows.map((row) => row.customers),
        churned: rows.map((row) => row.churnedCustomers),
        share: rows.map((row) => row.shareOfChurned),
        rate_with: rows.map((row) => row.churnRateWith),
        rate_without: rows.map((row) => row.churnRateWithout),
        lift: rows.map((row) => row.lift),
        lift_low: rows.map((row) => row.liftLow),
        lift_high: rows.map((row) => row.liftHigh),
        revenue: rows.map((row) => row.revenueAtStake),
        median_days: rows.map((row) => row.medianDaysTicketToLastOrder),
      }),
    [rows, names],
  );
  const asPercent = (value: unknown) => (value === null || value === undefined ? null : percent(Number(value)));
  const asRatio = (value: unknown) => (value === null || value === undefined ? null : number(Number(value), 2));
  const columns: ArrowColumn[] = [
    { name: 'reason', label: t('reasons.column.reason'), width: 'minmax(150px, 2fr)' },
    { name: 'churn_type', label: t('reasons.column.churnType'), width: 'minmax(130px, 1.5fr)' },
    { name: 'tickets', label: t('reasons.column.tickets') },
    { name: 'customers', label: t('reasons.column.customers') },
    { name: 'churned', label: t('reasons.column.churned') },
    { name: 'share', label: t('reasons.column.share'), format: asPercent },
    { name: 'rate_with', label: t('reasons.column.rateWith'), format: asPercent },
    { name: 'rate_without', label: t('reasons.column.rateWithout'), format: asPercent },
    { name: 'lift', label: t('reasons.column.lift'), format: asRatio },
    { name: 'lift_low', label: t('reasons.column.liftLow'), format: asRatio },
    { name: 'lift_high', label: t('reasons.column.liftHigh'), format: asRatio },
    { name: 'revenue', label: t('reasons.column.revenue'), format: (value) => (value === null || value === undefined ? null : number(Number(value), 0)) },
    { name: 'median_days', label: t('reasons.column.medianDays'), format: (value) => (value === null || value === undefined ? null : number(Number(value), 0)) },
  ];
  return (
    <ArrowTable
      table={table}
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
