// Per-customer behaviour features the six shopper types are judged on, computed in one DuckDB query.
//
// Which features exist depends on the export: discounts need orders.discount, categories need
// orders.category or order_lines.category, repeat items need order_lines.sku or product,
// inquiries need tickets. A feature without its column is NULL for everyone and reported.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SegmentKeywords, ShopperFeature, ShopperRules } from '../api/customers.ts';
import { queryOne, queryRows } from '../db/sql.ts';
import { ACTIVITY_ORDERS_SQL, type ActivityRelations } from './activity.ts';
import { GROUP_AGGREGATES_SQL, bindGroupValues, groupBasis, groupExpressionSql, matchesKeyword, type GroupColumns } from './customerGroups.ts';
import { keywordPatternParam, textListParam } from './customerRules.ts';

/** Which optional inputs have at least one value. */
export interface InputColumns extends GroupColumns {
  discount: boolean;
  orderCategory: boolean;
  lineCategory: boolean;
  lineItem: boolean;
  tickets: boolean;
}

export async function inputColumns(connection: DuckDBConnection): Promise<InputColumns> {
  const orders = await queryOne<{ discount: boolean; category: boolean; items: boolean; channel: boolean; region: boolean }>(
    connection,
    'SELECT count(discount) > 0 AS discount, count(category) > 0 AS category, count(items) > 0 AS items, count(channel) > 0 AS channel, count(region) > 0 AS region FROM orders',
  );
  const lines = await queryOne<{ category: boolean; item: boolean }>(connection, 'SELECT count(category) > 0 AS category, count(coalesce(sku, product)) > 0 AS item FROM order_lines');
  const tickets = await queryOne<{ tickets: boolean }>(connection, 'SELECT count(customer_id) > 0 AS tickets FROM tickets');
  return {
    discount: orders.discount,
    orderCategory: orders.category,
    lineCategory: lines.category,
    lineItem: lines.item,
    tickets: tickets.tickets,
    items: orders.items,
    channel: orders.channel,
    region: orders.region,
  };
}

/** Why a feature cannot be computed from these inputs, or null when it can. */
export function missingReason(feature: ShopperFeature, columns: InputColumns): string | null {
  switch (feature) {
    case 'discount_order_share':
      return columns.discount ? null : 'orders.discount has no values';
    case 'distinct_categories':
    case 'category_entropy':
    case 'top_category_share':
    case 'sports_share':
      return columns.orderCategory || columns.lineCategory ? null : 'neither orders.category nor order_lines.category has values';
    case 'repeat_item_share':
      return columns.lineItem ? null : 'order_lines has no sku or product values';
    case 'tickets':
    case 'tickets_per_order':
    case 'presale_inquiries':
      return columns.tickets ? null : 'no tickets with a customer id were imported';
    default:
      return null;
  }
}

/** Month-day strings (MM-DD) of the recurring sale days and their windows; a leap reference year keeps 02-29. */
function recurringMonthDays(rules: ShopperRules): string[] {
  const days = new Set<string>();
  for (const promotion of rules.promotionDays.recurring) {
    const [month, day] = promotion.monthDay.split('-').map(Number);
    for (let offset = -(promotion.daysBefore ?? 0); offset <= (promotion.daysAfter ?? 0); offset++) {
      const date = new Date(Date.UTC(2024, month! - 1, day! + offset));
      days.add(date.toISOString().slice(5, 10));
    }
  }
  return [...days];
}

/**
 * The promotion days among the days with activity: the sale calendar, plus peaks: days with at
 * least peakRatio times the median orders of the 29 days around them (a local median, so a
 * busy season or a launch month is not one long "promotion").
 */
export async function promotionDays(connection: DuckDBConnection, rules: ShopperRules, activity: Record<string, DuckDBValue>): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(
    connection,
    `WITH daily AS (SELECT day, count(*) AS n FROM (${ACTIVITY_ORDERS_SQL}) GROUP BY day),
     local AS (SELECT day, n, median(n) OVER (ORDER BY day RANGE BETWEEN INTERVAL 14 DAYS PRECEDING AND INTERVAL 14 DAYS FOLLOWING) AS typical FROM daily)
     SELECT strftime(day, '%Y-%m-%d') AS day FROM local
     WHERE coalesce(list_contains(CAST($month_days AS VARCHAR[]), strftime(day, '%m-%d')), false)
        OR coalesce(list_contains(CAST($dates AS VARCHAR[]), strftime(day, '%Y-%m-%d')), false)
        OR coalesce(n >= $peak_ratio * typical, false)
     ORDER BY day`,
    { ...activity, month_days: textListParam(recurringMonthDays(rules)), dates: textListParam(rules.promotionDays.dates), peak_ratio: rules.promotionDays.peakRatio },
  );
  return rows.map((row) => row.day);
}

/** NULL for everyone when the feature's column is missing. */
function orNull(available: boolean, expression: string): string {
  return available ? expression : 'CAST(NULL AS DOUBLE)';
}

/** The distinct categories of the rows the category features read: the lines' when they carry categories, else the orders'. */
async function categoryNames(connection: DuckDBConnection, columns: InputColumns): Promise<string[]> {
  const rows = await queryRows<{ category: string }>(
    connection,
    `SELECT DISTINCT category FROM ${columns.lineCategory ? 'order_lines' : 'orders'} WHERE category IS NOT NULL ORDER BY category`,
  );
  return rows.map((row) => row.category);
}

/**
 * Up to this many order categories are counted in the aggregation per customer, one filtered count
 * each, instead of counting orders per customer and category first. At 10M orders the counts per
 * customer and category (5M groups) cost about 4 s of CPU, ten filtered counts about 1 s, and each
 * further count about 0.1-0.15 s more, so past a dozen or two the grouping is the cheaper way.
 */
export const CATEGORY_COUNTS_MAX = 16;

/** The category features' SQL over the orders of a customer, in one of the two ways above. */
interface CategoryFeatures {
  /** Aggregates to add to the aggregation per customer of the orders `a`; '' when none. */
  perCustomer: string;
  /** Columns to add to each order before that aggregation; '' when none. */
  perOrder: string;
  /** CTEs the features need; [] when none. */
  ctes: string[];
  /** The four features as expressions over `b` (the orders aggregated per customer) and `c`. */
  columns: Record<'distinct_categories' | 'category_entropy' | 'top_category_share' | 'sports_share', string>;
  /** Join of `c` to `b`; '' when the expressions read only `b`. */
  join: string;
}

/**
 * SQL of the category features per customer with a category, from `rows` (customer_id, category,
 * amount: one row per order, or per order line when the lines carry the categories). Counted per
 * customer and category first, then per customer: entropy in bits H = log2(N) - sum(n log2 n) / N
 * with N = sum(n), the top category's share of the rows, the sports categories' share of the spend.
 * Binds $sports_categories.
 */
function categoryFeaturesSql(rows: string): string {
  return `SELECT customer_id, count(*) AS distinct_categories,
                 log2(sum(n)) - sum(n * log2(n)) / sum(n) AS category_entropy,
                 max(n) / sum(n) AS top_category_share,
                 coalesce(sum(spend) FILTER (WHERE list_contains(CAST($sports_categories AS VARCHAR[]), category)), 0) / nullif(sum(spend), 0) AS sports_share
          FROM (SELECT customer_id, category, count(*) AS n, sum(amount) AS spend FROM ${rows} WHERE category IS NOT NULL GROUP BY customer_id, category)
          GROUP BY customer_id`;
}

/** The per-customer count of orders in category i: a column of the aggregation per customer. */
const categoryCount = (index: number) => `category_orders_${index}`;

/**
 * The category features from the orders counted per customer and category by filtered counts in
 * the aggregation per customer (`names`: at most CATEGORY_COUNTS_MAX categories), with the same
 * formulas as categoryFeaturesSql: distinct categories, entropy, top share, sports share; NULL for
 * a customer none of whose orders names a category. Each order's category is looked up once, as
 * its position in `names` (comparing integers in each count is cheaper than comparing the names).
 * Binds $category_names and $sports_categories.
 */
function countedCategoryFeatures(names: readonly string[], params: Record<string, DuckDBValue>): CategoryFeatures {
  params.category_names = textListParam(names);
  const counts = names.map((_, index) => `b.${categoryCount(index)}`);
  // the orders with a category, as the sum of the counts (one aggregate fewer than counting them)
  const total = `nullif(${counts.join(' + ')}, 0)`;
  return {
    perOrder: ', list_position(CAST($category_names AS VARCHAR[]), category) AS category_position',
    perCustomer: `,
      sum(a.amount) FILTER (WHERE a.category IS NOT NULL) AS categorized_spend,
      sum(a.amount) FILTER (WHERE list_contains(CAST($sports_categories AS VARCHAR[]), a.category)) AS sports_spend,
      ${names.map((_, index) => `count(*) FILTER (WHERE a.category_position = ${index + 1}) AS ${categoryCount(index)}`).join(', ')}`,
    ctes: [],
    columns: {
      distinct_categories: `CASE WHEN ${total} > 0 THEN CAST(${counts.map((count) => `(${count} > 0)::INTEGER`).join(' + ')} AS BIGINT) END`,
      // a category without orders adds an exact 0, as it is absent from the grouped sum
      category_entropy: `log2(${total}) - (${counts.map((count) => `CASE WHEN ${count} > 0 THEN ${count} * log2(${count}) ELSE 0 END`).join(' + ')}) / ${total}`,
      top_category_share: `greatest(${counts.join(', ')}) / ${total}`,
      sports_share: `CASE WHEN ${total} > 0 THEN coalesce(b.sports_spend, 0) / nullif(b.categorized_spend, 0) END`,
    },
    join: '',
  };
}

/** The category features from categoryFeaturesSql over `rows`, joined per customer. */
function groupedCategoryFeatures(rows: string): CategoryFeatures {
  return {
    perCustomer: '',
    perOrder: '',
    ctes: [`category_stats AS (${categoryFeaturesSql(rows)})`],
    columns: { distinct_categories: 'c.distinct_categories', category_entropy: 'c.category_entropy', top_category_share: 'c.top_category_share', sports_share: 'c.sports_share' },
    join: 'LEFT JOIN category_stats c ON c.customer_id = b.customer_id',
  };
}

/**
 * The median order value of `activity` (CTE typical, column order_value), exactly as median()
 * computes it, from the count of orders per amount: amounts repeat (prices, cents), so grouping
 * them and walking the cumulative counts costs about half of median()'s pass over every order.
 * Positions are 0-based: the median lies between the values at (N - 1) // 2 and N // 2, the first
 * amounts whose cumulative count passes them, interpolated as quantile_cont does.
 */
const TYPICAL_ORDER_VALUE_CTES = `
    amount_counts AS (SELECT amount, sum(count(*)) OVER (ORDER BY amount) AS upto, sum(count(*)) OVER () AS total FROM activity GROUP BY amount),
    middle AS (SELECT min(amount) FILTER (WHERE upto > (total - 1) // 2) AS low, min(amount) FILTER (WHERE upto > total // 2) AS high FROM amount_counts),
    typical AS (SELECT low + (high - low) * 0.5 AS order_value FROM middle)`;

/**
 * SQL of one row per customer with activity: customer_id, revenue, customer_group and every
 * SHOPPER_FEATURES column. Binds into `params` the lists it needs (promotion days, sports
 * categories, group values, the pre-sale pattern); the caller supplies the activity parameters.
 *
 * The order features come from one aggregation of the orders per customer, with no join back to
 * `orders` and no (customer, day) rows: on 10M orders those took most of the time, since nearly
 * every order is its customer's only order that day. The gaps between purchase days come from
 * `relations.gaps` (the previous purchase day the import keeps per customer and day, when the
 * summaries hold the rule's activity), and the categories from the orders (or lines) counted per
 * customer and category, each aggregated on its own: a list per customer of every order's day and
 * category, sorted and counted, cost more than both.
 */
export async function featuresSql(
  connection: DuckDBConnection,
  columns: InputColumns,
  rules: ShopperRules,
  keywords: SegmentKeywords,
  days: string[],
  params: Record<string, DuckDBValue>,
  relations: ActivityRelations,
): Promise<string> {
  const categories = columns.orderCategory || columns.lineCategory;
  // DuckDB refuses named parameters a statement does not use: bind each list only with its CTE
  params.promotion_days = textListParam(days);
  const names = categories ? await categoryNames(connection, columns) : [];
  if (categories) params.sports_categories = textListParam(names.filter((name) => matchesKeyword(name, keywords.sportsEntertainment)));
  // Lines are finer than orders: when they carry categories, each line counts on its own
  const categoryFeatures = !categories
    ? null
    : !columns.lineCategory && names.length <= CATEGORY_COUNTS_MAX
      ? countedCategoryFeatures(names, params)
      : groupedCategoryFeatures(
          columns.lineCategory
            ? `(SELECT a.customer_id, l.category, coalesce(l.amount, l.quantity * l.unit_price, 0) AS amount FROM activity a JOIN order_lines l ON l.order_id = a.order_id)`
            : 'activity',
        );
  if (columns.tickets) params.presale_keywords = keywordPatternParam(keywords.presaleInquiry);
  await bindGroupValues(connection, keywords, rules, params);
  const ctes: string[] = [
    // not materialised: the orders are read again for the typical order value rather than held in memory
    `activity AS NOT MATERIALIZED (${ACTIVITY_ORDERS_SQL})`,
    `promotion AS (SELECT DISTINCT CAST(unnest(CAST($promotion_days AS VARCHAR[])) AS DATE) AS day)`,
    `gap_stats AS (
      SELECT customer_id, count(*) AS gaps, avg(gap) AS mean_gap_days, stddev_pop(gap) AS gap_sd
      FROM ${relations.gaps} GROUP BY customer_id)`,
    `per_customer AS (
      SELECT a.customer_id, count(*) AS orders, min(a.ordered_at) AS first_at,
             sum(a.amount) AS revenue, sum(a.amount) / count(*) AS avg_order_value,
             count(*) FILTER (WHERE a.discount > 0) / nullif(count(a.discount), 0) AS discount_order_share,
             count(p.day) / count(*) AS promotion_day_share,
             ${GROUP_AGGREGATES_SQL}${categoryFeatures?.perCustomer ?? ''}
      FROM ${categoryFeatures?.perOrder ? `(SELECT *${categoryFeatures.perOrder} FROM activity)` : 'activity'} a LEFT JOIN promotion p ON p.day = a.day
      GROUP BY a.customer_id
    )`,
    `base AS (
      -- the first purchase day from the first order's time: an aggregate fewer over every order
      SELECT o.*, CAST(o.first_at AS DATE) AS first_day, 1 + coalesce(g.gaps, 0) AS purchase_days, g.mean_gap_days,
             CASE WHEN g.gaps >= 2 AND g.mean_gap_days > 0 THEN g.gap_sd / g.mean_gap_days END AS gap_cv
      FROM per_customer o LEFT JOIN gap_stats g ON g.customer_id = o.customer_id
    )`,
  ];
  if (categoryFeatures) ctes.push(...categoryFeatures.ctes);
  if (columns.lineItem) {
    ctes.push(
      `item_rows AS (
        SELECT a.customer_id, a.order_id, a.day, coalesce(l.sku, l.product) AS item
        FROM activity a JOIN order_lines l ON l.order_id = a.order_id WHERE coalesce(l.sku, l.product) IS NOT NULL
      )`,
      `repeat_stats AS (
        SELECT r.customer_id, avg(CASE WHEN r.repeated THEN 1.0 ELSE 0.0 END) AS repeat_item_share
        FROM (SELECT i.customer_id, i.order_id, any_value(i.day) AS day, bool_or(i.day > f.first_day) AS repeated
              FROM item_rows i JOIN (SELECT customer_id, item, min(day) AS first_day FROM item_rows GROUP BY customer_id, item) f
                ON f.customer_id = i.customer_id AND f.item = i.item
              GROUP BY i.customer_id, i.order_id) r
        JOIN base b ON b.customer_id = r.customer_id
        WHERE r.day > b.first_day
        GROUP BY r.customer_id
      )`,
    );
  }
  if (columns.tickets) {
    // A pre-sale inquiry is a ticket before the first order, or one not about an order that asks a pre-sale question
    ctes.push(`ticket_stats AS (
      SELECT t.customer_id, count(*) AS tickets,
             -- a CASE, so the pattern is matched only against the tickets the other conditions leave open
             count(*) FILTER (WHERE CASE WHEN t.created_at < b.first_at THEN true WHEN t.order_id IS NOT NULL THEN false
               ELSE coalesce(regexp_matches(lower(concat_ws(' ', t.subject, t.body, t.category, t.label)), $presale_keywords), false) END) AS presale_inquiries
      FROM tickets t JOIN base b ON b.customer_id = t.customer_id
      WHERE t.created_at IS NULL OR t.created_at <= CAST($activity_as_of AS TIMESTAMP)
      GROUP BY t.customer_id
    )`);
  }
  const groupsKnown = groupBasis(columns).length > 0;
  return `
    WITH ${ctes.join(',\n')},
    ${TYPICAL_ORDER_VALUE_CTES}
    SELECT b.customer_id, b.revenue,
           ${groupsKnown ? groupExpressionSql(rules, params) : 'CAST(NULL AS VARCHAR)'} AS customer_group,
           b.orders, b.purchase_days,
           date_diff('day', b.first_day, CAST($activity_as_of AS DATE)) AS tenure_days,
           b.avg_order_value,
           b.avg_order_value / nullif((SELECT order_value FROM typical), 0) AS order_size_ratio,
           ${orNull(columns.discount, 'b.discount_order_share')} AS discount_order_share,
           b.promotion_day_share,
           b.gap_cv, b.mean_gap_days,
           ${categoryFeatures?.columns.distinct_categories ?? 'CAST(NULL AS DOUBLE)'} AS distinct_categories,
           ${categoryFeatures?.columns.category_entropy ?? 'CAST(NULL AS DOUBLE)'} AS category_entropy,
           ${categoryFeatures?.columns.top_category_share ?? 'CAST(NULL AS DOUBLE)'} AS top_category_share,
           ${categoryFeatures?.columns.sports_share ?? 'CAST(NULL AS DOUBLE)'} AS sports_share,
           ${orNull(columns.lineItem, 'r.repeat_item_share')} AS repeat_item_share,
           ${orNull(columns.tickets, 'coalesce(t.tickets, 0)')} AS tickets,
           ${orNull(columns.tickets, 'coalesce(t.tickets, 0) / b.orders')} AS tickets_per_order,
           ${orNull(columns.tickets, 'coalesce(t.presale_inquiries, 0)')} AS presale_inquiries
    FROM base b
    ${categoryFeatures?.join ?? ''}
    ${columns.lineItem ? 'LEFT JOIN repeat_stats r ON r.customer_id = b.customer_id' : ''}
    ${columns.tickets ? 'LEFT JOIN ticket_stats t ON t.customer_id = b.customer_id' : ''}`;
}
