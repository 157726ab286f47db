// export-parquet and read-in-place as a user runs them: JSON on stdout, one-line coded errors on stderr.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportParquetResult, ReadInPlaceResult } from '../../src/api/inPlace.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'orders_a.csv');
const run = promisify(execFile);
const churnwb = async (...args: string[]) => (await run(process.execPath, [BIN, ...args])).stdout;

describe('churnwb export-parquet and read-in-place', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-inplace-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports an imported workspace and reads the export in place into another', async () => {
    // orders_a.csv: 3 orders of 2 customers, January 2024
    await churnwb('import', FIXTURE, '--kind', 'orders', '--workspace', join(dir, 'a.duckdb'));
    const exported = JSON.parse(await churnwb('export-parquet', '--out', join(dir, 'out'), '--json', '--workspace', join(dir, 'a.duckdb'))) as ExportParquetResult;
    expect(exported.tables.map((table) => [table.table, table.rows, table.partitionedBy])).toEqual([
      ['orders', 3, 'month'],
      ['customers', 2, null],
    ]);
    const read = JSON.parse(await churnwb('read-in-place', join(dir, 'out', 'orders'), '--json', '--workspace', join(dir, 'b.duckdb'))) as ReadInPlaceResult;
    expect([read.files, read.rowsRead, read.rowsLoaded, read.rowsLeftOut, read.dateRange]).toEqual([1, 3, 3, 0, { from: '2024-01-01T09:00:00', to: '2024-01-03T09:00:00' }]);
    expect(await churnwb('info', '--workspace', join(dir, 'b.duckdb'))).toContain('orders 3, customers 2, tickets 0');
  }, 120_000);

  it('fails in one line naming the problem', async () => {
    const failure = await run(process.execPath, [BIN, 'read-in-place', join(dir, 'nothing'), '--workspace', join(dir, 'c.duckdb')]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: `churnwb: E_FILE: ${join(dir, 'nothing')}: no Parquet files there\n` });
  }, 60_000);
});
