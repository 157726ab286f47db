// Seeded synthetic order exports for benchmarks: realistic enough to exercise every normalisation.
//
// Each row is one order of a mixed zh/en shop: repeat customers drawn from a skewed distribution
// (a few buy often, most once or twice), statuses in both languages, discounts, categories,
// channels and regions, and a small share of messy values (currency signs with thousands
// separators, `2024/1/5 13:22` dates) so the app's normalisation pays its real cost. Every value
// is encodable in GBK (the full-width ￥, not ¥), so the GBK copy holds the same data.
// Written in chunks through a stream with back-pressure, so memory stays flat at any size.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import iconv from 'iconv-lite';
import { seededRandom } from '../../src/ingest/seededRandom.ts';

// Other benches draw their own synthetic values from the same generator.
export { seededRandom };

export interface SyntheticOrdersOptions {
  rows: number;
  /** Distinct customers to draw from. Default rows / 5. */
  customers?: number;
  /** PRNG seed; the same seed writes the same file. Default 20240105. */
  seed?: number;
  /** Byte encoding of the file. Default 'utf-8'. */
  encoding?: 'utf-8' | 'gbk';
}

/** Bumped whenever the generated content changes, so cached bench inputs are regenerated. */
export const SYNTHETIC_VERSION = 2;

export const SYNTHETIC_HEADER = 'order_id,customer_id,created_at,paid_at,amount,discount,status,channel,region,category,items';

const STATUSES = ['交易成功', 'completed', '交易成功', 'delivered', '交易关闭', 'cancelled', '退款成功', 'refunded', '等待买家付款', 'pending'];
// Weights of the statuses above, in percent: mostly completed, a tail of the rest.
const STATUS_WEIGHTS = [40, 25, 10, 9, 4, 3, 3, 2, 2, 2];
const CHANNELS = ['app', 'web', '小程序', 'mini-program', '直播'];
const REGIONS = ['广东', '浙江', '江苏', '上海', '北京', '四川', '山东', '湖北', 'Hong Kong', 'Singapore'];
const CATEGORIES = ['服装', '美妆', '数码', '家居', '食品', 'sports', 'books', '母婴', 'toys', '运动户外'];
const START = Date.UTC(2023, 0, 1);
const DAYS = 730;

function cumulative(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  return weights.map((weight) => (running += weight / total));
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

function money(cents: number): string {
  return Math.floor(cents / 100) + '.' + PAD2[cents % 100];
}

/** 123456789 cents as "1,234,567.89", the way spreadsheets export formatted amounts. */
function thousands(cents: number): string {
  return `${Math.floor(cents / 100).toLocaleString('en-US')}.${PAD2[cents % 100]}`;
}

/** Writes a synthetic orders CSV with a header; resolves to the bytes and data rows written. */
export async function writeSyntheticOrders(path: string, options: SyntheticOrdersOptions): Promise<{ bytes: number; rows: number }> {
  const random = seededRandom(options.seed ?? 20240105);
  const customers = Math.max(1, options.customers ?? Math.ceil(options.rows / 5));
  const statusCdf = cumulative(STATUS_WEIGHTS);
  const isoDays = Array.from({ length: DAYS + 40 }, (_, day) => new Date(START + day * 86_400_000).toISOString().slice(0, 10));
  const slashDays = isoDays.map((iso) => `${Number(iso.slice(0, 4))}/${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}`);
  const encode = options.encoding === 'gbk' ? (text: string) => iconv.encode(text, 'gbk') : (text: string) => Buffer.from(text, 'utf8');
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string) => {
    const chunk = encode(text);
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(`${SYNTHETIC_HEADER}\n`);
  const CHUNK_ROWS = 20_000;
  // Rows are built as arrays of plain strings joined once: nested template literals build deep
  // string ropes that made generation five times slower.
  const fields: string[] = new Array<string>(11);
  for (let start = 0; start < options.rows; start += CHUNK_ROWS) {
    const lines: string[] = [];
    const end = Math.min(options.rows, start + CHUNK_ROWS);
    for (let row = start; row < end; row++) {
      // Skewed customer draw: u^2 concentrates orders on low indexes, giving heavy repeat buyers.
      const u = random();
      const customer = Math.floor(customers * u * u);
      // Each customer starts at a fixed day of their own and buys within the following year or so.
      const firstDay = (customer * 2654435761) % (DAYS - 120);
      const day = Math.min(DAYS - 1, firstDay + Math.floor(random() * random() * 400));
      const hour = Math.floor(random() * 24);
      const minute = Math.floor(random() * 60);
      const second = Math.floor(random() * 60);
      const r = random();
      const status = STATUSES[statusCdf.findIndex((p) => r <= p)] ?? 'completed';
      // Money in integer cents: integer-to-string is several times faster than formatting doubles.
      const cents = 2000 + Math.floor(random() * random() * 200_000);
      const messy = random() < 0.01;
      fields[0] = 'O' + String(row + 1).padStart(10, '0');
      fields[1] = 'C' + String(customer).padStart(8, '0');
      fields[2] = messy
        ? slashDays[day] + ' ' + hour + ':' + PAD2[minute]
        : isoDays[day] + ' ' + PAD2[hour] + ':' + PAD2[minute] + ':' + PAD2[second];
      fields[3] = status === '等待买家付款' || status === 'pending' ? '' : isoDays[day] + ' ' + PAD2[hour] + ':' + PAD2[minute] + ':' + PAD2[Math.min(59, second + 1)];
      fields[4] = messy ? '"￥' + thousands(cents) + '"' : money(cents);
      fields[5] = money(random() < 0.3 ? Math.floor(cents / 10) : 0);
      fields[6] = status;
      fields[7] = CHANNELS[Math.floor(random() * CHANNELS.length)] ?? '';
      fields[8] = REGIONS[Math.floor(random() * REGIONS.length)] ?? '';
      fields[9] = CATEGORIES[Math.floor(random() * CATEGORIES.length)] ?? '';
      fields[10] = String(1 + Math.floor(random() * random() * 6));
      lines.push(fields.join(','));
    }
    lines.push('');
    await write(lines.join('\n'));
  }
  out.end();
  await once(out, 'finish');
  return { bytes, rows: options.rows };
}
