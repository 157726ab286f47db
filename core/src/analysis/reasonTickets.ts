// Classifying the workspace's tickets into `ticket_reasons`, incrementally, and agreement with users' labels.
//
// Matching runs in JavaScript (reasonClassify.ts: words, polarity and negation are easier there than
// in SQL) but only once per reading: tickets are grouped by the md5 of the fields classification
// reads (contents), and contents by the same fields with their digits zeroed (readings: tickets that
// differ only in an order number read alike). One content per reading is classified, then, for the
// readings whose evidence quotes digits, each of their other contents. Contents are read from DuckDB
// in pages, one JSON text each, classified (rules, blended with the model learned from the analyst's
// corrections when there is one) by a pool of worker threads (reasonWorker.ts; one per core, none
// for small runs) while this thread reads the next pages and stores the results (one text a page,
// split by DuckDB) in a temp table, and joined back to their tickets. Reviews repeat a lot ("好评",
// "不错") and tickets quote order numbers, so this is often far fewer texts than tickets. Only
// tickets whose content, taxonomy or model changed since their stored rows are redone. A corrected
// ticket, and any ticket of the same content, gets the correction, whatever the classifier says.
//
// Nothing stored changes until every page is classified: the old rows are replaced in one
// transaction after the last cancel check, so a cancelled run leaves the previous classification whole.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { agreementOf, NO_REASON_LABEL, UNKNOWN_REASON, type ClassifyTicketsResult, type LabelAgreement, type Taxonomy, type TicketEvidence } from '../api/reasons.ts';
import { inTransaction, queryOne, queryRows } from '../db/sql.ts';
import { normalizeText } from '../text/normalize.ts';
import { poolSize, WorkerFailure, WorkerPool } from '../task/workerPool.ts';
import { compileTaxonomy, type CompiledTaxonomy } from './reasonClassify.ts';
import { classifyWithModel, FIELDS_HASH_SQL, ticketCorrection, workspaceModel } from './reasonCorrections.ts';
import type { ReasonModel } from './reasonModel.ts';
import { taxonomyHash } from './reasonTaxonomy.ts';
import type { ReasonWorkerData } from './reasonWorker.ts';
import { classifyPage, FIELD_SEPARATOR, ROW_SEPARATOR, type ClassifiedPage, type ContentPage } from './reasonWorkerBatch.ts';

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
  /**
   * Least time between two progress calls while classifying; default 500 ms (0: after every content
   * classified, and once for the tickets of the readings whose first content was classified for them).
   */
  progressIntervalMs?: number;
  /**
   * Worker threads that classify; default one per core. A step of fewer than POOL_MIN_CONTENTS
   * contents to classify, and 0, classify on the calling thread.
   */
  threads?: number;
}

/**
 * Distinct contents classified per page: large enough to amortise a query and a message between
 * threads, small enough for prompt cancelling and for the workers to finish close together.
 */
const PAGE_SIZE = 5_000;

/**
 * A step with fewer contents to classify than this runs on the calling thread: starting the workers would
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

/**
 * What a content reads as, for sharing its classification: its fields with the digits of subject and
 * body zeroed, so tickets that differ only in an order number, amount or date ("#48213", 3天) are
 * classified once (normalising a text keeps its ASCII digits where they were and changes nothing
 * around them, and both the rules and the model read texts through reasonClassify.ts's zeroDigits,
 * which this SQL restates). NULL and '' are the same to classification.
 */
const ZEROED_READING_SQL = `md5(concat_ws(chr(31), coalesce(category, ''), translate(coalesce(subject, ''), '123456789', '000000000'),
  translate(coalesce(body, ''), '123456789', '000000000'), coalesce(refund_reason, ''), coalesce(CAST(rating AS VARCHAR), '')))`;

/** One classification run's state across its phases. */
interface ClassifyingRun {
  connection: DuckDBConnection;
  matcher: CompiledTaxonomy;
  taxonomy: Taxonomy;
  model: ReasonModel | null;
  options: ClassifyTicketsOptions;
  /** Started by the first phase with enough to classify, kept for the next. */
  pool: WorkerPool<ContentPage, ClassifiedPage> | null;
  /** Counts tickets done towards the progress calls. */
  progress: (tickets: number) => void;
}

/** Classifies the tickets whose content, taxonomy or model changed since their stored rows; returns how many. */
async function classifyChanged(connection: DuckDBConnection, taxonomy: Taxonomy, classifier: Classifier, options: ClassifyTicketsOptions): Promise<number> {
  const { hash, model, modelHash } = classifier;
  const everyTicket = `SELECT ticket_id, ${FIELDS_HASH_SQL} AS fields_hash, category, subject, body, refund_reason, rating FROM tickets`;
  // A full run leaves out the look-up of stored rows rather than evaluating it for nothing: a join of
  // every ticket with every stored row
  if (options.full) await connection.run(`CREATE OR REPLACE TEMP TABLE reason_work AS ${everyTicket}`);
  else {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE reason_work AS
       SELECT * FROM (${everyTicket}) t
       WHERE NOT EXISTS (
         SELECT 1 FROM ticket_reasons r
         WHERE r.ticket_id = t.ticket_id AND r.fields_hash = t.fields_hash AND r.taxonomy_hash = $hash AND r.model_hash = $model_hash)`,
      { hash, model_hash: modelHash },
    );
  }
  // A content is known by its rowid (numbering them with a window would run on one thread)
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE reason_contents AS
     SELECT *, ${ZEROED_READING_SQL} AS reading FROM (
       SELECT fields_hash, count(*) AS tickets, any_value(category) AS category, any_value(subject) AS subject, any_value(body) AS body,
              any_value(refund_reason) AS refund_reason, any_value(rating) AS rating
       FROM reason_work GROUP BY fields_hash)`,
  );
  // The first content of each reading is classified; the others take its rows, unless an evidence
  // term of its subject or body holds a digit (then the words differ): those readings' contents are
  // classified each on their own (own_rows)
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE reason_readings AS SELECT reading, min(rowid) AS first_content, false AS own_rows FROM reason_contents GROUP BY reading',
  );
  const { tickets } = await queryOne<{ tickets: number }>(connection, 'SELECT count(*) AS tickets FROM reason_work');
  // Progress counts tickets, as the analyst knows them, though readings are what is classified
  const interval = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
  let done = 0;
  let reportedAt = performance.now();
  options.onProgress?.(0, tickets);
  const run: ClassifyingRun = {
    connection,
    matcher: compileTaxonomy(taxonomy),
    taxonomy,
    model,
    options,
    pool: null,
    progress: (count) => {
      done += count;
      if (options.onProgress && performance.now() - reportedAt >= interval) {
        reportedAt = performance.now();
        options.onProgress(done, tickets);
      }
    },
  };
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE reason_results (content_id BIGINT, reason VARCHAR, confidence DOUBLE, evidence VARCHAR, is_primary BOOLEAN, source VARCHAR, digits BOOLEAN)',
  );
  try {
    await classifyContents(run, 'SELECT c.rowid AS content_id, c.* FROM reason_readings g JOIN reason_contents c ON c.rowid = g.first_content');
    await connection.run('UPDATE reason_readings SET own_rows = true WHERE first_content IN (SELECT content_id FROM reason_results WHERE digits)');
    const { shared } = await queryOne<{ shared: number }>(
      connection,
      'SELECT coalesce(sum(c.tickets), 0) AS shared FROM reason_contents c JOIN reason_readings g USING (reading) WHERE NOT g.own_rows AND c.rowid <> g.first_content',
    );
    if (shared > 0) run.progress(shared);
    await classifyContents(
      run,
      'SELECT c.rowid AS content_id, c.* FROM reason_contents c JOIN reason_readings g USING (reading) WHERE g.own_rows AND c.rowid <> g.first_content',
    );
  } finally {
    await run.pool?.close();
  }
  if (options.signal?.aborted) throw new CoreError('E_CANCELLED', 'classification was cancelled');
  options.onProgress?.(tickets, tickets);
  await inTransaction(connection, async () => {
    await connection.run(
      options.full
        ? 'DELETE FROM ticket_reasons'
        : 'DELETE FROM ticket_reasons WHERE ticket_id IN (SELECT ticket_id FROM reason_work) OR ticket_id NOT IN (SELECT ticket_id FROM tickets)',
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
       FROM reason_work w JOIN reason_contents c USING (fields_hash) JOIN reason_readings g USING (reading)
         JOIN reason_results r ON r.content_id = CASE WHEN g.own_rows THEN c.rowid ELSE g.first_content END
       WHERE w.ticket_id NOT IN (SELECT ticket_id FROM corrected)
       UNION ALL
       SELECT w.ticket_id, w.fields_hash, CASE WHEN k.reason = $none THEN $unknown ELSE k.reason END, 1, '[]', $version, $hash, true, 'correction', $model_hash
       FROM reason_work w JOIN corrected k USING (ticket_id)`,
      { version: taxonomy.version, hash, model_hash: modelHash, none: NO_REASON_LABEL, unknown: UNKNOWN_REASON },
    );
  });
  for (const table of ['reason_work', 'reason_contents', 'reason_readings', 'reason_units', 'reason_results']) await connection.run(`DROP TABLE temp.main.${table}`);
  return tickets;
}

/**
 * Classifies the contents `select` picks (columns of reason_contents) into reason_results, page by
 * page, on the pool when there are enough of them; nothing when there are none.
 */
async function classifyContents(run: ClassifyingRun, select: string): Promise<void> {
  const { connection, options } = run;
  // Numbered from 1 without gaps, so a page is a range of unit_id and a content's index in its page is its unit_id less the page's first
  await connection.run(`CREATE OR REPLACE TEMP TABLE reason_units AS SELECT row_number() OVER () AS unit_id, * FROM (${select})`);
  const { units } = await queryOne<{ units: number }>(connection, 'SELECT count(*) AS units FROM reason_units');
  const threads = units >= POOL_MIN_CONTENTS ? (options.threads ?? poolSize()) : 0;
  if (threads > 0 && run.pool === null) {
    const data: ReasonWorkerData = { taxonomy: run.taxonomy, model: run.model };
    run.pool = new WorkerPool<ContentPage, ClassifiedPage>('reasonWorker', REASON_WORKER, data, threads, options.signal);
  }
  const pool = threads > 0 ? run.pool : null;
  // Pages classified, in the order read: this thread reads the next pages and stores the results of
  // earlier ones while the workers classify; a page per worker and one more waiting keep them busy
  // and memory bounded however many tickets there are
  const classifying: { first: number; counts: number[]; result: Promise<ClassifiedPage> }[] = [];
  const storeOldest = async () => {
    const page = classifying.shift()!;
    const rows = await page.result.catch((error: unknown) => namingTheTicket(connection, error, page.first));
    await connection.run(
      `INSERT INTO reason_results
       SELECT u.content_id, r.f[2], CAST(r.f[3] AS DOUBLE), r.f[4], r.f[5] = '1', r.f[6], r.f[7] = '1'
       FROM (SELECT string_split(unnest(string_split($rows, $row_separator)), $field_separator) AS f) r
         JOIN reason_units u ON u.unit_id = $first + CAST(r.f[1] AS BIGINT)
       WHERE u.unit_id BETWEEN $first AND $last`,
      { first: page.first, last: page.first + PAGE_SIZE - 1, rows, row_separator: ROW_SEPARATOR, field_separator: FIELD_SEPARATOR },
    );
    for (const count of page.counts) run.progress(count);
  };
  for (let first = 1; first <= units; first += PAGE_SIZE) {
    if (options.signal?.aborted) throw new CoreError('E_CANCELLED', 'classification was cancelled');
    // Ratings that are no finite number classify as none, and JSON has no NaN or Infinity
    const { contents, counts } = await queryOne<{ contents: string; counts: string }>(
      connection,
      `SELECT CAST(to_json(list(json_array(category, subject, body, refund_reason, CASE WHEN isfinite(rating) THEN rating END) ORDER BY unit_id)) AS VARCHAR) AS contents,
              CAST(to_json(list(tickets ORDER BY unit_id)) AS VARCHAR) AS counts
       FROM reason_units WHERE unit_id BETWEEN $first AND $last`,
      { first, last: first + PAGE_SIZE - 1 },
    );
    const result = pool ? pool.run(contents) : classifyInline(run.matcher, run.model, contents);
    result.catch(() => undefined); // awaited in turn by storeOldest; until then a failure is not unhandled
    classifying.push({ first, counts: JSON.parse(counts) as number[], result });
    while (classifying.length > threads) await storeOldest();
  }
  while (classifying.length > 0) await storeOldest();
}

/** A page classified on the calling thread, as a worker would answer it. */
function classifyInline(matcher: CompiledTaxonomy, model: ReasonModel | null, page: ContentPage): Promise<ClassifiedPage> {
  try {
    return Promise.resolve(classifyPage(matcher, model, page));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Rethrows a failure to classify a content of the page starting at unit `first` as an error naming one of its tickets; other errors as they are. */
async function namingTheTicket(connection: DuckDBConnection, error: unknown, first: number): Promise<never> {
  const details = error instanceof CoreError || error instanceof WorkerFailure ? error.details : undefined;
  const row = details?.row;
  if (typeof row !== 'number' || error instanceof CoreError && error.code === 'E_CANCELLED') throw error;
  const { ticket_id: ticketId } = await queryOne<{ ticket_id: string }>(
    connection,
    'SELECT min(w.ticket_id) AS ticket_id FROM reason_work w JOIN reason_units u USING (fields_hash) WHERE u.unit_id = $id',
    { id: first + row },
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
