// A file of an import that copies another (a cut of the export beside the export) is left out with
// an alert naming both files and the ids they share, so no row is counted twice; files that only
// overlap at their edges both load, and the import says how many ids they share.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.ts';
import { SHARED_DATA } from '../helpers/core.ts';

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
/** Line-level rows: invoice i has two lines of 1 x 10.00 and 2 x 5.00 (20.00 an invoice), customer C(i mod 3). */
function lines(first: number, last: number): string[] {
  const rows: string[] = [];
  for (let invoice = first; invoice <= last; invoice++) {
    const day = `2024-01-${String(invoice).padStart(2, '0')} 10:00:00`;
    rows.push(`${invoice},A,Mug,1,${day},10.00,C${invoice % 3},UK`, `${invoice},B,Plate,2,${day},5.00,C${invoice % 3},UK`);
  }
  return rows;
}
const csv = (rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

describe('files that copy another file of the same import', () => {
  let h: Harness;
  let folder: string;
  beforeEach(async () => {
    h = await openHarness();
    folder = join(h.dir, 'export');
    mkdirSync(folder);
  });
  afterEach(async () => h.close());

  it('a cut of the export beside it is skipped with an alert; the orders are those of the export alone', async () => {
    // full.csv: invoices 1-20; a_first5.csv (sorted first, so the mapping is first decided on it): its first 5 invoices, 10 lines.
    writeFileSync(join(folder, 'full.csv'), csv(lines(1, 20)));
    writeFileSync(join(folder, 'a_first5.csv'), csv(lines(1, 5)));
    // The preview says so before anything loads.
    const preview = await h.client().previewImport({ kind: 'orders', files: [folder] });
    expect(preview.files).toEqual([join(folder, 'full.csv')]);
    expect(preview.alerts.map((alert) => alert.code)).toEqual(['duplicate_file']);
    const result = await h.client().importFiles({ kind: 'orders', files: [folder] });
    expect(result.files).toEqual([join(folder, 'full.csv')]);
    expect(result).toMatchObject({ rowsRead: 40, rowsLoaded: 40, orders: 20, lineLevel: true });
    expect(result.alerts).toEqual([
      {
        code: 'duplicate_file',
        count: 5,
        share: 1,
        files: ['a_first5.csv', 'full.csv'],
        message: `${join(folder, 'a_first5.csv')} was skipped: 5 of its 5 order ids (100.0%) are also in ${join(folder, 'full.csv')}, so it repeats that file and its rows would be counted twice; import it on its own if it is not a copy`,
      },
    ]);
    // 20 invoices of 20.00, each line once: the cut's 10 lines were not added to invoices 1-5.
    expect(await h.sql('SELECT count(*)::INTEGER AS orders, sum(amount) AS amount, (SELECT count(*)::INTEGER FROM order_lines) AS lines, (SELECT count(*)::INTEGER FROM sources) AS sources FROM orders')).toEqual([
      { orders: 20, amount: 400, lines: 40, sources: 1 },
    ]);
  }, 60_000);

  it('of two files with the same ids, the smaller one is the copy, whichever comes first', async () => {
    // a_mugs.csv: invoices 1-5 with their first line only (a cut by lines); b_full.csv: both lines of each.
    writeFileSync(join(folder, 'a_mugs.csv'), csv(lines(1, 5).filter((_, index) => index % 2 === 0)));
    writeFileSync(join(folder, 'b_full.csv'), csv(lines(1, 5)));
    const result = await h.client().importFiles({ kind: 'orders', files: [folder] });
    expect(result.files).toEqual([join(folder, 'b_full.csv')]);
    expect(result.alerts.map((alert) => [alert.code, alert.count])).toEqual([['duplicate_file', 5]]);
    expect(await h.sql('SELECT count(*)::INTEGER AS orders, sum(amount) AS amount FROM orders')).toEqual([{ orders: 5, amount: 100 }]);
  }, 60_000);

  it('two copies of one export: the later is skipped; exports that share a few orders at their edges both load', async () => {
    writeFileSync(join(folder, 'jan.csv'), csv(lines(1, 12)));
    writeFileSync(join(folder, 'jan_again.csv'), csv(lines(1, 12)));
    // feb shares invoices 11 and 12 with jan (2 of its 10 ids, 20%): an overlap, not a copy
    writeFileSync(join(folder, 'feb.csv'), csv(lines(11, 20)));
    const result = await h.client().importFiles({ kind: 'orders', files: [join(folder, 'jan.csv'), join(folder, 'jan_again.csv'), join(folder, 'feb.csv')] });
    expect(result.files).toEqual([join(folder, 'jan.csv'), join(folder, 'feb.csv')]);
    expect(result.alerts.map((alert) => [alert.code, alert.count, alert.share])).toEqual([
      ['duplicate_file', 12, 1],
      ['shared_ids', 2, undefined],
    ]);
    expect(result.alerts[0]?.message).toMatch(/jan_again\.csv was skipped: 12 of its 12 order ids \(100\.0%\) are also in .*jan\.csv,/);
    expect(result.alerts[1]?.message).toBe(
      `2 order ids are in more than one file of this import (${join(folder, 'jan.csv')} and ${join(folder, 'feb.csv')}: 2): each such order gets the lines of every file that has it, so lines exported in two files count twice`,
    );
    // 20 invoices; 11 and 12 hold the lines of both files (4 lines, 40.00), as the alert says
    expect(result.orders).toBe(20);
    expect(await h.sql('SELECT sum(amount) AS amount FROM orders')).toEqual([{ amount: 440 }]);
  }, 60_000);
});

describe('the UCI Online Retail folder in one import', () => {
  const folder = join(SHARED_DATA, 'uci_online_retail');
  const present = existsSync(folder);
  if (!present) console.warn(`skipping the UCI folder import: ${folder} is absent`);
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it.skipIf(!present)('skips online_retail_first1000.csv, a cut of part 1, and loads the three parts as they load alone', async () => {
    // 66 distinct InvoiceNo in the first 1,000 lines, all of them in part 1 (6,877), by python3:
    //   a = set(r['InvoiceNo'] for r in csv.DictReader(open('online_retail_first1000.csv')))
    //   b = set(r['InvoiceNo'] for r in csv.DictReader(gzip.open('online_retail_part1_2010-12_to_2011-03.csv.gz', 'rt')))
    //   print(len(a), len(a & b), len(b))  ->  66 66 6877
    const result = await h.client().importFiles({ kind: 'orders', files: [folder] });
    expect(result.files.map((file) => file.split('/').pop())).toEqual([
      'online_retail_part1_2010-12_to_2011-03.csv.gz',
      'online_retail_part2_2011-04_to_2011-07.csv.gz',
      'online_retail_part3_2011-08_to_2011-12.csv.gz',
    ]);
    const copy = result.alerts.find((alert) => alert.code === 'duplicate_file');
    expect(copy).toMatchObject({ count: 66, share: 1 });
    expect(copy?.message).toMatch(/online_retail_first1000\.csv was skipped: 66 of its 66 order ids \(100\.0%\) are also in .*online_retail_part1_2010-12_to_2011-03\.csv\.gz/);
    // The figures realData.db.test.ts checks for the three parts imported alone (and pandas agrees with).
    expect(result).toMatchObject({ rowsRead: 541_909, rowsLoaded: 406_829, orders: 18_536, customers: 4_339 });
  }, 300_000);
});
