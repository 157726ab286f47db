// Atomic imports: failed and cancelled imports leave every table as it was; re-imports replace by id instead of doubling.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/api/events.ts';
import { CoreError } from '../../src/api/errors.ts';
import { writeSyntheticOrders } from '../bench/synthetic.ts';
import { FIXTURES, openHarness, type Harness } from './harness.ts';

const A = join(FIXTURES, 'orders_a.csv');
const B = join(FIXTURES, 'orders_b.csv');

describe('atomic imports', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('re-importing an overlapping export replaces orders by id: the last import wins', async () => {
    // orders_a: 1 alice 10 completed, 2 bob 20 completed, 3 alice 30 pending.
    // orders_b: 3 alice 35 completed (replaces a's order 3), 4 carol 40 completed.
    await h.client().importFiles({ kind: 'orders', files: [A] });
    const second = await h.client().importFiles({ kind: 'orders', files: [B] });
    expect(second).toMatchObject({ rowsLoaded: 2, rowsReplaced: 1, orders: 4, customers: 3 });
    expect(await h.sql('SELECT order_id, amount, status FROM orders ORDER BY order_id')).toEqual([
      { order_id: '1', amount: 10, status: 'completed' },
      { order_id: '2', amount: 20, status: 'completed' },
      { order_id: '3', amount: 35, status: 'completed' },
      { order_id: '4', amount: 40, status: 'completed' },
    ]);
    // alice: 10 + 35; bob: 20; carol: 40.
    expect(await h.sql('SELECT customer_id, orders, revenue FROM customers ORDER BY customer_id')).toEqual([
      { customer_id: 'alice', orders: 2, revenue: 45 },
      { customer_id: 'bob', orders: 1, revenue: 20 },
      { customer_id: 'carol', orders: 1, revenue: 40 },
    ]);
    const again = await h.client().importFiles({ kind: 'orders', files: [B] });
    expect(again).toMatchObject({ rowsReplaced: 2, orders: 4 });
  });

  it('an order id repeated within one file counts once: an exact copy collapses, differing rows are summed', async () => {
    // repeated_orders.csv: order 1 twice, identical (10.00); order 2 twice, 5.00 and 7.50; order 3 once (1.00).
    const result = await h.client().importFiles({ kind: 'orders', files: [join(FIXTURES, 'repeated_orders.csv')] });
    expect(result).toMatchObject({ rowsRead: 5, rowsLoaded: 5, orders: 3 });
    expect(await h.sql('SELECT order_id, amount FROM orders ORDER BY order_id')).toEqual([
      { order_id: '1', amount: 10 },
      { order_id: '2', amount: 12.5 },
      { order_id: '3', amount: 1 },
    ]);
  });

  it('mode replace empties the kind first', async () => {
    await h.client().importFiles({ kind: 'orders', files: [A] });
    const result = await h.client().importFiles({ kind: 'orders', files: [B], mode: 'replace' });
    expect(result).toMatchObject({ orders: 2, rowsReplaced: 0 });
    const info = await h.client().describeWorkspace({});
    expect(info.sources.map((source) => source.file)).toEqual([B]);
  });

  it('an import that fails inside its transaction leaves every table unchanged', async () => {
    await h.client().importFiles({ kind: 'orders', files: [A] });
    const before = await h.checksums();
    // Every date unreadable: rows and rejects are written, then E_VALUE rolls them back.
    const broken = join(h.dir, 'broken.csv');
    writeFileSync(broken, 'order_id,customer_id,created_at,total\n10,zed,someday,1\n11,zed,never,2\n');
    const error = await h.client().importFiles({ kind: 'orders', files: [B, broken] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_MAPPING'); // broken.csv's date column is not a date: no ordered_at
    const allBad = await h.client().importFiles({ kind: 'orders', files: [broken], mapping: { ordered_at: 'created_at' } }).catch((e: unknown) => e);
    expect((allBad as CoreError).code).toBe('E_VALUE');
    expect((allBad as CoreError).message).toContain('line 2 column created_at: not a date ("someday")');
    expect(await h.checksums()).toEqual(before);
  });

  it('cancel interrupts a running import, reports progress before, and leaves the workspace unchanged', async () => {
    await h.client().importFiles({ kind: 'orders', files: [A] });
    const before = await h.checksums();
    const big = join(h.dir, 'big.csv');
    await writeSyntheticOrders(big, { rows: 600_000, seed: 7 });
    const events: ProgressEvent[] = [];
    let cancelMs = -1;
    let resolveRead: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => {
      resolveRead = resolve;
    });
    const unsubscribe = h.client().on((event) => {
      if (event.type !== 'progress' || event.taskId !== 'big') return;
      events.push(event);
      if (event.phase === 'read') resolveRead();
    });
    const running = h.client().importFiles({ kind: 'orders', files: [big], taskId: 'big' }).catch((e: unknown) => e);
    await reading;
    const started = performance.now();
    const { cancelled } = await h.client().cancel({ taskId: 'big' });
    cancelMs = performance.now() - started;
    const error = await running;
    unsubscribe();
    expect(cancelled).toBe(true);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_CANCELLED');
    // The requirement is 1 s; the bound here is loose because tests share the machine (the bench prints the real figure).
    expect(cancelMs).toBeLessThan(3000);
    expect(events.map((event) => event.phase)).toContain('sniff');
    expect(events.some((event) => event.phase === 'read' && event.bytesTotal === statSync(big).size)).toBe(true);
    expect(await h.checksums()).toEqual(before);
  });
});
