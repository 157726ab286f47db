// Tickets and survey answers: rows staged, then one ticket (or answer) per id, replacing older
// imports' rows with the same id.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { queryRows, quoteIdent } from '../db/sql.ts';
import type { TaskScope } from '../task/scope.ts';
import type { RowPlan } from './normalise.ts';
import { column, has, tracked, type Loaded } from './staging.ts';

/** Tickets: one per ticket id, with the customer of its order when it names an order but no customer. */
export async function insertTickets(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number, suffix: number): Promise<Loaded> {
  const connection = scope.connection;
  const stage = `cw_stage_${suffix}`;
  const { cw_base: base = 0, ...readParams } = params;
  await tracked(scope, 'read', bytesTotal, `CREATE TEMP TABLE ${stage} AS ${rows}`, readParams);
  scope.progress.update({ phase: 'normalise', bytesDone: bytesTotal, bytesTotal }, true);
  const c = (name: string) => (has(plan, name) || name in plan.derived ? `s.${quoteIdent(name)}` : column(plan, name));
  // Tickets that name an order but no customer belong to the customer of that order (Olist reviews).
  const byOrder = has(plan, 'order_id')
    ? `LEFT JOIN (SELECT order_id, any_value(customer_id) AS customer_id FROM orders GROUP BY order_id) o ON o.order_id = s.order_id`
    : '';
  const customer = has(plan, 'order_id') ? `coalesce(any_value(${c('customer_id')}), any_value(o.customer_id))` : `any_value(${c('customer_id')})`;
  // A ticket id seen twice (one row per comment) becomes one ticket whose body holds every distinct text.
  await connection.run(
    `INSERT INTO tickets (ticket_id, customer_id, created_at, channel, category, subject, body, rating, order_id, refund_reason, label, source_id)
     SELECT s.ticket_id, ${customer}, min(${c('created_at')}), any_value(${c('channel')}), any_value(${c('category')}), any_value(${c('subject')}),
            string_agg(DISTINCT ${c('body')}, chr(10) ORDER BY ${c('body')}), avg(${c('rating')}), any_value(${c('order_id')}),
            any_value(${c('refund_reason')}), any_value(${c('label')}), $base + min(s.__src)
     FROM ${stage} s ${byOrder}
     WHERE s.__reject_reason IS NULL
     GROUP BY s.ticket_id`,
    { base },
  );
  return stagedCounts(connection, stage);
}

/** Rows parsed and loaded per file of a staged read whose rejected rows stay in the stage (tickets, surveys). */
async function stagedCounts(connection: DuckDBConnection, stage: string): Promise<Loaded> {
  const counts = await queryRows<{ src: number; parsed: number; loaded: number }>(
    connection,
    `SELECT __src AS src, count(*) AS parsed, count(*) FILTER (WHERE __reject_reason IS NULL) AS loaded FROM ${stage} GROUP BY 1`,
  );
  return {
    loaded: new Map(counts.map((row) => [Number(row.src), Number(row.loaded)])),
    parsed: new Map(counts.map((row) => [Number(row.src), Number(row.parsed)])),
    rejectedOrders: null,
    stage,
  };
}

/** Survey answers: one per response id (a response split over rows keeps its first time and every distinct comment). */
export async function insertSurveys(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number, suffix: number): Promise<Loaded> {
  const stage = `cw_stage_${suffix}`;
  const { cw_base: base = 0, ...readParams } = params;
  await tracked(scope, 'read', bytesTotal, `CREATE TEMP TABLE ${stage} AS ${rows}`, readParams);
  scope.progress.update({ phase: 'normalise', bytesDone: bytesTotal, bytesTotal }, true);
  const c = (name: string) => (has(plan, name) || name in plan.derived ? `s.${quoteIdent(name)}` : column(plan, name));
  await scope.connection.run(
    `INSERT INTO surveys (survey_id, customer_id, responded_at, csat, nps, comment, source_id)
     SELECT s.survey_id, any_value(${c('customer_id')}), min(${c('responded_at')}), avg(${c('csat')}), avg(${c('nps')}),
            string_agg(DISTINCT ${c('comment')}, chr(10) ORDER BY ${c('comment')}), $base + min(s.__src)
     FROM ${stage} s WHERE s.__reject_reason IS NULL GROUP BY s.survey_id`,
    { base },
  );
  return stagedCounts(scope.connection, stage);
}


/** Earlier imports' answers with an id this import brings are replaced; returns how many. */
export async function replaceOlderSurveys(connection: DuckDBConnection, base: number): Promise<number> {
  const replaced = await connection.run(
    'DELETE FROM surveys WHERE source_id < $base AND survey_id IN (SELECT survey_id FROM surveys WHERE source_id >= $base)',
    { base },
  );
  return Number(replaced.rowsChanged);
}

/** Earlier imports' tickets with an id this import brings are replaced; returns how many. */
export async function replaceOlderTickets(connection: DuckDBConnection, base: number): Promise<number> {
  const replaced = await connection.run(
    'DELETE FROM tickets WHERE source_id < $base AND ticket_id IN (SELECT ticket_id FROM tickets WHERE source_id >= $base)',
    { base },
  );
  return Number(replaced.rowsChanged);
}

