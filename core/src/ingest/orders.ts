// Order-level orders: the direct insert straight from the file, and the end of every orders load:
// ids repeated within the import folded, older imports' orders with those ids replaced, and credit
// notes moved out of orders.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { queryOne, queryRows } from '../db/sql.ts';
import type { TaskScope } from '../task/scope.ts';
import { CREDIT_NOTE, type RowPlan } from './normalise.ts';
import { ORDER_COLUMNS, column, countsBySource, tracked, type Loaded } from './staging.ts';

/** The direct path: one INSERT ... SELECT from the files into orders; counts loaded rows per file. */
export async function insertOrdersDirect(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number): Promise<Loaded> {
  const values = ORDER_COLUMNS.map((name) => (name === 'status' ? '__row_status' : column(plan, name)));
  await tracked(
    scope,
    'read',
    bytesTotal,
    `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}, source_id) SELECT ${values.join(', ')}, $cw_base + __src FROM (${rows}) WHERE __loadable`,
    params,
  );
  const counts = await queryRows<{ src: number; n: number }>(scope.connection, 'SELECT source_id - $base AS src, count(*) AS n FROM orders WHERE source_id >= $base GROUP BY 1', { base: params.cw_base ?? 0 });
  return { loaded: countsBySource(counts), parsed: null, rejectedOrders: null, stage: null };
}

/** Status of orders whose rows repeat an id: completed if any row is, then pending, refunded, cancelled. */
export const REPEATED_STATUS = `CASE WHEN bool_and(status = '${CREDIT_NOTE}') THEN '${CREDIT_NOTE}' WHEN bool_or(status = 'completed') THEN 'completed' WHEN bool_or(status = 'pending') THEN 'pending'
  WHEN bool_or(status = 'refunded') THEN 'refunded' ELSE 'cancelled' END`;

/** Up to this many new orders, repeats are counted exactly; above, a HyperLogLog estimate screens first. */
const EXACT_REPEAT_CHECK = 2_000_000;

/**
 * Whether this import's orders repeat an order id. Exact up to EXACT_REPEAT_CHECK orders (a
 * distinct count: 0.2 s per million). Above that, DuckDB's HyperLogLog estimate (0.03 s per
 * million, about 1% error) screens first and the exact count runs only when the estimate falls
 * 3% short: a line-level export read as orders repeats ids far more than that, while a few stray
 * repeats in a file of many millions may pass. This keeps a 10M-row import within reach of
 * DuckDB's own read speed.
 */
async function hasRepeatedOrders(connection: DuckDBConnection, base: number): Promise<boolean> {
  const { rows, estimate } = await queryOne<{ rows: number; estimate: number }>(
    connection,
    'SELECT count(*) AS rows, approx_count_distinct(order_id) AS estimate FROM orders WHERE source_id >= $base',
    { base },
  );
  if (Number(rows) > EXACT_REPEAT_CHECK && Number(estimate) >= Number(rows) * 0.97) return false;
  const { repeats } = await queryOne<{ repeats: number }>(connection, 'SELECT count(*) - count(DISTINCT order_id) AS repeats FROM orders WHERE source_id >= $base', { base });
  return Number(repeats) > 0;
}

/**
 * Order ids repeated within this import: the latest file's rows win; rows of one file that repeat
 * an id are folded, so no order is counted twice. With real order ids an exact duplicate row is a
 * row exported twice and counts once (`collapseDuplicates`); with ids derived per customer and day
 * identical rows are separate purchases and all of them are summed.
 */
export async function foldDuplicateOrders(connection: DuckDBConnection, base: number, collapseDuplicates: boolean): Promise<number> {
  if (!(await hasRepeatedOrders(connection, base))) return 0;
  const { before } = await queryOne<{ before: number }>(connection, 'SELECT count(*) AS before FROM orders WHERE source_id >= $base', { base });
  await connection.run(
    `DELETE FROM orders o USING (
       SELECT order_id, max(source_id) AS latest FROM orders WHERE source_id >= $base GROUP BY order_id HAVING count(DISTINCT source_id) > 1
     ) k
     WHERE o.order_id = k.order_id AND o.source_id >= $base AND o.source_id < k.latest`,
    { base },
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE cw_folded AS
     SELECT order_id, any_value(customer_id) AS customer_id, min(ordered_at) AS ordered_at, max(paid_at) AS paid_at, sum(amount) AS amount,
            sum(discount) AS discount, sum(refund_amount) AS refund_amount,
            ${REPEATED_STATUS} AS status,
            any_value(channel) AS channel, any_value(region) AS region, any_value(category) AS category, sum(items) AS items, min(source_id) AS source_id
     FROM (SELECT ${collapseDuplicates ? 'DISTINCT' : 'ALL'} * FROM orders WHERE source_id >= $base) GROUP BY order_id`,
    { base },
  );
  await connection.run('DELETE FROM orders WHERE source_id >= $base', { base });
  const after = await connection.run(`INSERT INTO orders (${ORDER_COLUMNS.join(', ')}, source_id) SELECT ${ORDER_COLUMNS.join(', ')}, source_id FROM cw_folded`);
  return Number(before) - Number(after.rowsChanged);
}

/**
 * Moves this import's credit notes (orders whose rows all carry CREDIT_NOTE) from `orders` to
 * `credit_notes`, with the amount given back as a positive number; earlier credit notes with an id
 * this import brings are replaced. Their lines stay in order_lines, the record of what came back.
 */
export async function moveCreditNotes(connection: DuckDBConnection, base: number): Promise<{ moved: number; replaced: number }> {
  const status = { base, credit: CREDIT_NOTE };
  const replaced = await connection.run(
    `DELETE FROM credit_notes WHERE source_id < $base AND credit_note_id IN (SELECT order_id FROM orders WHERE source_id >= $base AND status = $credit)`,
    status,
  );
  const moved = await connection.run(
    `INSERT INTO credit_notes (credit_note_id, customer_id, issued_at, amount, source_id)
     SELECT order_id, customer_id, ordered_at, -amount, source_id FROM orders WHERE source_id >= $base AND status = $credit`,
    status,
  );
  if (Number(moved.rowsChanged) > 0) await connection.run('DELETE FROM orders WHERE source_id >= $base AND status = $credit', status);
  return { moved: Number(moved.rowsChanged), replaced: Number(replaced.rowsChanged) };
}

/** Earlier imports' orders with an id this import brings are replaced (the last import wins); returns how many. */
export async function replaceOlderOrders(connection: DuckDBConnection, base: number): Promise<number> {
  const { older } = await queryOne<{ older: number }>(connection, 'SELECT count(*) AS older FROM orders WHERE source_id < $base', { base });
  if (Number(older) === 0) return 0;
  const replaced = await connection.run(
    'DELETE FROM orders WHERE source_id < $base AND order_id IN (SELECT order_id FROM orders WHERE source_id >= $base)',
    { base },
  );
  await connection.run('DELETE FROM order_lines WHERE source_id < $base AND order_id IN (SELECT order_id FROM orders WHERE source_id >= $base)', { base });
  return Number(replaced.rowsChanged);
}

