// Line-level orders (one row per item): the rows staged, folded into one order each (amount = sum
// of lines unless the export repeats the order's amount on every line), and kept as order_lines.
import type { DuckDBValue } from '@duckdb/node-api';
import { queryRows, quoteIdent } from '../db/sql.ts';
import type { TaskScope } from '../task/scope.ts';
import { CREDIT_NOTE, type RowPlan } from './normalise.ts';
import { REPEATED_STATUS } from './orders.ts';
import { ORDER_COLUMNS, column, has, tracked, type Loaded } from './staging.ts';

/**
 * Status of an order folded from its rows. Line-level: from the statuses of the lines that carry
 * one (Shopify puts it on the first line only; completed if any line is), else from the lines'
 * amounts (all credit notes, all cancelled, all returned), pending when unpaid. Order-level rows
 * that repeat an id: as REPEATED_STATUS.
 */
function foldedStatus(plan: RowPlan): string {
  if (!plan.lineLevel) return REPEATED_STATUS.replaceAll('status =', '__row_status =');
  const rules: string[] = [`WHEN bool_and(__row_status = '${CREDIT_NOTE}') THEN '${CREDIT_NOTE}'`];
  // Lines that carry a status (all of them on Taobao and JD, the first on Shopify) fold by REPEATED_STATUS: one kept line keeps the order.
  if (has(plan, 'status')) {
    const stated = REPEATED_STATUS.replace(/bool_(or|and)\(status = ('[a-z_]+')\)/g, `bool_$1(__row_status = $2) FILTER (WHERE ${quoteIdent('status')} IS NOT NULL)`);
    rules.push(`WHEN count(${quoteIdent('status')}) > 0 THEN ${stated}`);
  }
  rules.push(`WHEN bool_and(__row_status = 'cancelled') THEN 'cancelled'`);
  rules.push(`WHEN bool_and(__row_status IN ('cancelled', 'refunded')) THEN 'refunded'`);
  if (has(plan, 'paid_at')) rules.push(`WHEN max(${quoteIdent('paid_at')}) IS NULL THEN 'pending'`);
  return `CASE ${rules.join(' ')} ELSE 'completed' END`;
}


/** The staged path for line-level orders: lines staged, folded into orders (rejecting orders without a customer or time as a whole) and kept as order_lines. */
export async function insertOrderLines(scope: TaskScope, plan: RowPlan, rows: string, params: Record<string, DuckDBValue>, bytesTotal: number, suffix: number): Promise<Loaded> {
  const connection = scope.connection;
  const stage = `cw_stage_${suffix}`;
  const folded = `cw_orders_${suffix}`;
  const rejectedOrders = `cw_rejected_orders_${suffix}`;
  const { cw_base: base = 0, ...readParams } = params;
  await tracked(scope, 'read', bytesTotal, `CREATE TEMP TABLE ${stage} AS ${rows}`, readParams);
  scope.progress.update({ phase: 'normalise', bytesDone: bytesTotal, bytesTotal }, true);
  const c = (name: string) => column(plan, name);
  // Order-level amounts on line rows: summed when each line carries its share (Shopify's Total on the first line), read once when every line repeats them (JD).
  const once = (name: string) => (plan.orderFieldsOnEveryLine ? `max(${c(name)})` : `sum(${c(name)})`);
  // Without a refund column, the refund of an order is what its refunded lines were worth (Taobao's item report marks lines 退款成功).
  const refund = has(plan, 'refund_amount') || !(has(plan, 'status') || has(plan, 'refund_status'))
    ? once('refund_amount')
    : `round(sum(__line_amount) FILTER (WHERE __row_status = 'refunded'), 2)`;
  await connection.run(`
    CREATE TEMP TABLE ${folded} AS
    SELECT order_id, any_value(${c('customer_id')}) AS customer_id, min(${c('ordered_at')}) AS ordered_at, max(${c('paid_at')}) AS paid_at,
           coalesce(${once('amount')}, round(sum(__line_amount), 2)) AS amount, ${once('discount')} AS discount,
           ${refund} AS refund_amount, ${foldedStatus(plan)} AS status, any_value(${c('channel')}) AS channel,
           any_value(${c('region')}) AS region, any_value(${c('category')}) AS category, sum(${c('items')}) AS items, min(__src) AS __src
    FROM (SELECT ${plan.lineLevel ? 'ALL' : 'DISTINCT'} * FROM ${stage} WHERE __reject_reason IS NULL) GROUP BY order_id`);
  await connection.run(`
    CREATE TEMP TABLE ${rejectedOrders} AS
    SELECT order_id, CASE WHEN customer_id IS NULL THEN 'customer_id' ELSE 'ordered_at' END AS field
    FROM ${folded} WHERE customer_id IS NULL OR ordered_at IS NULL`);
  await connection.run(
    `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}, source_id) SELECT ${ORDER_COLUMNS.join(', ')}, $base + __src FROM ${folded} WHERE customer_id IS NOT NULL AND ordered_at IS NOT NULL`,
    { base },
  );
  const lineNo = has(plan, 'line_no')
    ? `coalesce(CAST(${quoteIdent('line_no')} AS INTEGER), CAST(row_number() OVER (PARTITION BY order_id ORDER BY ${c('sku')}, ${c('product')}, ${c('items')}, ${c('unit_price')}) AS INTEGER))`
    : `CAST(row_number() OVER (PARTITION BY order_id ORDER BY ${c('sku')}, ${c('product')}, ${c('items')}, ${c('unit_price')}) AS INTEGER)`;
  // Rows with nothing of a line (an Olist order without items) are orders, not lines.
  await connection.run(
    `INSERT INTO order_lines (order_id, line_no, sku, product, category, quantity, unit_price, amount, source_id)
     SELECT order_id, ${lineNo}, ${c('sku')}, ${c('product')}, ${c('category')}, ${c('items')}, ${c('unit_price')}, __line_amount, $base + __src
     FROM ${stage}
     WHERE __reject_reason IS NULL AND order_id NOT IN (SELECT order_id FROM ${rejectedOrders})
       AND (${c('sku')} IS NOT NULL OR ${c('product')} IS NOT NULL OR ${c('unit_price')} IS NOT NULL)`,
    { base },
  );
  const counts = await queryRows<{ src: number; parsed: number; loaded: number }>(
    connection,
    `SELECT __src AS src, count(*) AS parsed,
            count(*) FILTER (WHERE __reject_reason IS NULL AND order_id NOT IN (SELECT order_id FROM ${rejectedOrders})) AS loaded
     FROM ${stage} GROUP BY 1`,
  );
  return {
    loaded: new Map(counts.map((row) => [Number(row.src), Number(row.loaded)])),
    parsed: new Map(counts.map((row) => [Number(row.src), Number(row.parsed)])),
    rejectedOrders,
    stage,
  };
}

