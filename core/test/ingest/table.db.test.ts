// Imports of kind `table`: a sheet or CSV kept as a typed workspace table, column names as written, for analyses that take any table.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../helpers/core.ts';
import { FIXTURES, openHarness, type Harness } from './harness.ts';

const telco = join(SHARED_DATA, 'ibm_telco_churn', 'Telco_customer_churn.xlsx');
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');
const ROOT = join(import.meta.dirname, '..', '..', '..');

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('import --kind table', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('keeps headers as written and gives each column the narrowest type all its values read as', async () => {
    const file = join(FIXTURES, 'plans_table.csv');
    const preview = await h.client().previewImport({ kind: 'table', table: 'plans', files: [file] });
    expect(preview.headers).toEqual(['Customer Code', 'Tenure Months', 'Monthly Charges', 'Zip', 'Signed Up', 'Churn Value', 'Plan', '开通时间', 'Renewal']);
    expect(preview.tableColumns?.map((column) => column.type)).toEqual(['VARCHAR', 'BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'BIGINT', 'VARCHAR', 'TIMESTAMP', 'VARCHAR']);
    const result = await h.client().importFiles({ kind: 'table', table: 'plans', files: [file] });
    expect(result.rowsLoaded).toBe(4);
    expect(result.table?.columns).toEqual([
      { name: 'Customer Code', type: 'VARCHAR' },
      { name: 'Tenure Months', type: 'BIGINT' },
      { name: 'Monthly Charges', type: 'DOUBLE' },
      { name: 'Zip', type: 'VARCHAR' }, // 00501 keeps its leading zeros
      { name: 'Signed Up', type: 'TIMESTAMP' },
      { name: 'Churn Value', type: 'BIGINT' },
      { name: 'Plan', type: 'VARCHAR' },
      { name: '开通时间', type: 'TIMESTAMP' }, // Chinese and slashed dates read by the import's date shapes
      { name: 'Renewal', type: 'VARCHAR' }, // 05/01/2025: day or month first cannot be told, so kept as written
    ]);
    expect(await h.sql(`SELECT strftime("开通时间", '%Y-%m-%d %H:%M') AS opened, "Renewal" AS renewal FROM plans ORDER BY "Customer Code"`)).toEqual([
      { opened: '2024-01-05 10:30', renewal: '05/01/2025' },
      { opened: '2024-02-10 00:00', renewal: '10/02/2025' },
      { opened: '2024-03-15 00:00', renewal: '15/03/2025' },
      { opened: null, renewal: null },
    ]);
    expect(await h.sql('SELECT "Customer Code" AS id, "Tenure Months" AS tenure, "Monthly Charges" AS charges, "Zip" AS zip FROM plans ORDER BY 1')).toEqual([
      { id: 'A-1', tenure: 3, charges: 29.5, zip: '00501' },
      { id: 'A-2', tenure: 12, charges: 70, zip: '90210' },
      { id: 'A-3', tenure: null, charges: 45.25, zip: '10001' },
      { id: 'A-4', tenure: 24, charges: null, zip: '02134' },
    ]);
    const info = await h.client().describeWorkspace({});
    expect(info.userTables).toEqual([{ name: 'plans', rows: 4, columns: result.table?.columns }]);
    expect(info.sources.map((source) => source.kind)).toEqual(['table']);
    // survival reads it by the names as written; A-3 has no tenure and is left out
    const curves = await h.client().survival({ source: { table: 'plans', durationColumn: 'Tenure Months', eventColumn: 'Churn Value', groupColumn: 'Plan' } });
    expect(curves.excludedRows).toBe(1);
    expect(curves.curves.map((curve) => [curve.group, curve.subjects, curve.events])).toEqual([
      ['Month-to-month', 1, 1],
      ['One year', 1, 0],
      ['Two year', 1, 0],
    ]);
  });

  it('refuses canonical names, and replaces an earlier table only when asked', async () => {
    const file = join(FIXTURES, 'plans_table.csv');
    expect((await failure(h.client().importFiles({ kind: 'table', table: 'orders', files: [file] }))).code).toBe('E_ARGS');
    expect((await failure(h.client().importFiles({ kind: 'table', files: [file] }))).code).toBe('E_ARGS');
    expect((await failure(h.client().importFiles({ kind: 'table', table: 'plans', files: [file], mapping: { amount: 'Plan' } }))).message).toMatch(/mapping is for orders, tickets and surveys/);
    await h.client().importFiles({ kind: 'table', table: 'plans', files: [file] });
    const again = await failure(h.client().importFiles({ kind: 'table', table: 'plans', files: [file] }));
    expect(again.message).toMatch(/already has a table "plans".*mode replace/);
    const replaced = await h.client().importFiles({ kind: 'table', table: 'plans', files: [file], mode: 'replace' });
    expect(replaced.rowsReplaced).toBe(4);
    expect(await h.sql('SELECT count(*) AS n FROM plans')).toEqual([{ n: 4 }]);
  });

  it.skipIf(!existsSync(telco))('README example: the IBM Telco workbook as table telco, then survival by contract', async () => {
    // Independent counts: exceljs over the workbook, by header name.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(telco);
    const sheet = workbook.worksheets[0];
    const headers = (sheet?.getRow(1).values as unknown[]).map(String);
    const at = (name: string) => headers.indexOf(name);
    const expected = new Map<string, { subjects: number; events: number }>();
    sheet?.eachRow((row, index) => {
      if (index === 1) return;
      const values = row.values as unknown[];
      const contract = String(values[at('Contract')]);
      const entry = expected.get(contract) ?? { subjects: 0, events: 0 };
      entry.subjects += 1;
      entry.events += Number(values[at('Churn Value')]) === 1 ? 1 : 0;
      expected.set(contract, entry);
    });
    const result = await h.client().importFiles({ kind: 'table', table: 'telco', files: [telco] });
    expect(result.rowsLoaded).toBe(7043);
    expect(result.table?.columns.find((column) => column.name === 'Tenure Months')?.type).toBe('BIGINT');
    expect(result.table?.columns.find((column) => column.name === 'Monthly Charges')?.type).toBe('DOUBLE');
    const curves = await h.client().survival({ source: { table: 'telco', durationColumn: 'Tenure Months', eventColumn: 'Churn Value', groupColumn: 'Contract' } });
    expect(Object.fromEntries(curves.curves.map((curve) => [curve.group, { subjects: curve.subjects, events: curve.events }]))).toEqual(Object.fromEntries(expected));
    expect(expected.get('Month-to-month')).toEqual({ subjects: 3875, events: 1655 });
  });

  it.skipIf(!existsSync(telco))('README example through the CLI, as written: import --kind table, then survival --table', async () => {
    const run = async (...args: string[]) => (await promisify(execFile)(process.execPath, [CLI, ...args, '--workspace', join(h.dir, 'cli.duckdb')], { cwd: ROOT })).stdout;
    // README runs from the checkout with the data next to it: ../shared/data/...
    const file = relative(ROOT, telco);
    expect(await run('import', file, '--kind', 'table', '--table', 'telco')).toMatch(/7,043 rows read, 7,043 loaded, 0 rejected/);
    const printed = await run('survival', '--table', 'telco', '--duration', 'Tenure Months', '--event', 'Churn Value', '--group', 'Contract');
    expect(printed).toMatch(/^Month-to-month,3875,1655,/m);
    expect(printed).toMatch(/^Two year,1695,48,/m);
    expect(printed).toMatch(/^One year,1473,166,/m);
  });
});
