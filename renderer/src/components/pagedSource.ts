// A RowSource over a server-side table of any size: pages are fetched as they scroll into view and
// kept in a small cache, so a million-row list costs only the pages the user looks at.
import type { Field, Table } from 'apache-arrow';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RowSource } from './ArrowTable.tsx';

export const PAGE_ROWS = 500;
const MAX_CACHED_PAGES = 40;

export interface PagedSource {
  source: RowSource | null;
  onRangeChange: (first: number, last: number) => void;
  error: unknown;
}

/**
 * `fetchPage` must return rows offset .. offset + limit of the same ordered result; `total` is its
 * row count. Changing `fetchPage` (new sort, filter or result) drops the cache.
 */
export function usePagedSource(total: number, fetchPage: (offset: number, limit: number) => Promise<Table>): PagedSource {
  const pages = useRef(new Map<number, Table>());
  const loading = useRef(new Set<number>());
  const [fields, setFields] = useState<readonly Field[] | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || loading.current.has(page) || page * PAGE_ROWS >= Math.max(total, 1)) return;
      loading.current.add(page);
      fetchPage(page * PAGE_ROWS, PAGE_ROWS).then(
        (table) => {
          loading.current.delete(page);
          pages.current.set(page, table);
          // Forget the oldest page beyond the cache size (Map keeps insertion order).
          if (pages.current.size > MAX_CACHED_PAGES) pages.current.delete(pages.current.keys().next().value as number);
          setFields((current) => current ?? table.schema.fields);
          setVersion((value) => value + 1);
        },
        (failure: unknown) => {
          loading.current.delete(page);
          setError(failure);
        },
      );
    },
    [fetchPage, total],
  );

  useEffect(() => {
    pages.current.clear();
    loading.current.clear();
    setFields(null);
    setError(null);
    load(0);
  }, [load]);

  const onRangeChange = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor(first / PAGE_ROWS); page <= Math.floor(Math.max(first, last - 1) / PAGE_ROWS); page++) load(page);
    },
    [load],
  );

  const source = useMemo<RowSource | null>(() => {
    if (!fields) return null;
    return {
      numRows: total,
      fields,
      value(column, row) {
        const page = pages.current.get(Math.floor(row / PAGE_ROWS));
        if (!page) return undefined;
        return page.getChildAt(column)?.get(row % PAGE_ROWS) ?? null;
      },
    };
    // `version` changes when a page arrives: a new object makes the grid re-read its cells.
  }, [fields, total, version]);

  return { source, onRangeChange, error };
}
