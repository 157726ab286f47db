// Imports every shared dataset that holds orders or tickets; each count is checked against a plain TypeScript pass over the raw file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../helpers/core.ts';
import { openHarness, type Harness } from './harness.ts';

const available = existsSync(SHARED_DATA);
if (!available) console.warn(`skipping real-data import tests: ${SHARED_DATA} is absent`);

const data = (...parts: string[]) => join(SHARED_DATA, ...parts);

/** CSV text to header-keyed records with papaparse: the independent reader these tests compare against. */
function records(text: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  return parsed.data;
}

const cents = (value: number) => Math.round(value * 100) / 100;

describe.skipIf(!available)('importing the shared real datasets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('CDNOW master log (whitespace separated, CRLF, YYYYMMDD): one order per customer and day', async () => {
    const file = data('cdnow_lifetimes', 'CDNOW_master.txt');
    const lines = readFileSync(file, 'latin1').split(/\r?\n/).slice(1).filter((line) => line.trim() !== '');
    const customers = new Set<string>();
    const days = new Map<string, number>();
    for (const line of lines) {
      const [id = '', date = '', , dollars = '0'] = line.trim().split(/\s+/);
      customers.add(id);
      days.set(`${id}@${date}`, (days.get(`${id}@${date}`) ?? 0) + Number(dollars));
    }
    const result = await h.client().importFiles({ kind: 'orders', files: [file] });
    expect(result.profile).toBe('cdnow');
    expect(result.format).toBe('whitespace');
    expect(result.rowsRead).toBe(lines.length); // 69,659
    expect(result.rowsLoaded).toBe(69_659);
    expect(result.rowsRejected).toBe(0);
    expect(result.orders).toBe(days.size);
    expect(result.customers).toBe(customers.size); // 23,570
    expect(result.dateRange).toEqual({ from: '1997-01-01T00:00:00', to: '1998-06-30T00:00:00' });
    const [sums] = await h.sql<{ amount: number; padded: number }>(
      "SELECT round(sum(amount), 2) AS amount, count(*) FILTER (WHERE customer_id = '00001') AS padded FROM orders",
    );
    expect(sums?.amount).toBeCloseTo(cents([...days.values()].reduce((a, b) => a + b, 0)), 2);
    expect(sums?.padded).toBe(1); // zero-padded ids survive
  });

  it('UCI Online Retail, three gzip parts in one import: lines folded into invoices, C invoices read as credit notes', async () => {
    const parts = ['online_retail_part1_2010-12_to_2011-03.csv.gz', 'online_retail_part2_2011-04_to_2011-07.csv.gz', 'online_retail_part3_2011-08_to_2011-12.csv.gz'].map((name) =>
      data('uci_online_retail', name),
    );
    const rows = parts.flatMap((part) => records(gunzipSync(readFileSync(part)).toString('utf8')));
    const withCustomer = rows.filter((row) => (row.CustomerID ?? '') !== '');
    // Invoice kind the way the import defines it: all lines negative -> a credit note (C...) or a refunded order.
    const invoices = new Map<string, { statuses: Set<string>; amount: number; customer: string }>();
    for (const row of withCustomer) {
      const invoice = row.InvoiceNo ?? '';
      const negative = Number(row.Quantity) < 0;
      const status = negative ? (/^[Cc]\d+$/.test(invoice) ? 'credit_note' : 'refunded') : 'completed';
      const entry = invoices.get(invoice) ?? { statuses: new Set<string>(), amount: 0, customer: row.CustomerID ?? '' };
      entry.statuses.add(status);
      entry.amount += cents(Number(row.Quantity) * Number(row.UnitPrice));
      invoices.set(invoice, entry);
    }
    const isCredit = (invoice: { statuses: Set<string> }) => invoice.statuses.size === 1 && invoice.statuses.has('credit_note');
    const orders = [...invoices.values()].filter((invoice) => !isCredit(invoice));
    const credits = [...invoices.values()].filter(isCredit);

    const result = await h.client().importFiles({ kind: 'orders', files: parts });
    expect(result.profile).toBe('uci_online_retail');
    expect(result.lineLevel).toBe(true);
    expect(result.rowsRead).toBe(rows.length); // 541,909
    expect(result.rowsLoaded).toBe(withCustomer.length); // 406,829
    expect(result.rowsRejected).toBe(rows.length - withCustomer.length); // 135,080 lines without CustomerID
    expect(result.orders).toBe(orders.length); // 18,536
    expect(result.customers).toBe(new Set(orders.map((invoice) => invoice.customer)).size); // 4,339: 33 ids have only credit notes
    expect(result.dateRange).toEqual({ from: '2010-12-01T08:26:00', to: '2011-12-09T12:50:00' });
    expect(result.rejectsSample[0]).toMatchObject({ line: 624, column: 'CustomerID', reason: 'missing value' });
    // every rejected line is one without CustomerID, counted here from the file by the second method above
    expect(result.rejectCounts).toEqual([{ reason: 'missing value', column: 'CustomerID', rows: rows.length - withCustomer.length }]);
    // customers given back half or more of their completed invoices, counted from the file: 40, the most 16446
    // (pandas over the same three parts agrees: 40 customers, 16446 credited 168,469.60 of 168,472.50)
    const creditedBy = new Map<string, number>();
    for (const credit of credits) creditedBy.set(credit.customer, (creditedBy.get(credit.customer) ?? 0) - credit.amount);
    const boughtBy = new Map<string, number>();
    for (const order of orders) if (order.statuses.size === 1 && order.statuses.has('completed') && order.amount > 0) boughtBy.set(order.customer, (boughtBy.get(order.customer) ?? 0) + order.amount);
    const back = [...creditedBy].filter(([customer, credited]) => boughtBy.has(customer) && credited >= 0.5 * boughtBy.get(customer)!).sort((a, b) => b[1] - a[1]);
    expect(result.alerts).toEqual([
      { code: 'credit_notes', count: credits.length, message: expect.stringContaining('3,654 negative invoices') },
      {
        code: 'credited_back',
        count: back.length,
        customer: { id: back[0]![0], credited: expect.closeTo(back[0]![1], 1), bought: expect.closeTo(boughtBy.get(back[0]![0])!, 1) },
        message: expect.stringContaining('(the most: customer 16446, 168,469.60 credited of 168,472.50 bought)'),
      },
    ]);
    expect(back.length).toBe(40);

    const [check] = await h.sql<{ lines: number; credit_notes: number; credited: number; amount: number }>(
      "SELECT (SELECT count(*) FROM order_lines) AS lines, (SELECT count(*) FROM credit_notes) AS credit_notes, (SELECT round(sum(amount), 2) FROM credit_notes) AS credited, (SELECT round(sum(amount), 2) FROM orders) AS amount",
    );
    expect(check?.lines).toBe(withCustomer.length);
    expect(check?.credit_notes).toBe(credits.length); // 3,654
    expect(check?.credited).toBeCloseTo(-cents(credits.reduce((sum, invoice) => sum + invoice.amount, 0)), 1);
    expect(check?.amount).toBeCloseTo(cents(orders.reduce((sum, invoice) => sum + invoice.amount, 0)), 1);

    // Refunds and completion as README defines them, against pandas 1.5.3 over the raw files
    // (`/usr/bin/python3 uci.py`, the script below) which printed:
    //   orders 18536 credit_notes 3654 credit_amount 611342.09; completed 18536 refunded 0 paid_amount 8911407.9;
    //   customers(completed) 4339; completion 18536 / 18536; refund orders 3654 / 18536; refund amount 611342.09 / 8911407.9
    //   import pandas as pd, glob
    //   files = sorted(glob.glob('/work/shared/data/uci_online_retail/online_retail_part*.csv.gz'))
    //   df = pd.concat([pd.read_csv(f, dtype={'InvoiceNo': str, 'StockCode': str, 'CustomerID': str}) for f in files])
    //   df = df[df.CustomerID.notna() & (df.CustomerID.str.strip() != '')]
    //   df['line'] = (df.Quantity * df.UnitPrice).round(2)
    //   credit = df.InvoiceNo.str.match(r'^[Cc]\d+$') & (df.Quantity < 0)
    //   inv = df.assign(credit=credit, neg=df.Quantity < 0).groupby('InvoiceNo').agg(amount=('line', 'sum'), credit=('credit', 'all'), neg=('neg', 'all'), customer=('CustomerID', 'first'))
    //   inv['amount'] = inv.amount.round(2)
    //   notes = inv[inv.credit]
    //   orders = inv[~inv.credit]
    //   refunded = orders[orders.neg]
    //   completed = orders[~orders.neg]
    //   paid = pd.concat([completed, refunded])
    //   print('orders', len(orders), 'credit_notes', len(notes), 'credit_amount', round(-notes.amount.sum(), 2))
    //   print('completed', len(completed), 'refunded', len(refunded), 'paid_amount', round(paid.amount.sum(), 2), 'refunded_amount', round(refunded.amount.sum(), 2))
    //   print('customers(completed)', completed.customer.nunique(), 'ids in orders', orders.customer.nunique(), 'ids incl credit', inv.customer.nunique())
    //   print('completion', len(completed), '/', len(orders), len(completed) / len(orders))
    //   print('refund orders', len(refunded) + len(notes), '/', len(paid))
    //   print('refund amount', round(-notes.amount.sum() + refunded.amount.sum(), 2), '/', round(paid.amount.sum(), 2))
    const kpis = await h.client().kpis({ windowDays: 90 });
    const kpi = (key: string) => kpis.kpis.find((entry) => entry.key === key);
    expect(kpi('customers')?.value).toBe(4339);
    expect(kpi('orderCompletionRate')).toMatchObject({ numerator: 18536, denominator: 18536, value: 1 });
    expect(kpi('refundRateOrders')).toMatchObject({ numerator: 3654, denominator: 18536 });
    expect(kpi('refundRateAmount')?.numerator).toBeCloseTo(611342.09, 1);
    expect(kpi('refundRateAmount')?.denominator).toBeCloseTo(8911407.9, 1);
    expect(kpi('refundRateAmount')?.value).toBeCloseTo(0.0686, 4);
  });

  it('Tmall order report (Chinese headers with trailing spaces, no buyer column): E_MAPPING, then @order_id', async () => {
    const file = data('tmall_order_report', 'tmall_order_report.csv');
    const error = await h.client().importFiles({ kind: 'orders', files: [file] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_MAPPING' });
    expect((error as Error).message).toContain('customer_id');
    expect((error as Error).message).toContain('@order_id');

    const rows = records(readFileSync(file, 'utf8'));
    const paid = (row: Record<string, string>) => Number(row['买家实际支付金额']);
    const refund = (row: Record<string, string>) => Number(row['退款金额']);
    const refunded = rows.filter((row) => refund(row) > 0 && refund(row) >= paid(row)).length;
    const pending = rows.filter((row) => !(refund(row) > 0 && refund(row) >= paid(row)) && (row['订单付款时间 '] ?? '').trim() === '').length;

    const result = await h.client().importFiles({ kind: 'orders', files: [file], mapping: { customer_id: '@order_id' } });
    expect(result.profile).toBe('taobao_tmall');
    expect(result.mapping).toMatchObject({ order_id: '订单编号', amount: '买家实际支付金额', paid_at: '订单付款时间', refund_amount: '退款金额', region: '收货地址' });
    expect(result.rowsLoaded).toBe(rows.length); // 28,010
    expect(result.orders).toBe(28_010);
    expect(result.dateRange).toEqual({ from: '2020-02-01T00:14:15', to: '2020-02-29T23:59:18' });
    const statuses = await h.sql<{ status: string; n: number }>('SELECT status, count(*) AS n FROM orders GROUP BY 1 ORDER BY 1');
    expect(Object.fromEntries(statuses.map((row) => [row.status, row.n]))).toEqual({
      completed: rows.length - refunded - pending,
      pending, // 3,923 never paid
      refunded,
    });
  });

  it('a GBK copy of the Tmall report imports to identical tables', async () => {
    const file = data('tmall_order_report', 'tmall_order_report.csv');
    const gbk = join(h.dir, 'tmall_gbk.csv');
    writeFileSync(gbk, iconv.encode(readFileSync(file, 'utf8'), 'gbk'));
    const mapping = { customer_id: '@order_id' };
    const fromGbk = await h.client().importFiles({ kind: 'orders', files: [gbk], mapping });
    expect(fromGbk.encoding).toBe('gb18030');
    const gbkRows = await h.sql('SELECT * EXCLUDE (source_id) FROM orders ORDER BY order_id');
    const utf8 = await openHarness();
    try {
      await utf8.client().importFiles({ kind: 'orders', files: [file], mapping });
      const utf8Rows = await utf8.sql('SELECT * EXCLUDE (source_id) FROM orders ORDER BY order_id');
      expect(gbkRows.length).toBe(28_010);
      expect(gbkRows).toEqual(utf8Rows);
    } finally {
      await utf8.close();
    }
  });

  it('Olist sample folder: orders joined with customers, items, payments and products; reviews as tickets', async () => {
    const folder = data('olist_sample');
    const orders = records(readFileSync(join(folder, 'olist_orders_dataset.csv'), 'utf8'));
    const customers = new Map(records(readFileSync(join(folder, 'olist_customers_dataset.csv'), 'utf8')).map((row) => [row.customer_id, row.customer_unique_id]));
    const items = records(readFileSync(join(folder, 'olist_order_items_dataset.csv'), 'utf8'));
    const payments = records(readFileSync(join(folder, 'olist_order_payments_dataset.csv'), 'utf8'));
    const reviews = records(readFileSync(join(folder, 'olist_order_reviews_dataset.csv'), 'utf8'));
    const paid = payments.reduce((sum, row) => sum + Number(row.payment_value), 0);
    const completed = orders.filter((row) => ['delivered', 'shipped', 'invoiced', 'processing'].includes(row.order_status ?? '')).length;

    const result = await h.client().importFiles({ kind: 'orders', files: [folder] });
    expect(result.profile).toBe('olist');
    expect(result.files).toHaveLength(7);
    // the reviews are no part of the orders: the import says what it joined and where the reviews go
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      'joined 7 Olist files: orders with their customers, items, payments, product categories (12 columns)',
      'olist_order_reviews_dataset.csv holds Olist reviews, which are not orders and were not read: import the same files as tickets (--kind tickets) to read them, the score as the rating and the comment as the text',
    ]);
    expect(result.warnings[1]).toMatchObject({ code: 'olist_reviews_apart', files: ['olist_order_reviews_dataset.csv'] });
    expect(result.rowsRejected).toBe(0);
    expect(result.orders).toBe(orders.length); // 4,000
    // Customers are ids with a completed order: 3,958 of the 3,998 unique buyers.
    const completedStatuses = ['delivered', 'shipped', 'invoiced', 'processing'];
    expect(result.customers).toBe(new Set(orders.filter((row) => completedStatuses.includes(row.order_status ?? '')).map((row) => customers.get(row.customer_id))).size);
    const [check] = await h.sql<{ lines: number; amount: number; completed: number }>(
      "SELECT (SELECT count(*) FROM order_lines) AS lines, (SELECT round(sum(amount), 2) FROM orders) AS amount, (SELECT count(*) FROM orders WHERE status = 'completed') AS completed",
    );
    expect(check?.lines).toBe(items.length); // 4,519
    expect(check?.amount).toBeCloseTo(cents(paid), 1);
    expect(check?.completed).toBe(completed); // 3,960

    // the whole folder as tickets: the reviews, each named by its order's customer
    const folderAsTickets = await h.client().previewImport({ kind: 'tickets', files: [folder] });
    expect(folderAsTickets.warnings.map((warning) => warning.message)).toEqual(["joined 7 Olist files: reviews with their orders' customers (7 columns)"]);
    const tickets = await h.client().importFiles({ kind: 'tickets', files: [join(folder, 'olist_order_reviews_dataset.csv')] });
    expect(tickets.profile).toBe('olist_reviews');
    expect(tickets.rowsLoaded).toBe(reviews.length); // 3,986
    expect(tickets.tickets).toBe(new Set(reviews.map((row) => row.review_id)).size);
    const [linked] = await h.sql<{ linked: number; rated: number }>('SELECT count(customer_id) AS linked, count(rating) AS rated FROM tickets');
    expect(linked?.linked).toBe(tickets.tickets); // every review's order is in the sample, so its customer is known
    expect(linked?.rated).toBe(tickets.tickets);
  });

  it('IBM Telco churn workbook (xlsx) as tickets: churn reason as text, churn label', async () => {
    const file = data('ibm_telco_churn', 'Telco_customer_churn.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0];
    const header = (sheet?.getRow(1).values as unknown[]).map(String);
    const reasonColumn = header.indexOf('Churn Reason');
    const labelColumn = header.indexOf('Churn Label');
    let rows = 0;
    let reasons = 0;
    let churned = 0;
    sheet?.eachRow((row, number) => {
      if (number === 1) return;
      rows++;
      const values = row.values as unknown[];
      if (String(values[reasonColumn] ?? '').trim() !== '') reasons++;
      if (values[labelColumn] === 'Yes') churned++;
    });

    const result = await h.client().importFiles({ kind: 'tickets', files: [file] });
    expect(result.format).toBe('xlsx');
    expect(result.profile).toBe('ibm_telco');
    expect(result.rowsLoaded).toBe(rows); // 7,043
    expect(result.tickets).toBe(rows);
    const [check] = await h.sql<{ bodies: number; churned: number; customers: number }>(
      "SELECT count(body) AS bodies, count(*) FILTER (WHERE label = 'Yes') AS churned, count(DISTINCT customer_id) AS customers FROM tickets",
    );
    expect(check).toEqual({ bodies: reasons, churned, customers: rows }); // 1,869 reasons, 1,869 churned
  });

  it('support tickets CSV (quoted multi-line descriptions) and Chinese reviews (label column, gzip parts) as tickets', async () => {
    const ticketsFile = data('support_tickets_kaggle_suraj520', 'customer_support_tickets.csv');
    const ticketRows = records(readFileSync(ticketsFile, 'utf8'));
    const support = await h.client().importFiles({ kind: 'tickets', files: [ticketsFile] });
    expect(support.rowsLoaded).toBe(ticketRows.length); // 8,469
    expect(support.mapping).toMatchObject({ ticket_id: 'Ticket ID', customer_id: 'Customer Email', subject: 'Ticket Subject', body: 'Ticket Description', rating: 'Customer Satisfaction Rating' });
    // Customers are ids with a completed order; a workspace of tickets alone has none.
    expect(support.customers).toBe(0);

    const parts = ['online_shopping_10_cats_part1.csv.gz', 'online_shopping_10_cats_part2.csv.gz'].map((name) => data('chinese_ecommerce_reviews', name));
    const reviewRows = parts.flatMap((part) => records(gunzipSync(readFileSync(part)).toString('utf8')));
    const reviews = await h.client().importFiles({ kind: 'tickets', files: parts });
    expect(reviews.mapping).toMatchObject({ category: 'cat', label: 'label', body: 'review', ticket_id: '@row' });
    expect(reviews.rowsLoaded).toBe(reviewRows.length); // 62,774
    const counts = await h.sql<{ rated: number; positive: number; total: number }>(
      "SELECT count(rating) AS rated, count(*) FILTER (WHERE label = '1' AND source_id > 1) AS positive, count(*) AS total FROM tickets",
    );
    expect(counts[0]).toEqual({
      rated: ticketRows.filter((row) => (row['Customer Satisfaction Rating'] ?? '') !== '').length, // 2,769
      positive: reviewRows.filter((row) => row.label === '1').length, // 31,728
      total: ticketRows.length + reviewRows.length, // identical reviews are numbered, not merged
    });
  });
});
