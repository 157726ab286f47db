// The same small export in every format and encoding the import reads: each must load to the same orders.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeSyntheticOrders } from '../bench/synthetic.ts';
import { openHarness, type Harness } from './harness.ts';

// Three orders with Chinese text, so a wrong decode shows; amounts and dates as hand-written.
const HEADER = ['订单编号', '买家会员名', '订单创建时间', '买家实际支付金额', '收货地址'];
const ROWS = [
  ['0001', '张三', '2024-01-05 10:00:00', '12.50', '上海'],
  ['0002', '李四', '2024-01-06 11:30:00', '8.00', '北京'],
  ['0003', '张三', '2024-02-01 09:15:00', '30.25', '广东'],
];
const EXPECTED = [
  { order_id: '0001', customer_id: '张三', at: '2024-01-05 10:00:00', amount: 12.5, region: '上海' },
  { order_id: '0002', customer_id: '李四', at: '2024-01-06 11:30:00', amount: 8, region: '北京' },
  { order_id: '0003', customer_id: '张三', at: '2024-02-01 09:15:00', amount: 30.25, region: '广东' },
];
const csv = (delimiter: string) => `${[HEADER, ...ROWS].map((row) => row.join(delimiter)).join('\r\n')}\r\n`;

describe('formats and encodings', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  async function importsAsExpected(file: string, options: { sheet?: string } = {}): Promise<{ format: string; encoding: string }> {
    const result = await h.client().importFiles({ kind: 'orders', files: [file], mode: 'replace', ...options });
    expect(result).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0, orders: 3, customers: 2 });
    const rows = await h.sql("SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M:%S') AS at, amount, region FROM orders ORDER BY order_id");
    expect(rows).toEqual(EXPECTED);
    // The digest is of the bytes on disk, whatever was decompressed or decoded to read them.
    expect(await h.sql('SELECT sha256 FROM sources')).toEqual([{ sha256: createHash('sha256').update(readFileSync(file)).digest('hex') }]);
    return { format: result.format, encoding: result.encoding };
  }

  it('reads CSV, TSV, semicolon TXT and gzip CSV', async () => {
    const files: [string, string | Buffer][] = [
      ['orders.csv', csv(',')],
      ['orders.tsv', csv('\t')],
      ['orders.txt', csv(';')],
      ['orders.csv.gz', gzipSync(Buffer.from(csv(',')))],
    ];
    for (const [name, content] of files) {
      writeFileSync(join(h.dir, name), content);
      expect(await importsAsExpected(join(h.dir, name))).toEqual({ format: 'csv', encoding: 'utf-8' });
    }
  });

  it('detects UTF-8 with a BOM, UTF-16 (both byte orders) and GBK', async () => {
    const text = csv(',');
    const cases: [string, Buffer, string][] = [
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
      ['utf16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]), 'utf-16le'],
      ['utf16be.csv', iconv.encode(text, 'utf-16be'), 'utf-16be'],
      ['gbk.csv', iconv.encode(text, 'gbk'), 'gb18030'],
    ];
    for (const [name, bytes, encoding] of cases) {
      writeFileSync(join(h.dir, name), bytes);
      expect(await importsAsExpected(join(h.dir, name))).toEqual({ format: 'csv', encoding });
    }
  });

  it('previews a GBK export larger than the 4 MiB preview head: encoding, profile, headers, first rows', async () => {
    const file = join(h.dir, 'large_gbk.csv');
    const body = Array.from({ length: 150_000 }, (_, index) => `${String(index).padStart(6, '0')},买家${index % 997},2024-01-05 10:00:00,1.00,上海`).join('\r\n');
    writeFileSync(file, iconv.encode(`${HEADER.join(',')}\r\n${body}\r\n`, 'gbk')); // about 6 MB, over the 4 MiB preview head
    const preview = await h.client().previewImport({ kind: 'orders', files: [file] });
    expect(preview).toMatchObject({ encoding: 'gb18030', profile: 'taobao_tmall', headers: HEADER, missingRequired: [] });
    expect(preview.rows[1]).toEqual(['000001', '买家1', '2024-01-05 10:00:00', '1.00', '上海']);
  });

  it('decodes a large GBK export in parallel parts and loads what the UTF-8 file loads', async () => {
    // Over the 32 MiB at which GBK is decoded by worker threads into several part files.
    const utf8 = join(h.dir, 'big_utf8.csv');
    const gbk = join(h.dir, 'big_gbk.csv');
    await writeSyntheticOrders(utf8, { rows: 330_000, seed: 11 });
    await writeSyntheticOrders(gbk, { rows: 330_000, seed: 11, encoding: 'gbk' });
    expect(statSync(gbk).size).toBeGreaterThan(32 * 1024 * 1024);
    const summary = `SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers, round(sum(amount), 2) AS amount, min(ordered_at)::VARCHAR AS first,
      max(ordered_at)::VARCHAR AS last, count(*) FILTER (WHERE status = 'pending') AS pending, string_agg(DISTINCT region, ',' ORDER BY region) AS regions FROM orders`;
    const fromGbk = await h.client().importFiles({ kind: 'orders', files: [gbk] });
    expect(fromGbk).toMatchObject({ encoding: 'gb18030', rowsRead: 330_000, rowsLoaded: 330_000, rowsRejected: 0 });
    const gbkSummary = await h.sql(summary);
    await h.client().importFiles({ kind: 'orders', files: [utf8], mode: 'replace' });
    expect(gbkSummary).toEqual(await h.sql(summary));
    // Rejects in the last part carry the original file's line numbers, not their line within the part.
    appendFileSync(gbk, iconv.encode('X1,C1\nY1,C1,不是日期,,1.00,0.00,completed,app,北京,服装,1\n', 'gbk'));
    const withRejects = await h.client().importFiles({ kind: 'orders', files: [gbk], mode: 'replace' });
    expect(withRejects.rejectsSample.map((reject) => [reject.line, reject.column, reject.reason.split(':')[0]])).toEqual([
      [330_002, 'created_at', 'missing columns'],
      [330_003, 'created_at', 'not a date'],
    ]);
  });

  it('reads Big5 (traditional Chinese) when the user names it: detection would read it as GB18030', async () => {
    const file = join(h.dir, 'big5.csv');
    writeFileSync(file, iconv.encode('order_id,customer_id,date,amount,region\r\nA1,張三,2024-01-05,12.5,臺北\r\nA2,陳四,2024-01-06,8,高雄\r\n', 'big5'));
    const result = await h.client().importFiles({ kind: 'orders', files: [file], encoding: 'big5' });
    expect(result).toMatchObject({ encoding: 'big5', rowsLoaded: 2 });
    expect(await h.sql('SELECT customer_id, region FROM orders ORDER BY order_id')).toEqual([
      { customer_id: '張三', region: '臺北' },
      { customer_id: '陳四', region: '高雄' },
    ]);
  });

  it('reads Parquet, JSON arrays and NDJSON', async () => {
    const json = ROWS.map((row) => Object.fromEntries(HEADER.map((header, index) => [header, row[index]])));
    writeFileSync(join(h.dir, 'orders.json'), JSON.stringify(json));
    writeFileSync(join(h.dir, 'orders.ndjson'), json.map((row) => JSON.stringify(row)).join('\n'));
    expect(await importsAsExpected(join(h.dir, 'orders.json'))).toEqual({ format: 'json', encoding: 'utf-8' });
    expect(await importsAsExpected(join(h.dir, 'orders.ndjson'))).toEqual({ format: 'json', encoding: 'utf-8' });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT * FROM read_json('${join(h.dir, 'orders.json')}')) TO '${join(h.dir, 'orders.parquet')}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    expect(await importsAsExpected(join(h.dir, 'orders.parquet'))).toEqual({ format: 'parquet', encoding: 'binary' });
  });

  it('reads the chosen sheet of an xlsx workbook, by name or number, with dates as dates', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('说明').addRow(['导出说明']);
    const sheet = workbook.addWorksheet('订单');
    sheet.addRow(HEADER);
    for (const row of ROWS) {
      const [id, buyer, at, amount, region] = row as [string, string, string, string, string];
      sheet.addRow([id, buyer, new Date(`${at.replace(' ', 'T')}Z`), Number(amount), region]);
    }
    const file = join(h.dir, 'orders.xlsx');
    await workbook.xlsx.writeFile(file);
    expect(await importsAsExpected(file, { sheet: '订单' })).toEqual({ format: 'xlsx', encoding: 'binary' });
    expect(await importsAsExpected(file, { sheet: '2' })).toEqual({ format: 'xlsx', encoding: 'binary' });
    const preview = await h.client().previewImport({ kind: 'orders', files: [file], sheet: '订单' });
    expect(preview.sheets).toEqual(['说明', '订单']);
  });
});
