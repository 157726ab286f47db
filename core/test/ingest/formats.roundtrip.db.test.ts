// One generated export, written every way an export is written, must load to the same orders, exactly.
//
// Encodings (UTF-8 with and without BOM, UTF-16 both byte orders, GB18030, Big5), line ends (LF,
// CRLF, CR), quoting (as needed, everything), and sizes past each threshold of the import path:
// the 64 KiB probe sample, DuckDB's 20,480-row sniff sample, the 1 MiB chunks the decoders cut,
// and the size from which GBK/GB18030/Big5 is decoded in parallel parts (lowered through
// `limits.partBytes` for the mid-size files, at its 32 MiB default for the large one).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodingName, ImportLimits } from '../../src/api/workspace.ts';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.ts';
import { SAMPLE_BYTES } from '../../src/ingest/probe.ts';
import { expectedOrders, generateExport, writeExport, type ExportEncoding, type ExportRow, type ExportStyle, type LineEnd } from './formatsExport.ts';
import { openHarness, type Harness } from './harness.ts';

const ENCODINGS: ExportEncoding[] = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'gb18030', 'big5'];
const LINE_ENDS: [string, LineEnd][] = [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CR', '\r'],
];
/** What the import reports for each: Big5 is only ever read when named (detection would say GB18030). */
const REPORTED: Record<ExportEncoding, EncodingName> = { 'utf-8': 'utf-8', 'utf-8-bom': 'utf-8', 'utf-16le': 'utf-16le', 'utf-16be': 'utf-16be', gb18030: 'gb18030', big5: 'big5' };

describe('one export written every way loads the same orders', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h.close());

  const ordersSql = "SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M:%S') AS at, round(amount * 100)::INTEGER AS cents FROM orders ORDER BY order_id";
  const summarySql = `SELECT count(*)::INTEGER AS orders, count(DISTINCT customer_id)::INTEGER AS customers, sum(round(amount * 100))::BIGINT AS cents,
    sum(hash(order_id, customer_id, ordered_at, round(amount * 100)::BIGINT))::VARCHAR AS digest FROM orders`;

  async function load(name: string, rows: readonly ExportRow[], style: ExportStyle, limits?: ImportLimits) {
    const file = join(h.dir, name);
    writeFileSync(file, writeExport(rows, style));
    const result = await h.client().importFiles({
      kind: 'orders',
      files: [file],
      mode: 'replace',
      ...(style.encoding === 'big5' ? { encoding: 'big5' as const } : {}),
      ...(limits ? { limits } : {}),
    });
    expect(result, name).toMatchObject({ rowsRead: rows.length, rowsLoaded: rows.length, rowsRejected: 0, orders: rows.length, encoding: REPORTED[style.encoding] });
    return result;
  }

  it('small (the whole file inside the probe sample): 6 encodings x 3 line ends x 2 quoting styles, row for row', async () => {
    const rows = generateExport(120, 1);
    const expected = expectedOrders(rows);
    for (const encoding of ENCODINGS) {
      for (const [eolName, eol] of LINE_ENDS) {
        for (const quoteAll of [false, true]) {
          const name = `small_${encoding}_${eolName}_${quoteAll ? 'all' : 'minimal'}.csv`;
          await load(name, rows, { encoding, eol, quoteAll });
          expect(await h.sql(ordersSql), name).toEqual(expected);
        }
      }
    }
  });

  it('mid-size, decoded in parts (partBytes lowered): past the probe sample, the sniff sample and the decoder chunks, quotes only after the head', async () => {
    // 25,000 rows: over 20,480 sniffed rows and 2 MB; the first 3,000 notes are plain, so the sniffed head has no quote.
    const rows = generateExport(25_000, 2, 3_000);
    const expected = expectedOrders(rows);
    const cases: [ExportEncoding, LineEnd, boolean][] = [
      ['gb18030', '\r\n', false],
      ['gb18030', '\n', true],
      ['gb18030', '\r', false],
      ['big5', '\r\n', false],
      ['big5', '\n', true],
      ['utf-8', '\r\n', false],
      ['utf-16le', '\r\n', false],
    ];
    for (const [encoding, eol, quoteAll] of cases) {
      const name = `mid_${encoding}_${JSON.stringify(eol)}_${quoteAll}.csv`;
      const bytes = writeExport(rows, { encoding, eol, quoteAll });
      expect(bytes.length).toBeGreaterThan(16 * SAMPLE_BYTES);
      await load(name, rows, { encoding, eol, quoteAll }, { partBytes: 256 * 1024 });
      const loaded = await h.sql(ordersSql);
      expect(loaded.length, name).toBe(expected.length);
      expect(loaded, name).toEqual(expected);
    }
  });

  it('a record whose quoted note spans many lines across the middle of the file, where parts are cut, loads whole', async () => {
    const rows = generateExport(6_000, 3, 6_000);
    const middle = rows[3_000] as ExportRow;
    // About 160 KB of note in 4,000 lines: every cut point of 2 or 4 parts near the middle lands inside it.
    middle.note = Array.from({ length: 4_000 }, (_, index) => `說明第${index}行, "引文" 與逗號`).join('\n');
    await load('spanning_gb18030.csv', rows, { encoding: 'gb18030', eol: '\r\n', quoteAll: false }, { partBytes: 64 * 1024 });
    expect(await h.sql(ordersSql)).toEqual(expectedOrders(rows));
  });

  it('a 3 MB note in a file decoded in parts: longer than a decoder chunk and than DuckDB first allows a line', async () => {
    const rows = generateExport(4_000, 5, 4_000);
    (rows[2_500] as ExportRow).note = `長${'文'.repeat(1_000_000)}, "尾"`;
    await load('long_note_gb18030.csv', rows, { encoding: 'gb18030', eol: '\r\n', quoteAll: false }, { partBytes: 64 * 1024 });
    expect(await h.sql(ordersSql)).toEqual(expectedOrders(rows));
  });

  it(`large, past the default part size (${DEFAULT_LIMITS.partBytes / 1024 / 1024} MiB): GB18030 with CRLF and doubled quotes loads what its UTF-8 twin loads`, async () => {
    // The shape of the reported file: Python's csv module (quotes as needed, CRLF), GB18030, over 32 MiB.
    const rows = generateExport(520_000, 4, 2_000);
    const gb = writeExport(rows, { encoding: 'gb18030', eol: '\r\n', quoteAll: false });
    expect(gb.length).toBeGreaterThan(DEFAULT_LIMITS.partBytes);
    await load('large_gb18030.csv', rows, { encoding: 'gb18030', eol: '\r\n', quoteAll: false });
    const fromGb = await h.sql(summarySql);
    const expectedCents = rows.reduce((sum, row) => sum + row.cents, 0);
    expect(fromGb[0]).toMatchObject({ orders: 520_000, customers: 10, cents: expectedCents });
    await load('large_utf8.csv', rows, { encoding: 'utf-8', eol: '\n', quoteAll: false });
    expect(await h.sql(summarySql)).toEqual(fromGb);
  }, 300_000);
});
