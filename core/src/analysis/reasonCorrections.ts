// Analysts' corrections of tickets' reasons: stored in `ticket_corrections`, learned from by the reason model.
//
// A correction names a reason key or `none`. It overrides the classification of its ticket on every
// run, and all corrections together train on from the shipped model (reasonModel.ts), whose votes
// blend with the rules on every other ticket. The model is trained afresh when the corrections or
// the taxonomy change (thousands of corrections train in well under a second); `modelHash` names
// what it was trained on, so stored classifications made with another model are redone.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { NO_REASON_LABEL, type Classification, type CorrectionsInfo, type Taxonomy } from '../api/reasons.ts';
import { queryOne, queryRows } from '../db/sql.ts';
import { classifyFields, compileTaxonomy, MODEL_FIELD_JOINER, readFields, type CompiledTaxonomy, type TicketFields } from './reasonClassify.ts';
import { blendWithModel, crossValidate, judges, teaches, textFeatures, textScores, shippedModelFor, trainReasonModel, type ReasonModel } from './reasonModel.ts';
import { taxonomyHash } from './reasonTaxonomy.ts';

/** md5 of what classification reads; NULL and '' are the same to it. */
export const FIELDS_HASH_SQL = `md5(concat_ws(chr(31), coalesce(category, ''), coalesce(subject, ''), coalesce(body, ''), coalesce(refund_reason, ''), coalesce(CAST(rating AS VARCHAR), '')))`;

const RECENT = 50;

/** The text fields of a ticket as one text: what the model reads. */
export function ticketText(fields: TicketFields): string {
  return [fields.category, fields.refund_reason, fields.subject, fields.body].filter((value) => value !== null && value !== undefined && value !== '').join(MODEL_FIELD_JOINER);
}

/** The rules' classification of a ticket and, with a model, the blend of both. */
export function classifyWithModel(matcher: CompiledTaxonomy, model: ReasonModel | null, fields: TicketFields): Classification {
  const { rules, words } = readFields(matcher, fields);
  const text = ticketText(fields);
  if (!model || !judges(model, text)) return rules;
  const { probabilities, praise } = textScores(model, text, matcher.known, rules, words);
  return blendWithModel(rules, probabilities, text, praise);
}

type CorrectedTicket = {
  ticket_id: string;
  reason: string;
  category: string | null;
  subject: string | null;
  body: string | null;
  refund_reason: string | null;
  rating: number | null;
};

/** Models by the hash of what they learned from: churnReasons classifies before every call, and retraining each time would cost. */
const models = new Map<string, ReasonModel | null>();
const MODELS_KEPT = 4;

async function correctedTickets(connection: DuckDBConnection): Promise<CorrectedTicket[]> {
  return queryRows<CorrectedTicket>(
    connection,
    `SELECT c.ticket_id, c.reason, t.category, t.subject, t.body, t.refund_reason, t.rating
     FROM ticket_corrections c JOIN tickets t USING (ticket_id) ORDER BY c.ticket_id`,
  );
}

/**
 * The model for a workspace under a taxonomy: the shipped one (under the taxonomy it learned with,
 * see shippedModelFor) trained on with the workspace's corrections, and the hash that names it (''
 * with neither).
 */
export async function workspaceModel(connection: DuckDBConnection, taxonomy: Taxonomy): Promise<{ model: ReasonModel | null; modelHash: string }> {
  const corrected = await correctedTickets(connection);
  const shipped = shippedModelFor(taxonomy);
  if (corrected.length === 0) return { model: shipped?.model ?? null, modelHash: shipped?.hash ?? '' };
  const modelHash = createHash('sha256')
    .update(taxonomyHash(taxonomy))
    .update(shipped?.hash ?? '')
    .update(JSON.stringify(corrected))
    .digest('hex')
    .slice(0, 16);
  if (!models.has(modelHash)) {
    const matcher = compileTaxonomy(taxonomy);
    models.set(
      modelHash,
      trainReasonModel(
        corrected.map((ticket) => ({ features: textFeatures(ticketText(ticket), matcher.known, classifyFields(matcher, ticket), shipped?.model.polarity ?? new Map()), label: ticket.reason })),
        shipped?.model ?? null,
      ),
    );
    if (models.size > MODELS_KEPT) models.delete(models.keys().next().value!);
  }
  return { model: models.get(modelHash) ?? null, modelHash };
}

/** Sets or drops a ticket's correction; the reason must be `none` or a key of the taxonomy in force. */
export async function correctTicket(connection: DuckDBConnection, taxonomy: Taxonomy, ticketId: string, reason: string | null): Promise<void> {
  if (typeof ticketId !== 'string' || ticketId === '') throw new CoreError('E_ARGS', 'ticketId must be a non-empty text');
  if (reason === null) {
    await connection.run('DELETE FROM ticket_corrections WHERE ticket_id = $id', { id: ticketId });
    return;
  }
  const known = [NO_REASON_LABEL, ...taxonomy.reasons.map((entry) => entry.key)];
  if (!known.includes(reason)) throw new CoreError('E_ARGS', `reason must be one of ${known.join(', ')}, got ${JSON.stringify(reason)}`);
  const { found } = await queryOne<{ found: number }>(connection, 'SELECT count(*) AS found FROM tickets WHERE ticket_id = $id', { id: ticketId });
  if (found === 0) throw new CoreError('E_NOT_FOUND', `no ticket with id ${JSON.stringify(ticketId)}`, { ticketId });
  await connection.run(
    `INSERT OR REPLACE INTO ticket_corrections (ticket_id, reason, fields_hash, corrected_at)
     SELECT ticket_id, $reason, ${FIELDS_HASH_SQL}, current_localtimestamp() FROM tickets WHERE ticket_id = $id LIMIT 1`,
    { id: ticketId, reason },
  );
}

/** A ticket's correction, or null. */
export async function ticketCorrection(connection: DuckDBConnection, ticketId: string): Promise<string | null> {
  const [row] = await queryRows<{ reason: string }>(connection, 'SELECT reason FROM ticket_corrections WHERE ticket_id = $id', { id: ticketId });
  return row?.reason ?? null;
}

/** The corrections, per reason, and the cross-validated agreement of the model trained on with them. */
export async function correctionsInfo(connection: DuckDBConnection, taxonomy: Taxonomy): Promise<CorrectionsInfo> {
  const corrected = await correctedTickets(connection);
  const matcher = compileTaxonomy(taxonomy);
  const shipped = shippedModelFor(taxonomy)?.model ?? null;
  const examples = corrected.map((ticket) => {
    const rules = classifyFields(matcher, ticket);
    const text = ticketText(ticket);
    return { rules, features: textFeatures(text, matcher.known, rules, shipped?.polarity ?? new Map()), label: ticket.reason, body: text };
  });
  const modelTrained = teaches(examples);
  const perReason = await queryRows<{ reason: string; corrections: number }>(
    connection,
    'SELECT reason, count(*) AS corrections FROM ticket_corrections GROUP BY reason ORDER BY corrections DESC, reason',
  );
  const recent = await queryRows<{ ticketId: string; reason: string; correctedAt: string }>(
    connection,
    `SELECT ticket_id AS "ticketId", reason, strftime(corrected_at, '%Y-%m-%dT%H:%M:%S') AS "correctedAt"
     FROM ticket_corrections ORDER BY corrected_at DESC, ticket_id LIMIT ${RECENT}`,
  );
  return {
    corrections: perReason.reduce((sum, entry) => sum + entry.corrections, 0),
    perReason,
    modelTrained,
    scores: modelTrained
      ? crossValidate(examples, 5, shipped).map(({ label, labelled, ...rest }) => ({ reason: label, corrected: labelled, ...rest }))
      : [],
    recent,
  };
}
