// Applies an analysis scope (api/views.ts) to a task's connection, once for every analysis.
//
// DuckDB resolves an unqualified table name in the connection's temporary catalog before the
// workspace's, also inside the workspace's own views (the `customers` view reads `orders`). So
// temporary views named like the canonical relations, over the rows in scope, make every analysis
// on that connection see the workspace as if it held only those rows, with no analysis changed.
// They live and die with the task's connection; other connections never see them.
//
// The scope's values are bound into small temporary tables the views read, never spliced into SQL.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { SCOPE_COLUMNS, type AnalysisScope, type ScopeColumn } from '../api/views.ts';
import { TABLES } from '../db/schema.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { SUMMARIES } from '../db/summaries.ts';

export const DEFAULT_OTHER_LABEL = 'Other';

/** Bounds and labels of the scope: one row. */
const BOUNDS = 'analysis_scope_bounds';
/** The `where` filters: one row per (column, allowed value). */
const FILTER = 'analysis_scope_filter';
/** Values of the grouped segment column kept as themselves; every other non-null value becomes the other label. */
const KEPT_GROUPS = 'analysis_scope_groups';

/** What a shadow knows when it writes its SQL: the workspace's own relation by name, past every shadow. */
interface ShadowContext {
  canonical: (table: string) => string;
  scope: TaskAnalysisScope;
  /** The segment column some of whose values become the other label; null when none does. */
  grouped: ScopeColumn | null;
}

/**
 * A relation analyses read, shadowed on a scoped connection. `view`: a temporary view of its rows
 * in scope. `copy`: a temporary table copied from them, for relations an analysis also writes
 * (classification's stored reasons and its stamp in settings): a scoped task's writes land in the
 * copy and end with it, so the workspace never keeps a result computed on part of its data.
 */
interface ShadowedRelation {
  name: string;
  kind: 'view' | 'copy';
  /** Whether this scope narrows the relation at all. */
  applies: (scope: TaskAnalysisScope) => boolean;
  select: (context: ShadowContext) => string;
}

const filters = (scope: AnalysisScope) => scope.from !== undefined || scope.to !== undefined || (scope.where?.length ?? 0) > 0;
const groups = (scope: TaskAnalysisScope) => scope.segment !== undefined && (scope.segmentTop !== undefined || scope.minGroupSize !== undefined);

/** SQL condition: `column` (a timestamp) lies in the scope's range. */
function inRange(column: string, scope: AnalysisScope): string {
  const bounds = [
    scope.from === undefined ? null : `${column} >= (SELECT from_at FROM ${BOUNDS})`,
    scope.to === undefined ? null : `${column} < (SELECT to_before FROM ${BOUNDS})`,
  ].filter((bound) => bound !== null);
  return bounds.length === 0 ? 'true' : bounds.join(' AND ');
}

/** The canonical orders in range that pass every filter (before grouping): what grouping ranks. */
function ordersInScope({ canonical, scope }: ShadowContext): string {
  const filtered = (scope.where ?? []).map(
    ({ column }) => `${quoteIdent(column)} IN (SELECT value FROM ${FILTER} WHERE "column" = '${column}')`,
  );
  return `SELECT * FROM ${canonical('orders')} WHERE ${[inRange('ordered_at', scope), ...filtered].join(' AND ')}`;
}

/**
 * Rows of customer-linked data (tickets, survey answers, credit notes) in scope: dated in the range
 * (undated ones when their customer has an order in scope), and with filters, only of customers
 * with an order in scope. `temp.orders` is the shadow of orders, created first.
 */
function customerRowsInScope(table: string, dateColumn: string) {
  return ({ canonical, scope }: ShadowContext) => {
    const customerInScope = 'customer_id IN (SELECT customer_id FROM temp.orders)';
    const dated = `CASE WHEN ${dateColumn} IS NULL THEN ${customerInScope} ELSE ${inRange(dateColumn, scope)} END`;
    const filtered = (scope.where?.length ?? 0) > 0 ? ` AND ${customerInScope}` : '';
    return `SELECT * FROM ${canonical(table)} WHERE ${dated}${filtered}`;
  };
}

/** The grouped segment column of an order, with values outside the kept groups renamed to the other label. */
function groupedColumn(column: ScopeColumn): string {
  const name = quoteIdent(column);
  return `CASE WHEN ${name} IS NULL OR ${name} IN (SELECT value FROM ${KEPT_GROUPS}) THEN ${name} ELSE (SELECT other_label FROM ${BOUNDS}) END AS ${name}`;
}

/**
 * Every relation a scope shadows, in creation order (later ones read the shadows of earlier ones).
 * A relation derived from orders by SQL that names `orders` unqualified is shadowed by one more
 * entry: `{ name, kind: 'view', applies: () => true, select: () => ITS_SQL }`.
 */
export const SHADOWED_RELATIONS: readonly ShadowedRelation[] = [
  {
    name: 'orders',
    kind: 'view',
    applies: (scope) => filters(scope) || groups(scope),
    select: (context) => (context.grouped === null ? ordersInScope(context) : `SELECT * REPLACE (${groupedColumn(context.grouped)}) FROM (${ordersInScope(context)})`),
  },
  {
    name: 'order_lines',
    kind: 'view',
    applies: filters,
    select: ({ canonical }) => `SELECT * FROM ${canonical('order_lines')} WHERE order_id IN (SELECT order_id FROM temp.orders)`,
  },
  { name: 'credit_notes', kind: 'view', applies: filters, select: customerRowsInScope('credit_notes', 'issued_at') },
  { name: 'tickets', kind: 'view', applies: filters, select: customerRowsInScope('tickets', 'created_at') },
  { name: 'surveys', kind: 'view', applies: filters, select: customerRowsInScope('surveys', 'responded_at') },
  {
    name: 'ticket_reasons',
    kind: 'copy',
    applies: filters,
    select: ({ canonical }) => `SELECT * FROM ${canonical('ticket_reasons')} WHERE ticket_id IN (SELECT ticket_id FROM temp.tickets)`,
  },
  { name: 'settings', kind: 'copy', applies: filters, select: ({ canonical }) => `SELECT key, value FROM ${canonical('settings')}` },
  // the import-maintained summaries, recomputed from the shadowed orders by their own SQL
  ...SUMMARIES.map(({ name, sql }): ShadowedRelation => ({ name, kind: 'view', applies: (scope) => filters(scope) || groups(scope), select: () => sql })),
];

/** Table definitions a copy keeps (settings' primary key, which INSERT OR REPLACE needs). */
const COPY_COLUMNS: Partial<Record<string, string>> = { settings: TABLES.settings };

/** A scope as a task applies it: its grouping, if any, on the one segment column the analysis splits customers by. */
export interface TaskAnalysisScope extends AnalysisScope {
  segment?: ScopeColumn;
}

/**
 * The scope for an analysis that splits customers by `segment` (null: by none). Without a segment
 * the grouping is dropped: merging values would only change the per-customer features that read
 * them (shopper types' category spread, cross-border regions), and make no chart more readable.
 * With one, only that column is grouped: looking up first orders is the costliest step of a scope.
 */
export function scopeFor(scope: AnalysisScope | undefined, segment: ScopeColumn | null | undefined): TaskAnalysisScope | undefined {
  if (scope === undefined) return undefined;
  const { segmentTop: _top, minGroupSize: _minimum, otherLabel: _label, ...filtersOnly } = scope;
  return segment ? { ...scope, segment } : filtersOnly;
}

/** True when `scope` changes what an analysis sees. */
export function scopeIsActive(scope: TaskAnalysisScope | undefined): scope is TaskAnalysisScope {
  return scope !== undefined && (filters(scope) || groups(scope));
}

/** The day after `day` (YYYY-MM-DD) at midnight, as a timestamp literal's text: the range's exclusive end. */
function dayAfter(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * Shadows the canonical relations on `connection` with their rows in `scope`. Fails with
 * E_NO_DATA (reason `empty_scope`) when the workspace has orders but none is in scope, so an
 * analysis does not answer that the workspace has no orders.
 */
export async function applyAnalysisScope(connection: DuckDBConnection, scope: TaskAnalysisScope): Promise<void> {
  if (!scopeIsActive(scope)) return;
  // Column names become SQL text in the views (which cannot bind parameters), so only known ones pass
  const unknown = (scope.where ?? []).find(({ column }) => !SCOPE_COLUMNS.includes(column));
  if (unknown) throw new CoreError('E_ARGS', `scope.where column must be one of ${SCOPE_COLUMNS.join(', ')}; got ${JSON.stringify(unknown.column)}`);
  const { database } = await queryOne<{ database: string }>(connection, 'SELECT current_database() AS database');
  const context: ShadowContext = { canonical: (table) => `${quoteIdent(database)}.main.${quoteIdent(table)}`, scope, grouped: null };
  await connection.run(`CREATE TEMP TABLE ${BOUNDS} AS SELECT CAST($from AS TIMESTAMP) AS from_at, CAST($to_before AS TIMESTAMP) AS to_before, $other_label AS other_label`, {
    from: scope.from ?? null,
    to_before: scope.to === undefined ? null : dayAfter(scope.to),
    other_label: scope.otherLabel ?? DEFAULT_OTHER_LABEL,
  });
  await connection.run(`CREATE TEMP TABLE ${FILTER} ("column" VARCHAR, value VARCHAR)`);
  for (const { column, values } of scope.where ?? []) {
    await connection.run(`INSERT INTO ${FILTER} SELECT $column, unnest($values::VARCHAR[])`, { column, values: listValue(values) });
  }
  if (groups(scope)) context.grouped = await keepLargestGroups(connection, context);
  for (const relation of SHADOWED_RELATIONS) {
    if (!relation.applies(scope)) continue;
    const name = quoteIdent(relation.name);
    if (relation.kind === 'view') {
      await connection.run(`CREATE TEMP VIEW ${name} AS ${relation.select(context)}`);
      continue;
    }
    // A copy of an empty table is empty whatever the scope; not reading its scope (tickets against orders) saves a pass over the orders
    const { empty } = await queryOne<{ empty: boolean }>(connection, `SELECT NOT EXISTS (SELECT 1 FROM ${context.canonical(relation.name)}) AS "empty"`);
    const select = empty ? `SELECT * FROM ${context.canonical(relation.name)}` : relation.select(context);
    if (COPY_COLUMNS[relation.name] === undefined) await connection.run(`CREATE TEMP TABLE ${name} AS ${select}`);
    else {
      await connection.run(`CREATE TEMP TABLE ${name} (${COPY_COLUMNS[relation.name]})`);
      await connection.run(`INSERT INTO temp.${name} ${select}`);
    }
  }
  const { hasOrders, inScope } = await queryOne<{ hasOrders: boolean; inScope: boolean }>(
    connection,
    `SELECT EXISTS (SELECT 1 FROM ${context.canonical('orders')}) AS "hasOrders", EXISTS (SELECT 1 FROM temp.orders) AS "inScope"`,
  );
  if (hasOrders && !inScope) {
    await failOnAbsentValue(connection, context);
    throw new CoreError('E_NO_DATA', 'no order lies in the chosen date range and filters; widen them', { reason: 'empty_scope' });
  }
}

/** Values shown when a filter names one that no order has: the closest by spelling first. */
const SUGGESTED_VALUES = 8;

/**
 * E_NO_DATA naming the first filter none of whose values any order of the workspace has, with the
 * column's values closest in spelling (a typo, or a column the export leaves empty), so the user is
 * not told to widen a range they never set. Returns when every filter matches some order.
 */
async function failOnAbsentValue(connection: DuckDBConnection, context: ShadowContext): Promise<void> {
  const orders = context.canonical('orders');
  for (const { column, values } of context.scope.where ?? []) {
    const { occurs } = await queryOne<{ occurs: boolean }>(connection, `SELECT EXISTS (SELECT 1 FROM ${orders} WHERE ${quoteIdent(column)} IN (SELECT unnest($values::VARCHAR[]))) AS occurs`, {
      values: listValue(values),
    });
    if (occurs) continue;
    const closest = await queryRows<{ value: string }>(
      connection,
      `SELECT value FROM (SELECT DISTINCT ${quoteIdent(column)} AS value FROM ${orders} WHERE ${quoteIdent(column)} IS NOT NULL)
       ORDER BY jaro_winkler_similarity(lower(value), lower($typed)) DESC, value LIMIT $limit`,
      { typed: values[0] ?? '', limit: SUGGESTED_VALUES },
    );
    const known = closest.length === 0 ? `no order has a ${column}` : `closest values: ${closest.map((row) => row.value).join(', ')}`;
    throw new CoreError('E_NO_DATA', `no order has ${column} ${values.map((value) => JSON.stringify(value)).join(' or ')} (${known})`, { reason: 'empty_scope' });
  }
}

/**
 * The values of the scope's segment column kept as themselves: the `segmentTop` with the most
 * customers and at least `minGroupSize` of them. A customer's value is the one the segment
 * analyses give them by default: that of their first completed order naming one, among the orders
 * in range and filters. Ties in size go to the value that sorts first. Computed once per task (a
 * view would redo it in every query that reads orders). Returns the column, or null when no value
 * can be merged (no more values than `segmentTop`, and no minimum size): then its customers' first
 * orders, the costliest step, are not looked up.
 */
async function keepLargestGroups(connection: DuckDBConnection, context: ShadowContext): Promise<ScopeColumn | null> {
  const { segment, segmentTop: top, minGroupSize: minSize = 1 } = context.scope;
  if (segment === undefined) return null;
  const name = quoteIdent(segment);
  const { values } = await queryOne<{ values: number }>(connection, `SELECT count(DISTINCT ${name}) AS "values" FROM (${ordersInScope(context)})`);
  if (minSize <= 1 && (top === undefined || values <= top)) return null;
  await connection.run(
    `CREATE TEMP TABLE ${KEPT_GROUPS} AS
     WITH firsts AS (SELECT arg_min(${name}, (ordered_at, order_id)) AS value FROM (${ordersInScope(context)}) WHERE status = 'completed' GROUP BY customer_id),
          ranked AS (SELECT value, count(*) AS customers, row_number() OVER (ORDER BY count(*) DESC, value) AS rank FROM firsts WHERE value IS NOT NULL GROUP BY value)
     SELECT value FROM ranked WHERE customers >= $min_size${top === undefined ? '' : ' AND rank <= $top'}`,
    { min_size: minSize, ...(top === undefined ? {} : { top }) },
  );
  return segment;
}
