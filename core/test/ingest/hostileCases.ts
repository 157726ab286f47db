// Generated hostile inputs: each case writes its files and states the one right outcome, a coded error at a place or the exact rows.
//
// Bomb-like cases are made just past small limits set through the request (`limits`), so each
// stays a few MB; a few run at the default limits to show those hold too.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { ErrorCode } from '../../src/api/errors.ts';
import type { EncodingName, ImportLimits } from '../../src/api/workspace.ts';

/** An order as the orders table holds it: id, customer, day, amount. */
export type OrderRow = [string, string, string, number];

export interface ExpectedError {
  code: ErrorCode;
  /** The file the error names (its basename), when it names one. */
  file?: string;
  line?: number;
  column?: string;
  /** The limit that was exceeded (details.limit). */
  limit?: keyof ImportLimits;
  /** A phrase the message must contain. */
  says?: string;
}

export interface HostileCase {
  name: string;
  /** Writes the case's files under `dir`; returns the paths to import. */
  write(dir: string): Promise<string[]> | string[];
  encoding?: EncodingName;
  sheet?: string;
  limits?: ImportLimits;
  expect: { error: ExpectedError } | { rows: OrderRow[]; rejected?: number; firstReject?: { line: number; column: string | null }; warning?: string; encoding?: string };
}

const HEADER = 'order_id,customer_id,date,amount';
const ROWS: OrderRow[] = [
  ['A1', '张三', '2024-01-05', 12.5],
  ['A2', 'Zoë', '2024-01-06', 8],
  ['A3', '张三', '2024-02-01', 30.25],
];
const LATIN_ROWS: OrderRow[] = [
  ['L1', 'Müller', '2024-03-01', 1.5],
  ['L2', 'José', '2024-03-02', 2],
  ['L3', 'François', '2024-03-03', 3.75],
];
const TRADITIONAL_ROWS: OrderRow[] = [
  ['B1', '張三', '2024-04-01', 10],
  ['B2', '陳四', '2024-04-02', 20],
  ['B3', '黃小明', '2024-04-03', 30],
];

const line = (row: OrderRow) => row.join(',');
const csv = (rows: readonly OrderRow[], eol = '\n', header = HEADER) => `${[header, ...rows.map(line)].join(eol)}${eol}`;
/** Writes one file and returns its path in a list, for `write`. */
const file = (name: string, content: string | Buffer) => (dir: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return [path];
};
const rowsOf = (count: number, prefix = 'R'): OrderRow[] =>
  Array.from({ length: count }, (_, index) => [`${prefix}${index + 1}`, `c${index % 7}`, `2024-01-${String((index % 28) + 1).padStart(2, '0')}`, index + 0.5]);

function encodingCases(): HostileCase[] {
  const eols: [string, string][] = [
    ['lf', '\n'],
    ['crlf', '\r\n'],
    ['cr', '\r'],
  ];
  const writers: [string, OrderRow[], (text: string) => Buffer, EncodingName | undefined, string][] = [
    ['utf8', ROWS, (text) => Buffer.from(text), undefined, 'utf-8'],
    ['utf8bom', ROWS, (text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), undefined, 'utf-8'],
    ['utf16le', ROWS, (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]), undefined, 'utf-16le'],
    ['utf16be', ROWS, (text) => iconv.encode(text, 'utf-16be', { addBOM: true }), undefined, 'utf-16be'],
    ['utf16le_nobom', ROWS, (text) => iconv.encode(text, 'utf-16le'), undefined, 'utf-16le'],
    ['utf16be_nobom', ROWS, (text) => iconv.encode(text, 'utf-16be'), undefined, 'utf-16be'],
    ['gb18030', ROWS, (text) => iconv.encode(text, 'gb18030'), undefined, 'gb18030'],
    ['gbk_traditional', TRADITIONAL_ROWS, (text) => iconv.encode(text, 'gbk'), undefined, 'gb18030'],
    ['big5_named', TRADITIONAL_ROWS, (text) => iconv.encode(text, 'big5'), 'big5', 'big5'],
    ['cp1252', LATIN_ROWS, (text) => iconv.encode(text, 'windows-1252'), undefined, 'windows-1252'],
    ['latin_utf8', LATIN_ROWS, (text) => Buffer.from(text), undefined, 'utf-8'],
  ];
  const cases: HostileCase[] = [];
  for (const [name, rows, encode, encoding, reported] of writers) {
    for (const [eolName, eol] of eols) {
      for (const quoted of [false, true]) {
        // Quoting every field, as Excel's "CSV (all quoted)" does.
        const text = quoted
          ? `${[HEADER.split(','), ...rows.map((row) => row.map(String))].map((fields) => fields.map((value) => `"${value}"`).join(',')).join(eol)}${eol}`
          : csv(rows, eol);
        const warning = reported === 'windows-1252' ? 'read as Windows-1252' : reported === 'gb18030' ? 'read as GB18030' : undefined;
        cases.push({
          name: `encoding ${name} ${eolName}${quoted ? ' quoted' : ''}`,
          write: file(`enc_${name}_${eolName}${quoted ? '_q' : ''}.csv`, encode(text)),
          ...(encoding ? { encoding } : {}),
          expect: { rows, encoding: reported, ...(warning ? { warning } : {}) },
        });
      }
    }
  }
  return cases;
}

function damagedUtf8Cases(): HostileCase[] {
  // Mostly UTF-8 (Chinese names), one stray byte: refused at its line and column, not read as GB18030.
  const good = rowsOf(8).map((row, index) => (index % 2 ? [row[0], `张${index}`, row[2], row[3]] : row) as OrderRow);
  return [3, 6, 9].flatMap((badLine) =>
    (['customer_id', 'amount'] as const).map((column) => {
      const lines = csv(good).split('\n');
      const fields = (lines[badLine - 1] ?? '').split(',');
      const index = column === 'customer_id' ? 1 : 3;
      const bytes = Buffer.concat(
        lines.map((text, at) => {
          if (at !== badLine - 1) return Buffer.from(`${text}${at < lines.length - 1 ? '\n' : ''}`);
          const before = `${fields.slice(0, index).join(',')},`;
          return Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(`${fields.slice(index).join(',')}\n`)]);
        }),
      );
      return {
        name: `invalid UTF-8 byte on line ${badLine} in ${column}`,
        write: file(`bad_utf8_${badLine}_${column}.csv`, bytes),
        expect: { error: { code: 'E_ENCODING', file: `bad_utf8_${badLine}_${column}.csv`, line: badLine, column, says: '0xFF' } },
      } satisfies HostileCase;
    }),
  );
}

/** A bad byte past the probed head reaches DuckDB's reader: that row is rejected with its line and column, the rest load. */
function lateDamageCase(): HostileCase {
  const rows = rowsOf(5000).map(([id, , day, amount], index): OrderRow => [id, `张${index % 9}`, day, amount]);
  const bad = 4000; // data row 4000 is line 4001, well past the 64 KiB head
  const text = csv(rows);
  const at = Buffer.from(text.slice(0, text.indexOf(`\nR${bad},`) + `\nR${bad},`.length));
  const bytes = Buffer.concat([at, Buffer.from([0xff]), Buffer.from(text).subarray(at.length)]);
  return { name: 'invalid UTF-8 byte past the probed head', write: file('late_bad_utf8.csv', bytes), expect: { rows: rows.filter((_, index) => index !== bad - 1), rejected: 1, firstReject: { line: bad + 1, column: 'customer_id' } } };
}

function raggedCases(): HostileCase[] {
  const twenty = rowsOf(20);
  return [
    // The sniffer used to take the wider last row for the table and skip the twenty before it (E_NO_DATA).
    { name: 'last row all commas after 20 rows', write: file('trail_commas.csv', `${csv(twenty)},,,,,\n`), expect: { rows: twenty, rejected: 1, firstReject: { line: 22, column: 'order_id' } } },
    { name: 'last row with trailing commas after 20 rows', write: file('trail_commas2.csv', `${csv(twenty)}R21,c1,2024-02-01,3,,\n`), expect: { rows: [...twenty, ['R21', 'c1', '2024-02-01', 3]] } },
    { name: 'last row a lone comma run after 20 rows, no final newline', write: file('trail_commas3.csv', `${csv(twenty)},,,`), expect: { rows: twenty, rejected: 1 } },
    { name: 'a short row in the middle', write: file('short_row.csv', `${csv(twenty.slice(0, 10))}R99,c1\n${csv(twenty.slice(10), '\n', '').slice(1)}`), expect: { rows: twenty, rejected: 1 } },
    { name: 'a long row in the middle', write: file('long_row.csv', `${csv(twenty.slice(0, 10))}R99,c1,2024-01-01,1,extra,more\n${csv(twenty.slice(10), '\n', '').slice(1)}`), expect: { rows: twenty, rejected: 1 } },
    { name: 'blank lines between rows', write: file('blank_lines.csv', csv(twenty).replaceAll('\n', '\n\n')), expect: { rows: twenty } },
    // Every row rejected is a failed import that says why at the first row, not an empty success.
    {
      name: 'every row one field short of the header',
      write: file('all_short.csv', `${HEADER},extra\n${twenty.map(line).join('\n')}\n`),
      expect: { error: { code: 'E_VALUE', file: 'all_short.csv', says: 'line 2 column extra: missing columns' } },
    },
  ];
}

function quoteCases(): HostileCase[] {
  const header = 'order_id,customer_id,date,amount,note';
  const withNote = (note: string) => `${header}\nQ1,c1,2024-01-01,1,${note}\nQ2,c2,2024-01-02,2,plain\n`;
  const both: OrderRow[] = [
    ['Q1', 'c1', '2024-01-01', 1],
    ['Q2', 'c2', '2024-01-02', 2],
  ];
  const notes: [string, string][] = [
    ['doubled quotes', '"RECORD FRAME 7"" SINGLE SIZE"'],
    ['quoted comma', '"red, white"'],
    ['quoted LF', '"line one\nline two"'],
    ['quoted CRLF', '"line one\r\nline two"'],
    ['only a quote pair', '""'],
    ['quoted quotes only', '""""""'],
    ['backslash before quote', '"a \\"" b"'],
  ];
  return [
    ...notes.map(([name, note]): HostileCase => ({ name: `quotes: ${name}`, write: file(`quote_${name.replaceAll(' ', '_')}.csv`, withNote(note)), expect: { rows: both } })),
    // Quotes only after the sniffer's head: the head alone shows no quoting.
    {
      name: 'quotes: first quoted field after 3,000 plain rows',
      write: file('late_quotes.csv', `${header}\n${rowsOf(3000).map((row) => `${line(row)},plain`).join('\n')}\nQ1,c1,2024-01-01,1,"a, ""b"""\n`),
      expect: { rows: [...rowsOf(3000), ['Q1', 'c1', '2024-01-01', 1]] },
    },
  ];
}

function lineEndCases(): HostileCase[] {
  const rows = rowsOf(4);
  const mixes: [string, string[]][] = [
    ['crlf and lf', ['\r\n', '\n', '\r\n', '\n', '\n']],
    ['lf and cr', ['\n', '\r', '\n', '\r', '\n']],
    ['cr then crlf', ['\r', '\r', '\r\n', '\r\n', '\r\n']],
  ];
  return mixes.map(([name, ends]) => ({
    name: `mixed line ends: ${name}`,
    write: file(`mixed_${name.replaceAll(' ', '_')}.csv`, [HEADER, ...rows.map(line)].map((text, index) => `${text}${ends[index] ?? '\n'}`).join('')),
    expect: { rows },
  }));
}

function delimiterCases(): HostileCase[] {
  return ([['tab', '\t'], ['semicolon', ';'], ['pipe', '|']] as const).map(([name, delimiter]) => ({
    name: `delimiter: ${name}`,
    write: file(`delim_${name}.txt`, csv(ROWS).replaceAll(',', delimiter)),
    expect: { rows: ROWS },
  }));
}

function emptyAndBinaryCases(): HostileCase[] {
  const random = Buffer.alloc(4096);
  for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 256;
  const cases: [string, string | Buffer, ErrorCode, string][] = [
    ['empty.csv', '', 'E_FILE', 'empty'],
    ['bom_only.csv', Buffer.from([0xef, 0xbb, 0xbf]), 'E_FILE', 'empty'],
    ['newlines_only.csv', '\n\n\r\n\n', 'E_FILE', 'empty'],
    ['spaces_only.csv', '   \t  \n  ', 'E_FILE', 'empty'],
    ['header_only.csv', `${HEADER}\n`, 'E_NO_DATA', 'no data rows'],
    ['random.csv', random, 'E_FILE', 'binary'],
    ['png.csv', Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), random]), 'E_FILE', 'binary'],
    ['elf.csv', Buffer.concat([Buffer.from('7f454c46020101', 'hex'), random]), 'E_FILE', 'binary'],
    ['nul_in_text.csv', Buffer.concat([Buffer.from(`${HEADER}\nA1,c1,2024-01-01,`), Buffer.from([0, 0, 0]), Buffer.from('1\n')]), 'E_FILE', 'binary'],
    ['zip_named_csv.csv', Buffer.concat([Buffer.from('504b0304', 'hex'), random]), 'E_FORMAT', 'zip'],
    ['not_xlsx.xlsx', csv(ROWS), 'E_FORMAT', 'xlsx'],
    ['truncated.xlsx', Buffer.concat([Buffer.from('504b0304', 'hex'), random.subarray(0, 200)]), 'E_FORMAT', 'xlsx'],
    ['old.xls', 'whatever', 'E_FORMAT', '.xls'],
    ['bad.csv.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), random.subarray(0, 100)]), 'E_FORMAT', 'gzip'],
    ['truncated.csv.gz', gzipSync(Buffer.from(csv(rowsOf(2000)))).subarray(0, 2000), 'E_FORMAT', 'not a readable gzip file'],
  ];
  return cases.map(([name, content, code, says]) => ({ name: `file: ${name}`, write: file(name, content), expect: { error: { code, file: name, says } } }));
}

function linkAndFolderCases(): HostileCase[] {
  return [
    {
      name: 'link to a good file',
      write: (dir) => {
        writeFileSync(join(dir, 'target.csv'), csv(ROWS));
        symlinkSync(join(dir, 'target.csv'), join(dir, 'link.csv'));
        return [join(dir, 'link.csv')];
      },
      expect: { rows: ROWS },
    },
    {
      name: 'broken link',
      write: (dir) => {
        symlinkSync(join(dir, 'missing.csv'), join(dir, 'broken.csv'));
        return [join(dir, 'broken.csv')];
      },
      expect: { error: { code: 'E_NOT_FOUND', file: 'broken.csv' } },
    },
    {
      name: 'link loop',
      write: (dir) => {
        symlinkSync(join(dir, 'loop_b.csv'), join(dir, 'loop_a.csv'));
        symlinkSync(join(dir, 'loop_a.csv'), join(dir, 'loop_b.csv'));
        return [join(dir, 'loop_a.csv')];
      },
      expect: { error: { code: 'E_NOT_FOUND', file: 'loop_a.csv' } },
    },
    {
      name: 'link to /dev/zero (endless)',
      write: (dir) => {
        symlinkSync('/dev/zero', join(dir, 'zero.csv'));
        return [join(dir, 'zero.csv')];
      },
      expect: { error: { code: 'E_FILE', file: 'zero.csv', says: 'not a regular file' } },
    },
    {
      name: 'a named pipe (would block)',
      write: (dir) => {
        execFileSync('mkfifo', [join(dir, 'fifo.csv')]);
        return [join(dir, 'fifo.csv')];
      },
      expect: { error: { code: 'E_FILE', file: 'fifo.csv', says: 'not a regular file' } },
    },
    {
      name: 'folder of 60 files',
      write: (dir) => {
        const folder = join(dir, 'many');
        mkdirSync(folder);
        rowsOf(60).forEach((row, index) => writeFileSync(join(folder, `part${String(index).padStart(3, '0')}.csv`), csv([row])));
        return [folder];
      },
      expect: { rows: rowsOf(60) },
    },
    {
      name: 'folder past maxFiles',
      limits: { maxFiles: 10 },
      write: (dir) => {
        const folder = join(dir, 'too_many');
        mkdirSync(folder);
        rowsOf(11).forEach((row, index) => writeFileSync(join(folder, `part${String(index).padStart(3, '0')}.csv`), csv([row])));
        return [folder];
      },
      expect: { error: { code: 'E_FORMAT', file: 'too_many', limit: 'maxFiles' } },
    },
    {
      name: 'folder of hidden and unknown files only',
      write: (dir) => {
        const folder = join(dir, 'nothing');
        mkdirSync(folder);
        writeFileSync(join(folder, '.hidden.csv'), csv(ROWS));
        writeFileSync(join(folder, 'notes.docx'), 'x');
        return [folder];
      },
      expect: { error: { code: 'E_FILE', file: 'nothing', says: 'holds no' } },
    },
    {
      name: 'folder with a subfolder named like a csv',
      write: (dir) => {
        const folder = join(dir, 'with_sub');
        mkdirSync(join(folder, 'sub.csv'), { recursive: true });
        writeFileSync(join(folder, 'a.csv'), csv(ROWS));
        return [folder];
      },
      expect: { error: { code: 'E_FILE', file: 'sub.csv', says: 'not a regular file' } },
    },
    {
      name: 'folder whose files disagree on columns',
      write: (dir) => {
        const folder = join(dir, 'disagree');
        mkdirSync(folder);
        writeFileSync(join(folder, 'a.csv'), csv(ROWS));
        writeFileSync(join(folder, 'b.csv'), 'x,y\n1,2\n');
        return [folder];
      },
      expect: { error: { code: 'E_MAPPING', file: 'b.csv' } },
    },
  ];
}

/** 25,000 short rows, one whose note is 3,000,000 bytes, and one more. */
const lateLongLine = () => `${HEADER},note\n${rowsOf(25_000).map((row) => `${line(row)},n`).join('\n')}\nZ1,c1,2024-01-01,1,${'y'.repeat(3_000_000)}\nZ2,c2,2024-01-02,2,n\n`;

function lineAndColumnCases(): HostileCase[] {
  const small = { maxLineBytes: 4096 };
  const long = 'x'.repeat(5000);
  const wide = (count: number) => Array.from({ length: count }, (_, index) => `c${index}`).join(',');
  return [
    { name: 'long header line past maxLineBytes', limits: small, write: file('long_header.csv', `${HEADER},${long}\n${line(ROWS[0] as OrderRow)},x\n`), expect: { error: { code: 'E_FORMAT', file: 'long_header.csv', line: 1, limit: 'maxLineBytes' } } },
    { name: 'long line 3 past maxLineBytes', limits: small, write: file('long_line3.csv', `${HEADER},note\nA1,c1,2024-01-01,1,a\nA2,c2,2024-01-02,2,"${long}"\n`), expect: { error: { code: 'E_FORMAT', file: 'long_line3.csv', line: 3, limit: 'maxLineBytes' } } },
    {
      name: 'long line after the probe sample (plain UTF-8)',
      limits: { maxLineBytes: 100_000 },
      write: file('long_late.csv', `${HEADER},note\n${rowsOf(3000).map((row) => `${line(row)},n`).join('\n')}\nZ1,c1,2024-01-01,1,${'y'.repeat(150_000)}\n`),
      expect: { error: { code: 'E_FORMAT', file: 'long_late.csv', line: 3002, limit: 'maxLineBytes' } },
    },
    {
      name: 'long line in a GB18030 file (measured while transcoding)',
      limits: { maxLineBytes: 100_000 },
      write: file('long_gb.csv', iconv.encode(`${HEADER},备注\n${rowsOf(3000).map((row) => `${line(row)},备注`).join('\n')}\nZ1,张三,2024-01-01,1,${'长'.repeat(60_000)}\n`, 'gb18030')),
      expect: { error: { code: 'E_FORMAT', file: 'long_gb.csv', line: 3002, limit: 'maxLineBytes' } },
    },
    // Past DuckDB's default 2 MB line and past both the head the limits check and the rows the
    // sniffer samples (20,480), so only DuckDB's read meets it: it must load under maxLineBytes
    // and fail with the limit's error over it, never be stored as a "line size over maximum" reject.
    {
      name: 'a 3 MB line after the sniffed rows loads (plain UTF-8, default limits)',
      write: file('late_3mb.csv', lateLongLine()),
      expect: { rows: [...rowsOf(25_000), ['Z1', 'c1', '2024-01-01', 1], ['Z2', 'c2', '2024-01-02', 2]] },
    },
    {
      name: 'a 3 MB line after the sniffed rows, past a 2.5 MiB maxLineBytes',
      limits: { maxLineBytes: 5 << 19 },
      write: file('late_3mb_limited.csv', lateLongLine()),
      expect: { error: { code: 'E_FORMAT', file: 'late_3mb_limited.csv', line: 25_002, limit: 'maxLineBytes' } },
    },
    {
      name: 'one line, no line break, past maxLineBytes',
      limits: { maxLineBytes: 100_000 },
      write: file('one_line.csv', `${HEADER},${'z'.repeat(200_000)}`),
      expect: { error: { code: 'E_FORMAT', file: 'one_line.csv', line: 1, limit: 'maxLineBytes' } },
    },
    {
      name: 'a record past the limit inside a gzip',
      limits: { maxLineBytes: 1 << 20 },
      write: file('long_record.csv.gz', gzipSync(Buffer.from(`${HEADER},note\nA1,c1,2024-01-01,1,"${'q'.repeat(3 << 20)}"\nA2,c2,2024-01-02,2,x\n`))),
      expect: { error: { code: 'E_FORMAT', file: 'long_record.csv.gz', line: 2, limit: 'maxLineBytes' } },
    },
    {
      name: 'a 20 MiB record inside a gzip at the default limits',
      write: file('default_long_record.csv.gz', gzipSync(Buffer.from(`${HEADER},note\nA1,c1,2024-01-01,1,"${'q'.repeat(20 << 20)}"\n`))),
      expect: { error: { code: 'E_FORMAT', file: 'default_long_record.csv.gz', line: 2, limit: 'maxLineBytes' } },
    },
    { name: 'header past maxColumns', limits: { maxColumns: 50 }, write: file('wide_header.csv', `${wide(51)}\n${'1,'.repeat(50)}1\n`), expect: { error: { code: 'E_FORMAT', file: 'wide_header.csv', line: 1, column: '51', limit: 'maxColumns' } } },
    { name: 'data row past maxColumns', limits: { maxColumns: 50 }, write: file('wide_row.csv', `${HEADER}\n${line(ROWS[0] as OrderRow)}\n${'1,'.repeat(80)}1\n`), expect: { error: { code: 'E_FORMAT', file: 'wide_row.csv', line: 3, limit: 'maxColumns' } } },
    { name: 'tab-separated header past maxColumns', limits: { maxColumns: 50 }, write: file('wide_tab.tsv', `${wide(60).replaceAll(',', '\t')}\n${'1\t'.repeat(59)}1\n`), expect: { error: { code: 'E_FORMAT', file: 'wide_tab.tsv', line: 1, limit: 'maxColumns' } } },
    { name: 'a 10 KB line of 5,000 fields at the default limits', write: file('five_thousand.csv', `${wide(5000)}\n${'1,'.repeat(4999)}1\n`), expect: { error: { code: 'E_FORMAT', file: 'five_thousand.csv', line: 1, limit: 'maxColumns' } } },
    { name: 'a 100,000-column header at the default limits', write: file('hundred_thousand.csv', `${wide(100_000)}\n`), expect: { error: { code: 'E_FORMAT', file: 'hundred_thousand.csv', line: 1, limit: 'maxColumns' } } },
    { name: 'quoted delimiters do not count as columns', limits: { maxColumns: 6 }, write: file('quoted_commas.csv', `${HEADER},note\nA1,c1,2024-01-01,1,"${',,,,,,,,,,'}"\n`), expect: { rows: [['A1', 'c1', '2024-01-01', 1]] } },
  ];
}

function gzipCases(): HostileCase[] {
  const body = (lines: number) => Buffer.from(`${HEADER}\n${'A1,c1,2024-01-01,1\n'.repeat(lines)}`);
  return [
    { name: 'gzip just past maxInflatedBytes', limits: { maxInflatedBytes: 1 << 20 }, write: file('over.csv.gz', gzipSync(body(60_000))), expect: { error: { code: 'E_FORMAT', file: 'over.csv.gz', limit: 'maxInflatedBytes' } } },
    { name: 'gzip of only zeros past maxInflatedBytes', limits: { maxInflatedBytes: 1 << 20 }, write: file('zeros.csv.gz', gzipSync(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(2 << 20, 0x30)]))), expect: { error: { code: 'E_FORMAT', file: 'zeros.csv.gz' } } },
    { name: 'gzip past maxInflationRatio at the default limits (100 MiB from about 100 KB)', write: file('ratio.csv.gz', gzipSync(body(5_600_000), { level: 9 })), expect: { error: { code: 'E_FORMAT', file: 'ratio.csv.gz', limit: 'maxInflationRatio' } } },
    { name: 'gzip within the limits loads', limits: { maxInflatedBytes: 1 << 20 }, write: file('fine.csv.gz', gzipSync(Buffer.from(csv(ROWS)))), expect: { rows: ROWS } },
    { name: 'concatenated gzip members load as one text', write: file('members.csv.gz', Buffer.concat([gzipSync(Buffer.from(csv(ROWS.slice(0, 2)))), gzipSync(Buffer.from(`${line(ROWS[2] as OrderRow)}\n`))])), expect: { rows: ROWS } },
    { name: 'gzip of GB18030 text', write: file('gb.csv.gz', gzipSync(iconv.encode(csv(ROWS), 'gb18030'))), expect: { rows: ROWS, encoding: 'gb18030' } },
  ];
}

async function workbook(path: string, rows: readonly (readonly (string | number)[])[]): Promise<void> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('orders');
  for (const row of rows) sheet.addRow([...row]);
  await book.xlsx.writeFile(path);
}

function xlsxCases(): HostileCase[] {
  const table = [HEADER.split(','), ...ROWS];
  return [
    { name: 'xlsx loads', write: async (dir) => [await writeBook(dir, 'ok.xlsx', table)], expect: { rows: ROWS } },
    {
      name: 'xlsx inflating past maxInflatedBytes',
      limits: { maxInflatedBytes: 64 * 1024 },
      write: async (dir) => [await writeBook(dir, 'big.xlsx', [HEADER.split(','), ...rowsOf(3000)])],
      expect: { error: { code: 'E_FORMAT', file: 'big.xlsx', limit: 'maxInflatedBytes' } },
    },
    {
      name: 'xlsx sheet past maxColumns',
      limits: { maxColumns: 20 },
      write: async (dir) => [await writeBook(dir, 'wide.xlsx', [Array.from({ length: 30 }, (_, index) => `c${index}`), Array.from({ length: 30 }, (_, index) => index)])],
      expect: { error: { code: 'E_FORMAT', file: 'wide.xlsx', line: 1, limit: 'maxColumns' } },
    },
    {
      name: 'xlsx with one cell far out in column XFD',
      limits: { maxColumns: 100 },
      write: async (dir) => {
        const path = join(dir, 'far.xlsx');
        const book = new ExcelJS.Workbook();
        const sheet = book.addWorksheet('orders');
        sheet.addRow(HEADER.split(','));
        sheet.getCell('XFD2').value = 'far away';
        await book.xlsx.writeFile(path);
        return [path];
      },
      expect: { error: { code: 'E_FORMAT', file: 'far.xlsx', line: 2, limit: 'maxColumns' } },
    },
    {
      name: 'xlsx asked for a sheet it lacks',
      sheet: 'Sheet9',
      write: async (dir) => [await writeBook(dir, 'sheetless.xlsx', table)],
      expect: { error: { code: 'E_ARGS', file: 'sheetless.xlsx', says: 'no sheet' } },
    },
  ];
}

async function writeBook(dir: string, name: string, rows: readonly (readonly (string | number)[])[]): Promise<string> {
  const path = join(dir, name);
  await workbook(path, rows);
  return path;
}

function jsonCases(): HostileCase[] {
  const records = ROWS.map(([order_id, customer_id, date, amount]) => ({ order_id, customer_id, date, amount }));
  return [
    { name: 'json at maxJsonDepth + 1', limits: { maxJsonDepth: 50 }, write: file('deep51.json', `${'['.repeat(51)}${']'.repeat(51)}`), expect: { error: { code: 'E_FORMAT', file: 'deep51.json', line: 1, column: '51', limit: 'maxJsonDepth' } } },
    { name: 'json 100,000 deep at the default limits (crashed DuckDB)', write: file('deep100k.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`), expect: { error: { code: 'E_FORMAT', file: 'deep100k.json', line: 1, column: '1001', limit: 'maxJsonDepth' } } },
    { name: 'json objects nested past the limit', limits: { maxJsonDepth: 50 }, write: file('deep_objects.json', `${'{"a":'.repeat(60)}1${'}'.repeat(60)}`), expect: { error: { code: 'E_FORMAT', file: 'deep_objects.json', line: 1, limit: 'maxJsonDepth' } } },
    {
      name: 'ndjson with one deep line',
      limits: { maxJsonDepth: 50 },
      write: file('deep_line.ndjson', `${JSON.stringify(records[0])}\n${JSON.stringify(records[1])}\n{"order_id":"x","deep":${'['.repeat(60)}${']'.repeat(60)}}\n`),
      expect: { error: { code: 'E_FORMAT', file: 'deep_line.ndjson', line: 3, limit: 'maxJsonDepth' } },
    },
    { name: 'brackets inside json strings do not count', limits: { maxJsonDepth: 5 }, write: file('brackets_in_strings.json', JSON.stringify(records.map((record) => ({ ...record, note: '[[[[[[[[{{{{{{ "\\"[' })))), expect: { rows: ROWS } },
    { name: 'gzip json nested past the limit', limits: { maxJsonDepth: 50 }, write: file('deep.json.gz', gzipSync(Buffer.from(`${'['.repeat(80)}${']'.repeat(80)}`))), expect: { error: { code: 'E_FORMAT', file: 'deep.json.gz', limit: 'maxJsonDepth' } } },
    { name: 'UTF-16 json nested past the limit', limits: { maxJsonDepth: 50 }, write: file('deep16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(`${'['.repeat(80)}${']'.repeat(80)}`, 'utf-16le')])), expect: { error: { code: 'E_FORMAT', file: 'deep16.json', limit: 'maxJsonDepth' } } },
  ];
}

function extremeValueCases(): HostileCase[] {
  return [
    { name: 'a 100 KB customer id', write: file('long_id.csv', `${HEADER}\nA1,${'c'.repeat(100_000)},2024-01-01,1\n`), expect: { rows: [['A1', 'c'.repeat(100_000), '2024-01-01', 1]] } },
    { name: 'emoji and astral characters', write: file('emoji.csv', `${HEADER}\nE1,😀👍🏽,2024-01-01,1\nE2,𠮷野家,2024-01-02,2\n`), expect: { rows: [['E1', '😀👍🏽', '2024-01-01', 1], ['E2', '𠮷野家', '2024-01-02', 2]] } },
    { name: 'right-to-left and combining marks', write: file('rtl.csv', `${HEADER}\nR1,\u202Eevil\u202C,2024-01-01,1\nR2,e\u0301\u0301,2024-01-02,2\n`), expect: { rows: [['R1', '\u202Eevil\u202C', '2024-01-01', 1], ['R2', 'e\u0301\u0301', '2024-01-02', 2]] } },
    { name: 'formula-looking cells stay text', write: file('formulas.csv', `${HEADER}\nF1,=HYPERLINK(1),2024-01-01,1\nF2,+cmd|' /C calc'!A0,2024-01-02,2\n`), expect: { rows: [['F1', '=HYPERLINK(1)', '2024-01-01', 1], ['F2', "+cmd|' /C calc'!A0", '2024-01-02', 2]] } },
    { name: 'SQL-looking values stay text', write: file('sql.csv', `${HEADER}\nS1,'); DROP TABLE orders;--,2024-01-01,1\n`), expect: { rows: [['S1', "'); DROP TABLE orders;--", '2024-01-01', 1]] } },
    { name: 'a path-like file name with spaces and quotes', write: file(`we'ird "name" ;.csv`, csv(ROWS)), expect: { rows: ROWS } },
  ];
}

function encodingMismatchCases(): HostileCase[] {
  return [
    { name: 'named UTF-8 on a GBK file', encoding: 'utf-8', write: file('named_utf8.csv', iconv.encode(csv(ROWS), 'gbk')), expect: { error: { code: 'E_ENCODING', file: 'named_utf8.csv', line: 2, column: 'customer_id' } } },
    { name: 'Latin-1 file with accents before spaces and commas', write: file('latin_ends.csv', iconv.encode(`${HEADER}\nL1,André,2024-01-01,1\nL2,Renée B,2024-01-02,2\n`, 'latin1')), expect: { rows: [['L1', 'André', '2024-01-01', 1], ['L2', 'Renée B', '2024-01-02', 2]], encoding: 'windows-1252', warning: 'Windows-1252' } },
    { name: 'Windows-1252 curly quotes and euro sign', write: file('cp1252_symbols.csv', iconv.encode(`${HEADER}\nW1,“Smith” €,2024-01-01,1\n`, 'windows-1252')), expect: { rows: [['W1', '“Smith” €', '2024-01-01', 1]], encoding: 'windows-1252' } },
  ];
}

/** Cases about how bytes become text: encodings, BOMs, line ends, damaged and mislabelled text. */
export function textCases(): HostileCase[] {
  return [...encodingCases(), ...damagedUtf8Cases(), lateDamageCase(), ...encodingMismatchCases(), ...lineEndCases()];
}

/** Cases about structure and bounds: rows, quotes, files and folders, bombs, nesting, extremes. */
export function structureCases(): HostileCase[] {
  return [
    ...raggedCases(),
    ...quoteCases(),
    ...delimiterCases(),
    ...emptyAndBinaryCases(),
    ...linkAndFolderCases(),
    ...lineAndColumnCases(),
    ...gzipCases(),
    ...xlsxCases(),
    ...jsonCases(),
    ...extremeValueCases(),
  ];
}
