// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DisplaySettings, ExportReportRequest, ReportModel, SaveDisplaySettingsRequest, WorkspaceInfo } from '../../core/src/api/index.ts';
import { ReportDraftProvider } from '../src/features/report/ReportDraft.tsx';
import { ReportScreen } from '../src/features/report/ReportScreen.tsx';
import { fakeCore, fakePlotly, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const model: ReportModel = {
  version: 1,
  lang: 'en',
  title: 'Churn review',
  subtitle: 'orders 2010-12 to 2011-12',
  createdAt: '2026-01-01T00:00:00.000Z',
  sections: [
    {
      id: 'retention.cohorts',
      area: 'retention',
      title: 'Cohort retention',
      headline: 'Month-1 retention is 21.4%.',
      chart: { data: [{ type: 'heatmap', z: [[1, 0.2]] }], layout: {} },
      options: [{ label: 'Period', value: 'month' }],
      note: '',
    },
    {
      id: 'churn.rate',
      area: 'churn',
      title: 'Churn rate',
      headline: 'Churn rose in Q3.',
      table: {
        name: 'churn',
        columns: [{ key: 'share', label: 'Share', format: 'percent' }],
        arrow: tableToIPC(tableFromArrays({ share: Float64Array.from([0.125]) }), 'stream'),
      },
      options: [],
      note: '',
    },
  ],
};

describe('Report screen', () => {
  it('builds the default report in the chosen language, edits it, and exports with the drawn chart images', async () => {
    const exported: ExportReportRequest[] = [];
    const core = fakeCore({
      defaultReport: async () => model,
      exportReport: async (request) => {
        exported.push(request);
        return { fileName: 'churn-review.pptx', mimeType: 'application/zip', bytes: new Uint8Array([80, 75]) };
      },
    });
    const createObjectURL = vi.fn(() => 'blob:report');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    renderWith(
      <ReportDraftProvider>
        <ReportScreen />
      </ReportDraftProvider>,
      { core, plotly: async () => fakePlotly() },
    );

    fireEvent.click(screen.getByRole('button', { name: 'Build report' }));
    expect(await screen.findByText('Month-1 retention is 21.4%.')).toBeTruthy();
    expect(core.calls.find((call) => call.method === 'defaultReport')?.request).toMatchObject({ lang: 'en' });
    // The percent column is formatted from the Arrow value 0.125.
    expect(screen.getByText('12.5%')).toBeTruthy();

    // Move "Churn rate" above "Cohort retention" and write a note on it.
    const churn = screen.getByRole('region', { name: /Churn rate/ });
    fireEvent.click(within(churn).getByRole('button', { name: 'Move section up' }));
    fireEvent.change(within(churn).getByRole('textbox'), { target: { value: 'Ask support why.' } });
    fireEvent.change(screen.getByTestId('report-format'), { target: { value: 'pptx' } });
    await vi.waitFor(() => expect((screen.getByRole('button', { name: 'Export' }) as HTMLButtonElement).disabled).toBe(false));
    // Wait for the chart to be drawn, so its handle exists.
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Download chart as PNG' }).hasAttribute('disabled')).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));

    await vi.waitFor(() => expect(exported).toHaveLength(1));
    const request = exported[0]!;
    expect(request.format).toBe('pptx');
    expect(request.report.sections.map((section) => section.id)).toEqual(['churn.rate', 'retention.cohorts']);
    expect(request.report.sections[0]?.note).toBe('Ask support why.');
    expect([...(request.images?.['retention.cohorts']?.png ?? [])]).toEqual([1, 2, 3]);
    await vi.waitFor(() => expect(createObjectURL).toHaveBeenCalled());
  });

  it('offers the logo with a button in the app language, the browser\'s own file button hidden', async () => {
    const settings: DisplaySettings = { branding: { title: '', clientName: '', logo: null, accentColor: '#2F6FED', hideWorkspaceName: false }, currency: null };
    const core = fakeCore({ displaySettings: async () => settings, describeWorkspace: async () => ({ path: '/w.duckdb' }) as WorkspaceInfo });
    renderWith(
      <ReportDraftProvider>
        <ReportScreen />
      </ReportDraftProvider>,
      { core, language: 'zh-CN', plotly: async () => fakePlotly() },
    );
    const branding = await screen.findByTestId('branding');
    const input = within(branding).getByTestId('branding-logo') as HTMLInputElement;
    expect(input.hidden).toBe(true);
    expect(input.closest('label')?.textContent).toBe('选择图片…');
  });

  it('saves the branding and currency in the workspace, applies them to the draft at once and to every export', async () => {
    const exported: ExportReportRequest[] = [];
    const saved: SaveDisplaySettingsRequest[] = [];
    let settings: DisplaySettings = {
      branding: { title: '', clientName: '', logo: null, accentColor: '#2F6FED', hideWorkspaceName: false },
      currency: null,
    };
    const money: ReportModel = {
      ...model,
      subtitle: 'shop.duckdb · 2024-01-05 to 2024-06-15',
      sections: [
        {
          id: 'kpis.money',
          area: 'kpis',
          title: 'Revenue',
          headline: 'Revenue per customer is 94.',
          table: { name: 'kpis', columns: [{ key: 'amount', label: 'Amount', format: 'money' }], arrow: tableToIPC(tableFromArrays({ amount: Float64Array.from([94]) }), 'stream') },
          options: [],
          note: '',
        },
      ],
    };
    const core = fakeCore({
      defaultReport: async () => money,
      displaySettings: async () => settings,
      describeWorkspace: async () => ({ path: '/home/analyst/shop.duckdb' }) as WorkspaceInfo,
      saveDisplaySettings: async (request) => {
        saved.push(request);
        settings = { branding: { ...settings.branding, ...request.branding }, currency: request.currency === undefined ? settings.currency : request.currency };
        return settings;
      },
      exportReport: async (request) => {
        exported.push(request);
        return { fileName: 'r.html', mimeType: 'text/html', bytes: new Uint8Array([60]) };
      },
    });
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:report'), revokeObjectURL: vi.fn() });
    renderWith(
      <ReportDraftProvider>
        <ReportScreen />
      </ReportDraftProvider>,
      { core, plotly: async () => fakePlotly() },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Build report' }));
    expect(await screen.findByText('94.00')).toBeTruthy();

    const branding = await screen.findByTestId('branding');
    fireEvent.change(within(branding).getByLabelText('Title of every report of this workspace'), { target: { value: 'Q3 review' } });
    // A save that leaves the currency alone sends none, so the workspace keeps following the imported amounts' currency.
    fireEvent.click(within(branding).getByRole('button', { name: 'Save to workspace' }));
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual({ branding: { title: 'Q3 review', clientName: '', logo: null, accentColor: '#2F6FED', hideWorkspaceName: false } });
    fireEvent.change(within(branding).getByTestId('branding-client'), { target: { value: 'Acme Tea Co.' } });
    fireEvent.change(within(branding).getByTestId('branding-currency'), { target: { value: 'USD' } });
    fireEvent.click(within(branding).getByLabelText('Hide the workspace file name'));
    fireEvent.click(within(branding).getByRole('button', { name: 'Save to workspace' }));
    await vi.waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]).toEqual({
      branding: { title: 'Q3 review', clientName: 'Acme Tea Co.', logo: null, accentColor: '#2F6FED', hideWorkspaceName: true },
      currency: 'USD',
    });
    // The open draft takes the title, loses the file name, and shows money in dollars.
    await vi.waitFor(() => expect((screen.getByRole('textbox', { name: 'Report title' }) as HTMLInputElement).value).toBe('Q3 review'));
    expect((screen.getByTestId('report-subtitle') as HTMLInputElement).value).toBe('2024-01-05 to 2024-06-15');
    expect(await screen.findByText('$94.00')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    await vi.waitFor(() => expect(exported).toHaveLength(1));
    expect(exported[0]!.report).toMatchObject({ title: 'Q3 review', currency: 'USD', branding: { clientName: 'Acme Tea Co.', hideWorkspaceName: true } });
  });
});
