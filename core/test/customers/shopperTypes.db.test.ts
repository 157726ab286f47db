// The six shopper types on hand-checked fixtures: assignments, secondary types, undetermined, missing columns, groups.
import { afterEach, describe, expect, it } from 'vitest';
import type { ShopperSegmentsResult } from '../../src/api/customers.ts';
import { arrowFromBytes } from '../../src/db/arrow.ts';
import type { TestCore } from '../helpers/core.ts';
import { insertOrders, type OrderRow } from '../helpers/fixtures.ts';
import { insertLines, insertTickets, openSeededCore } from './seed.ts';

// As of 2024-06-30 (Z's cancelled order). Median order amount over all 22 purchases = 50.
//   R  5 x 'food' 50, every 30 days Jan 10 .. May 9, no discount -> gap_cv 0: routine;
//      also simplifier (top category share 1, no discount, no tickets) as secondary
//   S  'Sports shoes' 300, '运动户外' 200, 'books' 100 -> sports share 500/600 = 0.833: sportster
//   B  4 x 'home' 20, discounts on 3 of 4 (0.75) -> bargainer; gaps 82, 33, 46 -> cv 0.386 > 0.35 so not routine;
//      one order on 11-11 -> promotion-day share 0.25
//   C  one order Jun 1 (tenure 29 days), a 请问有货吗 ticket before it -> connector
//   U  4 x 10 in 4 categories -> entropy 2 bits, size ratio 10/50 = 0.2: surfer; its one ticket is about an order
//   O  one order Jan 20, no tickets: connector fails (tenure 162 > 90), every other type needs more orders
//      -> undetermined, insufficient data
//   N  4 x 100 in 'food'/'home', irregular, no discount -> no rule matches
const ORDERS: OrderRow[] = [
  ...['2024-01-10', '2024-02-09', '2024-03-10', '2024-04-09', '2024-05-09'].map((day, i) => ({ order_id: `r${i}`, customer_id: 'R', ordered_at: `${day} 10:00:00`, amount: 50, discount: 0, category: 'food' })),
  { order_id: 's0', customer_id: 'S', ordered_at: '2024-03-01 10:00:00', amount: 300, discount: 0, category: 'Sports shoes' },
  { order_id: 's1', customer_id: 'S', ordered_at: '2024-04-01 10:00:00', amount: 200, discount: 0, category: '运动户外' },
  { order_id: 's2', customer_id: 'S', ordered_at: '2024-05-01 10:00:00', amount: 100, discount: 0, category: 'books' },
  ...['2023-11-11', '2024-02-01', '2024-03-05', '2024-04-20'].map((day, i) => ({ order_id: `b${i}`, customer_id: 'B', ordered_at: `${day} 10:00:00`, amount: 20, discount: i < 3 ? 5 : 0, category: 'home' })),
  { order_id: 'c0', customer_id: 'C', ordered_at: '2024-06-01 10:00:00', amount: 30, discount: 0, category: 'food' },
  ...[
    ['2024-01-05', 'books'],
    ['2024-02-20', 'beauty'],
    ['2024-02-25', 'digital'],
    ['2024-06-10', 'garden'],
  ].map(([day, category], i) => ({ order_id: `u${i}`, customer_id: 'U', ordered_at: `${day} 10:00:00`, amount: 10, discount: 0, category: category! })),
  { order_id: 'o0', customer_id: 'O', ordered_at: '2024-01-20 10:00:00', amount: 40, discount: 0, category: 'food' },
  ...['2024-01-01', '2024-01-03', '2024-03-01', '2024-06-20'].map((day, i) => ({ order_id: `n${i}`, customer_id: 'N', ordered_at: `${day} 12:00:00`, amount: 100, discount: 0, category: i % 2 ? 'home' : 'food' })),
  { order_id: 'z0', customer_id: 'Z', ordered_at: '2024-06-30 10:00:00', amount: 10, status: 'cancelled' },
];

async function shopperRows(t: TestCore) {
  const page = await t.client.customerRows({ table: 'shopper', sort: [{ column: 'customer_id' }] });
  return arrowFromBytes(page.rows).toArray();
}

describe('customerSegments scheme shopper', () => {
  let t: TestCore;
  afterEach(async () => t?.close());

  it('assigns primary and secondary types with the deciding values, and says why others are undetermined', async () => {
    t = await openSeededCore(async (c) => {
      await insertOrders(c, ORDERS);
      await insertTickets(c, [
        { ticket_id: 't1', customer_id: 'C', created_at: '2024-05-28 09:00:00', subject: '请问这款有货吗' },
        { ticket_id: 't2', customer_id: 'U', created_at: '2024-02-22 09:00:00', subject: 'where is my parcel', order_id: 'u1' },
      ]);
    });
    const result = (await t.client.customerSegments({ scheme: 'shopper' })) as ShopperSegmentsResult;
    const rows = await shopperRows(t);
    expect(rows.map((row) => [row.customer_id, row.primary_type, row.secondary_types, row.undetermined_reason])).toEqual([
      ['B', 'bargainer', null, null],
      ['C', 'connector', null, null],
      ['N', 'undetermined', null, 'no_rule_matched'],
      ['O', 'undetermined', null, 'insufficient_data'],
      ['R', 'routine', 'simplifier', null],
      ['S', 'sportster', null, null],
      ['U', 'surfer', null, null],
    ]);
    const byId = new Map(rows.map((row) => [row.customer_id as string, row]));
    expect(byId.get('R')!.deciding).toBe('purchase_days=5; gap_cv=0.0');
    expect(byId.get('S')!.sports_share).toBeCloseTo(500 / 600, 12);
    expect(byId.get('B')).toMatchObject({ discount_order_share: 0.75, promotion_day_share: 0.25 });
    expect(byId.get('B')!.gap_cv).toBeCloseTo(Math.sqrt(((82 - 161 / 3) ** 2 + (33 - 161 / 3) ** 2 + (46 - 161 / 3) ** 2) / 3) / (161 / 3), 12);
    expect(byId.get('U')).toMatchObject({ distinct_categories: 4, category_entropy: 2, order_size_ratio: 0.2, tickets: 1, presale_inquiries: 0, tickets_per_order: 0.25 });
    expect(byId.get('C')).toMatchObject({ tenure_days: 29, presale_inquiries: 1 });
    expect(result.types.map((type) => [type.key, type.customers, type.secondaryCustomers])).toEqual([
      ['connector', 1, 0],
      ['sportster', 1, 0],
      ['bargainer', 1, 0],
      ['routine', 1, 0],
      ['surfer', 1, 0],
      ['simplifier', 0, 1],
      ['undetermined', 2, 0],
    ]);
    expect(result.undetermined).toEqual({ insufficientData: 1, noRuleMatched: 1 });
    expect(result.promotionDays).toBe(1);
    // no order lines: the simplifier is judged on its category share alone
    expect(result.judgements.filter((j) => j.judged !== 'full')).toEqual([
      { type: 'simplifier', judged: 'partial', missing: [{ feature: 'repeat_item_share', reason: 'order_lines has no sku or product values' }] },
    ]);
    expect(result.groups).toBeNull();
    expect(result.groupsUnavailableReason).toContain('no channel, region or items');
  });

  it('explains the conditions behind a type', async () => {
    t = await openSeededCore((c) => insertOrders(c, ORDERS));
    await t.client.customerSegments({ scheme: 'shopper' });
    const { shopper } = await t.client.explainCustomer({ customerId: 'B' });
    expect(shopper).toMatchObject({ primary: 'bargainer', secondary: [], undeterminedReason: null });
    const bargainer = shopper!.types.find((type) => type.type === 'bargainer')!;
    expect(bargainer.matched).toBe(true);
    expect(bargainer.conditions).toEqual([
      { feature: 'orders', op: '>=', threshold: 3, value: 4, passed: true, alternative: false },
      { feature: 'discount_order_share', op: '>=', threshold: 0.6, value: 0.75, passed: true, alternative: true },
      { feature: 'promotion_day_share', op: '>=', threshold: 0.5, value: 0.25, passed: false, alternative: true },
    ]);
    // without tickets the connector cannot be judged: its inquiry condition has no value
    const connector = shopper!.types.find((type) => type.type === 'connector')!;
    expect(connector).toMatchObject({ matched: false, judged: 'none' });
    expect(connector.conditions[2]).toMatchObject({ feature: 'presale_inquiries', value: null, passed: null });
  });

  it('reports which types cannot be judged when columns are missing', async () => {
    // no discount, no category, no tickets, no lines: only dates and amounts
    t = await openSeededCore((c) => insertOrders(c, ORDERS.map(({ discount: _d, category: _c, ...row }) => row)));
    const result = (await t.client.customerSegments({ scheme: 'shopper' })) as ShopperSegmentsResult;
    expect(result.judgements.map((j) => [j.type, j.judged])).toEqual([
      ['connector', 'none'],
      ['sportster', 'none'],
      ['bargainer', 'partial'],
      ['routine', 'full'],
      ['surfer', 'none'],
      ['simplifier', 'none'],
    ]);
    expect(result.judgements[2]!.missing).toEqual([{ feature: 'discount_order_share', reason: 'orders.discount has no values' }]);
    expect(result.features.find((f) => f.feature === 'sports_share')).toEqual({
      feature: 'sports_share',
      available: false,
      reason: 'neither orders.category nor order_lines.category has values',
      median: null,
    });
    // R is still routine; B (promotion share 0.25) is no longer a bargainer
    const rows = await shopperRows(t);
    expect(rows.filter((row) => row.primary_type !== 'undetermined').map((row) => [row.customer_id, row.primary_type])).toEqual([['R', 'routine']]);
  });

  it('recognises business and cross-border customers and repeat items from order lines', async () => {
    t = await openSeededCore(async (c) => {
      await insertOrders(c, [
        // W: wholesale channel on 2 of 3 orders -> business; H: ships to Hong Kong -> cross-border; I: individual
        { order_id: 'w1', customer_id: 'W', ordered_at: '2024-01-01 10:00:00', channel: '批发', region: '广东' },
        { order_id: 'w2', customer_id: 'W', ordered_at: '2024-02-01 10:00:00', channel: '批发', region: '广东' },
        { order_id: 'w3', customer_id: 'W', ordered_at: '2024-03-01 10:00:00', channel: 'app', region: '广东' },
        { order_id: 'h1', customer_id: 'H', ordered_at: '2024-01-05 10:00:00', channel: 'app', region: 'Hong Kong' },
        { order_id: 'i1', customer_id: 'I', ordered_at: '2024-01-06 10:00:00', channel: 'app', region: '浙江' },
        { order_id: 'i2', customer_id: 'I', ordered_at: '2024-02-06 10:00:00', channel: 'web', region: '浙江' },
        { order_id: 'i3', customer_id: 'I', ordered_at: '2024-03-06 10:00:00', channel: 'web', region: '浙江' },
      ]);
      // I buys sku A on every order: the 2 orders after the first repeat an item -> repeat share 1
      await insertLines(c, [
        { order_id: 'i1', line_no: 1, sku: 'A', category: 'food', amount: 10 },
        { order_id: 'i1', line_no: 2, sku: 'B', category: 'home', amount: 5 },
        { order_id: 'i2', line_no: 1, sku: 'A', category: 'food', amount: 10 },
        { order_id: 'i3', line_no: 1, sku: 'A', category: 'food', amount: 10 },
        { order_id: 'w1', line_no: 1, sku: 'X', category: 'food', amount: 10 },
      ]);
    });
    const result = (await t.client.customerSegments({ scheme: 'shopper' })) as ShopperSegmentsResult;
    expect(result.groups).toEqual({
      basis: ['orders.channel', 'orders.region'],
      sizes: [
        { group: 'individual', customers: 1, revenue: 30 },
        { group: 'business', customers: 1, revenue: 30 },
        { group: 'cross_border', customers: 1, revenue: 10 },
      ],
    });
    const rows = await shopperRows(t);
    const individual = rows.find((row) => row.customer_id === 'I')!;
    // lines carry the categories: food 3 of 4 lines -> top share 0.75; spend per line, not per order
    expect(individual).toMatchObject({ customer_group: 'individual', repeat_item_share: 1, distinct_categories: 2, top_category_share: 0.75, primary_type: 'simplifier' });
    // no tickets and no discounts here: the connector cannot be judged, the simplifier skips its optional checks
    expect(result.judgements.map((j) => [j.type, j.judged, j.missing.map((m) => m.feature)])).toEqual([
      ['connector', 'none', ['presale_inquiries']],
      ['sportster', 'full', []],
      ['bargainer', 'partial', ['discount_order_share']],
      ['routine', 'full', []],
      ['surfer', 'full', []],
      ['simplifier', 'partial', ['discount_order_share', 'tickets_per_order']],
    ]);
  });

  it('counts a day with a local peak of orders as a promotion day', async () => {
    // one order a day through July (no sale-calendar day), four on July 15: 4 >= 3 x the local median 1
    const quiet = Array.from({ length: 30 }, (_, i) => ({ order_id: `q${i}`, customer_id: `q${i % 5}`, ordered_at: `2024-07-${String(i + 1).padStart(2, '0')} 09:00:00` }));
    const peak = ['p1', 'p2', 'p3'].map((id) => ({ order_id: id, customer_id: 'P', ordered_at: '2024-07-15 20:00:00' }));
    t = await openSeededCore((c) => insertOrders(c, [...quiet, ...peak, { order_id: 'p4', customer_id: 'P', ordered_at: '2024-07-20 20:00:00' }]));
    const result = (await t.client.customerSegments({ scheme: 'shopper' })) as ShopperSegmentsResult;
    expect(result.promotionDays).toBe(1);
    const rows = await shopperRows(t);
    // P: 3 of its 4 orders on July 15
    expect(rows.find((row) => row.customer_id === 'P')!.promotion_day_share).toBe(0.75);
    expect(rows.find((row) => row.customer_id === 'q0')!.promotion_day_share).toBe(0);
  });
});
