// Segmentation of the hand-made shop (shop.ts), every number derived by hand below, plus the
// incremental store, label agreement, members and the churn-flag source.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReasonRow, Taxonomy } from '../../src/api/reasons.ts';
import { arrowFromBytes } from '../../src/db/arrow.ts';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from '../retention/fixtureCore.ts';
import { SHOP_ORDERS, SHOP_TICKETS, ticketStatements, type ShopTicket } from './shop.ts';

const Z = 1.959963984540054;
const RULE = { windowDays: 30, asOf: '2024-06-30' };
/** Katz interval of a risk ratio: a of n1 with the reason churned, c of n2 without. */
const katz = (a: number, n1: number, c: number, n2: number) => {
  const ratio = a / n1 / (c / n2);
  const spread = Z * Math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2);
  return [ratio * Math.exp(-spread), ratio * Math.exp(spread)];
};

async function openShop(tickets: ShopTicket[] = SHOP_TICKETS, extra: { sql: string }[] = []): Promise<TestCore> {
  return openFixtureCore({ orders: SHOP_ORDERS, statements: [...ticketStatements(tickets), ...extra] });
}

const row = (rows: ReasonRow[], key: string) => {
  const found = rows.find((entry) => entry.key === key);
  if (!found) throw new Error(`no row ${key}`);
  return found;
};

describe('churnReasons when most tickets name no reason', () => {
  it('says so from 80% of at least 20 attributed tickets, with the fix, and puts Unknown last', async () => {
    // D's window reaches back 90 days from 2024-01-05: 18 Portuguese thanks on 2024-01-02 join its two
    // tickets without a reason. Attributed: A1, B1, C1, D1, D2, F1, G1 and the 18 = 25, of which 20 name none.
    const thanks = Array.from({ length: 18 }, (_, index) => ({ ticket_id: `P${index + 1}`, customer_id: 'D', created_at: '2024-01-02 09:00:00', body: 'O produto chegou bem, obrigado' }));
    const shop = await openShop([...SHOP_TICKETS, ...thanks]);
    try {
      const result = await shop.client.churnReasons(RULE);
      expect(result.attributedTickets).toBe(25);
      expect(result.mostlyUnknown?.share).toBe(20 / 25);
      expect(result.mostlyUnknown?.sentence.en).toMatch(/^80\.0% of the 25 tickets in the churn windows name no reason the taxonomy knows.* The classifier reads Chinese and English/);
      expect(result.mostlyUnknown?.sentence.zh).toMatch(/^流失窗口内的 25 条工单中有 80\.0% 未识别出/);
      expect(result.reasons.at(-1)!.key).toBe('unknown');
      expect(row(result.reasons, 'unknown').tickets).toBe(20);
    } finally {
      await shop.close();
    }
    // the shop alone: 7 attributed tickets, too few to judge
    const plain = await openShop();
    try {
      const result = await plain.client.churnReasons(RULE);
      expect([result.attributedTickets, result.mostlyUnknown]).toEqual([7, null]);
    } finally {
      await plain.close();
    }
  });
});

describe('churnReasons without orders', () => {
  it('says the workspace has no orders before classifying any ticket', async () => {
    const shop = await openFixtureCore({ orders: [], statements: ticketStatements(SHOP_TICKETS) });
    try {
      await expect(shop.client.churnReasons(RULE)).rejects.toMatchObject({ code: 'E_NO_DATA', details: { reason: 'no_orders' } });
      // nothing was classified: with many tickets that would have been a long wait for this message
      expect((await shop.client.classifyTickets({})).classified).toBe(SHOP_TICKETS.length);
    } finally {
      await shop.close();
    }
  });
});

describe('churnReasons on the hand-made shop', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await openShop();
  });
  afterEach(() => t.close());

  it('counts churned customers, attributes tickets in the window only, and reports lift with the Katz interval', async () => {
    const result = await t.client.churnReasons(RULE);
    // A, B, D, E churned of the seven customers with activity; A, B and D have tickets in their windows
    expect([result.churnedCustomers, result.judgedCustomers, result.churnedWithTickets]).toEqual([4, 7, 3]);
    expect(result.options).toEqual({ daysBeforeLastOrder: 90, churnFlag: null, windowDays: 30, asOf: '2024-06-30', statuses: ['completed'] });

    // logistics: A1, B1, C1, G1 of A, B, C, G; A and B churned. Without: D, E, F, of whom D and E churned.
    const logistics = row(result.reasons, 'logistics');
    expect(logistics).toMatchObject({ tickets: 4, customers: 4, churnedCustomers: 2, shareOfChurned: 0.5, churnRateWith: 0.5 });
    expect(logistics.churnRateWithout).toBeCloseTo(2 / 3, 12);
    expect(logistics.lift).toBeCloseTo(0.75, 12);
    const [low, high] = katz(2, 4, 2, 3);
    expect(logistics.liftLow).toBeCloseTo(low!, 10);
    expect(logistics.liftHigh).toBeCloseTo(high!, 10);
    // A's 12 months up to 03-01: 100 + 50; B: 200. Days ticket to last order: A1 10, B1 17 -> median 13.5
    expect(logistics.revenueAtStake).toBe(350);
    expect(logistics.medianDaysTicketToLastOrder).toBe(13.5);

    // product_quality: B1 (traditional characters) only; 1 of 1 churned against 3 of 6
    const quality = row(result.reasons, 'product_quality');
    expect(quality).toMatchObject({ tickets: 1, customers: 1, churnedCustomers: 1, churnRateWith: 1, churnRateWithout: 0.5, lift: 2, revenueAtStake: 200, medianDaysTicketToLastOrder: 17 });
    expect([quality.liftLow, quality.liftHigh]).toEqual(katz(1, 1, 3, 6).map((value) => expect.closeTo(value, 10)));

    // after_sales: F, not churned: rate 0, lift 0, no interval (no churned customer with it)
    expect(row(result.reasons, 'after_sales')).toMatchObject({ tickets: 1, customers: 1, churnedCustomers: 0, churnRateWith: 0, lift: 0, liftLow: null, liftHigh: null, revenueAtStake: 0, medianDaysTicketToLastOrder: null });

    // price: A2 after A's churn date and C2 before C's window: nothing attributed, the row is still there
    expect(row(result.reasons, 'price')).toMatchObject({ tickets: 0, customers: 0, churnedCustomers: 0, churnRateWith: null, lift: null });

    // unknown: D1 and D2 (praise, and a negated complaint) of D, churned; revenue 40 (the 2023 order is older than 12 months)
    expect(row(result.reasons, 'unknown')).toMatchObject({ tickets: 2, customers: 1, churnedCustomers: 1, churnRateWith: 1, churnRateWithout: 0.5, lift: 2, revenueAtStake: 40, medianDaysTicketToLastOrder: 1.5 });

    // largest by churned customers first (then by tickets), every reason present, unknown last although
    // it has more churned customers (1) than after_sales (0, F's one ticket)
    expect(result.reasons.map((entry) => entry.key).slice(0, 3)).toEqual(['logistics', 'product_quality', 'after_sales']);
    expect(result.reasons.at(-1)!.key).toBe('unknown');
    expect(result.reasons).toHaveLength(13);
  });

  it('rolls reasons up to churn types, counting a customer once per type', async () => {
    const result = await t.client.churnReasons(RULE);
    // disappointment = product_quality (B1) + after_sales (F1): B churned, F not; without: A, C, D, E, G with A, D, E churned
    const disappointment = row(result.churnTypes, 'disappointment');
    expect(disappointment).toMatchObject({ tickets: 2, customers: 2, churnedCustomers: 1, churnRateWith: 0.5, churnRateWithout: 0.6, revenueAtStake: 200 });
    expect(disappointment.lift).toBeCloseTo(0.5 / 0.6, 12);
    expect(row(result.churnTypes, 'big_shop_neglect')).toMatchObject({ tickets: 4, customers: 4, churnedCustomers: 2, revenueAtStake: 350 });
    expect(row(result.churnTypes, 'unknown')).toMatchObject({ tickets: 2, customers: 1 });
    expect(result.churnTypes.map((entry) => entry.key).sort()).toEqual(['big_shop_neglect', 'competitive', 'detail_neglect', 'disappointment', 'market_fluctuation', 'natural', 'unknown']);
  });

  it('a wider window before the last order takes in earlier tickets', async () => {
    // C2 (2024-01-01) lies 171 days before C's last order
    const narrow = await t.client.churnReasons({ ...RULE, daysBeforeLastOrder: 170 });
    const wide = await t.client.churnReasons({ ...RULE, daysBeforeLastOrder: 171 });
    expect(row(narrow.reasons, 'price').tickets).toBe(0);
    expect(row(wide.reasons, 'price')).toMatchObject({ tickets: 1, customers: 1, churnedCustomers: 0 });
  });

  it('the monthly trend counts every dated ticket by reason, windows aside', async () => {
    const { trend } = await t.client.churnReasons(RULE);
    expect(trend).toEqual([
      { month: '2024-01-01', reason: 'logistics', tickets: 1, customers: 1 },
      { month: '2024-01-01', reason: 'price', tickets: 1, customers: 1 },
      { month: '2024-01-01', reason: 'product_quality', tickets: 1, customers: 1 },
      { month: '2024-01-01', reason: 'unknown', tickets: 2, customers: 1 },
      { month: '2024-02-01', reason: 'logistics', tickets: 1, customers: 1 },
      { month: '2024-03-01', reason: 'marketing', tickets: 1, customers: 1 },
      { month: '2024-04-01', reason: 'price', tickets: 1, customers: 1 },
      { month: '2024-06-01', reason: 'after_sales', tickets: 1, customers: 1 },
      { month: '2024-06-01', reason: 'logistics', tickets: 2, customers: 2 },
    ]);
  });

  it('reasonMembers lists the customers behind a row as Arrow, churned only by default', async () => {
    const churned = arrowFromBytes(await t.client.reasonMembers({ ...RULE, key: 'logistics' }));
    expect(churned.toArray().map((entry) => entry.toJSON())).toEqual([
      { customer_id: 'A', churned: true, tickets: 1, ticket_ids: '["A1"]', last_order_at: Date.UTC(2024, 2, 1, 10), revenue_12m: 150 },
      { customer_id: 'B', churned: true, tickets: 1, ticket_ids: '["B1"]', last_order_at: Date.UTC(2024, 1, 1, 10), revenue_12m: 200 },
    ]);
    const everyone = arrowFromBytes(await t.client.reasonMembers({ ...RULE, key: 'logistics', churnedOnly: false, offset: 1, limit: 2 }));
    expect(everyone.getChild('customer_id')?.toArray()).toEqual(['B', 'C']);
    const type = arrowFromBytes(await t.client.reasonMembers({ ...RULE, key: 'disappointment', churnedOnly: false }));
    expect(type.getChild('customer_id')?.toArray()).toEqual(['B', 'F']);
    // `natural` is both a reason and a churn type: the level says which
    expect(arrowFromBytes(await t.client.reasonMembers({ ...RULE, key: 'natural', level: 'churnType' })).numRows).toBe(0);
    await expect(t.client.reasonMembers({ ...RULE, key: 'boredom' })).rejects.toMatchObject({ code: 'E_ARGS' });
  });

  it('classifies incrementally: only new or changed tickets, all of them after a taxonomy edit', async () => {
    const first = await t.client.classifyTickets({});
    expect([first.tickets, first.classified, first.taxonomyVersion]).toEqual([10, 10, 2]);
    expect(first.perReason).toEqual([
      { reason: 'logistics', tickets: 4 },
      { reason: 'price', tickets: 2 },
      { reason: 'unknown', tickets: 2 },
      { reason: 'after_sales', tickets: 1 },
      { reason: 'marketing', tickets: 1 },
      { reason: 'product_quality', tickets: 1 },
    ]);
    expect((await t.client.classifyTickets({})).classified).toBe(0);
    // a re-import that changes one ticket's text redoes that ticket only
    const file = join(t.dir, 'changed.csv');
    writeFileSync(file, 'ticket_id,customer_id,created_at,body\nA1,A,2024-02-20 09:00:00,太贵了\n');
    await t.client.importFiles({ kind: 'tickets', files: [file] });
    const changed = await t.client.classifyTickets({});
    expect(changed.classified).toBe(1);
    expect(changed.perReason).toContainEqual({ reason: 'price', tickets: 3 });
    const { taxonomy } = await t.client.getTaxonomy({});
    const edited: Taxonomy = { ...taxonomy, reasons: taxonomy.reasons.map((reason) => (reason.key === 'service' ? { ...reason, keywords: { ...reason.keywords, zh: [...reason.keywords.zh, '很满意'] } } : reason)) };
    const saved = await t.client.setTaxonomy({ taxonomy: edited });
    expect([saved.source, saved.taxonomy.version]).toEqual(['workspace', 3]);
    const after = await t.client.classifyTickets({});
    expect([after.classified, after.taxonomyVersion]).toEqual([10, 3]);
    // D1 "谢谢，很满意" now matches the edited service reason (a test edit, not advice)
    expect(after.perReason).toContainEqual({ reason: 'service', tickets: 1 });
    expect((await t.client.ticketEvidence({ ticketId: 'D1' })).classification.reasons[0]?.reason).toBe('service');
    // back to the bundled file
    expect((await t.client.setTaxonomy({ taxonomy: null })).source).toBe('bundled');
    expect((await t.client.classifyTickets({})).classified).toBe(10);
    expect((await t.client.classifyTickets({ full: true })).classified).toBe(10);
  });

  it('runs verbs that classify at the same time one after another, so no ticket is stored twice', async () => {
    const alone = await t.client.classifyTickets({ full: true });
    // The Reasons screen asks for the segmentation and a drill-down at once; each brings ticket_reasons up to date.
    const [reasons, members] = await Promise.all([
      t.client.churnReasons(RULE),
      t.client.reasonMembers({ ...RULE, key: 'logistics' }),
      t.client.classifyTickets({ full: true }),
      t.client.classifyTickets({ full: true }),
    ]);
    expect(row(reasons.reasons, 'logistics').churnedCustomers).toBe(2);
    expect(arrowFromBytes(members).numRows).toBe(2);
    expect((await t.client.classifyTickets({})).perReason).toEqual(alone.perReason);
  });

  it('a bad taxonomy edit is refused with the entry named, and the stored one is kept', async () => {
    const { taxonomy } = await t.client.getTaxonomy({});
    const broken = { ...taxonomy, reasons: taxonomy.reasons.map((reason, index) => (index === 3 ? { ...reason, keywords: { zh: ['a', 'b', ''], en: [] } } : reason)) };
    await expect(t.client.setTaxonomy({ taxonomy: broken })).rejects.toMatchObject({ code: 'E_TAXONOMY', message: 'taxonomy reasons[3].keywords.zh[2]: empty' });
    expect((await t.client.getTaxonomy({})).source).toBe('bundled');
  });

  it('ticketEvidence shows the ticket, its reasons and the negated words', async () => {
    const evidence = await t.client.ticketEvidence({ ticketId: 'D2' });
    expect(evidence.ticket).toEqual({ ticketId: 'D2', customerId: 'D', createdAt: '2024-01-03T09:00:00', category: null, subject: null, body: '没有质量问题', refundReason: null, rating: null });
    expect(evidence.classification).toEqual({
      primary: 'unknown',
      reasons: [{ reason: 'unknown', confidence: 0, evidence: [], source: 'rules' }],
      negated: [{ field: 'body', terms: ['质量问题'], spans: [{ start: 2, end: 6 }] }],
      praised: [],
    });
    expect(evidence.correction).toBeNull();
    await expect(t.client.ticketEvidence({ ticketId: 'nope' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('reports progress under the task id of the request, classifying counted in tickets', async () => {
    const events: { taskId: string; phase: string; rows: number }[] = [];
    const stop = t.core.on((event) => {
      if (event.type === 'progress') events.push({ taskId: event.taskId, phase: event.phase, rows: event.rows });
    });
    await t.core.churnReasons({ ...RULE, taskId: 'reasons-1' });
    expect(events.every((event) => event.taskId === 'reasons-1')).toBe(true);
    const classifying = events.filter((event) => event.phase === 'classify').map((event) => event.rows);
    // From none to the shop's 10 tickets; then the segmentation itself
    expect([classifying[0], classifying.at(-1)]).toEqual([0, 10]);
    expect(events.at(-1)?.phase).toBe('analyse');

    // Nothing left to classify: no classifying phase at all
    events.length = 0;
    await t.core.churnReasons({ ...RULE, taskId: 'reasons-2' });
    stop();
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((event) => event.phase === 'classify')).toBe(false);
  });

  it('an aborted classification stops with E_CANCELLED', async () => {
    const { classifyTickets } = await import('../../src/analysis/reasonTickets.ts');
    const { bundledTaxonomy } = await import('../../src/analysis/reasonTaxonomy.ts');
    const { Workspace } = await import('../../src/db/workspace.ts');
    const workspace = await Workspace.open(':memory:');
    try {
      await workspace.withConnection(async (connection) => {
        for (const statement of ticketStatements()) await connection.run(statement.sql, statement.params);
        const controller = new AbortController();
        controller.abort();
        await expect(classifyTickets(connection, bundledTaxonomy(), { signal: controller.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' });
      });
    } finally {
      await workspace.close();
    }
  });
});

describe('label agreement', () => {
  it('precision and recall per reason over the tickets whose label names a reason', async () => {
    const labelled = SHOP_TICKETS.map((ticket) => ({ ...ticket, label: { A1: 'logistics', B1: '产品质量', C1: 'Price and value for money', D1: 'yes' }[ticket.ticket_id] }));
    const t = await openShop(labelled.map(({ label, ...ticket }) => (label === undefined ? ticket : { ...ticket, label })));
    try {
      const result = await t.client.classifyTickets({});
      // labelled A1 (logistics), B1 (quality, by its Chinese name), C1 (price, by its English name); D1's "yes" names none.
      // predicted among them: A1 logistics; B1 quality and logistics; C1 logistics
      expect(result.agreement).toEqual([
        { reason: 'logistics', labelled: 1, predicted: 3, both: 1, precision: 1 / 3, recall: 1 },
        { reason: 'price', labelled: 1, predicted: 0, both: 0, precision: null, recall: 0 },
        { reason: 'product_quality', labelled: 1, predicted: 1, both: 1, precision: 1, recall: 1 },
      ]);
    } finally {
      await t.close();
    }
  });

  it('is null when no label names a reason', async () => {
    const t = await openShop();
    try {
      expect((await t.client.classifyTickets({})).agreement).toBeNull();
    } finally {
      await t.close();
    }
  });
});

describe('churn from a flag column', () => {
  it('takes churn from yes/no values and counts every ticket of a customer', async () => {
    const flags = `CREATE TABLE flags AS SELECT * FROM (VALUES ('A', 'Yes'), ('B', 'yes'), ('C', 'No'), ('D', '0'), ('Z', '1'), ('Q', 'maybe')) v(customer, churn)`;
    const t = await openShop(SHOP_TICKETS, [{ sql: flags }]);
    try {
      const result = await t.client.churnReasons({ churnFlag: { table: 'flags', customerColumn: 'customer', eventColumn: 'churn' } });
      // A, B, Z churned of A, B, C, D, Z (Q's "maybe" is no verdict); rule and revenue do not apply
      expect([result.churnedCustomers, result.judgedCustomers, result.rule]).toEqual([3, 5, null]);
      expect(result.options).toMatchObject({ windowDays: null, asOf: null, statuses: null });
      // logistics: A, B, C with A, B churned (2/3) against D, Z with Z churned (1/2)
      const logistics = row(result.reasons, 'logistics');
      expect(logistics).toMatchObject({ tickets: 3, customers: 3, churnedCustomers: 2, revenueAtStake: null, medianDaysTicketToLastOrder: null });
      expect(logistics.lift).toBeCloseTo(2 / 3 / 0.5, 12);
      // price: A2 and C2 both count now (no window): A churned, C not, against B, D, Z (2 of 3)
      expect(row(result.reasons, 'price')).toMatchObject({ tickets: 2, customers: 2, churnedCustomers: 1, lift: 0.75 });
      expect(row(result.reasons, 'marketing')).toMatchObject({ customers: 1, churnedCustomers: 1, lift: 2 });
      await expect(t.client.churnReasons({ churnFlag: { table: 'flags', customerColumn: 'customer', eventColumn: 'nope' } })).rejects.toMatchObject({
        code: 'E_ARGS',
        message: expect.stringContaining('columns: customer, churn'),
      });
    } finally {
      await t.close();
    }
  });
});
