// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { Field, Int32, tableFromArrays, Utf8 } from 'apache-arrow';
import { useState, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExportReportRequest, ReasonRow, ReportModel } from '../../core/src/api/index.ts';
import { readTable } from '../../core/src/report/table.ts';
import { assertReportModel } from '../../core/src/report/validate.ts';
import { ArrowTable, type RowSource } from '../src/components/ArrowTable.tsx';
import { PlotlyChart } from '../src/components/charts/PlotlyChart.tsx';
import { ReasonsTable } from '../src/features/reasons/ReasonsTable.tsx';
import { ReportDraftProvider } from '../src/features/report/ReportDraft.tsx';
import { ReportScreen } from '../src/features/report/ReportScreen.tsx';
import { fakeCore, fakePlotly, renderWith, type FakeCore } from './fakeCore.tsx';

afterEach(cleanup);

/** The app's arrangement in small: the draft above two screens, only one of them mounted at a time. */
function Workbench({ analysis }: { analysis: ReactNode }) {
  const [onReport, setOnReport] = useState(false);
  return (
    <ReportDraftProvider>
      <button type="button" onClick={() => setOnReport((value) => !value)}>
        switch screen
      </button>
      {onReport ? <ReportScreen /> : analysis}
    </ReportDraftProvider>
  );
}

function exportingCore(exported: ExportReportRequest[], built?: ReportModel): FakeCore {
  return fakeCore({
    ...(built ? { defaultReport: async () => built } : {}),
    exportReport: async (request) => {
      exported.push(request);
      return { fileName: 'report.html', mimeType: 'text/html', bytes: new Uint8Array([60]) };
    },
  });
}

const reasonRow = (row: Partial<ReasonRow> & Pick<ReasonRow, 'key' | 'en'>): ReasonRow => ({
  zh: row.en,
  churnType: null,
  tickets: 0,
  customers: 0,
  churnedCustomers: 0,
  shareOfChurned: null,
  churnRateWith: null,
  churnRateWithout: null,
  lift: null,
  liftLow: null,
  liftHigh: null,
  revenueAtStake: null,
  medianDaysTicketToLastOrder: null,
  ...row,
});

const REASONS: ReasonRow[] = [
  reasonRow({ key: 'price', en: 'Price', tickets: 40, customers: 30, churnedCustomers: 12, shareOfChurned: 0.375, churnRateWith: 0.4, churnRateWithout: 0.1, lift: 4, liftLow: 2.1, liftHigh: 7.6, revenueAtStake: 1234.5, medianDaysTicketToLastOrder: 9 }),
  reasonRow({ key: 'unknown', en: 'Unknown', tickets: 5, customers: 5, churnedCustomers: 1 }),
];

const BUILT: ReportModel = {
  version: 1,
  lang: 'en',
  title: 'Customer churn report',
  subtitle: 'sample · 2023-01-01 to 2024-12-31',
  createdAt: '2026-01-01T00:00:00.000Z',
  sections: [{ id: 'kpis.summary', area: 'kpis', title: 'Key figures', headline: 'Churn is 31.0%.', options: [], note: '' }],
};

describe('Add to report', () => {
  it('adds a chart and a table from a screen; the Report screen shows, reorders, notes and exports them, and a rebuild keeps them', async () => {
    const exported: ExportReportRequest[] = [];
    const core = exportingCore(exported, BUILT);
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:report'), revokeObjectURL: vi.fn() });
    const analysis = (
      <>
        <PlotlyChart
          title="Monthly churn"
          fileName="monthly-churn"
          height={320}
          // Screens hand Plotly Arrow columns as typed arrays; the report needs plain JSON.
          data={[{ type: 'bar', x: ['2024-01', '2024-02'], y: Float64Array.from([0.1, 0.25]), hovertemplate: undefined }]}
          layout={{ yaxis: { tickformat: '.0%' } }}
        />
        <ReasonsTable rows={REASONS} label="Reasons" names={{ reason: (key) => (key === 'price' ? 'Price' : 'Unknown') }} onOpen={() => undefined} />
      </>
    );
    renderWith(<Workbench analysis={analysis} />, { core, plotly: async () => fakePlotly() });

    const chart = screen.getByRole('figure', { name: 'Monthly churn' });
    fireEvent.click(within(chart).getByRole('button', { name: 'Add to report' }));
    expect(within(chart).getByRole('status').textContent).toBe('Added as section 1');
    expect(within(chart).getByRole('button', { name: 'Added ✓' })).toBeTruthy();
    const grid = screen.getByRole('grid', { name: 'Reasons' });
    fireEvent.click(within(grid).getByRole('button', { name: 'Add to report' }));
    expect(within(grid).getByRole('status').textContent).toBe('Added as section 2');

    // The analysis screen goes away; the draft stays.
    fireEvent.click(screen.getByRole('button', { name: 'switch screen' }));
    const chartSection = screen.getByRole('region', { name: /Monthly churn/ });
    const tableSection = screen.getByRole('region', { name: /Reasons/ });
    expect(screen.getByRole('textbox', { name: 'Report title' })).toHaveProperty('value', 'Customer churn report');
    // Nothing built yet: the default report is still offered as the first step.
    expect(screen.getByRole('button', { name: 'Build report' })).toBeTruthy();
    // The analysis screen's chart and grid are gone (they would offer "Add to report"), and the
    // sections on the Report screen do not offer to add themselves again.
    expect(screen.queryByRole('button', { name: 'Add to report' })).toBeNull();
    // The table section shows the share as a percentage, read back from its Arrow bytes.
    expect(within(tableSection).getByText('37.5%')).toBeTruthy();

    fireEvent.change(within(chartSection).getByRole('textbox', { name: 'Headline' }), { target: { value: 'Churn more than doubled in February.' } });
    fireEvent.click(within(tableSection).getByRole('button', { name: 'Move section up' }));
    fireEvent.change(within(tableSection).getByRole('textbox', { name: 'Note' }), { target: { value: 'Price leads.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    await vi.waitFor(() => expect(exported).toHaveLength(1));

    const report = exported[0]!.report;
    assertReportModel(report);
    expect(report.lang).toBe('en');
    expect(report.sections.map((section) => [section.id, section.area, section.title])).toEqual([
      ['custom.2', 'custom', 'Reasons'],
      ['custom.1', 'custom', 'Monthly churn'],
    ]);
    const [table, figure] = report.sections;
    expect(table?.note).toBe('Price leads.');
    expect(figure?.headline).toBe('Churn more than doubled in February.');
    expect(figure?.chart).toEqual({ data: [{ type: 'bar', x: ['2024-01', '2024-02'], y: [0.1, 0.25] }], layout: { yaxis: { tickformat: '.0%' } }, height: 320 });
    // The core's writers read the table: labels as shown, each column's report format, the raw numbers.
    const rows = readTable(table!.table!);
    expect(rows.columns.map((column) => `${column.label}:${column.format}`)).toEqual([
      'Reason:text',
      'Tickets:integer',
      'Churned:integer',
      'Share:percent',
      'Rate with:percent',
      'Rate without:percent',
      'Lift:number',
      '95% interval:text',
      'Revenue at stake:money',
      'Days to last order:integer',
    ]);
    expect(rows.rows).toEqual([
      ['Price', 40, 12, 0.375, 0.4, 0.1, 4, '2.10–7.60', 1234.5, 9],
      ['Unknown', 5, 1, null, null, null, null, null, null, null],
    ]);
    expect(table!.table!.totalRows).toBeUndefined();

    // Building the default report now puts its sections first and keeps the two added ones after them.
    fireEvent.click(screen.getByRole('button', { name: 'Build report' }));
    await vi.waitFor(() => expect(screen.getByText('Churn is 31.0%.')).toBeTruthy());
    expect([...document.querySelectorAll('[data-section]')].map((section) => section.getAttribute('data-section'))).toEqual(['kpis.summary', 'custom.2', 'custom.1']);
    expect(screen.getByRole('button', { name: 'Rebuild' })).toBeTruthy();
  });

  it('adds the first 200 rows of a long grid, saying how many there are, and waits for rows still loading', async () => {
    const exported: ExportReportRequest[] = [];
    const core = exportingCore(exported);
    const ids = Int32Array.from({ length: 250 }, (_, index) => index + 1);
    const long = tableFromArrays({ id: ids, name: Array.from(ids, (id) => `customer ${id}`), spend: Float64Array.from(ids, (id) => id * 1.5) });
    const onRangeChange = vi.fn();
    // A paged source whose first page was let go: every cell is still loading.
    const loading: RowSource = { numRows: 1_000_000, fields: [new Field('id', new Int32()), new Field('name', new Utf8())], value: () => undefined };
    const analysis = (
      <>
        <ArrowTable table={long} label="Customers" columns={[{ name: 'name', label: 'Customer' }, { name: 'id', label: 'Id' }]} />
        <ArrowTable source={loading} onRangeChange={onRangeChange} label="At risk" />
      </>
    );
    renderWith(<Workbench analysis={analysis} />, { core });

    const pending = screen.getByRole('grid', { name: 'At risk' });
    onRangeChange.mockClear();
    fireEvent.click(within(pending).getByRole('button', { name: 'Add to report' }));
    expect(within(pending).getByRole('status').textContent).toBe('Rows are still loading; try again in a moment.');
    expect(onRangeChange).toHaveBeenCalledWith(0, 200);

    fireEvent.click(within(screen.getByRole('grid', { name: 'Customers' })).getByRole('button', { name: 'Add to report' }));
    fireEvent.click(screen.getByRole('button', { name: 'switch screen' }));
    expect([...document.querySelectorAll('[data-section]')]).toHaveLength(1);
    const section = screen.getByRole('region', { name: /Customers/ });
    expect(within(section).getByText('First 200 of 250 rows')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    await vi.waitFor(() => expect(exported).toHaveLength(1));

    const table = exported[0]!.report.sections[0]!.table!;
    expect(table.totalRows).toBe(250);
    // Only the grid's visible columns, in its order; the spend column it hides stays out.
    const rows = readTable(table);
    expect(rows.columns.map((column) => `${column.key}:${column.format}`)).toEqual(['name:text', 'id:integer']);
    expect(rows.rows).toHaveLength(200);
    expect(rows.rows[0]).toEqual(['customer 1', 1]);
    expect(rows.rows[199]).toEqual(['customer 200', 200]);
  });

  it('offers no "Add to report" outside the app, where no draft exists', () => {
    renderWith(<PlotlyChart title="Alone" fileName="alone" data={[]} />, { plotly: async () => fakePlotly() });
    expect(screen.getByRole('figure', { name: 'Alone' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add to report' })).toBeNull();
  });
});
