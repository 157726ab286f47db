// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreError, type ImportAlert, type ImportPreview, type ImportResult, type ImportWarning, type WorkspaceInfo } from '../../core/src/api/index.ts';
import { PROFILES } from '../../core/src/ingest/vocabulary.ts';
import { DataScreen } from '../src/features/data/DataScreen.tsx';
import { ImportAlerts } from '../src/features/data/ImportAlerts.tsx';
import { ImportResultView } from '../src/features/data/ImportResultView.tsx';
import { ImportWarnings } from '../src/features/data/ImportWarnings.tsx';
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
  warnings: [{ code: 'statuses_unknown', words: ['待评价'], message: 'status words not recognised, read as completed: 待评价' }],
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
  rejectCounts: [],
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

describe('Import result of a line-level export', () => {
  for (const [language, tiles] of [
    ['en', { 'Order lines read': '541,909', 'Order lines loaded': '406,829', 'Orders in the workspace': '18,536' }],
    ['zh-CN', { 读取订单行数: '541,909', 载入订单行数: '406,829', 工作区订单数: '18,536' }],
  ] as const) {
    it(`counts order lines apart from the orders they fold into (${language})`, () => {
      // UCI Online Retail's three files: lines of invoices, 18,536 orders once folded
      renderWith(<ImportResultView result={{ ...result, lineLevel: true, rowsRead: 541_909, rowsLoaded: 406_829, rowsRejected: 135_080, orders: 18_536 }} />, { language });
      const summary = screen.getByTestId('import-result');
      for (const [label, value] of Object.entries(tiles)) expect(within(summary).getByText(label).nextSibling?.textContent, label).toBe(value);
    });
  }
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
    ['zh-CN', '已跳过 first1000.csv：它的编号中有 100.0% 也出现在 part1.csv.gz 中', '3,654 张编号以 C 开头的负数发票被视为贷项通知单'],
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

/** Every alert the core raises, as it raises it (ingest/map.ts, outcome.ts, overlap.ts, importFiles.ts): the record names each code once. */
const CORE_ALERTS: Record<ImportAlert['code'], ImportAlert> = {
  no_amount: { code: 'no_amount', message: 'no amount column was mapped: orders load without amounts, so revenue, value and refund figures will be empty; map one with --mapping {"amount": "HEADER"}' },
  amount_unreadable: {
    code: 'amount_unreadable',
    message: 'column "金额" is mapped to amount by its name, but its first values are not numbers (NaN, Infinity or text): rows whose value cannot be read are rejected',
    columns: [{ header: '金额' }],
    field: 'amount',
  },
  duplicate_header: {
    code: 'duplicate_header',
    message: 'two columns are headed "金额" (columns 4 and 6): the mapping reads column 4; the other is named "金额_1", map it by that name to read it instead',
    columns: [
      { header: '金额', position: 4 },
      { header: '金额_1', position: 6 },
    ],
  },
  implausible_dates: { code: 'implausible_dates', count: 12, message: '12 rows dated before 1990-01-01 or on/after 2100-01-01 were rejected as misread dates; widen the range with --dates-from / --dates-to if they are real' },
  credit_notes: { code: 'credit_notes', count: 3654, message: '3,654 negative invoices with a "C" id were read as credit notes: money given back to their customer, counted by the refund rates, not orders (--credit-notes cancel reads them as cancelled orders)' },
  credited_back: {
    code: 'credited_back',
    count: 40,
    customer: { id: '16446', credited: 168_469.6, bought: 168_472.5 },
    message:
      '40 customers got back half or more of what they bought through credit notes (the most: customer 16446, 168,469.60 credited of 168,472.50 bought): revenue is before credit notes, so revenue, RFM and customer value count these purchases in full; the refund rates count the credit notes',
  },
  looks_like_tickets: {
    code: 'looks_like_tickets',
    columns: [{ header: 'subject' }, { header: 'body' }],
    message: 'the file has ticket text columns (subject, body) and no amount: if it is a ticket export, import it as tickets (--kind tickets)',
  },
  repeated_ids: { code: 'repeated_ids', count: 5, message: '5 rows repeat an id of another row of this import and were folded into it: orders count each id once' },
  existing_ids: { code: 'existing_ids', count: 1200, message: "1,200 order ids of this import are already in the workspace: appending replaces those orders (and their customer and lines) with this file's rows" },
  tickets_without_customer: {
    code: 'tickets_without_customer',
    count: 2999,
    share: 0.9997,
    message:
      '2,999 tickets of this import (100.0%) name no customer: their reasons are classified, but churn reasons, the complaint rate and the drivers link tickets to customers and leave them out; map the customer column (--mapping) if the export has one',
  },
  unmatched_customers: {
    code: 'unmatched_customers',
    count: 40,
    share: 0.25,
    message: "40 tickets (25.0% of 160) name a customer with no order in the workspace (300 customers): they join the customers table but no order analysis sees them; check that the tickets' customer column holds the ids the orders use",
  },
  duplicate_file: { code: 'duplicate_file', count: 66, share: 1, files: ['first1000.csv', 'part1.csv.gz'], message: 'first1000.csv was skipped: 66 of its 66 order ids (100.0%) are also in part1.csv.gz, so it repeats that file and its rows would be counted twice; import it on its own if it is not a copy' },
  shared_ids: { code: 'shared_ids', count: 7, files: ['a.csv', 'b.csv'], message: '7 order ids are in more than one file of this import (a.csv and b.csv: 7): each such order is read from the last file that has it' },
};

/**
 * The list `testId` words each notice (one per code, as `notices` records them) in the catalogue's own sentence
 * (`expected`), with the core's English only behind a closed disclosure.
 */
function expectOwnWords(testId: string, notices: Record<string, { message: string }>, expected: Record<string, string>) {
  const items = within(screen.getByTestId(testId)).getAllByRole('listitem');
  expect(items).toHaveLength(Object.keys(notices).length);
  for (const item of items) {
    const code = item.dataset.code ?? '';
    const details = item.querySelector('details');
    expect(details?.open, code).toBe(false);
    expect(details?.textContent, code).toContain(notices[code]?.message);
    expect((item.textContent ?? '').replace(details?.textContent ?? '', '').trim(), code).toBe(expected[code]);
  }
}

/** Every warning the core raises, as it raises it (ingest/map.ts, decode.ts with probe.ts's notes): the record names each code once. */
const CORE_WARNINGS: Record<ImportWarning['code'], ImportWarning> = {
  olist_joined: { code: 'olist_joined', count: 5, message: 'joined 5 Olist files: orders with their customers, items, payments, product categories (12 columns)' },
  olist_reviews_apart: {
    code: 'olist_reviews_apart',
    files: ['olist_order_reviews_dataset.csv'],
    message:
      'olist_order_reviews_dataset.csv holds Olist reviews, which are not orders and were not read: import the same files as tickets (--kind tickets) to read them, the score as the rating and the comment as the text',
  },
  taobao_joined: { code: 'taobao_joined', message: 'joined the Taobao order report (buyer, times, payment, refund) and item report (one row per item) by 订单编号' },
  statuses_unknown: { code: 'statuses_unknown', words: ['待评价', '已冻结'], message: 'status words not recognised, read as completed: 待评价, 已冻结' },
  encoding_guessed: {
    code: 'encoding_guessed',
    files: ['orders.csv'],
    encoding: 'gb18030',
    message: '/data/orders.csv: not UTF-8; read as GB18030 because its non-ASCII bytes read as Chinese text (name the encoding if it is Big5)',
  },
  no_buyer: {
    code: 'no_buyer',
    profile: 'pinduoduo',
    message: 'Pinduoduo exports carry no buyer id: each order is read as its own customer, so repeat and churn figures are empty; map a buyer column with --mapping {"customer_id": "HEADER"} to follow buyers',
  },
};

describe('Import warnings in Chinese', () => {
  it('words every warning the core raises in Chinese, naming its files, words and encoding, the core’s English behind a closed disclosure', () => {
    const expected: Record<ImportWarning['code'], string> = {
      olist_joined: '已按列名识别并合并 5 个 Olist 文件为一份导出。',
      olist_reviews_apart: 'olist_order_reviews_dataset.csv 是 Olist 评价，不是订单，本次未读取：请将同一批文件按“工单”再导入一次以读取评价（评分作为评分，评论作为文本）。',
      taobao_joined: '已按订单编号合并淘宝订单报表（买家、时间、付款、退款）和宝贝报表（每件商品一行）。',
      statuses_unknown: '以下状态词未能识别，已按“已完成”读取：待评价、已冻结。',
      encoding_guessed: 'orders.csv 不是 UTF-8 编码，也未注明编码：已按 GB18030 读取。如果预览中出现乱码，请选择正确的编码。',
      no_buyer: '拼多多订单导出没有买家编号：每个订单视为一位独立客户，因此复购和流失数字为空。请映射买家列以追踪买家。',
    };
    renderWith(<ImportWarnings warnings={Object.values(CORE_WARNINGS)} />, { language: 'zh-CN' });
    expectOwnWords('import-warnings', CORE_WARNINGS, expected);
  });

  it('shows the core’s own words in English', () => {
    renderWith(<ImportWarnings warnings={[CORE_WARNINGS.statuses_unknown]} />, { language: 'en' });
    expect(screen.getByTestId('import-warnings').textContent).toBe(CORE_WARNINGS.statuses_unknown.message);
  });
});

describe('Import alerts in Chinese', () => {
  // Read off the zh-CN catalogue with each alert's numbers; none may lean on a count the alert does not carry.
  const expected: Record<ImportAlert['code'], string> = {
    no_amount: '没有映射金额列：订单导入后没有金额，收入、客户价值和退款相关的数字都会为空。请在字段映射中为金额选择一列。',
    amount_unreadable: '列“金额”按列名映射为金额，但开头的值不是数字（NaN、Infinity 或文字）：该值无法读取的行将被拒绝。',
    duplicate_header: '第 4 列和第 6 列的表头都是“金额”：映射读取第 4 列；另一列在预览中名为“金额_1”，如需读取它，请按该列名映射。',
    implausible_dates: '12 行的日期过早或过晚，被视为误读的日期而拒绝；如果这些日期是真实的，请用 --dates-from / --dates-to 放宽日期范围。',
    credit_notes: '3,654 张编号以 C 开头的负数发票被视为贷项通知单：即退还给客户的钱，计入退款率，不计为订单。',
    credited_back: '40 位客户通过贷项通知单拿回了所购金额的一半或更多（最多的是客户 16446：购买 168,472.50，退回 168,469.60）：收入不扣除贷项通知单，因此收入、RFM 和客户价值仍按这些购买的全额计算；退款率计入贷项通知单。',
    looks_like_tickets: '该文件有工单文本列（subject、body），却没有金额列：如果它是客服工单导出，请按“工单”导入。',
    repeated_ids: '5 行与本次导入中另一行的编号重复，已合并到那一行：每个编号只计一次。',
    existing_ids: '本次导入中有 1,200 个编号已在工作区中：追加导入会用本次导入的行替换这些记录（订单还会替换其客户和订单行）。',
    tickets_without_customer: '本次导入有 2,999 张工单（占 100.0%）没有客户编号：它们的原因仍会被分类，但流失原因、投诉率和流失驱动都按客户关联工单，会把它们排除在外。如果导出文件中有客户列，请在映射中选择它。',
    unmatched_customers: '40 张工单（占工单的 25.0%）所属的客户在工作区中没有任何订单：这些客户会计入客户表，但基于订单的分析都看不到他们；请检查工单的客户列与订单使用的是否为同一种编号。',
    duplicate_file: '已跳过 first1000.csv：它的编号中有 100.0% 也出现在 part1.csv.gz 中，视为副本，以免其行被重复计算；如果它不是副本，请单独导入。',
    shared_ids: '7 个编号出现在本次导入的多个文件中（a.csv、b.csv）：订单行会取自每个含有该订单的文件，重复导出的行会被计算两次；其他情况以最后一个含有该编号的文件为准。',
  };

  it('words every alert the core raises in Chinese, the core’s English only behind a closed disclosure', () => {
    renderWith(<ImportAlerts alerts={Object.values(CORE_ALERTS)} />, { language: 'zh-CN' });
    expectOwnWords('import-alerts', CORE_ALERTS, expected);
  });

  it('shows the preview’s alerts before the import: ids already in the workspace', async () => {
    const core = fakeCore({
      describeWorkspace: async () => emptyWorkspace,
      previewImport: async () => ({ ...preview, alerts: [CORE_ALERTS.existing_ids] }),
    });
    renderWith(<DataScreen />, { core, language: 'zh-CN' });
    pickFile();
    const box = await screen.findByTestId('import-alerts');
    expect(box.textContent).toContain('导入之前请先确认');
    expect(box.textContent).toContain(expected.existing_ids);
  });
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
