// Classification by worker threads gives exactly what one thread gives: the same rows of
// `ticket_reasons` (reason, confidence, evidence, primary, source per ticket), compared by a digest
// over every row, on synthetic bilingual tickets and on the 11,987 waimai reviews of ../shared/data.
// A cancel during the workers' run stores nothing of it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyTickets, POOL_MIN_CONTENTS } from '../../src/analysis/reasonTickets.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { queryOne } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { SHARED_DATA } from '../helpers/core.ts';

const WAIMAI = join(SHARED_DATA, 'chinese_ecommerce_reviews', 'waimai_10k.csv');
if (!existsSync(WAIMAI)) console.warn(`skipping the worker-thread check on real reviews: ${WAIMAI} is absent`);

const TICKETS = 12_000;
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
      // two fragments and a number per ticket: nearly every text distinct, well above the pool's threshold
      await connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, body, rating, source_id)
         SELECT 'T' || i, 'C' || (i % 700), TIMESTAMP '2024-01-01' + to_minutes(i),
                $fragments[1 + i % 10] || '，' || $fragments[1 + (i // 10) % 10] || ' #' || (i % 11000), 1 + i % 5, 0
         FROM range($tickets) r(i)`,
        { tickets: TICKETS, fragments: listValue(FRAGMENTS) },
      );
      const { contents } = await queryOne<{ contents: number }>(connection, 'SELECT count(DISTINCT body) AS contents FROM tickets');
      expect(contents).toBeGreaterThan(POOL_MIN_CONTENTS);
      const alone = await classifiedWith(connection, 0);
      const pooled = await classifiedWith(connection, 2);
      expect(pooled).toEqual(alone);
      expect(alone.tickets).toBe(TICKETS);
      expect(alone.primaries).toBe(TICKETS);
      // A known text, read by hand: slow delivery complained of, quality not (没有质量问题)
      const known = await queryOne<{ reasons: string }>(
        connection,
        `SELECT string_agg(DISTINCT reason, ',' ORDER BY reason) AS reasons FROM ticket_reasons r JOIN tickets t USING (ticket_id) WHERE t.body = '物流太慢了，没有质量问题 #40'`,
      );
      expect(known.reasons).toBe('logistics');
    });
  }, 300_000);

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
      await connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, body, source_id)
         SELECT 'T' || i, 'C' || i, TIMESTAMP '2024-01-01', $fragments[1 + i % 10] || ' #' || i, 0 FROM range($tickets) r(i)`,
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
