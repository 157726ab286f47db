// The shopper-type feature query as it was before it became one aggregation per customer: a
// (customer, day) aggregation, a window over those days for the gaps, and a join back to orders.
// Kept verbatim as the reference the current query must reproduce cell by cell
// (shopperFeatures.db.test.ts); not used by the app.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SegmentKeywords, ShopperRules } from '../../src/api/customers.ts';
import { queryRows } from '../../src/db/sql.ts';
import { ACTIVITY_ORDERS_SQL } from '../../src/analysis/activity.ts';
import { bindGroupValues, groupBasis, groupExpressionSql, matchesKeyword } from '../../src/analysis/customerGroups.ts';
import { keywordPatternParam, textListParam } from '../../src/analysis/customerRules.ts';
import type { InputColumns } from '../../src/analysis/shopperTypesFeatures.ts';

const GROUP_DAY_AGGREGATES_SQL = `
  sum(a.items) AS items, count(a.items) AS items_known,
  count(bc.channel) AS business_orders,
  count(*) FILTER (WHERE cc.channel IS NOT NULL OR cr.region IS NOT NULL) AS cross_orders`;

const GROUP_JOINS_SQL = `
  LEFT JOIN business_channels bc ON bc.channel = a.channel
  LEFT JOIN cross_channels cc ON cc.channel = a.channel
  LEFT JOIN cross_regions cr ON cr.region = a.region`;

const GROUP_CUSTOMER_AGGREGATES_SQL = `
  sum(items) / nullif(sum(items_known), 0) AS items_per_order,
  sum(business_orders) / sum(orders) AS business_share,
  sum(cross_orders) / sum(orders) AS cross_border_share`;

async function groupCtes(connection: DuckDBConnection, keywords: SegmentKeywords, rules: ShopperRules, params: Record<string, DuckDBValue>): Promise<string> {
  await bindGroupValues(connection, keywords, rules, params);
  return `
    business_channels AS (SELECT unnest(CAST($business_channels AS VARCHAR[])) AS channel),
    cross_channels AS (SELECT unnest(CAST($cross_channels AS VARCHAR[])) AS channel),
    cross_regions AS (SELECT unnest(CAST($cross_regions AS VARCHAR[])) AS region)`;
}

function orNull(available: boolean, expression: string): string {
  return available ? expression : 'CAST(NULL AS DOUBLE)';
}

async function sportsCategories(connection: DuckDBConnection, columns: InputColumns, keywords: SegmentKeywords): Promise<string[]> {
  const rows = await queryRows<{ category: string }>(
    connection,
    `SELECT DISTINCT category FROM ${columns.lineCategory ? 'order_lines' : 'orders'} WHERE category IS NOT NULL`,
  );
  return rows.map((row) => row.category).filter((category) => matchesKeyword(category, keywords.sportsEntertainment));
}

/**
 * SQL of one row per customer with activity: customer_id, revenue, customer_group and every
 * SHOPPER_FEATURES column. Binds into `params` the lists it needs (promotion days, sports
 * categories, group values, the pre-sale pattern); the caller supplies the activity parameters.
 *
 * Orders are first reduced to one row per customer and purchase day, which feeds both the
 * per-customer sums and the gaps between purchase days (one window over days, not orders).
 */
export async function referenceFeaturesSql(
  connection: DuckDBConnection,
  columns: InputColumns,
  rules: ShopperRules,
  keywords: SegmentKeywords,
  days: string[],
  params: Record<string, DuckDBValue>,
): Promise<string> {
  const categories = columns.orderCategory || columns.lineCategory;
  // DuckDB refuses named parameters a statement does not use: bind each list only with its CTE
  params.promotion_days = textListParam(days);
  if (categories) params.sports_categories = textListParam(await sportsCategories(connection, columns, keywords));
  if (columns.tickets) params.presale_keywords = keywordPatternParam(keywords.presaleInquiry);
  const ctes: string[] = [
    // order_id is the orders table's key: the join adds the columns the activity SQL leaves out
    `activity AS (
      SELECT a.customer_id, a.order_id, a.ordered_at, a.day, a.amount, o.discount, o.category, o.items, o.channel, o.region
      FROM (${ACTIVITY_ORDERS_SQL}) a JOIN orders o ON o.order_id = a.order_id
    )`,
    `promotion AS (SELECT DISTINCT CAST(unnest(CAST($promotion_days AS VARCHAR[])) AS DATE) AS day)`,
    await groupCtes(connection, keywords, rules, params),
    `purchase_days AS (
      SELECT a.customer_id, a.day, count(*) AS orders, min(a.ordered_at) AS first_at, sum(a.amount) AS amount,
             count(a.discount) AS discount_known, count(*) FILTER (WHERE a.discount > 0) AS discounted,
             count(p.day) > 0 AS promotion,
             ${GROUP_DAY_AGGREGATES_SQL}
      FROM activity a LEFT JOIN promotion p ON p.day = a.day ${GROUP_JOINS_SQL}
      GROUP BY a.customer_id, a.day
    )`,
    `base AS (
      SELECT customer_id, sum(orders) AS orders, count(*) AS purchase_days, min(first_at) AS first_at, min(day) AS first_day,
             sum(amount) AS revenue, sum(amount) / sum(orders) AS avg_order_value,
             sum(discounted) / nullif(sum(discount_known), 0) AS discount_order_share,
             sum(CASE WHEN promotion THEN orders ELSE 0 END) / sum(orders) AS promotion_day_share,
             avg(gap) AS mean_gap_days,
             CASE WHEN count(gap) >= 2 AND avg(gap) > 0 THEN stddev_pop(gap) / avg(gap) END AS gap_cv,
             ${GROUP_CUSTOMER_AGGREGATES_SQL}
      FROM (SELECT *, date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day), day) AS gap FROM purchase_days)
      GROUP BY customer_id
    )`,
  ];
  if (categories) {
    // Lines are finer than orders: when they carry categories, each line counts on its own
    const rows = columns.lineCategory
      ? `SELECT a.customer_id, l.category, coalesce(l.amount, l.quantity * l.unit_price, 0) AS amount
         FROM activity a JOIN order_lines l ON l.order_id = a.order_id WHERE l.category IS NOT NULL`
      : 'SELECT customer_id, category, amount FROM activity WHERE category IS NOT NULL';
    ctes.push(
      `per_category AS (SELECT customer_id, category, count(*) AS n, sum(amount) AS spend FROM (${rows}) GROUP BY customer_id, category)`,
      `sports_categories AS (SELECT unnest(CAST($sports_categories AS VARCHAR[])) AS category)`,
      // entropy in bits without a window: H = log2(N) - sum(n log2 n) / N over the N category rows
      `category_stats AS (
        SELECT c.customer_id, count(*) AS distinct_categories,
               log2(sum(c.n)) - sum(c.n * log2(c.n)) / sum(c.n) AS category_entropy,
               max(c.n) / sum(c.n) AS top_category_share,
               sum(CASE WHEN s.category IS NOT NULL THEN c.spend ELSE 0 END) / nullif(sum(c.spend), 0) AS sports_share
        FROM per_category c LEFT JOIN sports_categories s ON s.category = c.category
        GROUP BY c.customer_id
      )`,
    );
  }
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
             count(*) FILTER (WHERE t.created_at < b.first_at
               OR (t.order_id IS NULL AND coalesce(regexp_matches(lower(concat_ws(' ', t.subject, t.body, t.category, t.label)), $presale_keywords), false))) AS presale_inquiries
      FROM tickets t JOIN base b ON b.customer_id = t.customer_id
      WHERE t.created_at IS NULL OR t.created_at <= CAST($activity_as_of AS TIMESTAMP)
      GROUP BY t.customer_id
    )`);
  }
  const groupsKnown = groupBasis(columns).length > 0;
  return `
    WITH ${ctes.join(',\n')},
    typical AS (SELECT median(amount) AS order_value FROM activity)
    SELECT b.customer_id, b.revenue,
           ${groupsKnown ? groupExpressionSql(rules, params) : 'CAST(NULL AS VARCHAR)'} AS customer_group,
           b.orders, b.purchase_days,
           date_diff('day', b.first_day, CAST($activity_as_of AS DATE)) AS tenure_days,
           b.avg_order_value,
           b.avg_order_value / nullif((SELECT order_value FROM typical), 0) AS order_size_ratio,
           ${orNull(columns.discount, 'b.discount_order_share')} AS discount_order_share,
           b.promotion_day_share,
           b.gap_cv, b.mean_gap_days,
           ${orNull(categories, 'c.distinct_categories')} AS distinct_categories,
           ${orNull(categories, 'c.category_entropy')} AS category_entropy,
           ${orNull(categories, 'c.top_category_share')} AS top_category_share,
           ${orNull(categories, 'c.sports_share')} AS sports_share,
           ${orNull(columns.lineItem, 'r.repeat_item_share')} AS repeat_item_share,
           ${orNull(columns.tickets, 'coalesce(t.tickets, 0)')} AS tickets,
           ${orNull(columns.tickets, 'coalesce(t.tickets, 0) / b.orders')} AS tickets_per_order,
           ${orNull(columns.tickets, 'coalesce(t.presale_inquiries, 0)')} AS presale_inquiries
    FROM base b
    ${categories ? 'LEFT JOIN category_stats c ON c.customer_id = b.customer_id' : ''}
    ${columns.lineItem ? 'LEFT JOIN repeat_stats r ON r.customer_id = b.customer_id' : ''}
    ${columns.tickets ? 'LEFT JOIN ticket_stats t ON t.customer_id = b.customer_id' : ''}`;
}
