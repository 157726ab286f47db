// One generated order export, written any way an export can be written: encoding, BOM, line ends, quoting.
//
// Every row is one order with a known customer, time and amount, so a test can state the loaded
// tables exactly. A free-text note column (not mapped) carries what breaks parsers: commas,
// doubled quotes, line breaks inside quotes, CJK text. Notes stay plain for the first
// `plainRows` rows, so that the head a sniffer sees holds no quote at all (the case where
// DuckDB's sniffer picks no escape and a later "7"" FRAME" field used to be rejected).
import iconv from 'iconv-lite';
import { seededRandom } from '../../src/ingest/seededRandom.ts';

export interface ExportRow {
  orderId: string;
  customer: string;
  /** 'YYYY-MM-DD HH:MM:SS' */
  at: string;
  /** Amount in cents: sums compare exactly. */
  cents: number;
  note: string;
}

/** Customers in characters every tested encoding has (Big5 and GB18030 both), plus ASCII ones. */
const CUSTOMERS = ['張三', '陳四', '林五', '王六', '李七', 'alice', 'bob', 'o-brien', '黃小明', 'zoe'];
const NOTES = [
  'RECORD FRAME 7" SINGLE SIZE',
  'CHARLIE+LOLA"EXTREMELY BUSY" SIGN',
  'red, white and blue',
  'first line\nsecond line',
  '說明: 送貨前請先聯絡',
  '"quoted at both ends"',
  'trailing space ',
  '',
];

export function generateExport(rows: number, seed: number, plainRows = 0): ExportRow[] {
  const random = seededRandom(seed);
  return Array.from({ length: rows }, (_, index) => {
    const day = 1 + Math.floor(random() * 28);
    const month = 1 + Math.floor(random() * 12);
    const seconds = Math.floor(random() * 86_400);
    const time = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((part) => String(part).padStart(2, '0')).join(':');
    return {
      orderId: `O${String(index + 1).padStart(7, '0')}`,
      customer: CUSTOMERS[Math.floor(random() * CUSTOMERS.length)] ?? 'alice',
      at: `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} ${time}`,
      cents: 1 + Math.floor(random() * 500_000),
      note: index < plainRows ? `plain note ${index}` : (NOTES[Math.floor(random() * NOTES.length)] ?? ''),
    };
  });
}

export type ExportEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5';
export type LineEnd = '\n' | '\r\n' | '\r';

export interface ExportStyle {
  encoding: ExportEncoding;
  eol: LineEnd;
  /** Quote every field (Excel's "all") rather than only those that need it (Python's csv default). */
  quoteAll: boolean;
}

const HEADER = ['order_id', 'customer_id', 'order_date', 'amount', 'note'];

function field(text: string, quoteAll: boolean): string {
  return quoteAll || /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The export's bytes in one style; line breaks inside notes are written as the file's own line end, as spreadsheets do. */
export function writeExport(rows: readonly ExportRow[], style: ExportStyle): Buffer {
  const lines = [HEADER, ...rows.map((row) => [row.orderId, row.customer, row.at, (row.cents / 100).toFixed(2), row.note.replaceAll('\n', style.eol)])];
  const text = `${lines.map((line) => line.map((value) => field(value, style.quoteAll)).join(',')).join(style.eol)}${style.eol}`;
  switch (style.encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    case 'utf-16be':
      return iconv.encode(text, 'utf-16be', { addBOM: true });
    default:
      return iconv.encode(text, style.encoding);
  }
}

/** What the orders table must hold after importing the export: one order per row. */
export function expectedOrders(rows: readonly ExportRow[]): { order_id: string; customer_id: string; at: string; cents: number }[] {
  return rows.map((row) => ({ order_id: row.orderId, customer_id: row.customer, at: row.at, cents: row.cents })).sort((a, b) => a.order_id.localeCompare(b.order_id));
}
