// Nothing lost or changed without a word: unreadable amounts, repeated ids, absurd numbers and dates, duplicate headers, appends over existing ids.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, openHarness, type Harness } from './harness.ts';

describe('no silent loss', () => {
  let h: Harness;
  const file = (name: string, text: string) => {
    const path = join(h.dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('an amount column of NaN, Infinity and text stays mapped: unreadable values are rejected and the import says why', async () => {
    const path = file('nan.csv', 'order_id,customer_id,date,amount\n1,a,2024-01-01,NaN\n2,b,2024-01-02,Infinity\n3,c,2024-01-03,n/a\n4,d,2024-01-04,12.50\n5,e,2024-01-05,-\n');
    const preview = await h.client().previewImport({ kind: 'orders', files: [path] });
    expect(preview.mapping.amount).toBe('amount');
    expect(preview.alerts).toMatchObject([{ code: 'amount_unreadable', columns: [{ header: 'amount' }], field: 'amount' }]);
    const result = await h.client().importFiles({ kind: 'orders', files: [path] });
    expect(result).toMatchObject({ rowsRead: 5, rowsLoaded: 1, rowsRejected: 4 });
    expect(result.rejectsSample.map((reject) => [reject.line, reject.column, reject.raw, reject.reason])).toEqual([
      [2, 'amount', 'NaN', 'not a number'],
      [3, 'amount', 'Infinity', 'not a number'],
      [4, 'amount', 'n/a', 'not a number'],
      [6, 'amount', '-', 'not a number'],
    ]);
    expect(result.alerts.map((alert) => alert.code)).toEqual(['amount_unreadable']);
  });

  it('orders without any amount column load with a loud no_amount alert, which info repeats', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [file('plain.csv', 'order_id,customer_id,date\n1,a,2024-01-01\n2,b,2024-01-02\n')] });
    expect(result.rowsLoaded).toBe(2);
    expect(result.alerts.map((alert) => alert.code)).toEqual(['no_amount']);
    expect((await h.client().describeWorkspace({})).alerts.map((alert) => alert.code)).toEqual(['no_amount']);
  });

  it('ten tickets with one id: 10 loaded, 9 folded, 1 ticket, and an alert', async () => {
    const rows = Array.from({ length: 10 }, (_, index) => `T1,c${index},2024-01-0${(index % 9) + 1},complaint ${index}`).join('\n');
    const result = await h.client().importFiles({ kind: 'tickets', files: [file('tickets.csv', `ticket_id,customer_id,created_at,body\n${rows}\n`)] });
    expect(result).toMatchObject({ rowsLoaded: 10, rowsReplaced: 0, rowsFolded: 9, tickets: 1 });
    expect(result.alerts).toEqual([{ code: 'repeated_ids', count: 9, message: expect.stringContaining('9 rows repeat an id') }]);
  });

  it('an order id on three rows of one file: the fold is counted', async () => {
    const result = await h.client().importFiles({
      kind: 'orders',
      files: [file('repeat.csv', 'order_id,customer_id,date,amount\n1,a,2024-01-01,10\n1,a,2024-01-01,5\n1,a,2024-01-01,1\n2,b,2024-01-02,7\n')],
    });
    expect(result).toMatchObject({ rowsLoaded: 4, rowsFolded: 2, orders: 2 });
    expect(await h.sql('SELECT order_id, amount FROM orders ORDER BY 1')).toEqual([
      { order_id: '1', amount: 16 },
      { order_id: '2', amount: 7 },
    ]);
  });

  it('amounts of 1e308 (and quantities past 1e12) are rejected, so revenue stays finite', async () => {
    const result = await h.client().importFiles({
      kind: 'orders',
      files: [file('huge.csv', 'order_id,customer_id,date,amount\n1,a,2024-01-01,1e308\n2,b,2024-01-02,20\n3,c,2024-01-03,-2e12\n')],
    });
    expect(result).toMatchObject({ rowsLoaded: 1, rowsRejected: 2 });
    expect(result.rejectsSample.map((reject) => [reject.line, reject.reason])).toEqual([
      [2, 'number out of range'],
      [4, 'number out of range'],
    ]);
    expect(await h.sql('SELECT sum(amount) AS revenue FROM orders')).toEqual([{ revenue: 20 }]);
  });

  it('dates outside the plausible range are rejected with an alert; the range is the user\'s to widen', async () => {
    const text = 'order_id,customer_id,date,amount\n1,a,1900-01-01,10\n2,b,2024-01-02,20\n3,c,2099-06-01,30\n';
    const result = await h.client().importFiles({ kind: 'orders', files: [file('old.csv', text)] });
    expect(result).toMatchObject({ rowsLoaded: 1, rowsRejected: 2, dateRange: { from: '2024-01-02T00:00:00', to: '2024-01-02T00:00:00' } });
    expect(result.rejectsSample.map((reject) => [reject.line, reject.column, reject.reason])).toEqual([
      [2, 'date', 'date outside the plausible range'],
      [4, 'date', 'date outside the plausible range'],
    ]);
    expect(result.alerts).toEqual([{ code: 'implausible_dates', count: 2, message: expect.stringMatching(/before 1980-01-01 or on\/after \d{4}-01-01/) }]);
    const widened = await h.client().importFiles({ kind: 'orders', mode: 'replace', files: [file('old2.csv', text)], datesFrom: '1900-01-01', datesTo: '2100-01-01' });
    expect(widened).toMatchObject({ rowsLoaded: 3, rowsRejected: 0, alerts: [] });
    await expect(h.client().importFiles({ kind: 'orders', files: [file('old3.csv', text)], datesFrom: '2024-13-01' })).rejects.toMatchObject({ code: 'E_ARGS' });
  });

  it('a payment date outside the range (1970-01-01 for "not paid") reads as empty: the order loads as pending', async () => {
    const result = await h.client().importFiles({
      kind: 'orders',
      mode: 'replace',
      files: [file('paid.csv', 'order_id,customer_id,date,paid at,amount\n1,a,2024-01-01,1970-01-01 08:00:00,10\n2,b,2024-01-02,2024-01-02 10:00:00,20\n')],
    });
    expect(result).toMatchObject({ rowsLoaded: 2, rowsRejected: 0, alerts: [] });
    expect(await h.sql("SELECT order_id, strftime(paid_at, '%Y-%m-%d') AS paid, status FROM orders ORDER BY 1")).toEqual([
      { order_id: '1', paid: null, status: 'pending' },
      { order_id: '2', paid: '2024-01-02', status: 'completed' },
    ]);
    // The same through the text path (two files are never read typed)
    const text = await h.client().importFiles({
      kind: 'orders',
      mode: 'replace',
      files: [file('paid1.csv', 'order_id,customer_id,date,paid at,amount\n1,a,2024-01-01,1970-01-01 08:00:00,10\n'), file('paid2.csv', 'order_id,customer_id,date,paid at,amount\n2,b,2024-01-02,2024-01-02 10:00:00,20\n')],
    });
    expect(text).toMatchObject({ rowsLoaded: 2, rowsRejected: 0 });
    expect(await h.sql("SELECT order_id, status FROM orders ORDER BY 1")).toEqual([
      { order_id: '1', status: 'pending' },
      { order_id: '2', status: 'completed' },
    ]);
  });

  it('a repeated header is named in an alert: which copy the mapping read, and the other one\'s name', async () => {
    const preview = await h.client().previewImport({ kind: 'orders', files: [join(FIXTURES, 'duplicate_headers.csv')] });
    expect(preview.alerts).toEqual([
      {
        code: 'duplicate_header',
        message: 'two columns are headed "amount" (columns 4 and 5): the mapping reads column 4; the other is named "amount_1", map it by that name to read it instead',
        columns: [
          { header: 'amount', position: 4 },
          { header: 'amount_1', position: 5 },
        ],
      },
    ]);
  });

  it('duplicates are told from the headers as written: a header that merely ends in _1 is no copy, a repeat after a quoted spacing is', async () => {
    // "amount_1" is this file's own name for a second amount: nothing is repeated.
    const own = await h.client().previewImport({ kind: 'orders', files: [file('own.csv', 'order_id,customer_id,date,amount,amount_1\n1,a,2024-01-01,10,99\n')] });
    expect(own.alerts).toEqual([]);
    // " amount" (quoted, with a space) is written a second time: the same header as the mapped amount once trimmed.
    const repeated = await h.client().previewImport({ kind: 'orders', files: [file('repeated.csv', 'order_id,customer_id,date,amount," amount"\n1,a,2024-01-01,10,99\n')] });
    expect(repeated.alerts).toEqual([
      {
        code: 'duplicate_header',
        message: 'two columns are headed "amount" (columns 4 and 5): the mapping reads column 4; the other is named "amount_1", map it by that name to read it instead',
        columns: [
          { header: 'amount', position: 4 },
          { header: 'amount_1', position: 5 },
        ],
      },
    ]);
  });

  it('the preview of an append says how many order ids the workspace holds already', async () => {
    await h.client().importFiles({ kind: 'orders', files: [file('a.csv', 'order_id,customer_id,date,amount\n1,a,2024-01-01,10\n2,b,2024-01-02,20\n3,c,2024-01-03,30\n')] });
    const next = file('b.csv', 'order_id,customer_id,date,amount\n2,x,2024-01-02,20\n3,y,2024-01-03,30\n4,z,2024-01-04,40\n');
    const preview = await h.client().previewImport({ kind: 'orders', files: [next] });
    expect(preview.alerts).toEqual([{ code: 'existing_ids', count: 2, message: expect.stringContaining('2 order ids of this import are already in the workspace') }]);
    const result = await h.client().importFiles({ kind: 'orders', files: [next] });
    expect(result.rowsReplaced).toBe(2);
  });

  // UCI Online Retail's layout: 17850 bought 6 x 2.55 + 2 x 3.00 = 21.30 and got 2.55 back (12%); 13047 bought 4 x 2.55 = 10.20
  const retail =
    'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
    '536365,A1,MUG,6,12/1/2010 8:26,2.55,17850,United Kingdom\n' +
    '536365,B2,PLATE,2,12/1/2010 8:26,3.00,17850,United Kingdom\n' +
    'C536379,A1,MUG,-1,12/1/2010 9:41,2.55,17850,United Kingdom\n' +
    '536366,A1,MUG,4,12/2/2010 10:00,2.55,13047,United Kingdom\n';

  it('C invoices with negative amounts: credit notes of their customer by default, cancelled orders on request, and the import says which', async () => {
    const text = `${retail}C536380,B2,PLATE,-2,12/3/2010 11:00,3.00,99999,United Kingdom\n`;
    const refunds = await h.client().importFiles({ kind: 'orders', files: [file('retail.csv', text)] });
    expect(refunds).toMatchObject({ profile: 'uci_online_retail', orders: 2, customers: 2 });
    expect(refunds.alerts).toEqual([{ code: 'credit_notes', count: 2, message: expect.stringContaining('2 negative invoices with a "C" id were read as credit notes') }]);
    // 99999 has only a credit note: no customer. Amounts are what was given back, positive.
    expect(await h.sql('SELECT credit_note_id, customer_id, amount FROM credit_notes ORDER BY 1')).toEqual([
      { credit_note_id: 'C536379', customer_id: '17850', amount: 2.55 },
      { credit_note_id: 'C536380', customer_id: '99999', amount: 6 },
    ]);
    const cancels = await h.client().importFiles({ kind: 'orders', mode: 'replace', creditNotes: 'cancel', files: [file('retail2.csv', text)] });
    expect(cancels).toMatchObject({ orders: 4, customers: 2 });
    expect(cancels.alerts).toEqual([{ code: 'credit_notes', count: 2, message: expect.stringContaining('read as cancelled orders, as asked') }]);
    expect(await h.sql("SELECT (SELECT count(*) FROM credit_notes) AS notes, (SELECT count(*) FROM orders WHERE status = 'cancelled') AS cancelled")).toEqual([{ notes: 0, cancelled: 2 }]);
  });

  it('customers whose credit notes take back half or more of their purchases are named, since revenue counts the purchases in full', async () => {
    // 13047 gets 3 x 2.55 = 7.65 back of 10.20 (75%); 17850's 12% is not named
    const text = `${retail}C536381,A1,MUG,-3,12/2/2010 12:00,2.55,13047,United Kingdom\n`;
    const result = await h.client().importFiles({ kind: 'orders', files: [file('retail.csv', text)] });
    expect(result.alerts).toEqual([
      { code: 'credit_notes', count: 2, message: expect.stringContaining('2 negative invoices') },
      {
        code: 'credited_back',
        count: 1,
        customer: { id: '13047', credited: expect.closeTo(7.65, 9), bought: expect.closeTo(10.2, 9) },
        message:
          '1 customer got back half or more of what they bought through credit notes (the most: customer 13047, 7.65 credited of 10.20 bought): revenue is before credit notes, so revenue, RFM and customer value count these purchases in full; the refund rates count the credit notes',
      },
    ]);
  });
});
