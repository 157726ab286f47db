// The bundled sample: a UCI Online Retail subset plus synthetic tickets, built into a workspace for `npm start` / `npm run serve`.
//
// resources/sample/ holds the input files (see SOURCE.md there):
// - online_retail_sample.csv.gz: every invoice line of 80 customers per first-purchase month,
//   2010-12 to 2011-11 (so every monthly cohort has members and the repeat buyers UCI has), plus
//   a few lines without a customer, as real exports have;
// - tickets_synthetic.csv: SYNTHETIC support tickets for those customers, written by the seeded
//   generator below, in Chinese and English, carrying the churn reasons of DOMAIN.md section 3
//   (with negations such as "没有质量问题"). Customers who stop buying complain more, so the
//   reasons analysis has something to find. No real person wrote them.
// - surveys_synthetic.csv: SYNTHETIC satisfaction survey answers (问卷星-style headers: CSAT 1-5,
//   NPS 0-10, a comment), from the same kind of seeded generator: customers who stop buying answer
//   lower, so the satisfaction screens have something to show.
// `ensureSampleWorkspace` imports both through the ordinary import path, once: the workspace
// remembers the hash of the files it was built from and is rebuilt only when they change.
// `npm run sample:build` regenerates the files from the shared UCI data.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, listValue } from '@duckdb/node-api';
import Papa from 'papaparse';
import { queryRows } from '../db/sql.ts';
import { Workspace, type WorkspaceSettings } from '../db/workspace.ts';
import { seededRandom, weightedPick } from '../ingest/seededRandom.ts';
import { CoreContext } from './context.ts';
import { workspaceHandlers } from './handlers/workspace.ts';

export const SAMPLE_DIR = join(import.meta.dirname, '..', '..', '..', 'resources', 'sample');
export const SAMPLE_ORDERS = 'online_retail_sample.csv.gz';
export const SAMPLE_TICKETS = 'tickets_synthetic.csv';
export const SAMPLE_SURVEYS = 'surveys_synthetic.csv';
/** Bumped when the way the sample workspace is built changes (not its files: those are hashed). */
const SAMPLE_BUILD = 1;
const SETTINGS_KEY = 'sample';

/** Hash of the sample files and the build version: a workspace built from other inputs is rebuilt. */
function sampleStamp(dir: string): string {
  const hash = createHash('sha256').update(`build ${SAMPLE_BUILD}\n`);
  for (const name of [SAMPLE_ORDERS, SAMPLE_TICKETS]) hash.update(readFileSync(join(dir, name)));
  // Surveys are optional: a sample folder without them builds a workspace without surveys
  if (existsSync(join(dir, SAMPLE_SURVEYS))) hash.update(readFileSync(join(dir, SAMPLE_SURVEYS)));
  return hash.digest('hex');
}

async function builtStamp(path: string): Promise<string | null> {
  if (!existsSync(path)) return null;
  try {
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    try {
      const [row] = await queryRows<{ value: string }>(connection, 'SELECT value FROM settings WHERE key = $key', { key: SETTINGS_KEY });
      return row ? String(JSON.parse(row.value)) : null;
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } catch {
    return null; // not a workspace, or an older one: rebuild
  }
}

export interface SampleWorkspace {
  path: string;
  /** True when this call (re)built the workspace. */
  built: boolean;
}

/**
 * Makes sure `path` holds the sample workspace, building it from resources/sample when it is
 * missing or was built from other files. Returns once the file is closed again, so the caller
 * can open it (`createCore({ workspace: path })`); the file is then an ordinary workspace.
 */
export async function ensureSampleWorkspace(path: string, settings: WorkspaceSettings = {}, dir = SAMPLE_DIR): Promise<SampleWorkspace> {
  const stamp = sampleStamp(dir);
  if ((await builtStamp(path)) === stamp) return { path, built: false };
  for (const file of [path, `${path}.wal`]) rmSync(file, { force: true });
  const workspace = await Workspace.open(path, settings);
  const context = new CoreContext(workspace);
  try {
    const api = workspaceHandlers(context, settings);
    await api.importFiles({ kind: 'orders', files: [join(dir, SAMPLE_ORDERS)] });
    await api.importFiles({ kind: 'tickets', files: [join(dir, SAMPLE_TICKETS)] });
    if (existsSync(join(dir, SAMPLE_SURVEYS))) await api.importFiles({ kind: 'surveys', files: [join(dir, SAMPLE_SURVEYS)] });
    await workspace.withConnection((connection) =>
      connection.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($key, $value)', { key: SETTINGS_KEY, value: JSON.stringify(stamp) }),
    );
    await workspace.checkpoint();
  } catch (error) {
    await context.close();
    rmSync(path, { force: true });
    throw error;
  }
  await context.close();
  return { path, built: true };
}

// ---------------------------------------------------------------------------------------------
// Building the sample files (npm run sample:build).

const UCI_PARTS = ['online_retail_part1_2010-12_to_2011-03.csv.gz', 'online_retail_part2_2011-04_to_2011-07.csv.gz', 'online_retail_part3_2011-08_to_2011-12.csv.gz'];
const CUSTOMERS_PER_COHORT = 80;
const LINES_WITHOUT_CUSTOMER = 120;
const TICKET_SEED = 20111209;
/** UCI's data ends on 2011-12-09; a customer silent for 90 days before that is treated as lost when writing tickets. */
const DATA_END = Date.UTC(2011, 11, 9);
const QUIET_DAYS = 90;

type Reason =
  | 'product_quality' | 'service' | 'price' | 'competition' | 'logistics' | 'after_sales' | 'experience' | 'technical'
  | 'privacy' | 'marketing' | 'personalization' | 'natural' | 'praise' | 'inquiry';

/** Ticket texts per reason: [subject, body], Chinese and English. Negations name one reason while denying another. */
const TEXTS: Record<Reason, { zh: [string, string][]; en: [string, string][] }> = {
  product_quality: {
    zh: [['质量问题', '收到的杯子有裂缝，质量太差了'], ['与描述不符', '颜色和图片差很多，与描述不符'], ['褪色', '洗了一次就褪色，质量问题很明显']],
    en: [['Defective item', 'The mug arrived defective, the handle is cracked'], ['Not as described', 'The colour is nothing like the photo, not as described']],
  },
  service: {
    zh: [['客服态度', '客服回复太慢，态度也不好'], ['没人处理', '问了三次都没人理，回复很敷衍'], ['投诉客服', '质量没问题，但是客服态度差，不想再买了']],
    en: [['Slow reply', 'Support took a week to reply and was rude'], ['No answer', 'No quality issue with the goods, but nobody answers my emails']],
  },
  price: {
    zh: [['价格', '太贵了，别家更便宜'], ['优惠结束', '优惠结束以后性价比不高']],
    en: [['Price increase', 'Prices went up again, found the same items cheaper elsewhere'], ['Too expensive', 'Shipping makes it too expensive for small orders']],
  },
  competition: {
    zh: [['其他平台', '其他平台有同款，还包邮，以后去那边买了'], ['竞争对手促销', '竞争对手促销力度更大']],
    en: [['Switching supplier', 'A competitor offered free delivery so I am switching'], ['Better offer', 'Another wholesaler made us a better offer']],
  },
  logistics: {
    zh: [['物流慢', '物流太慢了，等了两周才到'], ['包装破损', '包装破损，盒子都压扁了'], ['发错货', '发错货了，少了两件'], ['物流', '没有质量问题，就是发货太慢']],
    en: [['Late delivery', 'Late delivery, the parcel arrived two weeks after the promised date'], ['Damaged parcel', 'The box was crushed and two glasses broke'], ['Wrong items', 'No quality problem, but you sent the wrong items']],
  },
  after_sales: {
    zh: [['退款难', '申请退款十天了还没退，退款太难了'], ['拒绝退货', '商家拒绝退货，售后很差']],
    en: [['Refund', 'My return was refused even though the item was unused'], ['Refund still pending', 'Still waiting for my refund after three weeks']],
  },
  experience: {
    zh: [['支付流程', '支付流程繁琐，搜索也不方便']],
    en: [['Checkout', 'The checkout is confusing and the search never finds anything']],
  },
  technical: {
    zh: [['打不开', '网站打不开，支付失败了好几次']],
    en: [['Website error', 'The website keeps crashing at checkout, payment failed twice']],
  },
  privacy: {
    zh: [['骚扰电话', '下单后一直接到骚扰电话，是不是信息泄露了']],
    en: [['Spam calls', 'I started getting spam calls right after ordering, was my data leaked?']],
  },
  marketing: {
    zh: [['短信太多', '促销短信太多了，信息轰炸']],
    en: [['Too many emails', 'Too many promotional emails, please stop the spam']],
  },
  personalization: {
    zh: [['推荐不准', '推荐不准，推的全是不需要的东西']],
    en: [['Recommendations', 'The recommendations are irrelevant to what we sell']],
  },
  natural: {
    zh: [['不需要了', '店铺关了，以后不需要了'], ['搬家', '搬家了，暂时不会再买']],
    en: [['Closing down', 'We are closing the shop, no longer need stock'], ['Moved', 'Moved abroad, will not order for now']],
  },
  praise: {
    zh: [['好评', '质量很好，下次还会买'], ['满意', '发货很快，包装也好，很满意']],
    en: [['Thanks', 'Great quality and fast delivery, thank you'], ['Happy customer', 'Everything arrived in perfect condition']],
  },
  inquiry: {
    zh: [['咨询', '请问可以开发票吗'], ['批发', '想咨询一下批发价格']],
    en: [['Invoice', 'Could you send a VAT invoice for my last order?'], ['Wholesale', 'Do you offer wholesale prices for larger orders?']],
  },
};

/** Reasons of customers who stop buying, weighted toward the ones the seeds report most (service, quality, delivery). */
const LOST_REASONS: (readonly [Reason, number])[] = [
  ['logistics', 24], ['product_quality', 20], ['service', 18], ['price', 10], ['competition', 8], ['after_sales', 8],
  ['experience', 3], ['technical', 3], ['privacy', 2], ['marketing', 2], ['personalization', 1], ['natural', 4],
];
const KEPT_REASONS: (readonly [Reason, number])[] = [
  ['praise', 35], ['inquiry', 35], ['logistics', 8], ['product_quality', 6], ['price', 6], ['service', 5], ['marketing', 3], ['experience', 2],
];
const CATEGORY: Record<'zh' | 'en', Record<'complaint' | 'refund' | 'inquiry' | 'praise', string>> = {
  zh: { complaint: '投诉', refund: '退款', inquiry: '咨询', praise: '评价' },
  en: { complaint: 'complaint', refund: 'refund', inquiry: 'inquiry', praise: 'feedback' },
};
const CHANNELS = { zh: ['在线客服', '电话', '邮件'], en: ['email', 'chat', 'phone'] };

interface CustomerHistory {
  customer: string;
  firstAt: number;
  lastAt: number;
  invoices: { invoice: string; at: number }[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** SYNTHETIC tickets for the sample's customers: seeded, so the same histories give the same file. */
export function generateSampleTickets(histories: readonly CustomerHistory[], seed = TICKET_SEED): Record<string, string | number>[] {
  const random = seededRandom(seed);
  const tickets: Record<string, string | number>[] = [];
  const day = 86_400_000;
  for (const history of histories) {
    const lost = history.lastAt < DATA_END - QUIET_DAYS * day;
    const count = lost ? weightedPick(random, [[0, 25], [1, 40], [2, 25], [3, 10]] as const) : weightedPick(random, [[0, 55], [1, 35], [2, 10]] as const);
    for (let index = 0; index < count; index++) {
      const reason = weightedPick(random, lost ? LOST_REASONS : KEPT_REASONS);
      const language = random() < 0.5 ? 'zh' : 'en';
      const texts = TEXTS[reason][language];
      const [subject, body] = texts[Math.floor(random() * texts.length)] ?? ['', ''];
      // Lost customers write around their last purchase; kept ones at any time of their history.
      const from = lost ? Math.max(history.firstAt, history.lastAt - 45 * day) : history.firstAt;
      const to = lost ? Math.min(DATA_END, history.lastAt + 20 * day) : history.lastAt;
      const at = Math.round(from + random() * Math.max(day, to - from));
      const nearest = history.invoices.reduce((best, invoice) => (Math.abs(invoice.at - at) < Math.abs(best.at - at) ? invoice : best), history.invoices[0] ?? { invoice: '', at });
      const kind = reason === 'praise' ? 'praise' : reason === 'inquiry' ? 'inquiry' : reason === 'after_sales' ? 'refund' : 'complaint';
      const rating = kind === 'praise' ? 4 + Math.floor(random() * 2) : kind === 'inquiry' ? 3 + Math.floor(random() * 2) : 1 + Math.floor(random() * 2);
      tickets.push({
        customer_id: history.customer,
        created_at: iso(at),
        channel: CHANNELS[language][Math.floor(random() * 3)] ?? '',
        category: CATEGORY[language][kind],
        subject,
        body,
        rating,
        order_id: nearest.invoice,
      });
    }
  }
  tickets.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  return tickets.map((ticket, index) => ({ ticket_id: `TK${String(index + 1).padStart(5, '0')}`, ...ticket }));
}

const SURVEY_SEED = 20111210;
/** 问卷星-style headers: numbered question texts, as its Excel/CSV export writes them. */
const SURVEY_HEADERS = ['序号', '提交答卷时间', '用户ID', '1.您对本次购物的整体满意度（1-5分）', '2.您有多大可能向朋友推荐我们？（0-10分）', '3.您还有什么意见或建议？'];

/**
 * SYNTHETIC survey answers for the sample's customers: seeded, so the same histories give the same
 * file. About half the customers answer once or twice, some weeks after a purchase; those who stop
 * buying give lower scores and write complaints (the ticket texts of their likely reasons), the
 * others mostly praise or nothing.
 */
export function generateSampleSurveys(histories: readonly CustomerHistory[], seed = SURVEY_SEED): string[][] {
  const random = seededRandom(seed);
  const day = 86_400_000;
  const answers: { at: number; customer: string; csat: number; nps: number; comment: string }[] = [];
  for (const history of histories) {
    const lost = history.lastAt < DATA_END - QUIET_DAYS * day;
    const count = weightedPick(random, [[0, 50], [1, 38], [2, 12]] as const);
    for (let index = 0; index < count; index++) {
      const invoice = history.invoices[Math.floor(random() * history.invoices.length)] ?? { invoice: '', at: history.lastAt };
      const at = Math.min(DATA_END, invoice.at + Math.round((3 + random() * 25) * day));
      const nps = lost ? weightedPick(random, [[2, 8], [4, 12], [5, 14], [6, 16], [7, 14], [8, 12], [9, 12], [10, 12]] as const)
        : weightedPick(random, [[5, 4], [6, 6], [7, 10], [8, 18], [9, 30], [10, 32]] as const);
      const csat = Math.max(1, Math.min(5, Math.round(nps / 2 + (random() - 0.5) * 1.5)));
      const reason = nps >= 9 ? 'praise' : weightedPick(random, lost ? LOST_REASONS : KEPT_REASONS);
      const texts = TEXTS[reason][random() < 0.7 ? 'zh' : 'en'];
      const comment = random() < (nps <= 6 ? 0.75 : 0.35) ? (texts[Math.floor(random() * texts.length)]?.[1] ?? '') : '';
      answers.push({ at, customer: history.customer, csat, nps, comment });
    }
  }
  answers.sort((a, b) => a.at - b.at || a.customer.localeCompare(b.customer));
  return answers.map((answer, index) => [String(index + 1), iso(answer.at).replaceAll('-', '/'), answer.customer, String(answer.csat), String(answer.nps), answer.comment]);
}

/** Writes resources/sample/ from the shared UCI parts: the orders subset, then the synthetic tickets. */
export async function buildSampleFiles(uciFolder: string, outDir = SAMPLE_DIR): Promise<{ lines: number; customers: number; tickets: number; surveys: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('CREATE TABLE lines AS SELECT * FROM read_csv($files, all_varchar = true)', {
      files: listValue(UCI_PARTS.map((name) => join(uciFolder, name))),
    });
    await connection.run(
      `CREATE TABLE chosen AS
       SELECT CustomerID FROM (
         SELECT CustomerID, row_number() OVER (PARTITION BY strftime(min(InvoiceDate::TIMESTAMP), '%Y-%m') ORDER BY hash(CustomerID || '-churnwb')) AS rank
         FROM lines WHERE CustomerID IS NOT NULL GROUP BY CustomerID HAVING min(InvoiceDate::TIMESTAMP) < TIMESTAMP '2011-12-01')
       WHERE rank <= $per`,
      { per: CUSTOMERS_PER_COHORT },
    );
    const orders = join(outDir, SAMPLE_ORDERS);
    await connection.run(
      `COPY (
         SELECT * FROM (
           SELECT l.* FROM lines l JOIN chosen USING (CustomerID)
           UNION ALL
           (SELECT * FROM lines WHERE CustomerID IS NULL ORDER BY hash(InvoiceNo || StockCode) LIMIT $orphans))
         ORDER BY InvoiceDate::TIMESTAMP, InvoiceNo, StockCode
       ) TO '${orders.replaceAll("'", "''")}' (HEADER, COMPRESSION gzip)`, // COPY takes a literal path, not a parameter
      { orphans: LINES_WITHOUT_CUSTOMER },
    );
    const rows = await queryRows<{ customer: string; first_at: string; last_at: string; invoices: string }>(
      connection,
      `SELECT CustomerID AS customer, min(InvoiceDate)::VARCHAR AS first_at, max(InvoiceDate)::VARCHAR AS last_at,
              to_json(list(DISTINCT InvoiceNo || '|' || InvoiceDate ORDER BY InvoiceNo || '|' || InvoiceDate))::VARCHAR AS invoices
       FROM lines JOIN chosen USING (CustomerID) GROUP BY CustomerID ORDER BY CustomerID`,
    );
    const histories: CustomerHistory[] = rows.map((row) => ({
      customer: row.customer,
      firstAt: Date.parse(`${row.first_at}Z`),
      lastAt: Date.parse(`${row.last_at}Z`),
      invoices: (JSON.parse(row.invoices) as string[]).map((entry) => {
        const [invoice = '', at = ''] = entry.split('|');
        return { invoice, at: Date.parse(`${at.replace(' ', 'T')}Z`) };
      }),
    }));
    const tickets = generateSampleTickets(histories);
    const surveys = generateSampleSurveys(histories);
    writeFileSync(join(outDir, SAMPLE_SURVEYS), `${Papa.unparse({ fields: SURVEY_HEADERS, data: surveys }, { newline: '\n' })}\n`);
    writeFileSync(join(outDir, SAMPLE_TICKETS), `${Papa.unparse(tickets, { columns: ['ticket_id', 'customer_id', 'created_at', 'channel', 'category', 'subject', 'body', 'rating', 'order_id'], newline: '\n' })}\n`);
    const [counts] = await queryRows<{ lines: number }>(connection, `SELECT count(*) AS lines FROM read_csv($file, all_varchar = true)`, { file: orders });
    return { lines: Number(counts?.lines ?? 0), customers: histories.length, tickets: tickets.length, surveys: surveys.length };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
