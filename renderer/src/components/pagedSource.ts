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

type FetchPage = (offset: number, limit: number) => Promise<Table>;

/** The pages of one ordered result: a new `fetchPage` or `total` starts a new cache. */
interface PageCache {
  fetchPage: FetchPage;
  total: number;
  pages: Map<number, Table>;
  loading: Set<number>;
}

/**
 * `fetchPage` must return rows offset .. offset + limit of the same ordered result; `total` is its
 * row count. Changing `fetchPage` (new sort, filter or result) drops the cache.
 */
export function usePagedSource(total: number, fetchPage: FetchPage): PagedSource {
  const cache = useRef<PageCache>({ fetchPage, total, pages: new Map(), loading: new Set() });
  const [fields, setFields] = useState<readonly Field[] | null>(null);
  // A copy of the cache's pages taken when one arrives: a new map is what makes the grid re-read its cells.
  const [shown, setShown] = useState<ReadonlyMap<number, Table>>(() => new Map());
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (page: number) => {
      if (cache.current.fetchPage !== fetchPage || cache.current.total !== total) {
        cache.current = { fetchPage, total, pages: new Map(), loading: new Set() };
      }
      // A page asked for under an older sort, filter or result lands in that result's cache, which
      // is no longer shown: it can never fill a row of the new order.
      const mine = cache.current;
      if (mine.pages.has(page) || mine.loading.has(page) || page * PAGE_ROWS >= Math.max(total, 1)) return;
      mine.loading.add(page);
      fetchPage(page * PAGE_ROWS, PAGE_ROWS).then(
        (table) => {
          mine.loading.delete(page);
          mine.pages.set(page, table);
          // Forget the oldest page beyond the cache size (Map keeps insertion order).
          if (mine.pages.size > MAX_CACHED_PAGES) mine.pages.delete(mine.pages.keys().next().value as number);
          if (mine !== cache.current) return;
          setFields((current) => current ?? table.schema.fields);
          setShown(new Map(mine.pages));
        },
        (failure: unknown) => {
          mine.loading.delete(page);
          if (mine === cache.current) setError(failure);
        },
      );
    },
    [fetchPage, total],
  );

  useEffect(() => {
    setFields(null);
    setShown(new Map());
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
        const page = shown.get(Math.floor(row / PAGE_ROWS));
        if (!page) return undefined;
        return page.getChildAt(column)?.get(row % PAGE_ROWS) ?? null;
      },
    };
  }, [fields, total, shown]);

  return { source, onRangeChange, error };
}
