// Orders read in place from Parquet give the same analyses as an import of the same rows, and
// export-parquet writes what read-in-place (or any engine) reads back.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { openFixtureCore } from '../retention/fixtureCore.ts';
import { SHOP_ORDERS, SHOP_TICKETS } from '../retention/shop.ts';

/** 600 orders of 78 customers (two have only rows without a time) over 14 months: statuses in both languages, regions, channels, one in 40 without a time. */
function ordersCsv(header: string[]): string {
  const statuses = ['交易成功', 'completed', 'delivered', '交易关闭', 'refunded', '等待买家付款'];
  const lines = [header.join(',')];
  for (let i = 0; i < 600; i++) {
    const customer = (i * 7919) % 80;
    const day = (customer * 5 + ((i * 31) % 420)) % 425;
    const at = new Date(Date.UTC(2023, 10, 1) + day * 86_400_000 + ((i * 3_600_007) % 86_400_000));
    const time = i % 40 === 39 ? '' : at.toISOString().slice(0, 19).replace('T', ' ');
    lines.push([`O${String(i).padStart(5, '0')}`, `C${customer}`, time, (10 + ((i * 37) % 500) / 4).toFixed(2), statuses[i % statuses.length], ['app', 'web'][i % 2], ['north', 'south', 'east'][customer % 3]].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const CANONICAL = ['order_id', 'customer_id', 'ordered_at', 'amount', 'status', 'channel', 'region'];
const EXPORT_HEADERS = ['Order ID', 'Customer', 'Order Date', 'Total', 'Status', 'Channel', 'Region'];

/** A result without what differs between two runs on equal data (ids and timings of stored runs). */
function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !['resultId', 'seconds', 'computedAt'].includes(key)).map(([key, item]) => [key, comparable(item)]));
  }
  return value;
}

/** The analyses of every screen, as one object. */
async function analyses(t: TestCore) {
  return comparable({
    cohorts: await t.client.cohortRetention({}),
    revenueByChannel: await t.client.cohortRetention({ metric: 'revenue', segment: 'channel', mode: 'on-or-after' }),
    survival: await t.client.survival({ segment: 'region' }),
    churn: await t.client.churnSummary({ windowDays: 60 }),
    kpis: await t.client.kpis({}),
    rfm: await t.client.customerSegments({ scheme: 'rfm' }),
  });
}

describe('orders read in place from Parquet', () => {
  let dir: string;
  let imported: TestCore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-inplace-'));
    writeFileSync(join(dir, 'orders.csv'), ordersCsv(CANONICAL));
    imported = await openTestCore();
    await imported.client.importFiles({ kind: 'orders', files: [join(dir, 'orders.csv')] });
  }, 60_000);
  afterAll(async () => {
    await imported.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('export-parquet writes orders partitioned by month, and reading them in place gives the import\'s analyses', async () => {
    const exported = await imported.client.exportParquet({ out: join(dir, 'export') });
    expect(exported.tables.map((table) => [table.table, table.rows, table.partitionedBy])).toEqual([
      ['orders', 585, 'month'],
      ['customers', 78, null],
    ]);
    // 14 distinct months of order times (Nov 2023 to Dec 2024: days 0-424 from Nov 1), one hive folder each
    const months = readdirSync(join(dir, 'export', 'orders')).sort();
    expect(months).toHaveLength(14);
    expect(months[0]).toBe('month=2023-11');
    const inPlace = await openTestCore();
    try {
      const read = await inPlace.client.readInPlace({ path: join(dir, 'export', 'orders'), kind: 'orders' });
      expect([read.files, read.rowsRead, read.rowsLoaded, read.rowsLeftOut]).toEqual([14, 585, 585, 0]);
      const info = await inPlace.client.describeWorkspace({});
      expect([info.orders, info.customers]).toEqual([585, 78]);
      expect(await analyses(inPlace)).toEqual(await analyses(imported));
    } finally {
      await inPlace.close();
    }
  }, 120_000);

  it('maps an export\'s own headers as an import does, over several files without partitions', async () => {
    writeFileSync(join(dir, 'export.csv'), ordersCsv(EXPORT_HEADERS));
    const raw = join(dir, 'raw');
    mkdirSync(raw);
    const fromCsv = await openTestCore();
    const inPlace = await openTestCore();
    try {
      await fromCsv.client.importFiles({ kind: 'orders', files: [join(dir, 'export.csv')] });
      // three files as a warehouse unload writes them, typed by DuckDB's reading of the CSV
      const csv = sqlString(join(dir, 'export.csv'));
      for (const part of [0, 1, 2]) {
        await writeParquet(`SELECT * EXCLUDE (n) FROM (SELECT *, row_number() OVER () AS n FROM read_csv(${csv})) WHERE n % 3 = ${part}`, join(raw, `part-${part}.parquet`));
      }
      const read = await inPlace.client.readInPlace({ path: join(raw, '*.parquet'), kind: 'orders' });
      expect(read.mapping).toMatchObject({ order_id: 'Order ID', customer_id: 'Customer', ordered_at: 'Order Date', amount: 'Total', status: 'Status' });
      // the 15 rows without a time are left out, as the import rejects them
      expect([read.files, read.rowsRead, read.rowsLoaded, read.rowsLeftOut]).toEqual([3, 600, 585, 15]);
      expect(await analyses(inPlace)).toEqual(await analyses(fromCsv));
    } finally {
      await fromCsv.close();
      await inPlace.close();
    }
  }, 120_000);

  it('export-parquet partitions tickets by the month they were opened, and writes each table once', async () => {
    const shop = await openFixtureCore({ orders: SHOP_ORDERS, tickets: SHOP_TICKETS });
    try {
      const out = join(dir, 'shop');
      const exported = await shop.client.exportParquet({ out });
      expect(exported.tables.map((table) => [table.table, table.partitionedBy])).toEqual([
        ['orders', 'month'],
        ['tickets', 'month'],
        ['customers', null],
      ]);
      // t1, t2 opened in February, t3, t4 in March, t5 in May (shop.ts)
      const counts = await rowsPerMonth(join(out, 'tickets'));
      expect(counts).toEqual({ '2024-02': 2, '2024-03': 2, '2024-05': 1 });
      // exporting again replaces the files rather than adding to them
      await shop.client.exportParquet({ out });
      expect(await rowsPerMonth(join(out, 'tickets'))).toEqual(counts);
    } finally {
      await shop.close();
    }
  }, 60_000);

  it('fails in one line where an import would, and where a view cannot do what an import does', async () => {
    const t = await openTestCore();
    try {
      const code = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error instanceof CoreError ? `${error.code}: ${error.message}` : String(error)));
      expect(await code(t.client.readInPlace({ path: join(dir, 'nothing-here'), kind: 'orders' }))).toMatch(/^E_FILE: .*no Parquet files/);
      const repeated = join(dir, 'repeated.parquet');
      await writeParquet(`SELECT 'O1' AS order_id, 'C1' AS customer_id, TIMESTAMP '2024-01-01' AS ordered_at FROM range(2)`, repeated);
      expect(await code(t.client.readInPlace({ path: repeated, kind: 'orders' }))).toMatch(/^E_FORMAT: .*1 rows repeat an order id/);
      const noCustomer = join(dir, 'no-customer.parquet');
      await writeParquet(`SELECT 'O1' AS order_id, TIMESTAMP '2024-01-01' AS ordered_at`, noCustomer);
      expect(await code(t.client.readInPlace({ path: noCustomer, kind: 'orders' }))).toMatch(/^E_MAPPING: .*no column for customer_id/);
      const good = join(dir, 'good.parquet');
      await writeParquet(`SELECT 'O1' AS order_id, 'C1' AS customer_id, TIMESTAMP '2024-01-01' AS ordered_at`, good);
      expect(await code(imported.client.readInPlace({ path: good, kind: 'orders' }))).toMatch(/^E_ARGS: this workspace holds imported orders/);
      expect((await imported.client.describeWorkspace({})).orders).toBe(585);
    } finally {
      await t.close();
    }
  }, 60_000);
});

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Writes a query's rows to one Parquet file, with a DuckDB of its own (as another tool would). */
async function writeParquet(select: string, path: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (${select}) TO ${sqlString(path)} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows per hive month folder below `folder`, read back with a DuckDB of its own. */
async function rowsPerMonth(folder: string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT month, count(*)::INTEGER AS n FROM read_parquet(${sqlString(join(folder, '**', '*.parquet'))}, hive_partitioning = true) GROUP BY month ORDER BY month`,
    );
    return Object.fromEntries(reader.getRowObjectsJS().map((row) => [String(row.month), Number(row.n)]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
