// Kaplan-Meier, bands, medians and the log-rank test on hand-computed data: the shop's customers and a small table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import type { SurvivalPoint } from '../../src/api/retention.ts';
import type { TestCore } from '../helpers/core.ts';
import { ACTIVITY_ORDERS_SQL, CUSTOMER_STATUS_SQL, customerStatusParams, resolveChurnRule } from '../../src/analysis/activity.ts';
import { survival, type TimeCounts } from '../../src/analysis/survival.ts';
import type { SegmentColumn } from '../../src/api/retention.ts';
import { queryRows, quoteIdent } from '../../src/db/sql.ts';
import { rebuildSummaries } from '../../src/db/summaries.ts';
import { IN_MEMORY, Workspace } from '../../src/db/workspace.ts';
import { openFixtureCore } from './fixtureCore.ts';
import { SHOP_ORDERS } from './shop.ts';

const Z95 = 1.959963984540054;
/** Survival rounded to 12 places, so products computed in another order compare equal. */
const round = (x: number) => Math.round(x * 1e12) / 1e12;
const steps = (points: SurvivalPoint[]) => points.map((p) => [p.time, p.atRisk, p.events, p.censored, round(p.survival)]);

/** The log-log band by hand: S^exp(±z sqrt(Greenwood) / |ln S|). */
const band = (s: number, greenwood: number, sign: number) => s ** Math.exp((sign * Z95 * Math.sqrt(greenwood)) / Math.abs(Math.log(s)));

describe('survival of the shop’s customers (window 30 days, judged Apr 20)', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openFixtureCore({
      orders: SHOP_ORDERS,
      statements: [
        // Two arms for the log-rank test; event values in the spellings exports use. Three rows are unusable.
        { sql: `CREATE TABLE trial (arm VARCHAR, months DOUBLE, outcome VARCHAR)` },
        {
          sql: `INSERT INTO trial VALUES ('A', 1, 'yes'), ('A', 3, 'Yes'), ('A', 4, 'no'), ('B', 2, '1'), ('B', 4, 'true'), ('B', 5, 'Churned'),
                                         ('A', NULL, 'yes'), ('B', -1, 'no'), ('B', 3, 'maybe')`,
        },
      ],
    });
  });
  afterAll(async () => t.close());

  it('lifetimes run from the first purchase to the churn date, censored at the end', async () => {
    // Days from the first purchase: f Mar 31 -> Apr 20 censored 20; e Feb 29 -> Mar 30 churn 30; b Jan 20 -> Feb 24 churn 35;
    // d Feb 1 -> Mar 31 churn 59; c Jan 31 -> Apr 14 churn 74; a Jan 5 -> Apr 20 censored 106.
    const result = await t.client.survival({ windowDays: 30 });
    expect(result.timeUnit).toBe('day');
    expect(result.options).toEqual({ source: null, segment: null, confidence: 0.95, statuses: ['completed'], asOf: '2024-04-20T12:00:00.000Z' });
    const [curve] = result.curves;
    // S: 30 -> 4/5, 35 -> 4/5 * 3/4 = 0.6, 59 -> 0.6 * 2/3 = 0.4, 74 -> 0.4 * 1/2 = 0.2
    expect(steps(curve!.points)).toEqual([
      [20, 6, 0, 1, 1],
      [30, 5, 1, 0, 0.8],
      [35, 4, 1, 0, 0.6],
      [59, 3, 1, 0, 0.4],
      [74, 2, 1, 0, 0.2],
      [106, 1, 0, 1, 0.2],
    ]);
    expect([curve!.subjects, curve!.events, curve!.median]).toEqual([6, 4, 59]);
    // Greenwood sums: 1/(5*4) = 0.05; + 1/(4*3) = 0.13333; + 1/(3*2) = 0.3; + 1/(2*1) = 0.8
    expect(curve!.points[0]).toMatchObject({ lower: null, upper: null });
    const greenwood = [0.05, 0.05 + 1 / 12, 0.3, 0.8];
    curve!.points.slice(1, 5).forEach((point, i) => {
      expect(point.lower).toBeCloseTo(band(point.survival, greenwood[i]!, 1), 12);
      expect(point.upper).toBeCloseTo(band(point.survival, greenwood[i]!, -1), 12);
    });
    // e.g. at 30 days: 0.8^exp(±1.95996 * 0.22361 / 0.22314) = 0.2038 and 0.9692
    expect(curve!.points[1]!.lower).toBeCloseTo(0.2038, 4);
    expect(curve!.points[1]!.upper).toBeCloseTo(0.9692, 4);
    expect(result.logRank).toBeNull();
  });

  it('one curve per first channel, with the log-rank test across them', async () => {
    const result = await t.client.survival({ windowDays: 30, segment: 'channel' });
    // web: d 59, c 74 events, a 106 censored (S 2/3, 1/3: median 74). app: e 30, b 35 events (S 1/2 at 30: median 30).
    // none: f 20 censored.
    expect(result.curves.map((c) => [c.group, c.subjects, c.events, c.median])).toEqual([
      ['web', 3, 2, 74],
      ['app', 2, 2, 30],
      [null, 1, 0, null],
    ]);
    // f leaves (20 days) before the first event, so its group has no variance and drops out: df = 1.
    // Event times 30, 35 (app), 59, 74 (web); at risk web/app: 3/2, 3/1, 3/0, 2/0.
    // E_web = 3/5 + 3/4 + 1 + 1 = 3.35, O_web = 2; V = 1*(4/4)*(3/5)(2/5) + 1*(3/3)*(3/4)(1/4) = 0.24 + 0.1875 = 0.4275
    // chi2 = 1.35^2 / 0.4275 = 4.26316
    const test = result.logRank!;
    expect(test.df).toBe(1);
    expect(test.statistic).toBeCloseTo(1.35 ** 2 / 0.4275, 10);
    expect(test.groups[0]).toEqual({ group: 'web', observed: 2, expected: expect.closeTo(3.35, 12) });
    // P(chi2_1 > 4.26316) = 2 (1 - Phi(2.06474)) = 0.03895
    expect(test.pValue).toBeCloseTo(0.03895, 4);
  });

  it('reads any table: duration and event columns, groups, and the rows it had to leave out', async () => {
    const result = await t.client.survival({ source: { table: 'trial', durationColumn: 'months', eventColumn: 'outcome', groupColumn: 'arm' } });
    expect(result.timeUnit).toBe('months');
    expect(result.rule).toBeNull();
    expect(result.excludedRows).toBe(3); // NULL months, negative months, "maybe"
    // A: 1 event, 3 event, 4 censored: S = 2/3, then 2/3 * 1/2 = 1/3. B: 2, 4, 5 events: 2/3, 1/3, 0.
    const [a, b] = result.curves;
    expect(steps(a!.points)).toEqual([
      [1, 3, 1, 0, round(2 / 3)],
      [3, 2, 1, 0, round(1 / 3)],
      [4, 1, 0, 1, round(1 / 3)],
    ]);
    expect(steps(b!.points)).toEqual([
      [2, 3, 1, 0, round(2 / 3)],
      [4, 2, 1, 0, round(1 / 3)],
      [5, 1, 1, 0, 0],
    ]);
    expect([a!.median, b!.median]).toEqual([3, 4]);
    expect(b!.points[2]).toMatchObject({ lower: null, upper: null });
    // Log-rank, group A at times 1..5 (n_A, n): (3,6) d=1, (2,5) d=1, (2,4) d=1, (1,3) d=1, (0,1) d=1.
    // E_A = 1/2 + 2/5 + 2/4 + 1/3 + 0 = 1.73333, O_A = 2.
    // V = 1/4 + (4/4)(2/5)(3/5) + (3/3)(1/2)(1/2) + (2/2)(1/3)(2/3) = 0.25 + 0.24 + 0.25 + 0.22222 = 0.96222 (n = 1 adds nothing)
    const expectedA = 0.5 + 0.4 + 0.5 + 1 / 3;
    const variance = 0.25 + 0.24 + 0.25 + 2 / 9;
    expect(result.logRank!.statistic).toBeCloseTo((2 - expectedA) ** 2 / variance, 12);
    // chi2 = 0.073903: p = 2 (1 - Phi(0.27185)) = 0.78574
    expect(result.logRank!.pValue).toBeCloseTo(0.78574, 4);
  });

  it('names the tables or columns that exist when the source is wrong', async () => {
    const missingTable = await t.client.survival({ source: { table: 'nope', durationColumn: 'months', eventColumn: 'outcome' } }).catch((e: unknown) => e);
    expect(missingTable).toBeInstanceOf(CoreError);
    expect((missingTable as CoreError).code).toBe('E_NOT_FOUND');
    expect((missingTable as CoreError).message).toContain('trial');
    const missingColumn = await t.client.survival({ source: { table: 'trial', durationColumn: 'tenure', eventColumn: 'outcome' } }).catch((e: unknown) => e);
    expect((missingColumn as CoreError).code).toBe('E_ARGS');
    expect((missingColumn as CoreError).message).toContain('arm, months, outcome');
    const badLevel = await t.client.survival({ confidence: 1.5 }).catch((e: unknown) => e);
    expect((badLevel as CoreError).code).toBe('E_ARGS');
  });
});

describe('customer lifetimes in one pass over the orders', () => {
  // The reference is the plain way: activity.ts's per-customer status joined to the first activity order's segment.
  const withSegmentSql = (segment: SegmentColumn | null, table: string) =>
    segment === null
      ? `SELECT *, NULL AS segment FROM ${table}`
      : `SELECT * FROM ${table} JOIN (
           SELECT customer_id, arg_min(${quoteIdent(segment)}, (ordered_at, order_id)) AS segment FROM (${ACTIVITY_ORDERS_SQL}) GROUP BY customer_id
         ) USING (customer_id)`;
  const referenceSql = (segment: SegmentColumn | null) => `
    WITH status AS (SELECT * EXCLUDE (channel, region, category) FROM (${CUSTOMER_STATUS_SQL}))
    SELECT segment AS "group",
           date_diff('day', CAST(first_at AS DATE), CASE WHEN churned THEN CAST(churn_at AS DATE) ELSE CAST($activity_as_of AS DATE) END) AS time,
           count(*) FILTER (WHERE churned) AS events, count(*) FILTER (WHERE NOT churned) AS censored
    FROM (${withSegmentSql(segment, 'status')})
    GROUP BY ALL ORDER BY time`;
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 2 });
    // 400 customers, 3,000 orders over two years in every status, in pairs at the same second (the
    // segment's tie goes to the lower order id), some without a segment
    await workspace.withConnection((connection) =>
      connection.run(
        `INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, channel, region, category, source_id)
         SELECT 'o' || lpad(i::VARCHAR, 5, '0'), 'c' || (hash(i // 2, 1) % 400),
                TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i // 2, 2) % (730 * 86400) AS BIGINT)),
                10, ['completed', 'completed', 'completed', 'cancelled', 'refunded'][1 + CAST(hash(i, 3) % 5 AS BIGINT)],
                ['app', 'web', NULL][1 + CAST(hash(i, 4) % 3 AS BIGINT)], ['north', 'south'][1 + CAST(hash(i, 5) % 2 AS BIGINT)],
                ['books', 'toys'][1 + CAST(hash(i, 6) % 2 AS BIGINT)], 0
         FROM range(3000) t(i)`,
      ),
    );
    // survival() then reads the summaries, as after an import; the reference reads the orders
    await workspace.withConnection((connection) => rebuildSummaries(connection));
  });
  afterAll(async () => workspace.close());

  it.each([null, 'channel', 'region'] as const)('counts the same events and censorings per time as the plain join (segment %s)', async (segment) => {
    await workspace.withConnection(async (connection) => {
      for (const windowDays of [30, undefined]) {
        const rule = await resolveChurnRule(connection, { windowDays });
        const reference = await queryRows<TimeCounts>(connection, referenceSql(segment), customerStatusParams(rule));
        const result = await survival(connection, { windowDays, segment });
        const counts = result.curves
          .flatMap((curve) => curve.points.map((point) => ({ group: curve.group, time: point.time, events: point.events, censored: point.censored })))
          .sort((a, b) => a.time - b.time || String(a.group).localeCompare(String(b.group)));
        const expected = reference
          .map((row) => ({ ...row, group: row.group === null ? null : String(row.group) }))
          .sort((a, b) => a.time - b.time || String(a.group).localeCompare(String(b.group)));
        expect(expected.length).toBeGreaterThan(50);
        expect(counts).toEqual(expected);
      }
    });
  });
});
