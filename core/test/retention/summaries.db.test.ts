// The summaries the import keeps (core/src/db/summaries.ts): their rows by hand on the shop, kept
// current by appending imports exactly as a build from scratch, and every analysis giving the same
// numbers from the stored summaries, from the summaries as views, and from the orders.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRelations, countCustomers, dataEnd, resolveChurnRule } from '../../src/analysis/activity.ts';
import { churnSummary } from '../../src/analysis/churn.ts';
import { cohortMembers, cohortRetention } from '../../src/analysis/cohorts.ts';
import { kpis } from '../../src/analysis/kpis.ts';
import { retentionForecast } from '../../src/analysis/sbg.ts';
import { survival } from '../../src/analysis/survival.ts';
import type { RetentionMetric, RetentionMode, RetentionPeriod } from '../../src/api/retention.ts';
import { queryRows } from '../../src/db/sql.ts';
import { SUMMARIES, countKnownCustomers, ticketCustomers, defineSummariesInPlace, rebuildSummaries, refreshSummaries, summaryKind } from '../../src/db/summaries.ts';
import { rowCountSql } from '../../src/db/schema.ts';
import { IN_MEMORY, Workspace } from '../../src/db/workspace.ts';
import { createCore } from '../../src/host/core.ts';
import { SHARED_DATA } from '../helpers/core.ts';
import { insertOrders, type OrderRow } from '../helpers/fixtures.ts';
import { SHOP_ORDERS } from './shop.ts';

const UCI = ['part1_2010-12_to_2011-03', 'part2_2011-04_to_2011-07', 'part3_2011-08_to_2011-12'].map((part) =>
  join(SHARED_DATA, 'uci_online_retail', `online_retail_${part}.csv.gz`),
);
if (UCI.some((file) => !existsSync(file))) console.warn(`skipping the UCI Online Retail comparison: ${UCI.join(', ')} absent`);

/** The shop, plus h: three orders at one second (the lower order id wins; one names no channel) and a cancelled one before them. */
const ORDERS: OrderRow[] = [
  ...SHOP_ORDERS,
  { order_id: 'h2', customer_id: 'h', ordered_at: '2024-02-05 08:00:00', channel: 'web', region: 'north' },
  { order_id: 'h1', customer_id: 'h', ordered_at: '2024-02-05 08:00:00', channel: 'app' },
  { order_id: 'h0', customer_id: 'h', ordered_at: '2024-02-05 08:00:00', amount: 5 },
  { order_id: 'h9', customer_id: 'h', ordered_at: '2024-02-04 08:00:00', channel: 'shop', status: 'cancelled' },
];

/** Rows of a summary's SQL computed now from the orders, sorted, for comparing with the stored table. */
async function fromScratch(connection: DuckDBConnection, name: string): Promise<unknown[]> {
  const prefix = SUMMARIES.slice(0, SUMMARIES.findIndex((summary) => summary.name === name))
    .map((summary) => `${summary.name} AS (${summary.sql})`)
    .join(', ');
  const sql = SUMMARIES.find((summary) => summary.name === name)!.sql;
  return queryRows(connection, `${prefix ? `WITH ${prefix} ` : ''}SELECT * FROM (${sql}) ORDER BY ALL`);
}

describe('the summaries of the hand-checked shop', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 2 });
    await workspace.withConnection(async (connection) => {
      await insertOrders(connection, ORDERS);
      await rebuildSummaries(connection);
    });
  });
  afterAll(async () => workspace.close());

  it('holds one row per customer and purchase day of completed orders, with the gap to the previous one', async () => {
    const rows = await workspace.withConnection((connection) =>
      queryRows(connection, `SELECT customer_id, strftime(day, '%m-%d') AS day, orders, revenue, channel, strftime(previous_day, '%m-%d') AS previous FROM customer_days WHERE customer_id IN ('a', 'b', 'h') ORDER BY ALL`),
    );
    expect(rows).toEqual([
      { customer_id: 'a', day: '01-05', orders: 1, revenue: 10, channel: 'web', previous: null },
      { customer_id: 'a', day: '02-10', orders: 1, revenue: 20, channel: 'app', previous: '01-05' },
      { customer_id: 'a', day: '04-01', orders: 1, revenue: 30, channel: null, previous: '02-10' },
      // b's refunded order on Jan 26 is no activity
      { customer_id: 'b', day: '01-20', orders: 1, revenue: 10, channel: 'app', previous: null },
      { customer_id: 'b', day: '01-25', orders: 1, revenue: 10, channel: null, previous: '01-20' },
      // h: three orders at one second; h0 is first by id but names no channel, so h1's app; the cancelled h9 is no activity
      { customer_id: 'h', day: '02-05', orders: 3, revenue: 25, channel: 'app', previous: null },
    ]);
  });

  it('holds one row per customer with the first order values, for customers with activity only', async () => {
    const rows = await workspace.withConnection((connection) =>
      queryRows(
        connection,
        `SELECT customer_id, strftime(first_day, '%m-%d') AS first, strftime(last_day, '%m-%d') AS last, orders, purchase_days, revenue, channel, region
         FROM customer_summary ORDER BY customer_id`,
      ),
    );
    expect(rows).toEqual([
      { customer_id: 'a', first: '01-05', last: '04-01', orders: 3, purchase_days: 3, revenue: 60, channel: 'web', region: null },
      { customer_id: 'b', first: '01-20', last: '01-25', orders: 2, purchase_days: 2, revenue: 20, channel: 'app', region: null },
      // c's first order names no channel: the first that names one is c2's web
      { customer_id: 'c', first: '01-31', last: '03-15', orders: 2, purchase_days: 2, revenue: 50, channel: 'web', region: null },
      { customer_id: 'd', first: '02-01', last: '03-01', orders: 2, purchase_days: 2, revenue: 20, channel: 'web', region: null },
      { customer_id: 'e', first: '02-29', last: '02-29', orders: 1, purchase_days: 1, revenue: 10, channel: 'app', region: null },
      { customer_id: 'f', first: '03-31', last: '04-15', orders: 2, purchase_days: 2, revenue: 20, channel: null, region: null },
      // g has only a pending order: not a customer. h's region comes from h2, the only order naming one
      { customer_id: 'h', first: '02-05', last: '02-05', orders: 3, purchase_days: 1, revenue: 25, channel: 'app', region: 'north' },
    ]);
  });

  it('holds the monthly cohort cells with last-active and returning counts, and the customers grouped by span, revenue and gap', async () => {
    await workspace.withConnection(async (connection) => {
      // months as 1 = January 2024; a: Jan, Feb (the month after Jan: returning), Apr (after a gap: not);
      // b: Jan (last); c: Jan, Mar (last); d: Feb, Mar (returning, last); e, h: Feb (last); f: Mar, Apr (returning, last)
      const cells = await queryRows(
        connection,
        `SELECT cohort - 2024 * 12 + 1 AS cohort, p - 2024 * 12 + 1 AS month, previous_month_active, customers, orders, revenue, last_active FROM cohort_months ORDER BY ALL`,
      );
      expect(cells).toEqual([
        { cohort: 1, month: 1, previous_month_active: false, customers: 3, orders: 4, revenue: 40, last_active: 1 },
        { cohort: 1, month: 2, previous_month_active: true, customers: 1, orders: 1, revenue: 20, last_active: 0 },
        { cohort: 1, month: 3, previous_month_active: false, customers: 1, orders: 1, revenue: 40, last_active: 1 },
        { cohort: 1, month: 4, previous_month_active: false, customers: 1, orders: 1, revenue: 30, last_active: 1 },
        { cohort: 2, month: 2, previous_month_active: false, customers: 3, orders: 5, revenue: 45, last_active: 2 },
        { cohort: 2, month: 3, previous_month_active: true, customers: 1, orders: 1, revenue: 10, last_active: 1 },
        { cohort: 3, month: 3, previous_month_active: false, customers: 1, orders: 1, revenue: 10, last_active: 0 },
        { cohort: 3, month: 4, previous_month_active: true, customers: 1, orders: 1, revenue: 10, last_active: 1 },
      ]);
      // b, d and f spent 20 each; e and h bought on one day only, so are no repeaters
      expect(await queryRows(connection, 'SELECT revenue, customers FROM customer_revenues ORDER BY revenue')).toEqual([
        { revenue: 10, customers: 1 },
        { revenue: 20, customers: 3 },
        { revenue: 25, customers: 1 },
        { revenue: 50, customers: 1 },
        { revenue: 60, customers: 1 },
      ]);
      expect(await queryRows(connection, `SELECT sum(customers) AS customers, sum(repeaters) AS repeaters, sum(orders) AS orders, count(*) AS spans FROM customer_spans`)).toEqual([
        { customers: 7, repeaters: 5, orders: 15, spans: 7 },
      ]);
      // a 36 and 51 days (Feb 2024 has 29), b 5, c 44, d 29, f 15
      expect(await queryRows(connection, 'SELECT gap, gaps FROM gap_counts ORDER BY gap')).toEqual([5, 15, 29, 36, 44, 51].map((gap) => ({ gap, gaps: 1 })));
    });
  });

  it('counts every known customer as the customers view does: completed orders, other orders only, tickets only', async () => {
    await workspace.withConnection(async (connection) => {
      await connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, source_id) VALUES ('t1', 'a', TIMESTAMP '2024-02-01 10:00:00', 0), ('t2', 'zzz', TIMESTAMP '2024-02-01 10:00:00', 0), ('t3', NULL, NULL, 0)`,
      );
      try {
        // a-f and h bought; g has only a pending order; zzz only a ticket; a ticket without a customer is nobody
        const looked = await ticketCustomers(connection);
        // t1 and t2 name a and zzz, a bought: one ticket of a customer without orders
        expect(looked).toEqual({ tickets: 3, customers: 2, withOrders: 1, ticketsWithoutOrders: 1 });
        expect(await countKnownCustomers(connection, looked)).toBe(9);
        expect(await queryRows(connection, rowCountSql('customers'))).toEqual([{ n: 9 }]);
      } finally {
        await connection.run(`DELETE FROM tickets`);
      }
    });
  });

  it('answers for the default rule only while they match the orders', async () => {
    await workspace.withConnection(async (connection) => {
      expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(true);
      // an evaluation date after the last completed order (Apr 15 09:00) still is all of their activity; one before is not
      expect((await activityRelations(connection, ['completed'], '2024-04-15 09:00:00')).fromSummaries).toBe(true);
      expect((await activityRelations(connection, ['completed'], '2024-04-15 08:59:59')).fromSummaries).toBe(false);
      expect((await activityRelations(connection, ['completed', 'refunded'], null)).fromSummaries).toBe(false);
      // orders written behind the import's back: the summaries no longer answer until rebuilt
      await insertOrders(connection, [{ order_id: 'z1', customer_id: 'z', ordered_at: '2024-01-01 00:00:00' }]);
      expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(false);
      await connection.run(`DELETE FROM orders WHERE order_id = 'z1'`);
      expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(true);
    });
  });
});

describe('summaries kept by the import', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-summaries-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const csv = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, ['order_id,customer_id,created_at,amount,status,channel', ...lines, ''].join('\n'));
    return path;
  };

  it('rebuilds the customers an appending import touches, and everything when one moves an order to another customer', async () => {
    const path = join(dir, 'append.duckdb');
    const imports = [
      csv('first.csv', ['o1,a,2024-01-05 09:00,10,completed,web', 'o2,a,2024-02-10 09:00,20,completed,app', 'o3,b,2024-01-20 09:00,10,completed,app', 'o4,c,2024-03-01 09:00,5,cancelled,web']),
      // a buys again, c's cancelled order is replaced by a completed one, d is new
      csv('second.csv', ['o5,a,2024-02-10 18:00,7,completed,web', 'o4,c,2024-03-01 09:00,5,completed,web', 'o6,d,2024-03-05 09:00,30,completed,']),
      // b's order o3 comes again under e: b's rows must go although no order of b's is in this file
      csv('third.csv', ['o3,e,2024-01-20 09:00,10,completed,app']),
    ];
    const expected = [
      [
        ['a', 2, 2],
        ['b', 1, 1],
      ],
      [
        ['a', 3, 2],
        ['b', 1, 1],
        ['c', 1, 1],
        ['d', 1, 1],
      ],
      [
        ['a', 3, 2],
        ['c', 1, 1],
        ['d', 1, 1],
        ['e', 1, 1],
      ],
    ];
    for (const [index, file] of imports.entries()) {
      const core = await createCore({ workspace: path, settings: { threads: 2, memoryLimit: '1GB', tempDirectory: join(dir, 'spill') } });
      try {
        await core.importFiles({ kind: 'orders', files: [file], mode: index === 0 ? 'replace' : 'append' });
      } finally {
        await core.close();
      }
      // The import recorded what its summaries hold, so opening rebuilds nothing: this is what the import left
      const workspace = await Workspace.open(path, { threads: 2 });
      try {
        await workspace.withConnection(async (connection) => {
          for (const { name } of SUMMARIES) {
            expect(await queryRows(connection, `SELECT * FROM ${name} ORDER BY ALL`), `${name} after import ${index + 1}`).toEqual(await fromScratch(connection, name));
          }
          const customers = await queryRows<{ customer_id: string; orders: number; purchase_days: number }>(
            connection,
            'SELECT customer_id, orders, purchase_days FROM customer_summary ORDER BY customer_id',
          );
          expect(customers.map((row) => [row.customer_id, row.orders, row.purchase_days])).toEqual(expected[index]);
          expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(true);
        });
      } finally {
        await workspace.close();
      }
    }
  });

  it('rewrites only the rows of the customers the new orders belong to', async () => {
    const workspace = await Workspace.open(IN_MEMORY, { threads: 1 });
    try {
      await workspace.withConnection(async (connection) => {
        await insertOrders(connection, ORDERS);
        await rebuildSummaries(connection);
        // a mark on b's row, which an import of a's and n's orders must leave alone
        await connection.run(`UPDATE customer_summary SET region = 'untouched' WHERE customer_id = 'b'`);
        await connection.run(
          `INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, channel, source_id) VALUES
             ('a9', 'a', TIMESTAMP '2024-04-02 10:00:00', 5, 'completed', 'app', 1), ('n1', 'n', TIMESTAMP '2024-04-03 10:00:00', 8, 'completed', NULL, 1)`,
        );
        await refreshSummaries(connection, 1);
        const rows = await queryRows<{ customer_id: string; orders: number; revenue: number; region: string | null }>(
          connection,
          `SELECT customer_id, orders, revenue, region FROM customer_summary WHERE customer_id IN ('a', 'b', 'n') ORDER BY customer_id`,
        );
        expect(rows).toEqual([
          { customer_id: 'a', orders: 4, revenue: 65, region: null },
          { customer_id: 'b', orders: 2, revenue: 20, region: 'untouched' },
          { customer_id: 'n', orders: 1, revenue: 8, region: null },
        ]);
        const days = await queryRows(connection, `SELECT strftime(day, '%m-%d') AS day, strftime(previous_day, '%m-%d') AS previous FROM customer_days WHERE customer_id = 'a' ORDER BY day`);
        expect(days).toEqual([
          { day: '01-05', previous: null },
          { day: '02-10', previous: '01-05' },
          { day: '04-01', previous: '02-10' },
          { day: '04-02', previous: '04-01' },
        ]);
      });
    } finally {
      await workspace.close();
    }
  });

  it('builds only the summaries a workspace lacks when the ones it holds are current', async () => {
    const path = join(dir, 'partial.duckdb');
    const workspace = await Workspace.open(path, { threads: 1 });
    await workspace.withConnection(async (connection) => {
      await insertOrders(connection, ORDERS);
      await rebuildSummaries(connection);
      // a mark a rebuild would wipe out, and a workspace of the version before the revenue ranks
      await connection.run(`UPDATE customer_summary SET region = 'untouched' WHERE customer_id = 'b'`);
      await connection.run('DROP TABLE revenue_ranks');
    });
    await workspace.close();
    const reopened = await Workspace.open(path, { threads: 1 });
    try {
      await reopened.withConnection(async (connection) => {
        expect(await summaryKind(connection)).toBe('table');
        expect(await queryRows(connection, `SELECT region FROM customer_summary WHERE customer_id = 'b'`)).toEqual([{ region: 'untouched' }]);
        // revenues 10, 20 (3 customers), 25, 50, 60: the ranks below each and the revenue of those ranks
        expect(await queryRows(connection, 'SELECT revenue, customers, ranked_before, revenue_before FROM revenue_ranks ORDER BY revenue')).toEqual([
          { revenue: 10, customers: 1, ranked_before: 0, revenue_before: 0 },
          { revenue: 20, customers: 3, ranked_before: 1, revenue_before: 10 },
          { revenue: 25, customers: 1, ranked_before: 4, revenue_before: 70 },
          { revenue: 50, customers: 1, ranked_before: 5, revenue_before: 95 },
          { revenue: 60, customers: 1, ranked_before: 6, revenue_before: 145 },
        ]);
      });
    } finally {
      await reopened.close();
    }
  });

  it('builds them when a workspace without them opens', async () => {
    const path = join(dir, 'old.duckdb');
    const workspace = await Workspace.open(path, { threads: 1 });
    await workspace.withConnection(async (connection) => {
      await insertOrders(connection, ORDERS);
      // as a workspace of the previous version: no summaries at all
      for (const { name } of [...SUMMARIES].reverse()) await connection.run(`DROP TABLE ${name}`);
      await connection.run('DROP TABLE summary_state');
    });
    await workspace.close();
    const reopened = await Workspace.open(path, { threads: 1 });
    try {
      await reopened.withConnection(async (connection) => {
        expect(await summaryKind(connection)).toBe('table');
        expect(await queryRows(connection, 'SELECT * FROM customer_summary ORDER BY ALL')).toEqual(await fromScratch(connection, 'customer_summary'));
        expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(true);
        // as a workspace of a version before the aggregates: the first summaries, up to date, and not the rest
        await connection.run('DROP TABLE cohort_months');
        expect(await summaryKind(connection)).toBe('missing');
        expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(false);
      });
    } finally {
      await reopened.close();
    }
    const again = await Workspace.open(path, { threads: 1 });
    try {
      await again.withConnection(async (connection) => {
        expect(await queryRows(connection, 'SELECT * FROM cohort_months ORDER BY ALL')).toEqual(await fromScratch(connection, 'cohort_months'));
      });
    } finally {
      await again.close();
    }
  });
});

/** Equal, numbers to 1e-9 relative (a sum of per-day sums may round apart from a sum of the orders). */
function expectSame(actual: unknown, expected: unknown, path = 'result'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    expect(actual.length, `${path}.length`).toBe(expected.length);
    expected.forEach((item, index) => expectSame(actual[index], item, `${path}[${index}]`));
  } else if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    expect(Object.keys(actual).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) expectSame((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/**
 * Runs `analysis` three ways: on the stored summaries, on the summaries as views (their SQL over the
 * orders), and on the orders through activity.ts's own relations (the evaluation date given, which
 * views do not answer for); the three results must agree cell by cell.
 */
async function threeWays(connection: DuckDBConnection, label: string, analysis: (asOf: string | undefined) => Promise<unknown>): Promise<void> {
  await rebuildSummaries(connection);
  expect((await activityRelations(connection, ['completed'], null)).fromSummaries).toBe(true);
  const stored = await analysis(undefined);
  await defineSummariesInPlace(connection);
  expect(await summaryKind(connection)).toBe('view');
  const asViews = await analysis(undefined);
  expect((await activityRelations(connection, ['completed'], await dataEnd(connection))).fromSummaries).toBe(false);
  const fromOrders = await analysis(await dataEnd(connection));
  await rebuildSummaries(connection);
  expectSame(asViews, stored, `${label} (views)`);
  // the evaluation date the orders' way was given is the data's end, which the default resolves to
  expectSame(fromOrders, stored, `${label} (orders)`);
}

/** Every retention-side analysis, with the options each screen offers. */
function analyses(connection: DuckDBConnection, cohortCases: { period: RetentionPeriod; mode: RetentionMode; metric: RetentionMetric; segment: 'channel' | null }[]) {
  const at = (asOf: string | undefined) => (asOf === undefined ? {} : { asOf });
  return [
    ...cohortCases.map((options) => ({ label: `cohorts ${JSON.stringify(options)}`, run: (asOf?: string) => cohortRetention(connection, { ...options, ...at(asOf) }) })),
    {
      label: 'cohort members',
      run: async (asOf?: string) => {
        const first = (await cohortRetention(connection, at(asOf))).matrices[0]!.cohorts[0]!.cohort;
        const bytes = await cohortMembers(connection, { cohort: first, k: 1, mode: 'on-or-after', ...at(asOf) });
        return tableFromIPC(bytes).toArray().map((row: { toJSON(): Record<string, unknown> }) => {
          const json = row.toJSON();
          return Object.fromEntries(Object.entries(json).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value]));
        });
      },
    },
    { label: 'churn window', run: (asOf?: string) => resolveChurnRule(connection, at(asOf)) },
    { label: 'churn summary', run: (asOf?: string) => churnSummary(connection, at(asOf)) },
    { label: 'churn summary by week, window 30', run: (asOf?: string) => churnSummary(connection, { period: 'week', windowDays: 30, ...at(asOf) }) },
    { label: 'survival', run: (asOf?: string) => survival(connection, at(asOf)) },
    { label: 'survival by channel', run: (asOf?: string) => survival(connection, { segment: 'channel', ...at(asOf) }) },
    { label: 'survival by region, window 60', run: (asOf?: string) => survival(connection, { segment: 'region', windowDays: 60, ...at(asOf) }) },
    { label: 'kpis', run: (asOf?: string) => kpis(connection, at(asOf)) },
    { label: 'forecast by channel', run: (asOf?: string) => retentionForecast(connection, { segment: 'channel', ...at(asOf) }) },
  ];
}

const ALL_COHORT_CASES = (['month', 'week'] as const).flatMap((period) =>
  (['on', 'on-or-after'] as const).flatMap((mode) =>
    (['customers', 'orders', 'revenue'] as const).flatMap((metric) => ([null, 'channel'] as const).map((segment) => ({ period, mode, metric, segment }))),
  ),
);

describe('every analysis: the same from the summaries as from the orders (shop)', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 2 });
    await workspace.withConnection((connection) => insertOrders(connection, ORDERS));
  });
  afterAll(async () => workspace.close());

  it('agrees for each analysis and option', async () => {
    await workspace.withConnection(async (connection) => {
      for (const { label, run } of analyses(connection, ALL_COHORT_CASES)) await threeWays(connection, label, run);
      // the customer count an import and `info` report
      await threeWays(connection, 'customers', () => countCustomers(connection));
      expect(await countCustomers(connection)).toBe(7);
    });
  });
});

describe.skipIf(UCI.some((file) => !existsSync(file)))('every analysis: the same from the summaries as from the orders (UCI Online Retail)', () => {
  let dir: string;
  let workspace: Workspace;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-summaries-uci-'));
    const path = join(dir, 'uci.duckdb');
    const core = await createCore({ workspace: path, settings: { threads: 2, memoryLimit: '2GB', tempDirectory: join(dir, 'spill') } });
    try {
      await core.importFiles({ kind: 'orders', files: UCI });
    } finally {
      await core.close();
    }
    workspace = await Workspace.open(path, { threads: 2 });
  }, 600_000);
  afterAll(async () => {
    await workspace?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('agrees for each analysis', async () => {
    await workspace.withConnection(async (connection) => {
      // 4,339 customers, as pandas counts them over the raw files (core/test/ingest/realData.db.test.ts)
      expect(await countCustomers(connection)).toBe(4339);
      // the window interpolated over the gaps' counts is DuckDB's own quantile_cont over the gaps themselves
      const [direct] = await queryRows<{ p90: number }>(
        connection,
        `SELECT ceil(round(quantile_cont(gap, 0.9), 6)) AS p90 FROM (SELECT date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day), day) AS gap
         FROM (SELECT DISTINCT customer_id, CAST(ordered_at AS DATE) AS day FROM orders WHERE status = 'completed')) WHERE gap IS NOT NULL`,
      );
      expect((await resolveChurnRule(connection)).windowDays).toBe(direct!.p90);
      const cases = [
        { period: 'month', mode: 'on', metric: 'customers', segment: null },
        { period: 'week', mode: 'on-or-after', metric: 'customers', segment: null },
        { period: 'month', mode: 'on', metric: 'revenue', segment: 'channel' },
        { period: 'month', mode: 'on-or-after', metric: 'orders', segment: null },
      ] as const;
      for (const { label, run } of analyses(connection, [...cases])) await threeWays(connection, label, run);
    });
  }, 600_000);
});
