// Hand-made hostile files: each either imports with its bad rows in rejects, or fails with a coded error naming the file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { FIXTURES, openHarness, type Harness } from './harness.ts';

const fixture = (name: string) => join(FIXTURES, name);

async function failure(promise: Promise<unknown>): Promise<CoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CoreError);
  return error as CoreError;
}

describe('hostile files', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('ragged rows: the short and the long row go to rejects with their lines, the rest loads, and later rejects keep their own lines', async () => {
    // ragged.csv: line 3 has 3 fields (amount missing), line 4 has 5; the header has 4. Line 7 has no date, line 8 no number:
    // the re-read that numbers them skips the ragged lines, which must not shift their numbers.
    const result = await h.client().importFiles({ kind: 'orders', files: [fixture('ragged.csv')] });
    expect(result).toMatchObject({ rowsRead: 8, rowsLoaded: 4, rowsRejected: 4, orders: 4 });
    expect(result.rejectsSample.map((reject) => [reject.line, reject.column, reject.reason.split(':')[0]])).toEqual([
      [3, 'amount', 'missing columns'],
      [4, null, 'too many columns'],
      [7, 'date', 'not a date'],
      [8, 'amount', 'not a number'],
    ]);
  });

  it('a quote left open, in a file that quotes nothing else, is an unreadable value of its own row', async () => {
    // open_quote.csv: line 3 has "2024-01-02 with no closing quote; the sniffer reads the file unquoted.
    const result = await h.client().importFiles({ kind: 'orders', files: [fixture('open_quote.csv')] });
    expect(result).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1 });
    expect(result.rejectsSample).toEqual([{ file: fixture('open_quote.csv'), line: 3, column: 'date', raw: '"2024-01-02', reason: 'not a date' }]);
  });

  it('a quote left open in a quoted file swallows the rest into one reject at its line; rows before it load', async () => {
    // open_quote_quoted.csv: line 2 quotes properly, line 3 opens a quote that never closes (lines 3-5 become one record).
    const result = await h.client().importFiles({ kind: 'orders', files: [fixture('open_quote_quoted.csv')] });
    expect(result).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(result.rejectsSample[0]?.line).toBe(3);
    expect(result.rejectsSample[0]?.reason).toMatch(/^unquoted value: /);
  });

  it('mixed line ends (CRLF and LF in one file) load: the sample shows both, so the file is read with the tolerant parser', async () => {
    const result = await h.client().importFiles({ kind: 'orders', files: [fixture('mixed_line_ends.csv')] });
    expect(result).toMatchObject({ rowsRead: 4, rowsLoaded: 4, rowsRejected: 0 });
    expect(await h.sql('SELECT order_id, amount FROM orders ORDER BY order_id')).toEqual([
      { order_id: '1', amount: 10 },
      { order_id: '2', amount: 20 },
      { order_id: '3', amount: 30 },
      { order_id: '4', amount: 40 },
    ]);
  });

  it('a binary file fails with E_FILE naming it', async () => {
    const error = await failure(h.client().importFiles({ kind: 'orders', files: [fixture('binary.csv')] }));
    expect(error.code).toBe('E_FILE');
    expect(error.message).toContain('binary.csv');
    expect(error.message).toContain('binary');
  });

  it('an empty file fails with E_FILE, a header without rows with E_NO_DATA', async () => {
    const empty = await failure(h.client().importFiles({ kind: 'orders', files: [fixture('empty.csv')] }));
    expect(empty.code).toBe('E_FILE');
    expect(empty.message).toMatch(/empty\.csv: the file is empty/);
    const headersOnly = await failure(h.client().importFiles({ kind: 'orders', files: [fixture('headers_only.csv')] }));
    expect(headersOnly.code).toBe('E_NO_DATA');
    expect(headersOnly.message).toContain('headers_only.csv');
  });

  it('duplicate headers are told apart (amount, amount_1) and the first one is mapped', async () => {
    const preview = await h.client().previewImport({ kind: 'orders', files: [fixture('duplicate_headers.csv')] });
    expect(preview.headers).toEqual(['order_id', 'customer_id', 'date', 'amount', 'amount_1']);
    const result = await h.client().importFiles({ kind: 'orders', files: [fixture('duplicate_headers.csv')] });
    expect(result.mapping.amount).toBe('amount');
    expect(await h.sql('SELECT order_id, amount FROM orders ORDER BY order_id')).toEqual([
      { order_id: '1', amount: 10 },
      { order_id: '2', amount: 20 },
    ]);
  });

  it('formula-looking cells stay plain text', async () => {
    await h.client().importFiles({ kind: 'tickets', files: [fixture('formula.csv')] });
    expect(await h.sql('SELECT ticket_id, subject, body FROM tickets ORDER BY ticket_id')).toEqual([
      { ticket_id: 'T1', subject: "=cmd|' /C calc'!A0", body: '=HYPERLINK("http://evil.example","click")' },
      { ticket_id: 'T2', subject: '+SUM(A1:A9)', body: '@foo -bar' },
    ]);
  });

  it('a 10 MB single field loads whole (the line limit is raised and the read retried)', async () => {
    const file = join(h.dir, 'big_field.csv');
    writeFileSync(file, `ticket_id,customer_id,body\nT1,c1,"${'x'.repeat(10_000_000)}"\nT2,c2,short\n`);
    const result = await h.client().importFiles({ kind: 'tickets', files: [file] });
    expect(result).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
    expect(await h.sql('SELECT ticket_id, length(body) AS length FROM tickets ORDER BY ticket_id')).toEqual([
      { ticket_id: 'T1', length: 10_000_000 },
      { ticket_id: 'T2', length: 5 },
    ]);
  });

  it('names the candidates when a required column is missing', async () => {
    const file = join(h.dir, 'no_customer.csv');
    writeFileSync(file, 'order_id,buyer_name,date,amount\n1,Ann,2024-01-01,5\n');
    const error = await failure(h.client().importFiles({ kind: 'orders', files: [file] }));
    expect(error.code).toBe('E_MAPPING');
    expect(error.message).toContain('no column for customer_id (candidates: buyer_name');
    expect(error.details?.missing).toEqual(['customer_id']);
  });
});
