// Value normalisation on a hand-made export: every amount, date and status layout of DOMAIN.md section 6, checked by hand.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, openHarness, type Harness } from './harness.ts';

const fixture = (name: string) => join(FIXTURES, name);

// mixed_values.csv (Taobao headers), line by line, as computed by hand:
// line 2  A001 buyer1 2024-01-05 10:00:00  ¥1,234.50 -> 1234.50  交易成功 -> completed
// line 3  A002 buyer2 2024/1/6 13:22       １２３.５ -> 123.50   已取消 -> cancelled
// line 4  A003 buyer1 2024年1月7日          (10.00) -> -10.00   退款成功 -> refunded
// line 5  A004 buyer3 20240108             $99 -> 99.00        等待买家付款 -> pending
// line 6  A005 buyer2 45300 (Excel serial: 45296 is 2024-01-05) -> 2024-01-09; 1.234,56 -> 1234.56; "Completed " -> completed
// line 7  A006 buyer3 13/01/2024 (13 > 12, so the column reads day first) -> 2024-01-13; "weird status" -> completed, with a warning
// line 8  A007 "not a date"  -> reject, column 订单创建时间
// line 9  A008 amount "abc"  -> reject, column 买家实际支付金额
// line 10 A009 no buyer      -> reject, column 买家会员名
const FILE = join(FIXTURES, 'mixed_values.csv');

describe('value normalisation in SQL', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('previews the export: Taobao profile, mapping, day-first dates, unknown status words', async () => {
    const preview = await h.client().previewImport({ kind: 'orders', files: [FILE] });
    expect(preview.profile).toBe('taobao_tmall');
    expect(preview.delimiter).toBe(',');
    expect(preview.encoding).toBe('utf-8');
    expect(preview.headers).toEqual(['订单编号', '买家会员名', '订单创建时间', '买家实际支付金额', '订单状态', '收货地址']);
    expect(preview.rows).toHaveLength(9);
    expect(preview.rows[0]).toEqual(['A001', 'buyer1', '2024-01-05 10:00:00', '¥1,234.50', '交易成功', '上海']);
    expect(preview.mapping).toEqual({
      order_id: '订单编号', customer_id: '买家会员名', ordered_at: '订单创建时间', amount: '买家实际支付金额', status: '订单状态', region: '收货地址',
    });
    expect(preview.missingRequired).toEqual([]);
    expect(preview.lineLevel).toBe(false);
    expect(preview.warnings).toEqual([{ code: 'statuses_unknown', words: ['weird status'], message: 'status words not recognised, read as completed: weird status' }]);
  });

  it('reads amounts, dates and statuses in every layout and rejects what it cannot read, naming line and column', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [FILE] });
    expect(result).toMatchObject({ rowsRead: 9, rowsLoaded: 6, rowsRejected: 3, orders: 6, customers: 3 });
    expect(result.rejectsSample).toEqual([
      { file: FILE, line: 8, column: '订单创建时间', raw: 'not a date', reason: 'not a date' },
      { file: FILE, line: 9, column: '买家实际支付金额', raw: 'abc', reason: 'not a number' },
      { file: FILE, line: 10, column: '买家会员名', raw: null, reason: 'missing value' },
    ]);
    const orders = await h.sql("SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS at, amount, status, region FROM orders ORDER BY order_id");
    expect(orders).toEqual([
      { order_id: 'A001', customer_id: 'buyer1', at: '2024-01-05 10:00', amount: 1234.5, status: 'completed', region: '上海' },
      { order_id: 'A002', customer_id: 'buyer2', at: '2024-01-06 13:22', amount: 123.5, status: 'cancelled', region: '北京' },
      { order_id: 'A003', customer_id: 'buyer1', at: '2024-01-07 00:00', amount: -10, status: 'refunded', region: '广东' },
      { order_id: 'A004', customer_id: 'buyer3', at: '2024-01-08 00:00', amount: 99, status: 'pending', region: '浙江' },
      { order_id: 'A005', customer_id: 'buyer2', at: '2024-01-09 00:00', amount: 1234.56, status: 'completed', region: '江苏' },
      { order_id: 'A006', customer_id: 'buyer3', at: '2024-01-13 00:00', amount: 12.5, status: 'completed', region: '四川' },
    ]);
    // Revenue counts completed orders only: buyer1 1234.50 (A003 refunded), buyer2 1234.56 (A002 cancelled), buyer3 12.50 (A004 pending).
    const customers = await h.sql('SELECT customer_id, orders, completed_orders, revenue FROM customers ORDER BY customer_id');
    expect(customers).toEqual([
      { customer_id: 'buyer1', orders: 2, completed_orders: 1, revenue: 1234.5 },
      { customer_id: 'buyer2', orders: 2, completed_orders: 1, revenue: 1234.56 },
      { customer_id: 'buyer3', orders: 2, completed_orders: 1, revenue: 12.5 },
    ]);
  });

  it('reads clean date and amount columns typed, and a value past the sample that only the text path reads loads as the text path loads it', async () => {
    // 1,200 clean rows (the sample is the first 1,000), then the rows that prove the sample wrong.
    const clean = Array.from({ length: 1200 }, (_, i) => `O${i},C${i % 50},2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,${10 + i}.25,2024-01-02 11:00:00`);
    const write = (name: string, tail: string[]) => {
      const path = join(h.dir, name);
      writeFileSync(path, ['order_id,customer_id,created_at,amount,paid_at', ...clean.map((line) => line.replace(/^O/, `${name[0]}`)), ...tail, ''].join('\n'));
      return path;
    };
    // Values DuckDB's reader takes but the range checks refuse: NaN, and "1/5/24" (month first: 2024-01-05).
    const ranged = await h.client().importFiles({ kind: 'orders', files: [write('a.csv', ['AX1,C1,1/5/24,12.00,', 'AX2,C2,2024-02-04 09:00:00,nan,'])] });
    expect(ranged).toMatchObject({ rowsRead: 1202, rowsLoaded: 1201, rowsRejected: 1, sourceIds: [1] });
    expect(ranged.rejectsSample).toEqual([{ file: join(h.dir, 'a.csv'), line: 1203, column: 'amount', raw: 'nan', reason: 'not a number' }]);
    // A value DuckDB's reader cannot read as a number at all: an amount with a currency sign and a thousands separator.
    const cast = await h.client().importFiles({ kind: 'orders', files: [write('b.csv', ['BX1,C1,2024/2/3 13:22,"￥1,234.50",', 'BX2,C2,not a date,5.00,'])] });
    expect(cast).toMatchObject({ rowsRead: 1202, rowsLoaded: 1201, rowsRejected: 1, sourceIds: [2] });
    expect(cast.rejectsSample).toEqual([{ file: join(h.dir, 'b.csv'), line: 1203, column: 'created_at', raw: 'not a date', reason: 'not a date' }]);
    const rows = await h.sql(
      "SELECT order_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS at, amount, paid_at IS NULL AS unpaid, status FROM orders WHERE order_id IN ('AX1', 'BX1', 'a17', 'b17') ORDER BY order_id",
    );
    expect(rows).toEqual([
      { order_id: 'AX1', at: '2024-01-05 00:00', amount: 12, unpaid: true, status: 'pending' },
      { order_id: 'BX1', at: '2024-02-03 13:22', amount: 1234.5, unpaid: true, status: 'pending' },
      { order_id: 'a17', at: '2024-01-18 10:00', amount: 27.25, unpaid: false, status: 'completed' },
      { order_id: 'b17', at: '2024-01-18 10:00', amount: 27.25, unpaid: false, status: 'completed' },
    ]);
  });

  it('Shopify: one row per line item, order fields on the first line only; the Total is counted once', async () => {
    // #1001: Total 33.00 on line 1 (2 x Mug 10.00 + 1 x Plate 10.00 + shipping), Email on line 1 only, paid -> completed.
    // #1002: one line, Total 15.00, refunded 15.00 -> refunded. Times keep the shop's wall clock; +0800 is dropped.
    const result = await h.client().importFiles({ kind: 'orders', files: [fixture('shopify_orders.csv')] });
    // Customers are ids with a completed order: bob's only order was refunded.
    expect(result).toMatchObject({ profile: 'shopify', lineLevel: true, rowsLoaded: 3, rowsRejected: 0, orders: 2, customers: 1 });
    expect(await h.sql("SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS at, strftime(paid_at, '%H:%M') AS paid, amount, refund_amount, status, items, region, channel FROM orders ORDER BY order_id")).toEqual([
      { order_id: '#1001', customer_id: 'ann@example.com', at: '2024-03-01 10:00', paid: '10:05', amount: 33, refund_amount: 0, status: 'completed', items: 3, region: 'ON', channel: 'web' },
      { order_id: '#1002', customer_id: 'bob@example.com', at: '2024-03-02 08:59', paid: '09:00', amount: 15, refund_amount: 15, status: 'refunded', items: 1, region: 'BC', channel: 'pos' },
    ]);
    expect(await h.sql('SELECT order_id, line_no, sku, quantity, unit_price, amount FROM order_lines ORDER BY order_id, sku')).toEqual([
      { order_id: '#1001', line_no: 1, sku: 'MUG-1', quantity: 2, unit_price: 10, amount: 20 },
      { order_id: '#1001', line_no: 2, sku: 'PLT-1', quantity: 1, unit_price: 10, amount: 10 },
      { order_id: '#1002', line_no: 1, sku: 'BWL-1', quantity: 1, unit_price: 15, amount: 15 },
    ]);
  });

  it('Zendesk tickets: profile mapping, multi-line descriptions, satisfaction words as ratings', async () => {
    const result = await h.client().importFiles({ kind: 'tickets', files: [fixture('zendesk_tickets.csv')] });
    expect(result).toMatchObject({ profile: 'zendesk', rowsLoaded: 3, tickets: 3 });
    // good -> 5, bad -> 1, "offered" (survey sent, no answer) -> no rating.
    expect(await h.sql('SELECT ticket_id, customer_id, channel, category, subject, body, rating FROM tickets ORDER BY ticket_id')).toEqual([
      { ticket_id: '101', customer_id: 'ann@example.com', channel: 'email', category: 'incident', subject: 'Late parcel', body: 'My order arrived two weeks late.\nNot happy.', rating: 1 },
      { ticket_id: '102', customer_id: 'bob@example.com', channel: 'web', category: 'question', subject: 'Invoice', body: 'Please send an invoice', rating: 5 },
      { ticket_id: '103', customer_id: 'cy@example.com', channel: 'chat', category: 'question', subject: 'Thanks', body: 'Great service', rating: null },
    ]);
  });
});
