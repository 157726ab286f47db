// What an import tells its caller once its rows are in: workspace counts, the date range it
// loaded, and the alerts only the loaded rows can tell.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportAlert, ImportKind } from '../api/workspace.ts';
import { countCustomers } from '../analysis/activity.ts';
import { queryOne } from '../db/sql.ts';
import { ticketCustomers, type TicketCustomers } from '../db/summaries.ts';
import type { MappedRequest } from './map.ts';
import { IMPLAUSIBLE_DATE, type RowPlan } from './normalise.ts';
import type { LoadedImport } from './staging.ts';

/**
 * Tickets (of this import, from source `since` on; or all) whose customer has no order in the
 * workspace. They add customers no order analysis sees, usually because the tickets name
 * customers another way than the orders do (an email against a buyer id). Null when there is no
 * such ticket, or no order at all to match against.
 */
export async function unmatchedTickets(connection: DuckDBConnection, since = 0, looked: TicketCustomers | null = null): Promise<ImportAlert | null> {
  const { orders } = await queryOne<{ orders: boolean }>(connection, 'SELECT EXISTS (SELECT 1 FROM orders) AS orders');
  if (!orders) return null;
  const match = looked ?? (await ticketCustomers(connection, since));
  const unmatched = match.ticketsWithoutOrders;
  if (unmatched === 0) return null;
  const share = unmatched / match.tickets;
  const whose = since > 0 ? 'of this import ' : '';
  return {
    code: 'unmatched_customers',
    count: unmatched,
    share,
    message:
      `${unmatched.toLocaleString('en-US')} tickets ${whose}(${(share * 100).toFixed(1)}% of ${match.tickets.toLocaleString('en-US')}) name a customer with no order in the workspace ` +
      `(${(match.customers - match.withOrders).toLocaleString('en-US')} customers): they join the customers table but no order analysis sees them; check that the tickets' customer column holds the ids the orders use`,
  };
}

/**
 * Tickets of this import that name no customer (no customer column mapped, or empty cells): their
 * reasons are classified, but every analysis that links tickets to customers leaves them out, and
 * with none linked the complaint rate is unknown. Null when every ticket names one.
 */
async function ticketsWithoutCustomer(connection: DuckDBConnection, since: number): Promise<ImportAlert | null> {
  const row = await queryOne<{ anonymous: number; tickets: number }>(
    connection,
    'SELECT count(*) FILTER (WHERE customer_id IS NULL) AS anonymous, count(*) AS tickets FROM tickets WHERE source_id >= $since',
    { since },
  );
  const anonymous = Number(row.anonymous);
  if (anonymous === 0) return null;
  const share = anonymous / Number(row.tickets);
  return {
    code: 'tickets_without_customer',
    count: anonymous,
    share,
    message:
      `${anonymous.toLocaleString('en-US')} ${anonymous === 1 ? 'ticket of this import' : 'tickets of this import'} (${(share * 100).toFixed(1)}%) ${anonymous === 1 ? 'names' : 'name'} no customer: their reasons are classified, ` +
      'but churn reasons, the complaint rate and the drivers link tickets to customers and leave them out; map the customer column (--mapping) if the export has one',
  };
}

/** A credit note of at least this share of a customer's purchases cancels the purchase rather than refunding part of it. */
const CREDITED_BACK_SHARE = 0.5;

/**
 * Customers of this import's credit notes who got back at least half of what they bought. Revenue is
 * before credit notes (the refund rates count them), so such a customer's purchase stands in full in
 * revenue, RFM and value: UCI's customer 16446 bought 80,995 units for 168,469.60 and was credited the
 * same day, which made them the shop's largest customer. Null when there is none.
 */
async function creditedBack(connection: DuckDBConnection, since: number): Promise<ImportAlert | null> {
  const row = await queryOne<{ customers: number; customer: string | null; credited: number | null; bought: number | null }>(
    connection,
    `WITH credited AS (
       SELECT customer_id, sum(amount) AS credited FROM credit_notes WHERE source_id >= $since GROUP BY customer_id
     ), bought AS (
       SELECT o.customer_id, sum(o.amount) AS bought
       FROM orders o SEMI JOIN credited c ON c.customer_id = o.customer_id
       WHERE o.status = 'completed' AND o.amount > 0
       GROUP BY o.customer_id
     ), back AS (
       SELECT customer_id, credited, bought FROM credited JOIN bought USING (customer_id) WHERE credited >= $share * bought
     )
     SELECT count(*) AS customers, arg_max(customer_id, credited) AS customer, max(credited) AS credited, arg_max(bought, credited) AS bought FROM back`,
    { since, share: CREDITED_BACK_SHARE },
  );
  const customers = Number(row.customers);
  if (customers === 0 || row.customer === null || row.credited === null || row.bought === null) return null;
  const money = (amount: number) => amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return {
    code: 'credited_back',
    count: customers,
    customer: { id: row.customer, credited: row.credited, bought: row.bought },
    message:
      `${customers.toLocaleString('en-US')} ${customers === 1 ? 'customer' : 'customers'} got back half or more of what they bought through credit notes ` +
      `(the most: customer ${row.customer}, ${money(row.credited)} credited of ${money(row.bought)} bought): revenue is before credit notes, ` +
      'so revenue, RFM and customer value count these purchases in full; the refund rates count the credit notes',
  };
}

/** Alerts only the load can tell: implausible dates rejected, ids repeated within the import, credit notes and how they were read, tickets of customers without orders. */
export async function loadAlerts(
  connection: DuckDBConnection,
  request: MappedRequest,
  plan: RowPlan,
  outcome: LoadedImport,
): Promise<ImportAlert[]> {
  const alerts: ImportAlert[] = [];
  const { implausible } = await queryOne<{ implausible: number }>(connection, 'SELECT count(*) AS implausible FROM rejects WHERE source_id >= $base AND reason = $reason', {
    base: outcome.base,
    reason: IMPLAUSIBLE_DATE,
  });
  if (Number(implausible) > 0) {
    const { from, to } = plan.plausibleDates;
    alerts.push({
      code: 'implausible_dates',
      count: Number(implausible),
      message: `${Number(implausible).toLocaleString('en-US')} rows dated before ${from} or on/after ${to} were rejected as misread dates; widen the range with --dates-from / --dates-to if they are real`,
    });
  }
  // Ids derived per customer and day fold same-day rows by design: nothing to announce.
  if (outcome.rowsFolded > 0 && !('order_id' in plan.derived)) {
    const what = request.kind === 'orders' ? 'orders' : 'tickets';
    alerts.push({
      code: 'repeated_ids',
      count: outcome.rowsFolded,
      message: `${outcome.rowsFolded.toLocaleString('en-US')} rows repeat an id of another row of this import and were folded into it: ${what} count each id once`,
    });
  }
  if (outcome.creditNotes > 0 || (plan.creditNotes === 'cancel' && plan.fields.some((field) => field.name === 'items' || field.name === 'amount'))) {
    const { cancelled } = await queryOne<{ cancelled: number }>(
      connection,
      `SELECT count(*) AS cancelled FROM orders WHERE source_id >= $base AND status = 'cancelled' AND regexp_full_match(order_id, '[Cc][0-9]+') AND amount < 0`,
      { base: outcome.base },
    );
    if (outcome.creditNotes > 0) {
      alerts.push({
        code: 'credit_notes',
        count: outcome.creditNotes,
        message: `${outcome.creditNotes.toLocaleString('en-US')} negative invoices with a "C" id were read as credit notes: money given back to their customer, counted by the refund rates, not orders (--credit-notes cancel reads them as cancelled orders)`,
      });
      const back = await creditedBack(connection, outcome.base);
      if (back) alerts.push(back);
    } else if (Number(cancelled) > 0) {
      alerts.push({
        code: 'credit_notes',
        count: Number(cancelled),
        message: `${Number(cancelled).toLocaleString('en-US')} negative invoices with a "C" id were read as cancelled orders, as asked (--credit-notes refund reads them as refunds)`,
      });
    }
  }
  if (request.kind === 'tickets') {
    const anonymous = await ticketsWithoutCustomer(connection, outcome.base);
    if (anonymous) alerts.push(anonymous);
    const unmatched = await unmatchedTickets(connection, outcome.base);
    if (unmatched) alerts.push(unmatched);
  }
  return alerts;
}


/** Orders, customers (ids with a completed order) and tickets in the workspace. */
export async function workspaceCounts(connection: DuckDBConnection) {
  const row = await queryOne<{ orders: number; tickets: number }>(connection, 'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM tickets) AS tickets');
  return { orders: Number(row.orders), customers: await countCustomers(connection), tickets: Number(row.tickets) };
}

/** Workspace counts after the import, and the date range of the rows this import loaded. */
export async function summarise(connection: DuckDBConnection, kind: ImportKind, base: number) {
  const table = kind === 'orders' ? 'orders' : kind === 'surveys' ? 'surveys' : 'tickets';
  const time = kind === 'orders' ? 'ordered_at' : kind === 'surveys' ? 'responded_at' : 'created_at';
  const row = await queryOne<{ from: string | null; to: string | null }>(
    connection,
    `SELECT strftime(min(${time}), '%Y-%m-%dT%H:%M:%S') AS "from", strftime(max(${time}), '%Y-%m-%dT%H:%M:%S') AS "to" FROM ${table} WHERE source_id >= $base`,
    { base },
  );
  return { ...(await workspaceCounts(connection)), dateRange: row.from && row.to ? { from: row.from, to: row.to } : null };
}

