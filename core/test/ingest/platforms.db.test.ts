// Chinese platform exports (GB18030, headers as the platforms write them): Taobao/Tmall order and item reports, JD, Pinduoduo.
//
// Every expected value is counted by hand from the fixture rows (core/test/fixtures/ingest/platforms/).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proposeMapping, requireMapping } from '../../src/ingest/mapping.ts';
import { FIXTURES, openHarness, type Harness } from './harness.ts';

const platform = (name: string) => join(FIXTURES, 'platforms', name);
const ORDERS = "SELECT order_id, customer_id, amount, refund_amount, status, items FROM orders ORDER BY order_id";

describe('platform profiles', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('Taobao 订单报表: paid amount, refunds (a refunded order closed as 交易自动关闭), unpaid orders pending or cancelled', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [platform('taobao_order_report.csv')] });
    expect(result).toMatchObject({ profile: 'taobao_tmall', encoding: 'gb18030', rowsLoaded: 6, rowsRejected: 0, orders: 6, customers: 2, alerts: [] });
    expect(result.mapping).toMatchObject({ amount: '买家实际支付金额', refund_amount: '退款金额', status: '订单状态', paid_at: '订单付款时间', customer_id: '买家会员名' });
    expect(await h.sql(ORDERS)).toEqual([
      { order_id: '1001', customer_id: '小明', amount: 100, refund_amount: 0, status: 'completed', items: 2 },
      { order_id: '1002', customer_id: '小红', amount: 59.9, refund_amount: 0, status: 'completed', items: 1 },
      { order_id: '1003', customer_id: '小明', amount: 80, refund_amount: 80, status: 'refunded', items: 1 },
      { order_id: '1004', customer_id: '阿强', amount: 0, refund_amount: 0, status: 'cancelled', items: 1 },
      { order_id: '1005', customer_id: '小红', amount: 45, refund_amount: 15, status: 'completed', items: 3 },
      { order_id: '1006', customer_id: '阿强', amount: 0, refund_amount: 0, status: 'pending', items: 1 },
    ]);
    // By hand: 3 of 6 orders completed; refunded orders 1003 and 1005 of 4 paid (completed or refunded);
    // refunds 80 + 15 = 95 of 100 + 59.9 + 80 + 45 = 284.9 paid.
    const kpis = await h.client().kpis({ windowDays: 30 });
    const value = (key: string) => kpis.kpis.find((kpi) => kpi.key === key);
    expect(value('orderCompletionRate')).toMatchObject({ numerator: 3, denominator: 6 });
    expect(value('refundRateOrders')).toMatchObject({ numerator: 2, denominator: 4 });
    expect(value('refundRateAmount')?.numerator).toBeCloseTo(95, 6);
    expect(value('refundRateAmount')?.denominator).toBeCloseTo(284.9, 6);
  });

  it('Taobao 宝贝报表: lines folded into orders, amount = unit price x quantity, refunded lines are the refund', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [platform('taobao_item_report.csv')] });
    expect(result).toMatchObject({ profile: 'taobao_tmall_items', encoding: 'gb18030', lineLevel: true, rowsLoaded: 6, orders: 4, customers: 2, rowsFolded: 0, alerts: [] });
    expect(result.mapping).toMatchObject({ sku: '商家编码', product: '宝贝标题', unit_price: '单价', items: '购买数量', status: '订单状态', region: '收货国家' });
    // 2001: 2 x 49.00 + 19.90; 2002 refunded whole; 2003: 3 x 35.50 + 19.90, the 19.90 line refunded; 2004 closed.
    expect(await h.sql(ORDERS)).toEqual([
      { order_id: '2001', customer_id: '小明', amount: 117.9, refund_amount: null, status: 'completed', items: 3 },
      { order_id: '2002', customer_id: '小红', amount: 49, refund_amount: 49, status: 'refunded', items: 1 },
      { order_id: '2003', customer_id: '阿强', amount: 126.4, refund_amount: 19.9, status: 'completed', items: 4 },
      { order_id: '2004', customer_id: '小明', amount: 25, refund_amount: null, status: 'cancelled', items: 1 },
    ]);
    expect(await h.sql("SELECT count(*) AS lines, round(sum(amount), 2) AS amount FROM order_lines")).toEqual([{ lines: 6, amount: 318.3 }]); // 98 + 19.9 + 49 + 106.5 + 19.9 + 25
  });

  it('the plain 宝贝报表 (标题, 价格, no buyer or time) is recognised and names what it lacks', () => {
    const headers = ['订单编号', '标题', '价格', '购买数量', '外部系统编号', '商品属性', '套餐信息', '备注', '订单状态', '商家编码'];
    const decision = proposeMapping('orders', headers);
    expect(decision.profile?.id).toBe('taobao_tmall_items');
    expect(decision.mapping).toMatchObject({ product: '标题', unit_price: '价格', items: '购买数量', sku: '商家编码', status: '订单状态' });
    expect(decision.missingRequired).toEqual(['customer_id', 'ordered_at']);
    expect(() => requireMapping(decision, 'orders', '宝贝报表.csv', headers)).toThrow(/import it together with its 订单报表/);
  });

  it('Taobao 订单报表 + 宝贝报表 in one import: items joined to their order by 订单编号, the payment and refund counted once', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [platform('taobao_reports')] });
    expect(result).toMatchObject({ profile: 'taobao_tmall_reports', lineLevel: true, rowsLoaded: 7, orders: 6, customers: 2, alerts: [] });
    // The order report's payment and refund, the item report's lines: 1001 has two items (60 + 40), paid 100.
    expect(await h.sql(ORDERS)).toEqual([
      { order_id: '1001', customer_id: '小明', amount: 100, refund_amount: 0, status: 'completed', items: 2 },
      { order_id: '1002', customer_id: '小红', amount: 59.9, refund_amount: 0, status: 'completed', items: 1 },
      { order_id: '1003', customer_id: '小明', amount: 80, refund_amount: 80, status: 'refunded', items: 1 },
      { order_id: '1004', customer_id: '阿强', amount: 0, refund_amount: 0, status: 'cancelled', items: 1 },
      { order_id: '1005', customer_id: '小红', amount: 45, refund_amount: 15, status: 'completed', items: 3 },
      { order_id: '1006', customer_id: '阿强', amount: 0, refund_amount: 0, status: 'pending', items: 1 },
    ]);
    expect(await h.sql("SELECT count(*) AS lines, round(sum(amount), 2) AS amount FROM order_lines")).toEqual([{ lines: 7, amount: 424.9 }]);
  });

  it('JD: one row per product with the order amount repeated, read once per order', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [platform('jd_orders.csv')] });
    expect(result).toMatchObject({ profile: 'jd', encoding: 'gb18030', lineLevel: true, rowsLoaded: 5, orders: 4, customers: 2, alerts: [] });
    expect(await h.sql(ORDERS)).toEqual([
      { order_id: '3001', customer_id: 'jd_user1', amount: 238, refund_amount: null, status: 'completed', items: 2 },
      { order_id: '3002', customer_id: 'jd_user2', amount: 398, refund_amount: null, status: 'cancelled', items: 2 },
      { order_id: '3003', customer_id: 'jd_user2', amount: 89, refund_amount: null, status: 'completed', items: 1 },
      { order_id: '3004', customer_id: 'jd_user3', amount: 89, refund_amount: null, status: 'pending', items: 1 },
    ]);
  });

  it('Pinduoduo: paid amount, after-sale refunds, each order its own customer (and the import says so)', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [platform('pinduoduo_orders.csv')] });
    expect(result).toMatchObject({ profile: 'pinduoduo', encoding: 'gb18030', rowsLoaded: 4, orders: 4, customers: 2, alerts: [] });
    expect(result.mapping).toMatchObject({ amount: '用户实付金额(元)', refund_status: '售后状态', customer_id: '@order_id' });
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'no_buyer', profile: 'pinduoduo', message: expect.stringMatching(/no buyer id/) }));
    expect(await h.sql("SELECT order_id, amount, status FROM orders ORDER BY order_id")).toEqual([
      { order_id: '240301-123456789', amount: 52.9, status: 'completed' },
      { order_id: '240302-223456789', amount: 29.9, status: 'completed' },
      { order_id: '240303-323456789', amount: 80, status: 'refunded' },
      { order_id: '240304-423456789', amount: 19.9, status: 'cancelled' },
    ]);
  });
});
