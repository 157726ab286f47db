// The canonical tables of a workspace: the one place their names, columns and types are defined.
//
// Types, and why:
// - ids are VARCHAR so that zero-padded and alphanumeric ids ("000123", "C536379") survive;
// - timestamps are TIMESTAMP (no zone: exports carry local shop time and analyses work in it);
// - money is DOUBLE, not DECIMAL(18,2): every analysis aggregates money (sums, means, model fits)
//   and reads it into JavaScript numbers, which are doubles anyway; DOUBLE aggregates faster and
//   crosses to Arrow without conversion. Amounts are rounded to cents at import, so per-order
//   values are exact to the cent and sums differ from exact decimal sums by far less than a cent.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, quoteIdent } from './sql.ts';
import { ensureSummaries } from './summaries.ts';

/** Order statuses after normalisation; Chinese and English source statuses map onto these. */
export const ORDER_STATUSES = ['completed', 'cancelled', 'refunded', 'pending'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TABLES = {
  /** One row per order. `amount` is what the customer paid for it (sum of lines for line exports). */
  orders: `
    order_id      VARCHAR NOT NULL,
    customer_id   VARCHAR NOT NULL,
    ordered_at    TIMESTAMP NOT NULL,
    paid_at       TIMESTAMP,
    amount        DOUBLE,
    discount      DOUBLE,
    refund_amount DOUBLE,
    status        VARCHAR NOT NULL,
    channel       VARCHAR,
    region        VARCHAR,
    category      VARCHAR,
    items         DOUBLE,
    source_id     INTEGER NOT NULL`,
  /** One row per order line, kept when the export was at line level. */
  order_lines: `
    order_id      VARCHAR NOT NULL,
    line_no       INTEGER NOT NULL,
    sku           VARCHAR,
    product       VARCHAR,
    category      VARCHAR,
    quantity      DOUBLE,
    unit_price    DOUBLE,
    amount        DOUBLE,
    source_id     INTEGER NOT NULL`,
  /**
   * Credit notes: money given back to a customer by a document of its own (UCI's "C" invoices,
   * with negative amounts), not an order. `amount` is what was given back, positive. The refund
   * KPIs count them; they are never activity, and never an order that was not completed.
   */
  credit_notes: `
    credit_note_id VARCHAR NOT NULL,
    customer_id    VARCHAR NOT NULL,
    issued_at      TIMESTAMP NOT NULL,
    amount         DOUBLE,
    source_id      INTEGER NOT NULL`,
  /** Support tickets, complaints, reviews and refund reasons: the texts that carry the why. */
  tickets: `
    ticket_id     VARCHAR NOT NULL,
    customer_id   VARCHAR,
    created_at    TIMESTAMP,
    channel       VARCHAR,
    category      VARCHAR,
    subject       VARCHAR,
    body          VARCHAR,
    rating        DOUBLE,
    order_id      VARCHAR,
    refund_reason VARCHAR,
    label         VARCHAR,
    source_id     INTEGER NOT NULL`,
  /**
   * Satisfaction survey answers (Qualtrics, 问卷星 and similar exports): one row per response.
   * `csat` is the 1-5 satisfaction answer, `nps` the 0-10 likelihood to recommend, `comment` the free text.
   */
  surveys: `
    survey_id     VARCHAR NOT NULL,
    customer_id   VARCHAR,
    responded_at  TIMESTAMP,
    csat          DOUBLE,
    nps           DOUBLE,
    comment       VARCHAR,
    source_id     INTEGER NOT NULL`,
  /** Rows an import could not load, with the place and the reason. */
  rejects: `
    source_id     INTEGER NOT NULL,
    file          VARCHAR NOT NULL,
    line          BIGINT,
    "column"      VARCHAR,
    raw           VARCHAR,
    reason        VARCHAR NOT NULL`,
  /** Every imported file. `mapping` is the JSON of the column mapping that was used. */
  sources: `
    source_id     INTEGER NOT NULL,
    file          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    format        VARCHAR NOT NULL,
    encoding      VARCHAR,
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    mapping       VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL`,
  /** Key/value settings of the workspace (JSON values): taxonomy overrides, chosen windows, report branding and currency (`display`). */
  settings: `
    key           VARCHAR PRIMARY KEY,
    value         VARCHAR NOT NULL`,
  /** Saved views: a name, its analysis scope and screen settings (JSON of api/views.ts's SavedView fields). */
  saved_views: `
    name          VARCHAR PRIMARY KEY,
    scope         VARCHAR NOT NULL,
    settings      VARCHAR NOT NULL,
    saved_at      TIMESTAMP NOT NULL`,
} as const;

/**
 * Tables analyses derive and keep between runs; not imported data, so not among TABLE_NAMES
 * (whose row counts describe what was imported).
 */
export const DERIVED_TABLES = {
  /**
   * The churn reasons of each ticket (resources/taxonomy/churn-reasons.json), one row per ticket and
   * reason; a ticket no reason matched has one `unknown` row, so no ticket is ever missing.
   * `evidence` is the JSON list of {field, terms} that matched. A row stays current while the
   * ticket's `fields_hash` (md5 of the fields classification reads) and the taxonomy's
   * `taxonomy_hash` (its content; `taxonomy_version` is the number users see) are unchanged, so a
   * re-import that changes a ticket, or a taxonomy edit, makes classifyTickets redo only those.
   * `primary` marks the ticket's one primary reason; `source` says what found the row (rules, model,
   * correction); `model_hash` names the corrections the learned model was trained on.
   */
  ticket_reasons: `
    ticket_id        VARCHAR NOT NULL,
    fields_hash      VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    confidence       DOUBLE NOT NULL,
    evidence         VARCHAR NOT NULL,
    taxonomy_version INTEGER NOT NULL,
    taxonomy_hash    VARCHAR NOT NULL,
    "primary"        BOOLEAN NOT NULL DEFAULT false,
    source           VARCHAR NOT NULL DEFAULT 'rules',
    model_hash       VARCHAR NOT NULL DEFAULT ''`,
  /**
   * Analysts' corrections of a ticket's reason (a reason key, or `none` for no reason): kept apart
   * from `ticket_reasons`, so they survive every re-classification; the corrected ticket gets
   * exactly that reason (source `correction`) and the model learned from all corrections votes on
   * every other ticket. `fields_hash` is the ticket's content when it was corrected.
   */
  ticket_corrections: `
    ticket_id        VARCHAR PRIMARY KEY,
    reason           VARCHAR NOT NULL,
    fields_hash      VARCHAR NOT NULL,
    corrected_at     TIMESTAMP NOT NULL`,
} as const;

/**
 * Canonical relations computed from the tables on every read.
 *
 * `customers` is a view, not a table refreshed by imports: no analysis reads it row by row (each
 * aggregates orders over its own window), so keeping it as a table cost a fifth of a 10M-row
 * import for little more than a count, plus the bookkeeping of which customers an import touched.
 * As a view it is never out of step with orders and tickets, whoever wrote them.
 */
export const VIEWS = {
  /**
   * One row per id of orders or tickets (a customer, as analyses count them, is an id with a
   * completed order: `completed_orders > 0`). `revenue` is the amount of completed orders, as
   * every analysis sums it (partial refunds are counted by the refund KPIs, not netted); `region` and `channel` are those of the latest order that names one
   * (arg_max skips NULL arguments).
   */
  customers: `
  WITH by_orders AS (
    SELECT customer_id,
           min(ordered_at) AS first_order_at,
           max(ordered_at) AS last_order_at,
           count(*) AS orders,
           count(*) FILTER (WHERE status = 'completed') AS completed_orders,
           coalesce(sum(coalesce(amount, 0)) FILTER (WHERE status = 'completed'), 0) AS revenue,
           arg_max(region, ordered_at) AS region,
           arg_max(channel, ordered_at) AS channel
    FROM orders
    GROUP BY customer_id
  ),
  by_tickets AS (
    SELECT customer_id, count(*) AS tickets FROM tickets WHERE customer_id IS NOT NULL GROUP BY customer_id
  )
  SELECT coalesce(o.customer_id, t.customer_id) AS customer_id, o.first_order_at, o.last_order_at,
         CAST(coalesce(o.orders, 0) AS INTEGER) AS orders, CAST(coalesce(o.completed_orders, 0) AS INTEGER) AS completed_orders,
         coalesce(o.revenue, 0) AS revenue, CAST(coalesce(t.tickets, 0) AS INTEGER) AS tickets, o.region, o.channel
  FROM by_orders o FULL OUTER JOIN by_tickets t ON t.customer_id = o.customer_id`,
} as const;

export type TableName = keyof typeof TABLES | keyof typeof VIEWS;
/** The canonical relations, in the order a workspace description lists them. */
export const TABLE_NAMES: readonly TableName[] = ['orders', 'order_lines', 'credit_notes', 'tickets', 'customers', 'rejects', 'sources', 'settings'];

/**
 * A SELECT of a relation's row count, as `n`. The customers view is counted from its ids alone
 * (its rows are the distinct customer ids of orders and tickets): skipping its aggregates makes
 * the count about a third cheaper (0.55 s against 0.8 s at 10M orders), and every import pays it.
 */
export function rowCountSql(name: TableName): string {
  if (name === 'customers') return 'SELECT count(*) AS n FROM (SELECT customer_id FROM orders UNION SELECT customer_id FROM tickets WHERE customer_id IS NOT NULL)';
  return `SELECT count(*) AS n FROM ${quoteIdent(name)}`;
}

/**
 * Creates any canonical table that is missing (existing tables are left as they are) and
 * (re)defines the views, so a workspace always has this version's definitions. Workspaces made
 * before `customers` became a view hold it as a table, which is dropped first. The summaries the
 * analyses read (summaries.ts) are built when missing or out of step with the orders.
 */
export async function ensureSchema(connection: DuckDBConnection): Promise<void> {
  for (const [name, columns] of [...Object.entries(TABLES), ...Object.entries(DERIVED_TABLES)]) {
    await connection.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(name)} (${columns})`);
  }
  for (const [name, sql] of Object.entries(VIEWS)) {
    const [table] = await queryRows(connection, `SELECT 1 FROM duckdb_tables() WHERE table_name = $name AND schema_name = 'main' AND NOT temporary`, { name });
    if (table) await connection.run(`DROP TABLE ${quoteIdent(name)}`);
    await connection.run(`CREATE OR REPLACE VIEW ${quoteIdent(name)} AS ${sql}`);
  }
  // customer_days, customer_summary and their state: defined in summaries.ts, built once for a workspace made without them
  await ensureSummaries(connection);
}
