// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreError, type ImportPreview, type ImportResult, type WorkspaceInfo } from '../../core/src/api/index.ts';
import { PROFILES } from '../../core/src/ingest/vocabulary.ts';
import { DataScreen } from '../src/features/data/DataScreen.tsx';
import { profileName } from '../src/features/data/PreviewStep.tsx';
import { translate } from '../src/i18n/I18nProvider.tsx';
import { fakeCore, renderWith } from './fakeCore.tsx';

afterEach(cleanup);

const emptyWorkspace: WorkspaceInfo = {
  path: '/tmp/w.duckdb',
  tables: [{ name: 'rejects', rows: 0 }],
  orders: 0,
  customers: 0,
  tickets: 0,
  dateRange: null,
  sources: [],
  filledColumns: { orders: [], tickets: [] },
  userTables: [],
  alerts: [],
};

const preview: ImportPreview = {
  file: '/uploads/orders.csv',
  format: 'csv',
  encoding: 'gb18030',
  delimiter: ',',
  sheets: [],
  headers: ['订单编号', '买家', '下单时间', '金额'],
  rows: [['1', 'u1', '2020-02-01 10:00:00', '9.5']],
  mapping: { order_id: '订单编号', ordered_at: '下单时间', amount: '金额' },
  columns: [
    { column: 'order_id', required: true, header: '订单编号', candidates: [] },
    { column: 'customer_id', required: true, header: null, candidates: ['买家'] },
    { column: 'ordered_at', required: true, header: '下单时间', candidates: [] },
    { column: 'amount', required: false, header: '金额', candidates: [] },
  ],
  profile: null,
  missingRequired: ['customer_id'],
  lineLevel: false,
  files: ['/uploads/orders.csv'],
  warnings: ['status words not in the vocabulary: 待评价'],
  alerts: [],
};

const result: ImportResult = {
  files: ['/uploads/orders.csv'],
  sourceIds: [4],
  rowsRead: 4,
  rowsLoaded: 3,
  rowsRejected: 1,
  rowsReplaced: 0,
  rowsFolded: 0,
  alerts: [],
  orders: 3,
  customers: 2,
  tickets: 0,
  dateRange: { from: '2020-02-01T10:00:00.000Z', to: '2020-02-03T10:00:00.000Z' },
  mapping: {},
  rejectsSample: [],
  encoding: 'gb18030',
  format: 'csv',
  seconds: 0.4,
  profile: null,
  lineLevel: false,
  warnings: [],
};

const rejectsBytes = tableToIPC(
  tableFromArrays({ file: ['orders.csv'], line: Int32Array.from([5]), column: ['ordered_at'], raw: ['yesterday'], reason: ['not a date'] }),
  'stream',
);

function pickFile() {
  const input = screen.getByTestId('file-input') as HTMLInputElement;
  fireEvent.change(input, { target: { files: [new File(['x'], 'orders.csv')] } });
}

describe('Data screen', () => {
  it('previews, requires the missing mapping, imports and reports rejects', async () => {
    let sources: WorkspaceInfo['sources'] = [];
    const core = fakeCore({
      describeWorkspace: async () => ({ ...emptyWorkspace, sources }),
      previewImport: async () => preview,
      importFiles: async (request) => {
        sources = [{ sourceId: 4, file: 'orders.csv', kind: 'orders', format: 'csv', encoding: 'gb18030', sizeBytes: 1, rowsRead: 4, rowsLoaded: 3, rowsRejected: 1, mapping: request.mapping ?? {}, importedAt: '2026-01-01T00:00:00Z' }];
        return result;
      },
      rejects: async () => rejectsBytes,
    });
    renderWith(<DataScreen />, { core });
    pickFile();

    expect(await screen.findByText('Detected (gb18030)')).toBeTruthy();
    const importButton = screen.getByRole('button', { name: 'Import 1 file' }) as HTMLButtonElement;
    expect(importButton.disabled).toBe(true);
    expect(screen.getByRole('alert').textContent).toContain('Customer id');
    expect(screen.getByTestId('import-warnings').textContent).toContain('待评价');

    fireEvent.change(screen.getByRole('combobox', { name: /Customer id/ }), { target: { value: '买家' } });
    expect(importButton.disabled).toBe(false);
    fireEvent.click(importButton);

    const summary = await screen.findByTestId('import-result');
    expect(within(summary).getByText('Rows rejected').nextSibling?.textContent).toBe('1');
    // the core's reason in the UI's words, once in the count by reason and once in the row
    const byReason = await within(summary).findByTestId('rejects-summary');
    expect(within(byReason).getByText('Not a date').nextSibling?.textContent).toBe('1');
    expect(within(summary).getAllByText('Not a date')).toHaveLength(2);
    const importCall = core.calls.find((call) => call.method === 'importFiles');
    expect(importCall?.request).toMatchObject({
      kind: 'orders',
      files: ['/uploads/orders.csv'],
      mode: 'append',
      mapping: { order_id: '订单编号', customer_id: '买家', ordered_at: '下单时间', amount: '金额' },
    });
    expect(core.calls.find((call) => call.method === 'rejects')?.request).toMatchObject({ sourceId: 4 });
  });

  it('shows progress with Cancel, and a cancelled import returns to the mapping step', async () => {
    let rejectImport: (error: unknown) => void = () => undefined;
    const core = fakeCore({
      describeWorkspace: async () => emptyWorkspace,
      previewImport: async () => ({ ...preview, mapping: { ...preview.mapping, customer_id: '买家' } }),
      importFiles: (request) =>
        new Promise((_resolve, reject) => {
          rejectImport = reject;
          queueMicrotask(() =>
            core.emit({ type: 'progress', taskId: request.taskId ?? '', phase: 'read', bytesDone: 5, bytesTotal: 10, rows: 5000, rowsPerSec: 25000 }),
          );
        }),
      cancel: async () => {
        rejectImport(new CoreError('E_CANCELLED', 'cancelled'));
        return { cancelled: true };
      },
    });
    renderWith(<DataScreen />, { core });
    pickFile();
    fireEvent.click(await screen.findByRole('button', { name: 'Import 1 file' }));
    expect((await screen.findByTestId('progress-rate')).textContent).toBe('25,000 rows/s');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText('The import was cancelled; the workspace is unchanged.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Import 1 file' })).toBeTruthy();
    const cancelCall = core.calls.find((call) => call.method === 'cancel');
    const importCall = core.calls.find((call) => call.method === 'importFiles');
    expect((cancelCall?.request as { taskId: string }).taskId).toBe((importCall?.request as { taskId: string }).taskId);
  });

  it('shows the core error code when the preview fails', async () => {
    const core = fakeCore({
      describeWorkspace: async () => emptyWorkspace,
      previewImport: async () => {
        throw new CoreError('E_ENCODING', 'orders.csv line 2: bytes are not gb18030');
      },
    });
    renderWith(<DataScreen />, { core });
    pickFile();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('E_ENCODING');
    expect(alert.textContent).toContain('orders.csv line 2');
  });
});

describe('rejected rows as CSV', () => {
  it('names columns and reasons as the user reads them, and files without their folders', async () => {
    const { rejectsCsv } = await import('../src/features/data/RejectsPanel.tsx');
    const table = tableFromArrays({ file: ['/tmp/up/3f/orders.csv'], line: Int32Array.from([5]), column: ['ordered_at'], raw: ['yesterday'], reason: ['not a date'] });
    const csv = rejectsCsv(table, (reason) => (reason === 'not a date' ? '不是可识别的日期' : reason), ['文件', '行号', '列', '原始值', '原因']);
    expect(csv).toBe('文件,行号,列,原始值,原因\r\norders.csv,5,ordered_at,yesterday,不是可识别的日期');
  });
});

describe('Import result alerts', () => {
  const alerts: ImportResult['alerts'] = [
    { code: 'duplicate_file', message: 'first1000.csv was skipped: 66 of its 66 order ids (100.0%) are also in part1.csv.gz', count: 66, share: 1, files: ['first1000.csv', 'part1.csv.gz'] },
    { code: 'credit_notes', message: '3,654 negative invoices with a "C" id were read as credit notes', count: 3654 },
  ];

  for (const [language, skipped, credit] of [
    ['en', 'first1000.csv was skipped', '3,654 negative invoices'],
    ['zh-CN', '已跳过 first1000.csv：它的编号中有 100.0% 也出现在 part1.csv.gz 中', '3,654 张负数发票被视为贷项通知单'],
  ] as const) {
    it(`lists every import alert (${language})`, async () => {
      const core = fakeCore({
        describeWorkspace: async () => emptyWorkspace,
        previewImport: async () => ({ ...preview, mapping: { ...preview.mapping, customer_id: '买家' }, missingRequired: [] }),
        importFiles: async () => ({ ...result, rowsRejected: 0, alerts }),
      });
      renderWith(<DataScreen />, { core, language });
      pickFile();
      const importButton = await screen.findByRole('button', { name: language === 'en' ? 'Import 1 file' : /导入/ });
      fireEvent.click(importButton);
      const box = await screen.findByTestId('import-alerts');
      const items = within(box).getAllByRole('listitem');
      expect(items.map((item) => item.dataset.code)).toEqual(['duplicate_file', 'credit_notes']);
      expect(items[0]?.textContent).toContain(skipped);
      expect(items[1]?.textContent).toContain(credit);
      // the file names stay visible in every language, and zh-CN shows the core's English only behind a closed disclosure
      expect(items[0]?.textContent).toContain('first1000.csv');
      if (language === 'zh-CN') for (const item of items) expect(item.querySelector('details')?.open).toBe(false);
    });
  }
});

describe('Recognised export', () => {
  it('names every profile in words in both languages, not by its id', () => {
    for (const profile of PROFILES) {
      for (const language of ['en', 'zh-CN'] as const) {
        const name = profileName((key, params) => translate(language, key, params), profile.id);
        expect(name, `${profile.id} (${language})`).not.toBe(profile.id);
      }
    }
    expect(profileName((key, params) => translate('zh-CN', key, params), 'uci_online_retail')).toBe('UCI Online Retail 数据集（发票明细行）');
  });
});
