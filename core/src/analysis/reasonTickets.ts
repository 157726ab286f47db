// Classifying the workspace's tickets into `ticket_reasons`, incrementally, and agreement with users' labels.
//
// Matching runs in JavaScript (reasonClassify.ts: words, polarity and negation are easier there than
// in SQL) but only once per distinct content: tickets are grouped by the md5 of the fields
// classification reads, the distinct contents are read from DuckDB in pages, classified (rules,
// blended with the model learned from the analyst's corrections when there is one) by a pool of
// worker threads (reasonWorker.ts; one per core, none for small runs) while this thread reads the
// next pages and appends the results to a temp table, and joined back to their tickets. Reviews repeat a lot ("好评", "不错"), so this is
// often fewer texts than tickets. Only tickets whose content, taxonomy or model changed since their
// stored rows are redone. A corrected ticket, and any ticket of the same content, gets the
// correction, whatever the classifier says.
//
// Nothing stored changes until every page is classified: the old rows are replaced in one
// transaction after the last cancel check, so a cancelled run leaves the previous classification whole.
import { listValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { agreementOf, NO_REASON_LABEL, UNKNOWN_REASON, type ClassifyTicketsResult, type LabelAgreement, type Taxonomy, type TicketEvidence } from '../api/reasons.ts';
import { queryOne, queryRows } from '../db/sql.ts';
import { normalizeText } from '../text/normalize.ts';
import { poolSize, WorkerFailure, WorkerPool } from '../task/workerPool.ts';
import { compileTaxonomy, type CompiledTaxonomy } from './reasonClassify.ts';
import { classifyWithModel, FIELDS_HASH_SQL, ticketCorrection, workspaceModel } from './reasonCorrections.ts';
import type { ReasonModel } from './reasonModel.ts';
import { taxonomyHash } from './reasonTaxonomy.ts';
import type { ReasonWorkerData } from './reasonWorker.ts';
import { classifyPage, type ClassifiedPage, type ContentPage } from './reasonWorkerBatch.ts';

export interface ClassifyTicketsOptions {
  /** Re-classify every ticket. Default false. */
  full?: boolean;
  /** Checked between pages and before anything stored changes; an aborted signal stops the run and stores nothing of it. */
  signal?: AbortSignal;
  /**
   * Called with the tickets classified so far and how many are to be classified: when classifying
   * starts, at most every `progressIntervalMs` while it runs, and when it ends. Not called when
   * nothing needs classifying.
   */
  onProgress?: (tickets: number, total: number) => void;
  /** Least time between two progress calls while classifying; default 500 ms (0 calls after every distinct content). */
  progressIntervalMs?: number;
  /**
   * Worker threads that classify; default one per core. Runs with fewer than POOL_MIN_CONTENTS
   * distinct contents, and 0, classify on the calling thread.
   */
  threads?: number;
}

/**
 * Distinct contents classified per page: large enough to amortise a query and a message between
 * threads, small enough for prompt cancelling and for the workers to finish close together.
 */
const PAGE_SIZE = 5_000;

/**
 * Fewer distinct contents than this are classified on the calling thread: starting the workers would
 * cost more than they save. A bundled worker takes 0.5-0.6 s of CPU to start and answer (measured
 * with core/dist/reasonWorker.mjs at load 15), one thread classifies a review in about 0.1 ms
 * (62,774 in 6.6-7.5 s), and two workers save half of that: they break even near 2 × 0.55 s / 0.1 ms.
 */
export const POOL_MIN_CONTENTS = 10_000;

const REASON_WORKER = new URL('./reasonWorker.ts', import.meta.url);

/** Often enough for a rate that moves, rarely enough not to flood the clients with events. */
const PROGRESS_INTERVAL_MS = 500;

/** Settings key of the stamp of the last classification: taxonomy, model and tickets it was made for. */
const STAMP_KEY = 'reasons.classified';

/**
 * What the stored classification was made from: the taxonomy, the model (the corrections), and the
 * tickets as imports left them (an import that adds or replaces a ticket gives it a new source_id).
 * Checking it is a scan of two short columns, where checking every ticket's content hashes every
 * text (5 s on 1M tickets), so churnReasons and reasonMembers, which classify before every call,
 * cost nothing extra when nothing changed.
 */
async function classificationStamp(connection: DuckDBConnection, taxonomyHashValue: string, modelHash: string): Promise<string> {
  const state = await queryOne<{ tickets: number; fingerprint: string }>(
    connection,
    `SELECT count(*) AS tickets, CAST(coalesce(bit_xor(hash(ticket_id, source_id)), 0) AS VARCHAR) AS fingerprint FROM tickets`,
  );
  return JSON.stringify({ taxonomy: taxonomyHashValue, model: modelHash, ...state });
}

/** Workspaces made before `primary`, `source` and `model_hash` existed get them (their rows are redone by the model hash). */
async function ensureReasonColumns(connection: DuckDBConnection): Promise<void> {
  await connection.run(`ALTER TABLE ticket_reasons ADD COLUMN IF NOT EXISTS "primary" BOOLEAN DEFAULT false`);
  await connection.run(`ALTER TABLE ticket_reasons ADD COLUMN IF NOT EXISTS source VARCHAR DEFAULT 'rules'`);
  await connection.run(`ALTER TABLE ticket_reasons ADD COLUMN IF NOT EXISTS model_hash VARCHAR DEFAULT '-'`);
}

export async function classifyTickets(connection: DuckDBConnection, taxonomy: Taxonomy, options: ClassifyTicketsOptions = {}): Promise<ClassifyTicketsResult> {
  const started = performance.now();
  await ensureReasonColumns(connection);
  const hash = taxonomyHash(taxonomy);
  const { model, modelHash } = await workspaceModel(connection, taxonomy);
  const stamp = await classificationStamp(connection, hash, modelHash);
  const [saved] = await queryRows<{ value: string }>(connection, 'SELECT value FROM settings WHERE key = $key', { key: STAMP_KEY });
  const classified = !options.full && saved?.value === stamp ? 0 : await classifyChanged(connection, taxonomy, { hash, model, modelHash }, options);
  await connection.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($key, $value)', { key: STAMP_KEY, value: stamp });
  const perReason = await queryRows<{ reason: string; tickets: number }>(
    connection,
    'SELECT reason, count(*) AS tickets FROM ticket_reasons GROUP BY reason ORDER BY tickets DESC, reason',
  );
  const { tickets } = await queryOne<{ tickets: number }>(connection, 'SELECT count(*) AS tickets FROM tickets');
  return {
    taxonomyVersion: taxonomy.version,
    tickets,
    classified,
    perReason,
    agreement: await labelAgreement(connection, taxonomy),
    seconds: (performance.now() - started) / 1000,
  };
}

interface Classifier {
  hash: string;
  model: ReasonModel | null;
  modelHash: string;
}

/** Classifies the tickets whose content, taxonomy or model changed since their stored rows; returns how many. */
async function classifyChanged(connection: DuckDBConnection, taxonomy: Taxonomy, classifier: Classifier, options: ClassifyTicketsOptions): Promise<number> {
  const matcher = compileTaxonomy(taxonomy);
  const { hash, model, modelHash } = classifier;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE reason_work AS
     SELECT * FROM (SELECT ticket_id, ${FIELDS_HASH_SQL} AS fields_hash, category, subject, body, refund_reason, rating FROM tickets) t
     WHERE $full OR NOT EXISTS (
       SELECT 1 FROM ticket_reasons r
       WHERE r.ticket_id = t.ticket_id AND r.fields_hash = t.fields_hash AND r.taxonomy_hash = $hash AND r.model_hash = $model_hash)`,
    { hash, model_hash: modelHash, full: options.full === true },
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE reason_contents AS
     SELECT row_number() OVER () AS content_id, * FROM (
       SELECT fields_hash, count(*) AS tickets, any_value(category) AS category, any_value(subject) AS subject, any_value(body) AS body,
              any_value(refund_reason) AS refund_reason, any_value(rating) AS rating
       FROM reason_work GROUP BY fields_hash)`,
  );
  const { contents, tickets } = await queryOne<{ contents: number; tickets: number }>(
    connection,
    'SELECT (SELECT count(*) FROM reason_contents) AS contents, (SELECT count(*) FROM reason_work) AS tickets',
  );
  // Progress counts tickets, as the analyst knows them, though distinct contents are what is classified
  const interval = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
  let done = 0;
  let reportedAt = performance.now();
  options.onProgress?.(0, tickets);
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE reason_results (content_id BIGINT, reason VARCHAR, confidence DOUBLE, evidence VARCHAR, is_primary BOOLEAN, source VARCHAR)',
  );
  const threads = contents >= POOL_MIN_CONTENTS ? (options.threads ?? poolSize()) : 0;
  const pool = threads > 0 ? new WorkerPool<ContentPage, ClassifiedPage>('reasonWorker', REASON_WORKER, { taxonomy, model } satisfies ReasonWorkerData, threads, options.signal) : null;
  try {
    // Pages classified, in the order read: the main thread reads the next pages and appends the
    // results of earlier ones while the workers classify; a page per worker and one more waiting
    // keep them busy and memory bounded however many tickets there are
    const classifying: { ids: bigint[]; counts: bigint[]; result: Promise<ClassifiedPage> }[] = [];
    const appendOldest = async () => {
      const page = classifying.shift()!;
      const result = await page.result.catch((error: unknown) => namingTheTicket(connection, error, page.ids));
      appendResults(await connection.createAppender('reason_results', 'main', 'temp'), page.ids, result);
      for (const count of page.counts) {
        done += Number(count);
        if (options.onProgress && performance.now() - reportedAt >= interval) {
          reportedAt = performance.now();
          options.onProgress(done, tickets);
        }
      }
    };
    for (let first = 1; first <= contents; first += PAGE_SIZE) {
      if (options.signal?.aborted) throw new CoreError('E_CANCELLED', 'classification was cancelled');
      // Read whole, so the appender may write between pages (it would end an open stream)
      const read = await connection.runAndReadAll(
        'SELECT content_id, tickets, category, subject, body, refund_reason, rating FROM reason_contents WHERE content_id BETWEEN $first AND $last',
        { first, last: first + PAGE_SIZE - 1 },
      );
      // Column arrays of raw values: converting each row to an object costs more than classifying it
      const [ids, counts, category, subject, body, refundReason, rating] = read.getColumns() as [bigint[], bigint[], ...(string | null)[][]];
      const page: ContentPage = { category: category!, subject: subject!, body: body!, refundReason: refundReason!, rating: rating as (number | null)[] };
      const result = pool ? pool.run(page) : classifyInline(matcher, model, page);
      result.catch(() => undefined); // awaited in turn by appendOldest; until then a failure is not unhandled
      classifying.push({ ids, counts, result });
      while (classifying.length > threads) await appendOldest();
    }
    while (classifying.length > 0) await appendOldest();
  } finally {
    await pool?.close();
  }
  if (options.signal?.aborted) throw new CoreError('E_CANCELLED', 'classification was cancelled');
  options.onProgress?.(tickets, tickets);
  const params = { version: taxonomy.version, hash, model_hash: modelHash, full: options.full === true };
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(
      `DELETE FROM ticket_reasons WHERE $full OR ticket_id IN (SELECT ticket_id FROM reason_work) OR ticket_id NOT IN (SELECT ticket_id FROM tickets)`,
      { full: params.full },
    );
    // A correction holds for its ticket and for every ticket of the same content (the latest correction of that content)
    await connection.run(
      `INSERT INTO ticket_reasons (ticket_id, fields_hash, reason, confidence, evidence, taxonomy_version, taxonomy_hash, "primary", source, model_hash)
       WITH by_content AS (SELECT fields_hash, arg_max(reason, corrected_at) AS reason FROM ticket_corrections GROUP BY fields_hash),
            corrected AS (
              SELECT w.ticket_id, coalesce(k.reason, c.reason) AS reason
              FROM reason_work w LEFT JOIN ticket_corrections k USING (ticket_id) LEFT JOIN by_content c ON c.fields_hash = w.fields_hash
              WHERE k.reason IS NOT NULL OR c.reason IS NOT NULL)
       SELECT w.ticket_id, w.fields_hash, r.reason, r.confidence, r.evidence, $version, $hash, r.is_primary, r.source, $model_hash
       FROM reason_work w JOIN reason_contents c USING (fields_hash) JOIN reason_results r USING (content_id)
       WHERE w.ticket_id NOT IN (SELECT ticket_id FROM corrected)
       UNION ALL
       SELECT w.ticket_id, w.fields_hash, CASE WHEN k.reason = $none THEN $unknown ELSE k.reason END, 1, '[]', $version, $hash, true, 'correction', $model_hash
       FROM reason_work w JOIN corrected k USING (ticket_id)`,
      { version: params.version, hash, model_hash: modelHash, none: NO_REASON_LABEL, unknown: UNKNOWN_REASON },
    );
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined); // an interrupted transaction may be gone already
    throw error;
  }
  for (const table of ['reason_work', 'reason_contents', 'reason_results']) await connection.run(`DROP TABLE temp.main.${table}`);
  return tickets;
}

/** A page classified on the calling thread, as a worker would answer it. */
function classifyInline(matcher: CompiledTaxonomy, model: ReasonModel | null, page: ContentPage): Promise<ClassifiedPage> {
  try {
    return Promise.resolve(classifyPage(matcher, model, page));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function appendResults(appender: DuckDBAppender, ids: bigint[], result: ClassifiedPage): void {
  for (let index = 0; index < result.row.length; index++) {
    appender.appendBigInt(ids[result.row[index]!]!);
    appender.appendVarchar(result.reason[index]!);
    appender.appendDouble(result.confidence[index]!);
    appender.appendVarchar(result.evidence[index]!);
    appender.appendBoolean(result.primary[index]!);
    appender.appendVarchar(result.source[index]!);
    appender.endRow();
  }
  appender.closeSync();
}

/** Rethrows a failure to classify a content of a page as an error naming one of its tickets; other errors as they are. */
async function namingTheTicket(connection: DuckDBConnection, error: unknown, ids: bigint[]): Promise<never> {
  const details = error instanceof CoreError || error instanceof WorkerFailure ? error.details : undefined;
  const row = details?.row;
  if (typeof row !== 'number' || error instanceof CoreError && error.code === 'E_CANCELLED') throw error;
  const { ticket_id: ticketId } = await queryOne<{ ticket_id: string }>(
    connection,
    'SELECT min(w.ticket_id) AS ticket_id FROM reason_work w JOIN reason_contents c USING (fields_hash) WHERE c.content_id = $id',
    { id: ids[row]! },
  );
  throw new CoreError('E_INTERNAL', `could not classify ticket ${JSON.stringify(ticketId)}: ${(error as Error).message}`, { ticketId });
}

/** The reason a label names: its key, its Chinese or English name, or one of its category values, compared normalised. */
export function reasonNamedBy(taxonomy: Taxonomy, label: string): string | null {
  const wanted = normalizeText(label);
  const named = taxonomy.reasons.find((reason) =>
    [reason.key, reason.zh, reason.en, ...(reason.categories ?? [])].some((name) => normalizeText(name) === wanted),
  );
  return named?.key ?? (wanted === UNKNOWN_REASON ? UNKNOWN_REASON : null);
}

/** Precision and recall of the stored classification against the labels that name a reason; null when none does. */
async function labelAgreement(connection: DuckDBConnection, taxonomy: Taxonomy): Promise<LabelAgreement[] | null> {
  const labels = await queryRows<{ label: string }>(connection, 'SELECT DISTINCT label FROM tickets WHERE label IS NOT NULL');
  const named = labels.flatMap(({ label }) => {
    const reason = reasonNamedBy(taxonomy, label);
    return reason === null ? [] : [{ label, reason }];
  });
  if (named.length === 0) return null;
  const rows = await queryRows<{ reason: string; labelled: number; predicted: number; both: number }>(
    connection,
    `WITH names AS (SELECT unnest($labels) AS label, unnest($reasons) AS reason),
          labelled AS (SELECT t.ticket_id, n.reason FROM tickets t JOIN names n USING (label)),
          predicted AS (SELECT r.ticket_id, r.reason FROM ticket_reasons r WHERE r.ticket_id IN (SELECT ticket_id FROM labelled))
     SELECT coalesce(l.reason, p.reason) AS reason,
            count(l.ticket_id) AS labelled, count(p.ticket_id) AS predicted, count(*) FILTER (WHERE l.ticket_id IS NOT NULL AND p.ticket_id IS NOT NULL) AS both
     FROM labelled l FULL JOIN predicted p ON p.ticket_id = l.ticket_id AND p.reason = l.reason
     GROUP BY ALL ORDER BY labelled DESC, reason`,
    { labels: listValue(named.map((entry) => entry.label)), reasons: listValue(named.map((entry) => entry.reason)) },
  );
  return rows.map((row) => agreementOf(row.reason, row));
}

type TicketRow = {
  ticket_id: string;
  customer_id: string | null;
  created_at: string | null;
  category: string | null;
  subject: string | null;
  body: string | null;
  refund_reason: string | null;
  rating: number | null;
};

/** One ticket with its classification under `taxonomy`, negated words included (computed afresh, so it always matches the taxonomy). */
export async function ticketEvidence(connection: DuckDBConnection, taxonomy: Taxonomy, ticketId: string): Promise<TicketEvidence> {
  if (typeof ticketId !== 'string' || ticketId === '') throw new CoreError('E_ARGS', 'ticketId must be a non-empty text');
  const [row] = await queryRows<TicketRow>(
    connection,
    `SELECT ticket_id, customer_id, strftime(created_at, '%Y-%m-%dT%H:%M:%S') AS created_at, category, subject, body, refund_reason, rating
     FROM tickets WHERE ticket_id = $id`,
    { id: ticketId },
  );
  if (!row) throw new CoreError('E_NOT_FOUND', `no ticket with id ${JSON.stringify(ticketId)}`, { ticketId });
  return {
    ticket: {
      ticketId: row.ticket_id,
      customerId: row.customer_id,
      createdAt: row.created_at,
      category: row.category,
      subject: row.subject,
      body: row.body,
      refundReason: row.refund_reason,
      rating: row.rating,
    },
    classification: classifyWithModel(compileTaxonomy(taxonomy), (await workspaceModel(connection, taxonomy)).model, row),
    correction: await ticketCorrection(connection, ticketId),
  };
}
