// Every CSV the command line prints goes through the formula-safe writer: customer ids and segment
// values that a spreadsheet would run (=HYPERLINK, +cmd|, @SUM, -2+3+cmd) come out neutralised in
// `clv --at-risk`, `clv --csv`, `customers --csv`, `members --csv` and `retention --segment --csv`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/host/cli.ts';
import { csvText } from '../../src/api/csv.ts';
import { neutralised } from './hostile.ts';

// Customer ids without leading whitespace: the import trims ids, so '\t=...' would not reach the output.
const HOSTILE_IDS = ['=HYPERLINK("http://evil.example/","click")', "+cmd|' /C calc'!A0", '@SUM(1+1)*cmd', "-2+3+cmd|' /C calc'!A0"];
const HOSTILE_CHANNEL = '=cmd|channel';
const PLAIN_IDS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

/** Orders over 2024: every customer buys in January, then every 1 to 3 months; amounts vary by customer. */
function ordersCsv(): string {
  const rows: unknown[][] = [];
  let orderId = 0;
  [...HOSTILE_IDS, ...PLAIN_IDS].forEach((customer, index) => {
    for (let month = 1; month <= 12; month += 1 + (index % 3)) {
      const day = String(1 + index).padStart(2, '0');
      rows.push([`o${++orderId}`, customer, `2024-${String(month).padStart(2, '0')}-${day} 10:00:00`, 10 + index * 5 + month, 'completed', index % 2 ? 'web' : HOSTILE_CHANNEL]);
    }
  });
  // The fixture file itself is written raw (the payloads must reach the workspace as they are).
  return Papa.unparse({ fields: ['order_id', 'customer_id', 'created_at', 'total', 'status', 'channel'], data: rows });
}

let dir: string;
let workspace: string;
let output = '';

async function run(args: string[]): Promise<string[][]> {
  output = '';
  await main(['-w', workspace, '--threads', '1', ...args]);
  return Papa.parse<string[]>(output, { skipEmptyLines: true }).data;
}

/** Every cell of a printed table that holds one of the payloads, as the spreadsheet would see it. */
function cellsWithPayloads(rows: string[][], payloads: readonly string[]): string[] {
  return rows.flat().filter((cell) => payloads.some((payload) => cell.includes(payload)));
}

describe('CLI CSV output with hostile text in the data', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-csv-'));
    workspace = join(dir, 'w.duckdb');
    const orders = join(dir, 'orders.csv');
    writeFileSync(orders, ordersCsv());
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    });
    await run(['import', orders, '--kind', 'orders']);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectNeutralisedIds = (rows: string[][], column: string) => {
    const index = rows[0]!.indexOf(column);
    expect(index, `${column} in ${rows[0]!.join(',')}`).toBeGreaterThanOrEqual(0);
    const ids = rows.slice(1).map((row) => row[index]!);
    expect(ids).toEqual(expect.arrayContaining(HOSTILE_IDS.map(neutralised)));
    expect(ids.filter((id) => /^[=+\-@]/.test(id))).toEqual([]);
  };

  it('clv --at-risk (README redirects it to a .csv file)', async () => {
    const rows = await run(['clv', '--at-risk', '100']);
    expectNeutralisedIds(rows, 'customer_id');
    // Numbers stay numbers: the value at risk is a plain numeric field.
    const risk = rows.slice(1).map((row) => row[rows[0]!.indexOf('value_at_risk')]!);
    expect(risk.every((value) => Number.isFinite(Number(value)))).toBe(true);
  });

  it('clv --csv and customers --csv (RFM and shopper types)', async () => {
    expectNeutralisedIds(await run(['clv', '--csv']), 'customer_id');
    expectNeutralisedIds(await run(['customers', '--scheme', 'rfm', '--csv']), 'customer_id');
    expectNeutralisedIds(await run(['customers', '--scheme', 'shopper', '--csv']), 'customer_id');
  });

  it('members --csv', async () => {
    const rows = await run(['members', '--cohort', '2024-01-01', '--k', '0', '--csv']);
    expectNeutralisedIds(rows, 'customer_id');
    expect(rows).toHaveLength(1 + HOSTILE_IDS.length + PLAIN_IDS.length);
  });

  it('retention --segment channel --csv neutralises a hostile segment value', async () => {
    const rows = await run(['retention', '--segment', 'channel', '--csv']);
    expect(rows[0]).toEqual(['segment', 'cohort', 'k', 'cohort_size', 'value', 'rate', 'partial']);
    const segments = new Set(rows.slice(1).map((row) => row[0]));
    expect(segments).toEqual(new Set([neutralised(HOSTILE_CHANNEL), 'web']));
    expect(cellsWithPayloads(rows, [HOSTILE_CHANNEL]).every((cell) => cell === neutralised(HOSTILE_CHANNEL))).toBe(true);
  });

  it('prints exactly what the shared writer writes', async () => {
    await run(['members', '--cohort', '2024-01-01', '--k', '0', '--csv']);
    const rows = Papa.parse<string[]>(output, { skipEmptyLines: true }).data;
    // Re-writing the parsed cells (already neutralised, so unchanged) gives the same bytes back.
    expect(csvText(rows[0]!, rows.slice(1).map((row) => row.map((cell) => (cell !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell))))).toBe(output);
  });
});
