// A keyboard-navigable grid over an Arrow table: cells are read from the column vectors on demand
// (no row objects) and only the rows in view are rendered, so a million rows scroll like ten.
// Inside the app its footer offers "Add to report" (the first rows of the visible columns).
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { DataType, type Field, type Table } from 'apache-arrow';
import type { ReportColumnFormat } from '../../../core/src/api/index.ts';
import { formatOfType, MAX_SECTION_ROWS, tableSection, type SectionColumn } from '../features/report/addedSections.ts';
import { AddToReportButton } from '../features/report/AddToReportButton.tsx';
import { useI18n, type I18n } from '../i18n/I18nProvider.tsx';
import { WordWrap } from './WordWrap.tsx';

export interface ArrowColumn {
  /** Field name in the Arrow schema. */
  name: string;
  label?: string;
  /**
   * Formats one cell; `row` is its index in the rows the table was given, whatever order the grid's
   * own sort and search show it in. The default follows the column's Arrow type and the language.
   */
  format?: (value: unknown, row: number) => ReactNode;
  /** CSS grid track, e.g. '120px' or 'minmax(200px, 2fr)'. */
  width?: string;
  /** How a report shows the column when the table is added to it; default from the Arrow type. */
  reportFormat?: ReportColumnFormat;
}

/** Rows the grid can read cell by cell: a whole Arrow table, or pages fetched as they scroll into view. */
export interface RowSource {
  numRows: number;
  fields: readonly Field[];
  /** The cell's value; undefined while its page is still loading. */
  value(column: number, row: number): unknown;
}

export function tableSource(table: Table): RowSource {
  const vectors = table.schema.fields.map((_, index) => table.getChildAt(index));
  return { numRows: table.numRows, fields: table.schema.fields, value: (column, row) => vectors[column]?.get(row) ?? null };
}

export interface ArrowTableProps {
  /** A whole table, or use `source` for paged rows. */
  table?: Table;
  source?: RowSource;
  /** Called with the rows in view (first inclusive, last exclusive), so a paged source can fetch them. */
  onRangeChange?: (first: number, last: number) => void;
  /** Columns to show, in order; default every field of the schema. */
  columns?: ArrowColumn[];
  /** Visible height of the scrolling body in pixels. */
  height?: number;
  rowHeight?: number;
  /** Enter or double click on a row. */
  onActivateRow?: (rowIndex: number) => void;
  label: string;
  /** Offer "Add to report" (default true; the Report screen's own tables are already in it). */
  addToReport?: boolean;
  /**
   * Sorting by a header click. With `onSortChange` the owner sorts (a paged source sorts in the
   * core) and passes the order back in `sort`; without it a whole `table` sorts in place.
   */
  sort?: TableSort | null;
  onSortChange?: (sort: TableSort | null) => void;
  /** A search box over the rows: the owner filters when it passes `onSearchChange`, else a whole table filters its text cells here. */
  searchable?: boolean;
  onSearchChange?: (text: string) => void;
}

export interface TableSort {
  column: string;
  descending: boolean;
}

/** Next order of a header click: ascending, then descending, then none. */
function nextSort(current: TableSort | null | undefined, column: string): TableSort | null {
  if (current?.column !== column) return { column, descending: false };
  return current.descending ? null : { column, descending: true };
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : 1;
  return String(a).localeCompare(String(b));
}

/** Rows as the grid shows them, with the index each has in the rows the table was given. */
interface ShownRows {
  source: RowSource;
  givenRow: (row: number) => number;
}

const asGiven = (source: RowSource): ShownRows => ({ source, givenRow: (row) => row });

/** A whole table's rows in the chosen order, keeping only rows with `search` in a text cell: a permutation, no copies. */
function orderedRows(source: RowSource, sort: TableSort | null, search: string): ShownRows {
  const needle = search.trim().toLowerCase();
  if (!sort && !needle) return asGiven(source);
  let order = Array.from({ length: source.numRows }, (_, row) => row);
  if (needle) {
    // Text cells only (plain or dictionary-encoded strings): a number's digits matching would only add noise.
    order = order.filter((row) =>
      source.fields.some((_, column) => {
        const value = source.value(column, row);
        return typeof value === 'string' && value.toLowerCase().includes(needle);
      }),
    );
  }
  const sortIndex = sort ? source.fields.findIndex((field) => field.name === sort.column) : -1;
  if (sort && sortIndex >= 0) {
    const direction = sort.descending ? -1 : 1;
    const missing = (row: number) => source.value(sortIndex, row) === null;
    // Empty cells last either way, as the core sorts a paged table: descending put every "—" on top
    order.sort((a, b) => Number(missing(a)) - Number(missing(b)) || direction * compareValues(source.value(sortIndex, a), source.value(sortIndex, b)) || a - b);
  }
  return { source: { numRows: order.length, fields: source.fields, value: (column, row) => source.value(column, order[row]!) }, givenRow: (row) => order[row]! };
}

/** Browsers cap an element's height (Chrome near 33.5M px); taller tables scroll a scaled spacer. */
const MAX_SPACER_PX = 8_000_000;
const OVERSCAN_ROWS = 4;
/** Rows read to size the numeric columns; the width of a tabular digit at the table's font size, and a cell's side padding. */
const WIDTH_SAMPLE_ROWS = 200;
/** The narrowest numeric track: narrow enough for a ten-column report table to fit a section. */
const NUMBER_MIN_PX = 72;
const DIGIT_PX = 7.5;
const CELL_PADDING_PX = 22;

function defaultFormat(type: DataType, i18n: I18n): (value: unknown) => ReactNode {
  if (DataType.isTimestamp(type) || DataType.isDate(type)) {
    return (value) => {
      if (value === null || value === undefined) return null;
      const date = new Date(value instanceof Date ? value.getTime() : Number(value));
      const iso = date.toISOString();
      return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
    };
  }
  if (DataType.isInt(type)) return (value) => (value === null || value === undefined ? null : i18n.number(Number(value)));
  if (DataType.isFloat(type) || DataType.isDecimal(type)) {
    return (value) => {
      if (value === null || value === undefined) return null;
      const number = Number(value);
      return i18n.number(number, Number.isInteger(number) ? 0 : 2);
    };
  }
  return (value) => (value === null || value === undefined ? null : String(value));
}

function isNumeric(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
}

export function ArrowTable({
  table,
  source: givenSource,
  onRangeChange,
  columns,
  height = 360,
  rowHeight = 30,
  onActivateRow,
  label,
  addToReport = true,
  sort: ownerSort,
  onSortChange,
  searchable = false,
  onSearchChange,
}: ArrowTableProps) {
  const i18n = useI18n();
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [activeRow, setActiveRow] = useState(0);
  const [localSort, setLocalSort] = useState<TableSort | null>(null);
  const [search, setSearch] = useState('');
  const sort = onSortChange ? (ownerSort ?? null) : localSort;
  const { source, givenRow } = useMemo(() => {
    const whole = givenSource ?? (table ? tableSource(table) : { numRows: 0, fields: [], value: () => null });
    // A paged source is ordered and filtered by its owner; a whole table here.
    return onSortChange || onSearchChange ? asGiven(whole) : orderedRows(whole, localSort, search);
  }, [givenSource, table, onSortChange, onSearchChange, localSort, search]);
  const sortBy = (column: string) => {
    const next = nextSort(sort, column);
    if (onSortChange) onSortChange(next);
    else setLocalSort(next);
  };
  const rowCount = source.numRows;
  const idPrefix = useRef(`grid-${Math.random().toString(36).slice(2, 8)}`).current;

  const shown = useMemo(() => {
    const fields = source.fields;
    const chosen: ArrowColumn[] = columns ?? fields.map((field) => ({ name: field.name }));
    return chosen.flatMap((column) => {
      const index = fields.findIndex((field) => field.name === column.name);
      const field = fields[index];
      if (!field) return [];
      return [{ ...column, index, field, numeric: isNumeric(field.type), format: column.format ?? defaultFormat(field.type, i18n) }];
    });
  }, [source, columns, i18n]);

  const contentHeight = rowCount * rowHeight;
  const spacerHeight = Math.min(contentHeight, MAX_SPACER_PX);
  // How many content pixels one scrolled pixel stands for (1 unless the table is taller than the cap).
  const ratio = spacerHeight > height ? (contentHeight - height) / (spacerHeight - height) : 1;
  const virtualTop = scrollTop * ratio;
  const firstRow = Math.max(0, Math.floor(virtualTop / rowHeight) - OVERSCAN_ROWS);
  const lastRow = Math.min(rowCount, Math.ceil((virtualTop + height) / rowHeight) + OVERSCAN_ROWS);
  const slabTop = scrollTop - (virtualTop - firstRow * rowHeight);

  const scrollToRow = useCallback(
    (row: number) => {
      const element = viewport.current;
      if (!element) return;
      const top = row * rowHeight;
      if (top < virtualTop) element.scrollTop = top / ratio;
      else if (top + rowHeight > virtualTop + height) element.scrollTop = (top + rowHeight - height) / ratio;
    },
    [rowHeight, virtualTop, ratio, height],
  );

  useEffect(() => {
    if (activeRow >= rowCount) setActiveRow(Math.max(0, rowCount - 1));
  }, [activeRow, rowCount]);

  useEffect(() => onRangeChange?.(firstRow, lastRow), [onRangeChange, firstRow, lastRow]);

  const move = (row: number) => {
    const next = Math.max(0, Math.min(rowCount - 1, row));
    setActiveRow(next);
    scrollToRow(next);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeRow + 1,
      ArrowUp: activeRow - 1,
      PageDown: activeRow + page,
      PageUp: activeRow - page,
      Home: 0,
      End: rowCount - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      move(target);
    } else if (event.key === 'Enter' && onActivateRow && rowCount > 0) {
      event.preventDefault();
      onActivateRow(activeRow);
    }
  };

  // The first rows as the grid orders them, each column as shown: text as displayed (localized
  // names), numbers and dates raw with the report format that displays them.
  const makeSection = () => {
    const rows = Math.min(rowCount, MAX_SECTION_ROWS);
    const first = shown[0];
    for (let row = 0; first && row < rows; row++) {
      if (source.value(first.index, row) !== undefined) continue;
      // A paged source may have let the first page go after a long scroll: fetch it for the next click.
      onRangeChange?.(0, rows);
      return null;
    }
    const columns = shown.map((column): SectionColumn => {
      const format = column.reportFormat ?? formatOfType(column.field.type);
      const value = (row: number) => {
        const raw = source.value(column.index, row);
        if (format !== 'text' || raw === null || raw === undefined) return raw;
        const displayed = column.format(raw, givenRow(row));
        return typeof displayed === 'string' || typeof displayed === 'number' ? displayed : String(raw);
      };
      return { key: column.name, label: column.label ?? column.name, format, value };
    });
    return tableSection(label, columns, rowCount);
  };

  // A number is never cut: a numeric column is at least as wide as its widest value among the first rows
  const template = useMemo(() => {
    const sampled = Math.min(rowCount, WIDTH_SAMPLE_ROWS);
    return shown
      .map((column) => {
        if (column.width) return column.width;
        if (!column.numeric) return 'minmax(120px, 2fr)';
        let characters = 0;
        for (let row = 0; row < sampled; row++) {
          const value = source.value(column.index, row);
          if (value === undefined || value === null) continue;
          const shownValue = column.format(value, row);
          if (typeof shownValue === 'string' || typeof shownValue === 'number') characters = Math.max(characters, String(shownValue).length);
        }
        return `minmax(${Math.max(NUMBER_MIN_PX, Math.ceil(characters * DIGIT_PX + CELL_PADDING_PX))}px, 1fr)`;
      })
      .join(' ');
  }, [shown, source, rowCount]);
  const rows: ReactNode[] = [];
  for (let row = firstRow; row < lastRow; row++) {
    rows.push(
      <div
        key={row}
        id={`${idPrefix}-${row}`}
        role="row"
        aria-rowindex={row + 2}
        aria-selected={row === activeRow}
        className={`grid-row${row === activeRow ? ' grid-row-active' : ''}${row % 2 ? ' grid-row-odd' : ''}`}
        style={{ gridTemplateColumns: template, height: rowHeight }}
        onClick={() => setActiveRow(row)}
        onDoubleClick={() => onActivateRow?.(row)}
      >
        {shown.map((column) => {
          const value = source.value(column.index, row);
          const content = value === undefined ? <span className="grid-null">…</span> : column.format(value, givenRow(row));
          return (
            <div key={column.name} role="gridcell" className={`grid-cell${column.numeric ? ' grid-cell-number' : ''}`}>
              {/* a dash as analysts write it, not the programmer's "null"; what it means on hover */}
              {content ?? (
                <span className="grid-null" title={i18n.t('table.nullTitle')}>
                  {i18n.t('table.null')}
                </span>
              )}
            </div>
          );
        })}
      </div>,
    );
  }

  return (
    <div className="grid" role="grid" aria-label={label} aria-rowcount={rowCount + 1} aria-colcount={shown.length}>
      {searchable && (
        <div className="grid-search">
          <input
            type="search"
            value={search}
            placeholder={i18n.t('table.search')}
            aria-label={i18n.t('table.search')}
            onChange={(event) => {
              setSearch(event.target.value);
              onSearchChange?.(event.target.value);
            }}
          />
        </div>
      )}
      <div className="grid-scroll-x">
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className="grid-row grid-header" style={{ gridTemplateColumns: template }}>
            {shown.map((column) => {
              const text = column.label ?? column.name;
              const sorted = sort?.column === column.name ? (sort.descending ? 'descending' : 'ascending') : 'none';
              return (
                <div key={column.name} role="columnheader" aria-sort={sorted} className={`grid-cell${column.numeric ? ' grid-cell-number' : ''}`} title={text}>
                  <button type="button" className="grid-sort" onClick={() => sortBy(column.name)} title={i18n.t('table.sortBy', { column: text })}>
                    <span className="grid-sort-label">
                      <WordWrap text={text} />
                    </span>
                    <span className="grid-sort-mark" aria-hidden="true">
                      {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
                    </span>
                  </button>
                </div>
              );
            })}
          </div>
        </div>
        <div
          ref={viewport}
          role="rowgroup"
          className="grid-viewport"
          tabIndex={0}
          // Without rows the "No rows" message sets the height: one row's height cut it in half
          style={rowCount === 0 ? undefined : { height: Math.min(height, contentHeight) }}
          onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
          onKeyDown={onKeyDown}
          aria-activedescendant={rowCount > 0 ? `${idPrefix}-${activeRow}` : undefined}
        >
          <div className="grid-spacer" style={{ height: spacerHeight }}>
            <div className="grid-slab" style={{ transform: `translateY(${slabTop}px)` }}>
              {rows}
            </div>
          </div>
          {rowCount === 0 && <div className="grid-empty">{i18n.t('table.empty')}</div>}
        </div>
      </div>
      <div className="grid-footer">
        <span>{i18n.t('table.rows', { count: i18n.number(rowCount) })}</span>
        {addToReport && <AddToReportButton makeSection={makeSection} disabled={rowCount === 0 || shown.length === 0} />}
      </div>
    </div>
  );
}
