// Churn reasons (DOMAIN.md section 3): churned customers segmented by the reasons of their tickets.
//
// Each customer is attributed the reasons of their tickets dated from `daysBeforeLastOrder` days
// before their last activity to their churn date (last activity + window; the evaluation date for
// customers not churned). Tickets without a date count wherever they fall, since they cannot be
// placed. With `churnFlag`, churn comes from a yes/no column instead (IBM Telco's Churn Label) and
// every ticket of a customer counts.
//
// Per reason (and rolled up to churn types): the churn rate of customers with the reason against
// the rate of all other customers, both over every customer with a churn verdict (customers not
// churned as of the evaluation date count as staying), so lift = rate with / rate without, with
// the Katz log risk-ratio 95% interval. Revenue at stake is the churned customers' revenue in the
// 12 months up to their last order. `unknown` (tickets no reason matched) is a row like any other.
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { CoreError } from '../api/errors.ts';
import {
  UNKNOWN_REASON,
  type ChurnFlagSource,
  type ChurnReasonsOptions,
  type ChurnReasonsResult,
  type ReasonMembersRequest,
  type ReasonRow,
  type ReasonTrendPoint,
  type Taxonomy,
} from '../api/reasons.ts';
import { queryArrow } from '../db/arrow.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { activityRelations, customerStatusParams, customerStatusSql, resolveChurnRule, spanStatusSql, type ChurnRule } from './activity.ts';
import { flagParams, flagSql, requireColumns } from './flagColumn.ts';
import { numberChoice } from './periods.ts';
import { orderMixRelation } from './orderMix.ts';
import { taxonomyHash } from './reasonTaxonomy.ts';

export type { ChurnReasonsOptions, ChurnReasonsResult } from '../api/reasons.ts';

export const CHURN_REASONS_DEFAULTS = { daysBeforeLastOrder: 90 } as const;

const UNKNOWN_NAMES = { zh: '未知原因', en: 'Unknown reason' } as const;

const Z95 = normalQuantile(0.975, 0, 1);

/** The customers with a churn verdict and the tickets attributed to them, as SQL CTEs every query here starts from. */
interface Attribution {
  /**
   * CTEs `customers` (customer_id, churned, last_at, revenue_12m, window_start, window_end: every
   * customer with a ticket, and with the flag every flagged customer), `judged` (customers, churned:
   * the counts over every customer with a verdict), `attributed` and `levels` (level, key,
   * ticket_id, customer_id, created_at, churned, last_at, revenue_12m).
   */
  ctes: string;
  params: Record<string, DuckDBValue>;
  rule: ChurnRule | null;
  daysBeforeLastOrder: number;
  churnFlag: ChurnFlagSource | null;
}

async function flagCustomersSql(connection: DuckDBConnection, flag: ChurnFlagSource): Promise<string> {
  if (flag === null || typeof flag !== 'object') throw new CoreError('E_ARGS', 'churnFlag.table must name a table of the workspace');
  await requireColumns(connection, 'churnFlag', flag.table, { customerColumn: String(flag.customerColumn), eventColumn: String(flag.eventColumn) });
  const churned = flagSql(flag.eventColumn);
  return `SELECT customer_id, bool_or(churned) AS churned, CAST(NULL AS TIMESTAMP) AS last_at, CAST(NULL AS DOUBLE) AS revenue_12m,
                 CAST(NULL AS DATE) AS window_start, CAST(NULL AS DATE) AS window_end
          FROM (SELECT CAST(${quoteIdent(flag.customerColumn)} AS VARCHAR) AS customer_id, ${churned} AS churned FROM ${quoteIdent(flag.table)})
          WHERE customer_id IS NOT NULL AND churned IS NOT NULL GROUP BY customer_id`;
}

async function attribution(connection: DuckDBConnection, taxonomy: Taxonomy, options: ChurnReasonsOptions): Promise<Attribution> {
  const daysBeforeLastOrder = numberChoice('daysBeforeLastOrder', options.daysBeforeLastOrder, CHURN_REASONS_DEFAULTS.daysBeforeLastOrder, { min: 0, max: 3650, whole: true });
  const churnFlag = options.churnFlag ?? null;
  const params: Record<string, DuckDBValue> = {
    taxonomy_hash: taxonomyHash(taxonomy),
    reason_keys: listValue(taxonomy.reasons.map((reason) => reason.key)),
    reason_types: listValue(taxonomy.reasons.map((reason) => reason.churnType)),
  };
  let rule: ChurnRule | null = null;
  let customers: string;
  let judged = 'SELECT count(*) AS customers, count(*) FILTER (WHERE churned) AS churned FROM customers';
  if (churnFlag) {
    customers = await flagCustomersSql(connection, churnFlag);
    Object.assign(params, flagParams());
  } else {
    rule = await resolveChurnRule(connection, options);
    Object.assign(params, customerStatusParams(rule), { days_before: daysBeforeLastOrder });
    // Only customers with a ticket are attributed anything, so their status and revenue are read for
    // them alone (from the import's summaries when they hold the rule's activity); the counts over
    // every customer come from the lifetimes grouped by first and last day
    const relations = await activityRelations(connection, rule.statuses, options.asOf ?? null);
    const status = customerStatusSql(`(SELECT * FROM ${relations.customers} WHERE customer_id IN (SELECT customer_id FROM tickets))`);
    customers = `
      WITH status AS (${status})
      SELECT s.customer_id, s.churned, s.last_at, coalesce(m.revenue_last_year, 0) AS revenue_12m,
             CAST(s.last_at AS DATE) - to_days(CAST($days_before AS INTEGER)) AS window_start,
             CASE WHEN s.churned THEN s.churn_at ELSE CAST($activity_as_of AS DATE) END AS window_end
      FROM status s LEFT JOIN ${orderMixRelation(relations.fromSummaries, 'status')} m USING (customer_id)`;
    judged = `SELECT CAST(coalesce(sum(customers), 0) AS BIGINT) AS customers, CAST(coalesce(sum(customers) FILTER (WHERE churned), 0) AS BIGINT) AS churned
              FROM (${spanStatusSql(relations.spans)})`;
  }
  const ctes = `
    customers AS (${customers}),
    judged AS (${judged}),
    attributed AS MATERIALIZED (
      SELECT t.ticket_id, t.customer_id, t.created_at, r.reason, c.churned, c.last_at, c.revenue_12m
      FROM tickets t JOIN customers c USING (customer_id) JOIN ticket_reasons r USING (ticket_id)
      WHERE r.taxonomy_hash = $taxonomy_hash
        AND (t.created_at IS NULL OR c.window_start IS NULL OR CAST(t.created_at AS DATE) BETWEEN c.window_start AND c.window_end)),
    reason_types AS (SELECT unnest($reason_keys) AS reason, unnest($reason_types) AS churn_type),
    levels AS MATERIALIZED (
      SELECT DISTINCT level, key, ticket_id, customer_id, created_at, churned, last_at, revenue_12m FROM (
        SELECT 'reason' AS level, reason AS key, * FROM attributed
        UNION ALL
        SELECT 'churnType' AS level, coalesce(m.churn_type, '${UNKNOWN_REASON}') AS key, a.* FROM attributed a LEFT JOIN reason_types m USING (reason)))`;
  return { ctes, params, rule, daysBeforeLastOrder, churnFlag };
}

type LevelRow = { level: string; key: string; tickets: number; customers: number; churned: number; revenue: number | null; median_days: number | null; churned_with_tickets: number; attributed_tickets: number };

function rateRow(base: Omit<ReasonRow, 'tickets' | 'customers' | 'churnedCustomers' | 'shareOfChurned' | 'churnRateWith' | 'churnRateWithout' | 'lift' | 'liftLow' | 'liftHigh' | 'revenueAtStake' | 'medianDaysTicketToLastOrder'>, row: LevelRow | undefined, totals: { customers: number; churned: number }, withOrders: boolean): ReasonRow {
  const withReason = row?.customers ?? 0;
  const churnedWith = row?.churned ?? 0;
  const without = totals.customers - withReason;
  const churnedWithout = totals.churned - churnedWith;
  const rateWith = withReason > 0 ? churnedWith / withReason : null;
  const rateWithout = without > 0 ? churnedWithout / without : null;
  const lift = rateWith !== null && rateWithout !== null && rateWithout > 0 ? rateWith / rateWithout : null;
  // Katz: log RR is about normal with variance 1/a - 1/n1 + 1/c - 1/n2; undefined with no churned customer on either side
  const spread = lift !== null && churnedWith > 0 && churnedWithout > 0 ? Z95 * Math.sqrt(1 / churnedWith - 1 / withReason + 1 / churnedWithout - 1 / without) : null;
  return {
    ...base,
    tickets: row?.tickets ?? 0,
    customers: withReason,
    churnedCustomers: churnedWith,
    shareOfChurned: totals.churned > 0 ? churnedWith / totals.churned : null,
    churnRateWith: rateWith,
    churnRateWithout: rateWithout,
    lift,
    liftLow: lift !== null && spread !== null ? Math.exp(Math.log(lift) - spread) : null,
    liftHigh: lift !== null && spread !== null ? Math.exp(Math.log(lift) + spread) : null,
    revenueAtStake: withOrders ? (row?.revenue ?? 0) : null,
    medianDaysTicketToLastOrder: withOrders ? (row?.median_days ?? null) : null,
  };
}

/** Largest first by churned customers; `unknown` last, since no reason found is not a reason to rank with the others. */
const byChurned = (a: ReasonRow, b: ReasonRow) =>
  Number(a.key === UNKNOWN_REASON) - Number(b.key === UNKNOWN_REASON) || b.churnedCustomers - a.churnedCustomers || b.tickets - a.tickets || a.key.localeCompare(b.key);

/** From this share of attributed tickets without a reason, and this many tickets, the result says the reasons rest on a few. */
export const MOSTLY_UNKNOWN_SHARE = 0.8;
export const MOSTLY_UNKNOWN_TICKETS = 20;

function mostlyUnknown(unknownTickets: number, attributedTickets: number): ChurnReasonsResult['mostlyUnknown'] {
  if (attributedTickets < MOSTLY_UNKNOWN_TICKETS || unknownTickets / attributedTickets < MOSTLY_UNKNOWN_SHARE) return null;
  const share = unknownTickets / attributedTickets;
  const percent = `${(share * 100).toFixed(1)}%`;
  const none = unknownTickets === attributedTickets;
  return {
    share,
    sentence: {
      en: `${none ? `None of the ${attributedTickets.toLocaleString('en-US')} tickets in the churn windows names a reason the taxonomy knows.` : `${percent} of the ${attributedTickets.toLocaleString('en-US')} tickets in the churn windows name no reason the taxonomy knows, so the reasons here rest on the few that do.`} The classifier reads Chinese and English: texts in another language, and reviews or questions rather than complaints, come out as Unknown. Read a few tickets behind Unknown, then add the words they use to the taxonomy or correct their reason so the model learns.`,
      zh: `${none ? `流失窗口内的 ${attributedTickets.toLocaleString('zh-CN')} 条工单都未识别出分类体系中的任何原因。` : `流失窗口内的 ${attributedTickets.toLocaleString('zh-CN')} 条工单中有 ${percent} 未识别出分类体系中的任何原因，因此这里的原因只基于少数工单。`}分类器只读中文和英文：其他语言的文本，以及评价或咨询（而非投诉），都会归为「未知原因」。请先查看「未知原因」下的几条工单，再把其中的用词加入分类体系，或更正其原因以便模型学习。`,
    },
  };
}

/** Segments customers by the reasons of their tickets; `ticket_reasons` must be current for `taxonomy` (classifyTickets). */
export async function churnReasons(connection: DuckDBConnection, taxonomy: Taxonomy, options: ChurnReasonsOptions = {}): Promise<ChurnReasonsResult> {
  const { ctes, params, rule, daysBeforeLastOrder, churnFlag } = await attribution(connection, taxonomy, options);
  const totals = await queryOne<{ customers: number; churned: number | null }>(connection, `WITH ${ctes} SELECT customers, churned FROM judged`, params);
  if (totals.customers === 0) throw new CoreError('E_NO_DATA', churnFlag ? `no row of ${churnFlag.table} has a customer and a yes/no ${churnFlag.eventColumn}` : 'no customer has activity');
  const rows = await queryRows<LevelRow>(
    connection,
    `WITH ${ctes},
          counts AS (
            SELECT level, key, count(DISTINCT ticket_id) AS tickets, count(DISTINCT customer_id) AS customers,
                   count(DISTINCT customer_id) FILTER (WHERE churned) AS churned,
                   median(date_diff('day', CAST(created_at AS DATE), CAST(last_at AS DATE))) FILTER (WHERE churned) AS median_days
            FROM levels GROUP BY level, key),
          -- to the cent: a parallel sum of doubles differs in its last bits from run to run
          revenue AS (
            SELECT level, key, round(sum(revenue_12m), 2) AS revenue FROM (SELECT DISTINCT level, key, customer_id, revenue_12m FROM levels WHERE churned)
            GROUP BY level, key)
     SELECT c.*, r.revenue, (SELECT count(DISTINCT customer_id) FROM attributed WHERE churned) AS churned_with_tickets,
            (SELECT count(DISTINCT ticket_id) FROM attributed) AS attributed_tickets
     FROM counts c LEFT JOIN revenue r USING (level, key)`,
    params,
  );
  const found = (level: string, key: string) => rows.find((row) => row.level === level && row.key === key);
  const sums = { customers: totals.customers, churned: totals.churned ?? 0 };
  const withOrders = churnFlag === null;
  const unknown = { key: UNKNOWN_REASON, ...UNKNOWN_NAMES, churnType: null };
  const reasons = [
    ...taxonomy.reasons.map((reason) => rateRow({ key: reason.key, zh: reason.zh, en: reason.en, churnType: reason.churnType }, found('reason', reason.key), sums, withOrders)),
    rateRow(unknown, found('reason', UNKNOWN_REASON), sums, withOrders),
  ].sort(byChurned);
  const churnTypes = [
    ...taxonomy.churnTypes.map((type) => rateRow({ key: type.key, zh: type.zh, en: type.en, churnType: null }, found('churnType', type.key), sums, withOrders)),
    rateRow(unknown, found('churnType', UNKNOWN_REASON), sums, withOrders),
  ].sort(byChurned);
  const attributedTickets = Number(rows[0]?.attributed_tickets ?? 0);
  const trend = await queryRows<{ month: string; reason: string; tickets: number; customers: number }>(
    connection,
    `SELECT strftime(date_trunc('month', t.created_at), '%Y-%m-%d') AS month, r.reason, count(*) AS tickets, count(DISTINCT t.customer_id) AS customers
     FROM tickets t JOIN ticket_reasons r USING (ticket_id)
     WHERE t.created_at IS NOT NULL AND r.taxonomy_hash = $taxonomy_hash
     GROUP BY ALL ORDER BY month, reason`,
    { taxonomy_hash: params.taxonomy_hash! },
  );
  return {
    options: {
      daysBeforeLastOrder,
      churnFlag,
      windowDays: rule?.windowDays ?? null,
      asOf: rule?.asOf ?? null,
      statuses: rule?.statuses ?? null,
    },
    rule,
    taxonomyVersion: taxonomy.version,
    churnedCustomers: sums.churned,
    judgedCustomers: sums.customers,
    churnedWithTickets: rows[0]?.churned_with_tickets ?? 0,
    attributedTickets,
    mostlyUnknown: mostlyUnknown(Number(found('reason', UNKNOWN_REASON)?.tickets ?? 0), attributedTickets),
    reasons,
    churnTypes,
    trend: trend satisfies ReasonTrendPoint[],
  };
}

/** The customers behind one row (a reason, a churn type or `unknown`), most tickets first, as Arrow IPC. */
export async function reasonMembers(connection: DuckDBConnection, taxonomy: Taxonomy, request: Omit<ReasonMembersRequest, 'taskId'>): Promise<Uint8Array> {
  if (typeof request.key !== 'string' || request.key === '') throw new CoreError('E_ARGS', 'key must name a reason, a churn type or unknown');
  const isReason = request.key === UNKNOWN_REASON || taxonomy.reasons.some((reason) => reason.key === request.key);
  const isType = taxonomy.churnTypes.some((type) => type.key === request.key);
  const level = request.level ?? (isReason ? 'reason' : 'churnType');
  if (!(level === 'reason' ? isReason : isType || request.key === UNKNOWN_REASON)) {
    throw new CoreError('E_ARGS', `key ${JSON.stringify(request.key)} is not a ${level === 'reason' ? 'reason' : 'churn type'} of the taxonomy`);
  }
  const offset = numberChoice('offset', request.offset, 0, { min: 0, max: Number.MAX_SAFE_INTEGER, whole: true });
  const limit = numberChoice('limit', request.limit, 10_000, { min: 1, max: 1_000_000, whole: true });
  const { ctes, params } = await attribution(connection, taxonomy, request);
  return queryArrow(
    connection,
    `WITH ${ctes}
     SELECT customer_id, any_value(churned) AS churned, count(*) AS tickets, list(ticket_id ORDER BY ticket_id) AS ticket_ids,
            any_value(last_at) AS last_order_at, any_value(revenue_12m) AS revenue_12m
     FROM levels WHERE level = $level AND key = $key AND (churned OR NOT $churned_only)
     GROUP BY customer_id ORDER BY tickets DESC, customer_id LIMIT $limit OFFSET $offset`,
    { ...params, level, key: request.key, churned_only: request.churnedOnly ?? true, limit, offset },
  );
}
