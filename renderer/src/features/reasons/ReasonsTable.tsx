// Every reason's numbers in the keyboard grid (arrow keys move, Enter opens the reason's customers);
// each column names its report format, so "Add to report" keeps shares as percentages and counts whole.
// A number the analysis cannot compute reads "—", with why on the cell and in a note under the table.
import { Field, Float64, Utf8 } from 'apache-arrow';
import { useMemo, type ReactNode } from 'react';
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

/** Columns whose value the analysis leaves null when it cannot be computed. */
export type OptionalColumn = 'share' | 'rate_with' | 'rate_without' | 'lift' | 'lift_interval' | 'revenue' | 'median_days';

export const MISSING_CAUSES = ['noChurned', 'noCustomers', 'everyCustomer', 'noChurnedWith', 'noChurnedWithout', 'noOrders', 'noDates'] as const;
export type MissingCause = (typeof MISSING_CAUSES)[number];

/**
 * Why a reason's cell is null, read off the counts it is computed from (core/src/analysis/churnReasons.ts):
 * a rate needs customers on its side, the lift a churned customer without the reason, its interval
 * churned customers on both sides, days and revenue the orders (churn from a yes/no column has none)
 * and the median days dated tickets of churned customers.
 */
export function missingCause(column: OptionalColumn, row: ReasonRow): MissingCause {
  switch (column) {
    case 'share':
      return 'noChurned';
    case 'rate_with':
      return 'noCustomers';
    case 'rate_without':
      return 'everyCustomer';
    case 'lift':
      return row.churnRateWith === null ? 'noCustomers' : row.churnRateWithout === null ? 'everyCustomer' : 'noChurnedWithout';
    case 'lift_interval':
      if (row.lift === null) return missingCause('lift', row);
      return row.churnedCustomers === 0 ? 'noChurnedWith' : 'noChurnedWithout';
    case 'revenue':
      return 'noOrders';
    case 'median_days':
      if (row.revenueAtStake === null) return 'noOrders';
      if (row.customers === 0) return 'noCustomers';
      return row.churnedCustomers === 0 ? 'noChurnedWith' : 'noDates';
  }
}

/** Each optional column's value in a row, null when it cannot be computed. */
const OPTIONAL_CELLS: readonly [OptionalColumn, (row: ReasonRow) => unknown][] = [
  ['share', (row) => row.shareOfChurned],
  ['rate_with', (row) => row.churnRateWith],
  ['rate_without', (row) => row.churnRateWithout],
  ['lift', (row) => row.lift],
  ['lift_interval', (row) => (row.liftLow === null || row.liftHigh === null ? null : row.liftLow)],
  ['revenue', (row) => row.revenueAtStake],
  ['median_days', (row) => row.medianDaysTicketToLastOrder],
];

/** How many rows have a cell missing for each cause, in MISSING_CAUSES order. */
export function missingCauses(rows: readonly ReasonRow[]): { cause: MissingCause; rows: number }[] {
  const counts = new Map<MissingCause, number>();
  for (const row of rows) {
    const causes = new Set(OPTIONAL_CELLS.filter(([, read]) => read(row) === null).map(([column]) => missingCause(column, row)));
    for (const cause of causes) counts.set(cause, (counts.get(cause) ?? 0) + 1);
  }
  return MISSING_CAUSES.filter((cause) => counts.has(cause)).map((cause) => ({ cause, rows: counts.get(cause)! }));
}

export function ReasonsTable({ rows, label, names, onOpen }: ReasonsTableProps) {
  const { t, number, percent, language } = useI18n();
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
  const missing = useMemo(() => missingCauses(rows), [rows]);
  /** A cell's text, or "—" that says on hover why the value cannot be computed. */
  const optional =
    (column: OptionalColumn, text: (value: unknown) => string) =>
    (value: unknown, index: number): ReactNode => {
      const row = rows[index];
      if (value !== null && value !== undefined) return text(value);
      const why = row ? t(`reasons.missing.${missingCause(column, row)}`) : undefined;
      return (
        <span className="not-available" title={why}>
          —
        </span>
      );
    };
  const columns: ArrowColumn[] = [
    { name: 'reason', label: t('reasons.column.reason'), width: 'minmax(180px, 3fr)' },
    { name: 'tickets', label: t('reasons.column.tickets'), reportFormat: 'integer', width: 'minmax(64px, 1fr)' },
    { name: 'churned', label: t('reasons.column.churned'), reportFormat: 'integer', width: 'minmax(68px, 1fr)' },
    { name: 'share', label: t('reasons.column.share'), format: optional('share', (value) => percent(Number(value))), reportFormat: 'percent', width: 'minmax(64px, 1fr)' },
    { name: 'rate_with', label: t('reasons.column.rateWith'), format: optional('rate_with', (value) => percent(Number(value))), reportFormat: 'percent', width: 'minmax(84px, 1fr)' },
    { name: 'rate_without', label: t('reasons.column.rateWithout'), format: optional('rate_without', (value) => percent(Number(value))), reportFormat: 'percent', width: 'minmax(72px, 1fr)' },
    { name: 'lift', label: t('reasons.column.lift'), format: optional('lift', (value) => number(Number(value), 2)), reportFormat: 'number', width: 'minmax(52px, 1fr)' },
    { name: 'lift_interval', label: t('reasons.column.liftInterval'), format: optional('lift_interval', String), width: 'minmax(100px, 1fr)' },
    { name: 'revenue', label: t('reasons.column.revenue'), reportFormat: 'money', format: optional('revenue', (value) => money(Number(value))), width: 'minmax(84px, 1fr)' },
    // Room for "Days to last / order" on two lines: three one-word lines filled the header to its top edge
    { name: 'median_days', label: t('reasons.column.medianDays'), reportFormat: 'integer', format: optional('median_days', (value) => number(Number(value), 0)), width: 'minmax(96px, 1fr)' },
  ];
  return (
    <>
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
      {missing.length > 0 && (
        <p className="footnote" data-testid="reasons-missing">
          {t('reasons.missing.note', {
            // Chinese sentences follow each other without a space
            causes: missing.map(({ cause, rows: count }) => t('reasons.missing.rows', { cause: t(`reasons.missing.${cause}`), count: number(count) })).join(language === 'zh-CN' ? '' : ' '),
          })}
        </p>
      )}
    </>
  );
}
