// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { tableFromArrays, type Table } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArrowTable } from '../src/components/ArrowTable.tsx';
import { PAGE_ROWS, usePagedSource } from '../src/components/pagedSource.ts';
import { renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const TOTAL = 1_000_000;

/** Rows offset .. offset + limit of a virtual million-row result whose id equals the row number. */
async function page(offset: number, limit: number): Promise<Table> {
  const count = Math.max(0, Math.min(limit, TOTAL - offset));
  return tableFromArrays({ id: Int32Array.from({ length: count }, (_, index) => offset + index) });
}

function PagedList({ fetchPage }: { fetchPage: (offset: number, limit: number) => Promise<Table> }) {
  const paged = usePagedSource(TOTAL, fetchPage);
  if (!paged.source) return <p>loading</p>;
  return <ArrowTable source={paged.source} onRangeChange={paged.onRangeChange} label="customers" height={300} rowHeight={30} />;
}

describe('paged rows', () => {
  it('fetches only the pages in view of a million-row list', async () => {
    const fetchPage = vi.fn(page);
    renderWith(<PagedList fetchPage={fetchPage} />);
    expect(await screen.findByText('1,000,000 rows')).toBeTruthy();
    expect(fetchPage.mock.calls).toEqual([[0, PAGE_ROWS]]);

    // Scroll to the bottom of the (scaled) spacer: the last rows come from the last page only.
    const body = screen.getAllByRole('rowgroup')[1]!;
    act(() => {
      body.scrollTop = 8_000_000 - 300;
      fireEvent.scroll(body);
    });
    const lastPage = Math.floor((TOTAL - 1) / PAGE_ROWS);
    await vi.waitFor(() => expect(fetchPage).toHaveBeenCalledWith(lastPage * PAGE_ROWS, PAGE_ROWS));
    expect(await screen.findByText('999,999')).toBeTruthy();
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });
});
