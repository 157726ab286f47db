// Classification by worker threads gives exactly what one thread gives: the same rows of
// `ticket_reasons` (reason, confidence, evidence, primary, source per ticket), compared by a digest
// over every row, on synthetic bilingual tickets and on the 11,987 waimai reviews of ../shared/data.
// Tickets that differ only in digits are classified once, yet every ticket's rows are what
// classifying it alone gives. A cancel during the workers' run stores nothing of it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyFields, compileTaxonomy } from '../../src/analysis/reasonClassify.ts';
import { classifyTickets, POOL_MIN_CONTENTS } from '../../src/analysis/reasonTickets.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { queryOne, queryRows } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { SHARED_DATA } from '../helpers/core.ts';

const WAIMAI = join(SHARED_DATA, 'chinese_ecommerce_reviews', 'waimai_10k.csv');
if (!existsSync(WAIMAI)) console.warn(`skipping the worker-thread check on real reviews: ${WAIMAI} is absent`);

const TICKETS = 12_000;
/** Three tickets per reading: the same fragments and letters, told apart only by a digit. */
const DIGIT_TICKETS = 36_000;
const READINGS = 12_000;
const FRAGMENTS = ['物流太慢了', '包装破损', '质量太差', '客服态度很好', '没有质量问题', '太贵了', 'Late delivery', 'the app keeps crashing', 'no quality problem', 'thank you'];

type Digest = { rows: number; tickets: number; primaries: number; digest: string };

/** Every stored row, folded into one value: equal digests mean equal rows (order aside). */
function digest(connection: DuckDBConnection): Promise<Digest> {
  return queryOne<Digest>(
    connection,
    `SELECT count(*) AS rows, count(DISTINCT ticket_id) AS tickets, count(*) FILTER (WHERE "primary") AS primaries,
            CAST(coalesce(bit_xor(hash(ticket_id, reason, confidence, evidence, "primary", source, fields_hash)), 0) AS VARCHAR) AS digest
     FROM ticket_reasons`,
  );
}

type StoredRow = { ticket_id: string; reason: string; confidence: number; evidence: string; primary: boolean };

type FixtureTicket = { id: string; subject: string | null; body: string; rating: number | null };

async function insertTickets(connection: DuckDBConnection, tickets: FixtureTicket[]): Promise<void> {
  for (const ticket of tickets) {
    await connection.run(
      `INSERT INTO tickets (ticket_id, customer_id, created_at, subject, body, rating, source_id) VALUES ($id, 'C1', TIMESTAMP '2024-01-01', $subject, $body, $rating, 0)`,
      ticket,
    );
  }
}

/** The stored rows, and the rows classifying each ticket alone gives, in the same order. */
async function storedAndAlone(connection: DuckDBConnection, tickets: FixtureTicket[]): Promise<{ stored: StoredRow[]; alone: StoredRow[] }> {
  const stored = await queryRows<StoredRow>(connection, 'SELECT ticket_id, reason, confidence, evidence, "primary" FROM ticket_reasons ORDER BY ticket_id, reason');
  const matcher = compileTaxonomy(bundledTaxonomy());
  const alone = tickets.flatMap((ticket) => {
    const classification = classifyFields(matcher, { subject: ticket.subject, body: ticket.body, rating: ticket.rating });
    return classification.reasons.map((match) => ({
      ticket_id: ticket.id,
      reason: match.reason,
      confidence: match.confidence,
      evidence: JSON.stringify(match.evidence),
      primary: match.reason === classification.primary,
    }));
  });
  alone.sort((a, b) => (a.ticket_id < b.ticket_id ? -1 : a.ticket_id > b.ticket_id ? 1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  return { stored, alone };
}

async function classifiedWith(connection: DuckDBConnection, threads: number): Promise<Digest> {
  const result = await classifyTickets(connection, bundledTaxonomy(), { full: true, threads });
  expect(result.classified).toBe(result.tickets);
  return digest(connection);
}

describe('classifying with worker threads', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await Workspace.open(':memory:');
  });
  afterEach(() => workspace.close());

  it('stores the same rows as one thread on synthetic tickets in both languages', async () => {
    await workspace.withConnection(async (connection) => {
      // Two fragments and a code in letters per ticket: 12,000 readings, above the pool's threshold.
      // Each reading has three tickets told apart by one digit: in an order number (even i: the reading
      // is classified once) or in the evidence (odd i: 洗了1次 is quoted, so each ticket is classified on
      // its own, 12,000 of them, on the pool too)
      await connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, body, rating, source_id)
         SELECT 'T' || i, 'C' || (i % 700), TIMESTAMP '2024-01-01' + to_minutes(i),
                $fragments[1 + i % 10] || '，' || $fragments[1 + (i // 10) % 10] || ' ref ' || translate(CAST(i % $readings AS VARCHAR), '0123456789', 'abcdefghij')
                  || CASE WHEN i % 2 = 0 THEN ' #' || (i // $readings) ELSE '，质量太差洗了' || (i // $readings) || '次了' END,
                1 + i % 5, 0
         FROM range($tickets) r(i)`,
        { tickets: DIGIT_TICKETS, readings: READINGS, fragments: listValue(FRAGMENTS) },
      );
      expect(READINGS).toBeGreaterThan(POOL_MIN_CONTENTS);
      const alone = await classifiedWith(connection, 0);
      const pooled = await classifiedWith(connection, 2);
      expect(pooled).toEqual(alone);
      expect(alone.tickets).toBe(DIGIT_TICKETS);
      expect(alone.primaries).toBe(DIGIT_TICKETS);
      // Known texts, read by hand: slow delivery complained of, quality not (没有质量问题); damaged
      // packaging (a delivery complaint) and poor quality (质量太差) further on; the second and third
      // tickets of an odd reading quote their own digit
      const known = await queryRows<{ ticket_id: string; reasons: string; evidence: string }>(
        connection,
        `SELECT ticket_id, string_agg(reason, ',' ORDER BY reason) AS reasons, string_agg(evidence, ' ' ORDER BY reason) AS evidence
         FROM ticket_reasons WHERE ticket_id IN ('T40', 'T12040', 'T41', 'T12041', 'T24041') GROUP BY ticket_id ORDER BY ticket_id`,
      );
      const bodies = await queryRows<{ ticket_id: string; body: string }>(connection, `SELECT ticket_id, body FROM tickets WHERE ticket_id IN ('T40', 'T41', 'T12041') ORDER BY ticket_id`);
      expect(bodies).toEqual([
        { ticket_id: 'T12041', body: '包装破损，没有质量问题 ref eb，质量太差洗了1次了' },
        { ticket_id: 'T40', body: '物流太慢了，没有质量问题 ref ea #0' },
        { ticket_id: 'T41', body: '包装破损，没有质量问题 ref eb，质量太差洗了0次了' },
      ]);
      expect(known.map((row) => [row.ticket_id, row.reasons])).toEqual([
        ['T12040', 'logistics'],
        ['T12041', 'logistics,product_quality'],
        ['T24041', 'logistics,product_quality'],
        ['T40', 'logistics'],
        ['T41', 'logistics,product_quality'],
      ]);
      const evidence = new Map(known.map((row) => [row.ticket_id, row.evidence]));
      expect(evidence.get('T41')).toContain('"质量太差洗了0次"');
      expect(evidence.get('T12041')).toContain('"质量太差洗了1次"');
      expect(evidence.get('T24041')).toContain('"质量太差洗了2次"');
    });
  }, 300_000);

  it('gives tickets that differ only in digits each the rows that classifying it alone gives', async () => {
    const bodies = ['物流太慢了 #12', '物流太慢了 #47', '质量太差洗了5次了', '质量太差洗了7次了', '衣服比别的店贵了40坑人', '衣服比别的店贵了90坑人', 'Late delivery, order 1234', 'Late delivery, order 9876'];
    const tickets: FixtureTicket[] = bodies.flatMap((body, index) => [
      { id: `B${index}`, subject: null, body, rating: 1 },
      { id: `S${index}`, subject: body, body: 'order 55', rating: 4 },
    ]);
    await workspace.withConnection(async (connection) => {
      await insertTickets(connection, tickets);
      await classifyTickets(connection, bundledTaxonomy(), { full: true });
      const { stored, alone } = await storedAndAlone(connection, tickets);
      expect(stored).toEqual(alone);
      // the digits quoted are each ticket's own
      expect(stored.find((row) => row.ticket_id === 'B3')?.evidence).toContain('"质量太差洗了7次"');
      expect(stored.find((row) => row.ticket_id === 'S2')?.evidence).toContain('"质量太差洗了5次"');
    });
  }, 300_000);

  it('keeps texts holding the page separators, quotes and backslashes, and ratings that are no number, exact', async () => {
    // Pages travel as JSON and results as text split at chr(30) and chr(31): texts holding them must come back whole
    const tickets: FixtureTicket[] = [
      { id: 'A', subject: null, body: '物流太慢了\x1e包装破损\x1f "quoted" \\ back', rating: 1 },
      { id: 'B', subject: 'late delivery\x1f', body: '质量太差\x1e', rating: Number.NaN },
      { id: 'C', subject: null, body: '太贵了 😀', rating: Number.POSITIVE_INFINITY },
      { id: 'D', subject: null, body: '太贵了 😀', rating: null },
    ];
    await workspace.withConnection(async (connection) => {
      await insertTickets(connection, tickets);
      await classifyTickets(connection, bundledTaxonomy(), { full: true });
      const { stored, alone } = await storedAndAlone(connection, tickets);
      expect(stored).toEqual(alone);
      expect(stored.filter((row) => row.ticket_id === 'A').map((row) => row.reason)).toEqual(['logistics']);
      // 包装破损 starts after 物流太慢了 and the separator: the text reached the classifier whole
      expect(stored.find((row) => row.ticket_id === 'A')?.evidence).toContain('"terms":["物流太慢","包装破损"],"spans":[{"start":0,"end":4},{"start":6,"end":10}]');
    });
  });

  it.skipIf(!existsSync(WAIMAI))('stores the same rows as one thread on the waimai reviews', async () => {
    await workspace.withConnection(async (connection) => {
      await connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, body, label, source_id)
         SELECT 'W' || row_number() OVER (), 'C' || row_number() OVER (), TIMESTAMP '2024-01-01', review, label, 0
         FROM read_csv($path, header = true, quote = '"', escape = '"', columns = {'label': 'VARCHAR', 'review': 'VARCHAR'})`,
        { path: WAIMAI },
      );
      const alone = await classifiedWith(connection, 0);
      const pooled = await classifiedWith(connection, 2);
      expect(pooled).toEqual(alone);
      // 11,987 reviews, 11,980 distinct texts (python3: len(rows) and len(set(review)) of csv.reader over the file)
      expect(alone.tickets).toBe(11_987);
      const { contents } = await queryOne<{ contents: number }>(connection, 'SELECT count(DISTINCT body) AS contents FROM tickets');
      expect(contents).toBe(11_980);
    });
  }, 300_000);

  it('a cancel while the workers classify stores nothing of the run', async () => {
    await workspace.withConnection(async (connection) => {
      // a code in letters, not digits, so every ticket is a reading of its own and the pool classifies them
      await connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, body, source_id)
         SELECT 'T' || i, 'C' || i, TIMESTAMP '2024-01-01', $fragments[1 + i % 10] || ' ref ' || translate(CAST(i AS VARCHAR), '0123456789', 'abcdefghij'), 0
         FROM range($tickets) r(i)`,
        { tickets: TICKETS, fragments: listValue(FRAGMENTS) },
      );
      const controller = new AbortController();
      const run = classifyTickets(connection, bundledTaxonomy(), {
        threads: 2,
        signal: controller.signal,
        progressIntervalMs: 0,
        // the first page's results are in: the rest is still with the workers
        onProgress: (tickets) => {
          if (tickets > 0) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
      expect(await digest(connection)).toMatchObject({ rows: 0 });
    });
  }, 300_000);
});
