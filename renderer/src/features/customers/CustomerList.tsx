// A per-customer result table of any size (paged from customerRows) with a CSV-free, keyboard-first
// list: Enter or double click explains the customer.
import { tableFromIPC } from 'apache-arrow';
import { useCallback, useState } from 'react';
import type { CustomerRowsRequest } from '../../../../core/src/api/index.ts';
import { useCoreContext } from '../../client/hooks.ts';
import { ArrowTable, type TableSort } from '../../components/ArrowTable.tsx';
import { useMoney } from '../../components/money.ts';
import { usePagedSource } from '../../components/pagedSource.ts';
import { isMessageKey, useI18n, type I18n } from '../../i18n/I18nProvider.tsx';

/** Result columns that hold money: shown in the workspace's currency. */
const MONEY_COLUMNS = new Set(['monetary', 'expected_spend', 'clv', 'value_at_risk', 'monetary_value', 'revenue']);

/** One-digit score columns: narrow, so the list fits the screen's width. */
const SCORE_COLUMNS = new Set(['r_score', 'f_score', 'm_score']);

/** A result column's header: its catalogue name where there is one, else the column name. */
function columnLabel(t: I18n['t'], name: string): string {
  for (const key of [`column.${name}`, `field.${name}`]) if (isMessageKey(key)) return t(key);
  return name;
}

export interface CustomerListProps {
  query: Omit<CustomerRowsRequest, 'offset' | 'limit'>;
  total: number;
  label: string;
  onExplain: (customerId: string) => void;
  /** Display names of coded values per column (segment keys in the UI language). */
  valueLabels?: Record<string, (value: string) => string>;
}

export function CustomerList({ query, total, label, onExplain, valueLabels }: CustomerListProps) {
  const { core } = useCoreContext();
  const { t } = useI18n();
  const money = useMoney();
  const [sort, setSort] = useState<TableSort | null>(null);
  const [search, setSearch] = useState('');
  // The core sorts and searches the whole result; the grid shows pages of that order.
  const key = JSON.stringify({ ...query, ...(sort ? { sort: [sort] } : {}), ...(search.trim() ? { search: search.trim() } : {}) });
  const [rowsTotal, setRowsTotal] = useState(total);
  const fetchPage = useCallback(
    async (offset: number, limit: number) => {
      const page = await core.customerRows({ ...(JSON.parse(key) as CustomerListProps['query']), offset, limit });
      setRowsTotal(page.total);
      return tableFromIPC(page.rows);
    },
    [core, key],
  );
  const paged = usePagedSource(rowsTotal, fetchPage);
  // The search box stays mounted while a new order or filter loads, so typing is not interrupted.
  const searchBox = (
    <div className="grid-search">
      <input type="search" value={search} placeholder={t('customers.searchId')} aria-label={t('customers.searchId')} onChange={(event) => setSearch(event.target.value)} />
    </div>
  );
  if (!paged.source) {
    return (
      <>
        {searchBox}
        <p className="muted">{t('chart.loading')}</p>
      </>
    );
  }
  const source = paged.source;
  const idColumn = source.fields.findIndex((field) => field.name === 'customer_id');
  return (
    <>
      {searchBox}
      <ArrowTable
      source={source}
      columns={source.fields.map((field) => {
        const valueLabel = valueLabels?.[field.name];
        return {
          name: field.name,
          label: columnLabel(t, field.name),
          ...(SCORE_COLUMNS.has(field.name) ? { width: 'minmax(40px, 0.5fr)' } : {}),
          ...(valueLabel ? { format: (value: unknown) => (typeof value === 'string' ? valueLabel(value) : String(value ?? '')) } : {}),
          ...(MONEY_COLUMNS.has(field.name) ? { format: (value: unknown) => (value === null || value === undefined ? '—' : money(Number(value), 2)), reportFormat: 'money' as const, width: 'minmax(112px, 1fr)' } : {}),
        };
      })}
      onRangeChange={paged.onRangeChange}
      sort={sort}
      onSortChange={setSort}
      label={label}
      height={360}
      onActivateRow={(row) => {
        const id = source.value(idColumn, row);
        if (typeof id === 'string') onExplain(id);
      }}
      />
    </>
  );
}
