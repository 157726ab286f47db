// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArrowTable } from '../src/components/ArrowTable.tsx';
import { ErrorBanner } from '../src/components/ErrorBanner.tsx';
import { DataWarningList } from '../src/components/DataWarnings.tsx';
import { CHART_COLORS, PlotlyChart, datedLayout } from '../src/components/charts/PlotlyChart.tsx';
import { CHART_COLORS as REPORT_COLORS } from '../../core/src/report/theme.ts';
import { ProgressBar } from '../src/components/ProgressBar.tsx';
import { fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

function bigTable(rows: number) {
  const id = new Int32Array(rows);
  const amount = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    id[i] = i;
    amount[i] = i * 1.5;
  }
  return tableFromArrays({ id, amount });
}

describe('ArrowTable', () => {
  it('renders only the rows in view of a million-row table, read straight from the vectors', () => {
    renderWith(<ArrowTable table={bigTable(1_000_000)} label="orders" height={300} rowHeight={30} />);
    const grid = screen.getByRole('grid');
    expect(grid.getAttribute('aria-rowcount')).toBe('1000001');
    // 300 px / 30 px = 10 visible rows plus 4 overscan below: 14 data rows and the header row.
    expect(screen.getAllByRole('row')).toHaveLength(15);
    expect(screen.getByText('1,000,000 rows')).toBeTruthy();
    expect(screen.getAllByRole('gridcell')[1]?.textContent).toBe('0');
  });

  it('sorts a whole table by a header click (ascending, descending, off) and filters its text cells', () => {
    const table = tableFromArrays({ name: ['pear', 'apple', 'fig'], amount: Float64Array.from([2, 3, 1]) });
    renderWith(<ArrowTable table={table} label="fruit" height={300} rowHeight={30} searchable />);
    const names = () => screen.getAllByRole('row').slice(1).map((row) => row.querySelector('[role="gridcell"]')?.textContent);
    const header = screen.getAllByRole('columnheader')[1]!;
    expect(header.getAttribute('title')).toBe('amount');
    fireEvent.click(header.querySelector('button')!);
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(names()).toEqual(['fig', 'pear', 'apple']);
    fireEvent.click(header.querySelector('button')!);
    expect(names()).toEqual(['apple', 'pear', 'fig']);
    fireEvent.click(header.querySelector('button')!);
    expect(header.getAttribute('aria-sort')).toBe('none');
    expect(names()).toEqual(['pear', 'apple', 'fig']);
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'P' } });
    expect(names()).toEqual(['pear', 'apple']);
    expect(screen.getByText('2 rows')).toBeTruthy();
  });

  it('keeps empty cells last in both directions of a sort', () => {
    const table = tableFromArrays({ name: ['pear', 'apple', 'fig'], amount: [2, null, 1] });
    renderWith(<ArrowTable table={table} label="fruit" height={300} rowHeight={30} />);
    const names = () => screen.getAllByRole('row').slice(1).map((row) => row.querySelector('[role="gridcell"]')?.textContent);
    const header = screen.getAllByRole('columnheader')[1]!.querySelector('button')!;
    fireEvent.click(header);
    expect(names()).toEqual(['fig', 'pear', 'apple']);
    fireEvent.click(header);
    expect(names()).toEqual(['pear', 'fig', 'apple']);
  });

  it('hands a column’s format the row as given, whatever the grid’s own sort and search show', () => {
    const table = tableFromArrays({ name: ['pear', 'apple', 'fig'], amount: Float64Array.from([2, 3, 1]) });
    // a format that reads the rest of its row from the owner's data (why an amount is missing, say)
    const origins = ['tree', 'orchard', 'bush'];
    const columns = [{ name: 'amount', format: (value: unknown, row: number) => `${String(value)} ${origins[row]}` }];
    renderWith(<ArrowTable table={table} columns={columns} label="fruit" height={300} rowHeight={30} searchable />);
    const cells = () => screen.getAllByRole('gridcell').map((cell) => cell.textContent);
    fireEvent.click(screen.getByRole('columnheader').querySelector('button')!);
    expect(cells()).toEqual(['1 bush', '2 tree', '3 orchard']);
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'p' } });
    expect(cells()).toEqual(['2 tree', '3 orchard']);
  });

  it('moves the active row with the keyboard and activates it with Enter', () => {
    const activated = vi.fn();
    renderWith(<ArrowTable table={bigTable(100)} label="orders" height={300} rowHeight={30} onActivateRow={activated} />);
    const body = screen.getAllByRole('rowgroup')[1]!;
    fireEvent.keyDown(body, { key: 'ArrowDown' });
    fireEvent.keyDown(body, { key: 'ArrowDown' });
    fireEvent.keyDown(body, { key: 'Enter' });
    expect(activated).toHaveBeenCalledWith(2);
    fireEvent.keyDown(body, { key: 'End' });
    fireEvent.keyDown(body, { key: 'Enter' });
    expect(activated).toHaveBeenLastCalledWith(99);
    expect(body.getAttribute('aria-activedescendant')).toMatch(/-99$/);
  });

  it('shows the rows at a scrolled position, scaling the scroll range past the browser height cap', () => {
    renderWith(<ArrowTable table={bigTable(1_000_000)} label="orders" height={300} rowHeight={30} />);
    const body = screen.getAllByRole('rowgroup')[1]!;
    // Spacer is capped at 8,000,000 px; the content is 30,000,000 px. Scrolling to the bottom of
    // the spacer (8,000,000 - 300) must show the last row, 999,999.
    act(() => {
      body.scrollTop = 8_000_000 - 300;
      fireEvent.scroll(body);
    });
    const ids = screen.getAllByRole('row').slice(1).map((row) => row.firstElementChild?.textContent);
    expect(ids).toContain('999,999');
  });

  it('gives "No rows" the room it needs instead of one row’s height', () => {
    renderWith(<ArrowTable table={tableFromArrays({ name: [] as string[] })} label="t" />);
    const viewport = screen.getByText('No rows').closest<HTMLElement>('.grid-viewport')!;
    expect(viewport.style.height).toBe('');
  });

  it('makes a numeric column as wide as its widest value, so no number is cut', () => {
    // shown as "10,181,234.50", 13 characters: 13 x 7.5 px + 22 px of padding, rounded up; short numbers keep the 72 px floor
    renderWith(<ArrowTable table={tableFromArrays({ name: ['a', 'b'], revenue: Float64Array.from([10_181_234.5, 3]), orders: Float64Array.from([1, 2]) })} label="t" />);
    const header = screen.getAllByRole('row')[0]!;
    expect(header.style.gridTemplateColumns).toBe('minmax(120px, 2fr) minmax(120px, 1fr) minmax(72px, 1fr)');
  });

  it('marks nulls visibly, as a dash that says what it means on hover', () => {
    renderWith(<ArrowTable table={tableFromArrays({ name: ['a', null] })} label="t" />);
    expect(screen.getByText('—').getAttribute('title')).toBe('no value');
    expect(screen.queryByText('null')).toBeNull();
  });
});

describe('PlotlyChart', () => {
  it('draws with Plotly.react, redraws with it on update, and purges on unmount', async () => {
    const plotly = fakePlotly();
    const data = [{ type: 'bar', x: [1], y: [2] }];
    const view = renderWith(<PlotlyChart data={data} title="t" fileName="f" />, { plotly: async () => plotly });
    await vi.waitFor(() => expect(plotly.react).toHaveBeenCalledTimes(1));
    const next = [{ type: 'bar', x: [1], y: [3] }];
    view.rerender(<PlotlyChart data={next} title="t" fileName="f" />);
    await vi.waitFor(() => expect(plotly.react).toHaveBeenCalledTimes(2));
    expect((plotly.react.mock.calls[1] as unknown[])[1]).toBe(next);
    view.unmount();
    await vi.waitFor(() => expect(plotly.purge).toHaveBeenCalledTimes(1));
  });

  it('purges a chart removed while it is still drawing only after the draw ends', async () => {
    let finishDraw = () => undefined as void;
    const plotly = fakePlotly(() => new Promise<void>((resolve) => (finishDraw = resolve)));
    const view = renderWith(<PlotlyChart data={[{ type: 'bar', x: [1], y: [2] }]} title="t" fileName="f" />, { plotly: async () => plotly });
    await vi.waitFor(() => expect(plotly.react).toHaveBeenCalledTimes(1));
    view.unmount();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(plotly.purge).not.toHaveBeenCalled();
    finishDraw();
    await vi.waitFor(() => expect(plotly.purge).toHaveBeenCalledTimes(1));
  });

  it('downloads PNG and SVG under the chart name', async () => {
    const plotly = fakePlotly();
    renderWith(<PlotlyChart data={[]} title="Retention" fileName="retention-curves" />, { plotly: async () => plotly });
    const png = await screen.findByRole('button', { name: 'Download chart as PNG' });
    await vi.waitFor(() => expect((png as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(png);
    fireEvent.click(screen.getByRole('button', { name: 'Download chart as SVG' }));
    expect(plotly.downloadImage.mock.calls.map((call) => (call as unknown[])[1])).toMatchObject([
      { format: 'png', filename: 'retention-curves' },
      { format: 'svg', filename: 'retention-curves' },
    ]);
  });
});

describe('ProgressBar and ErrorBanner', () => {
  it('shows rows, rows/s and the share of bytes, and cancels', async () => {
    const cancel = vi.fn(async () => undefined);
    renderWith(
      <ProgressBar
        progress={{ type: 'progress', taskId: 't', phase: 'read', bytesDone: 25, bytesTotal: 100, rows: 120_000, rowsPerSec: 400_000 }}
        onCancel={cancel}
      />,
    );
    expect(screen.getByTestId('progress-rows').textContent).toBe('120,000 rows');
    expect(screen.getByTestId('progress-rate').textContent).toBe('400,000 rows/s');
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await vi.waitFor(() => expect(cancel).toHaveBeenCalled());
  });

  it('shows neither 100% nor zero counts while a task finishes work its bytes do not measure', () => {
    renderWith(<ProgressBar progress={{ type: 'progress', taskId: 't', phase: 'normalise', bytesDone: 100, bytesTotal: 100, rows: 0, rowsPerSec: 0 }} />);
    expect(screen.getByText('Normalising')).toBeTruthy();
    expect(screen.queryByTestId('progress-share')).toBeNull();
    expect(screen.queryByTestId('progress-rows')).toBeNull();
    expect(screen.queryByTestId('progress-rate')).toBeNull();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
  });

  it('names the reason the core found for having no data, in the UI language, with the screen’s fix', () => {
    renderWith(
      <ErrorBanner error={{ code: 'E_NO_DATA', message: 'no customer bought on two different days', details: { reason: 'no_repeat_buyers' } }} fix={<button type="button">fix</button>} />,
      { language: 'zh-CN' },
    );
    const status = screen.getByTestId('no-data');
    expect(status.textContent).toContain('没有客户在两个不同的日子购买过');
    expect(status.textContent).toContain('请手动设定流失窗口（天）：');
    expect(status.textContent).not.toContain('导入订单');
    expect(screen.getByRole('button', { name: 'fix' })).toBeTruthy();
  });

  it('says where to fix a named reason when the screen has no field for it (retention forecast, drivers)', () => {
    renderWith(<ErrorBanner error={{ code: 'E_NO_DATA', message: 'no customer bought on two different days', details: { reason: 'no_repeat_buyers' } }} />);
    const status = screen.getByTestId('no-data');
    expect(status.textContent).toBe(
      'No customer bought on two different days, so no churn window can be derived from the gaps between purchases. Set a churn window in days on the Churn screen, or import orders over a longer period.',
    );
  });

  it('shows the core’s words for a reason the catalogue does not name, instead of asking for orders the workspace has', () => {
    const error = { code: 'E_NO_DATA' as const, message: 'Cox model: no subject has an observed event (churn), so there is nothing to model' };
    renderWith(<ErrorBanner error={error} />);
    expect(screen.getByTestId('no-data').textContent).toBe(`This analysis has no result on this data: ${error.message}`);
    expect(screen.queryByRole('link', { name: 'Data' })).toBeNull();
    cleanup();
    renderWith(<ErrorBanner error={error} />, { language: 'zh-CN' });
    const status = screen.getByTestId('no-data');
    expect(status.textContent).toContain('这项分析在当前数据上没有结果：');
    // The English words sit in a closed disclosure, not in the visible text.
    expect(status.querySelector('details')?.open).toBe(false);
  });

  it('words an error by its code in Chinese and never shows the folders of a path', () => {
    renderWith(<ErrorBanner error={{ code: 'E_FORMAT', message: '/tmp/churnwb-x/uploads/3f2a/orders.csv: ragged rows', details: { file: '/tmp/churnwb-x/uploads/3f2a/orders.csv', line: 12 } }} />, {
      language: 'zh-CN',
    });
    const alert = screen.getByRole('alert');
    expect(alert.querySelector('.banner-message')?.textContent).toBe('无法识别该文件的格式。 (orders.csv · #12)');
    expect(alert.textContent).not.toContain('uploads');
    expect(alert.textContent).toContain('orders.csv: ragged rows');
  });

  it('words an error by its particular reason, when the core names one, in both languages', () => {
    const error = { code: 'E_WORKSPACE' as const, message: 'this workspace reads its orders in place from /data/lake/*.parquet ...', details: { reason: 'orders_in_place', source: '/data/lake/*.parquet' } };
    renderWith(<ErrorBanner error={error} />, { language: 'zh-CN' });
    expect(screen.getByRole('alert').querySelector('.banner-message')?.textContent).toContain('请导入到新的工作区');
    cleanup();
    renderWith(<ErrorBanner error={error} />);
    expect(screen.getByRole('alert').querySelector('.banner-message')?.textContent).toContain('Import into a new workspace, or register the folder again');
  });

  it('turns an empty workspace into a pointer to the Data screen, not an error', () => {
    renderWith(<ErrorBanner error={{ code: 'E_NO_DATA', message: 'no orders' }} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('link', { name: 'Data' }).getAttribute('href')).toBe('#/data');
  });

  it('shows an error code and message in Chinese chrome', () => {
    renderWith(<ErrorBanner error={{ code: 'E_ENCODING', message: 'a.csv line 3: bad bytes' }} />, { language: 'zh-CN' });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('出错了');
    expect(alert.textContent).toContain('E_ENCODING');
    expect(alert.textContent).toContain('a.csv line 3: bad bytes');
  });
});

describe('chart palette and locale', () => {
  it('is the report’s palette, with 13 colours before any repeats', () => {
    expect(CHART_COLORS).toEqual(REPORT_COLORS);
    expect(new Set(CHART_COLORS.map((color) => color.toLowerCase())).size).toBe(13);
  });

  it('writes a date axis in the period style of the report and cohort labels, in every language, and leaves other axes alone', () => {
    const dated = [{ type: 'scatter', x: ['2011-01-01', '2011-02-01'], y: [1, 2] }];
    const layout = datedLayout(dated, { yaxis: { title: { text: '率' } } }) as { xaxis: { tickformatstops: { value: string }[] } };
    expect(layout.xaxis.tickformatstops.map((stop) => stop.value)).toEqual(['%H:%M', '%Y-%m-%d', '%Y-%m', '%Y']);
    expect(datedLayout([{ type: 'bar', x: [1, 2], y: [1, 2] }], {})).toEqual({});
    expect(datedLayout(dated, { xaxis: { type: 'category' } })).toEqual({ xaxis: { type: 'category' } });
    expect(datedLayout(dated, { xaxis: { tickformat: '%Y' } })).toEqual({ xaxis: { tickformat: '%Y' } });
  });
});

describe('data warnings', () => {
  it('warns of derived customer ids and of orders from a single day, in the UI language', () => {
    const source = { sourceId: 1, file: '/uploads/ab12/tmall.csv', kind: 'orders' as const, format: 'csv' as const, encoding: 'gbk', sizeBytes: 1, rowsRead: 3, rowsLoaded: 3, rowsRejected: 0, importedAt: '2026-12-01T00:00:00Z' };
    const info = {
      path: 'w.duckdb',
      tables: [],
      orders: 3,
      customers: 3,
      tickets: 0,
      dateRange: { from: '2024-03-01T10:00:00Z', to: '2024-03-01T12:00:00Z' },
      sources: [{ ...source, mapping: { customer_id: '@order_id', order_id: '订单编号' } }],
      filledColumns: { orders: [], tickets: [] },
      userTables: [],
      alerts: [],
    };
    renderWith(<DataWarningList info={info} />, { language: 'zh-CN' });
    const items = screen.getAllByRole('listitem').map((item) => item.textContent);
    expect(items).toEqual([
      'tmall.csv 没有买家字段，客户编号是推导出来的（每笔订单各算一位客户）。这样每位客户都只购买一次：留存、流失、客户类型和价值都无法反映回头客。',
      '所有订单都来自同一天（2024-03-01）：按时间的分析需要多个时段的订单。',
    ]);
    cleanup();
    renderWith(<DataWarningList info={{ ...info, dateRange: { from: '2024-03-01T10:00:00Z', to: '2024-04-01T10:00:00Z' }, sources: [{ ...source, mapping: { customer_id: '买家会员名' } }] }} />);
    expect(screen.queryByTestId('data-warnings')).toBeNull();
  });

  it('warns of tickets whose customer has no order, with their count and share, in both languages', () => {
    const info = {
      path: 'w.duckdb', tables: [], orders: 3, customers: 2, tickets: 5, dateRange: null, sources: [], filledColumns: { orders: [], tickets: [] }, userTables: [],
      alerts: [{ code: 'unmatched_customers' as const, count: 1234, share: 0.125, message: '1,234 tickets (12.5% of 9,872) name a customer with no order' }],
    };
    renderWith(<DataWarningList info={info} />, { language: 'zh-CN' });
    expect(screen.getByRole('listitem').textContent).toMatch(/^有 1,234 张工单（占全部工单的 12\.5%）所属的客户在此工作区中没有任何订单。/);
    cleanup();
    renderWith(<DataWarningList info={info} />);
    expect(screen.getByRole('listitem').textContent).toMatch(/^1,234 tickets \(12\.5% of all tickets\) name a customer who has no order in this workspace\./);
  });

  it('warns of orders without amounts, which info reports', () => {
    const info = {
      path: 'w.duckdb', tables: [], orders: 3, customers: 2, tickets: 0, dateRange: null, sources: [], filledColumns: { orders: [], tickets: [] }, userTables: [],
      alerts: [{ code: 'no_amount' as const, message: 'no order has an amount' }],
    };
    renderWith(<DataWarningList info={info} />, { language: 'zh-CN' });
    expect(screen.getByRole('listitem').textContent).toBe('所有订单都没有金额，因此收入、客户价值和退款相关的数字都是空的。请重新导入订单，并映射金额列。');
  });
});
