// Customer groups of seed 004 (individual, business, cross-border), told apart by the columns an export has.
//
// A business customer places most orders through a business channel (keyword match: 批发,
// B2B, ...) or buys many items per order; a cross-border customer has most orders from a
// cross-border channel or region (keywords, or any region outside the configured home regions).
// Keywords are matched in JavaScript against the distinct channel and region values (a few
// dozen), and the matching values are bound into the query, which looks each order up in them.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SegmentKeywords, ShopperRules } from '../api/customers.ts';
import { queryRows } from '../db/sql.ts';
import { textListParam } from './customerRules.ts';

export interface GroupColumns {
  channel: boolean;
  region: boolean;
  items: boolean;
}

/** The order columns the groups can rest on; empty when no group can be told apart. */
export function groupBasis(columns: GroupColumns): string[] {
  return (['channel', 'region', 'items'] as const).filter((column) => columns[column]).map((column) => `orders.${column}`);
}

/** True when the text contains one of the (lower-case) keywords. */
export function matchesKeyword(text: string, keywords: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return keywords.some((keyword) => lower.includes(keyword));
}

async function distinctValues(connection: DuckDBConnection, column: 'channel' | 'region'): Promise<string[]> {
  const rows = await queryRows<{ value: string }>(connection, `SELECT DISTINCT ${column} AS value FROM orders WHERE ${column} IS NOT NULL`);
  return rows.map((row) => row.value);
}

/**
 * Binds the business channels, cross-border channels and cross-border regions found in the
 * orders: $business_channels, $cross_channels, $cross_regions (lists of a few dozen at most).
 */
export async function bindGroupValues(connection: DuckDBConnection, keywords: SegmentKeywords, rules: ShopperRules, params: Record<string, DuckDBValue>): Promise<void> {
  const channels = await distinctValues(connection, 'channel');
  const regions = await distinctValues(connection, 'region');
  const home = rules.groups.homeRegions;
  Object.assign(params, {
    business_channels: textListParam(channels.filter((channel) => matchesKeyword(channel, keywords.business))),
    cross_channels: textListParam(channels.filter((channel) => matchesKeyword(channel, keywords.crossBorder))),
    cross_regions: textListParam(
      regions.filter((region) => matchesKeyword(region, keywords.crossBorder) || (home.length > 0 && !home.includes(region.toLowerCase()))),
    ),
  });
}

/**
 * Per-customer aggregates over the orders `a` (one row per order) that decide the group. The value
 * lists are short, so a lookup in them per order is cheaper than three joins of every order.
 */
export const GROUP_AGGREGATES_SQL = `
  sum(a.items) / nullif(count(a.items), 0) AS items_per_order,
  count(*) FILTER (WHERE list_contains(CAST($business_channels AS VARCHAR[]), a.channel)) / count(*) AS business_share,
  count(*) FILTER (WHERE list_contains(CAST($cross_channels AS VARCHAR[]), a.channel) OR list_contains(CAST($cross_regions AS VARCHAR[]), a.region)) / count(*) AS cross_border_share`;

/** The group of a customer from the aggregates; "more than half of the orders" decides. Binds $business_min_items. */
export function groupExpressionSql(rules: ShopperRules, params: Record<string, DuckDBValue>): string {
  params.business_min_items = rules.groups.businessMinItemsPerOrder;
  return `
    CASE WHEN b.business_share > 0.5 OR coalesce(b.items_per_order >= $business_min_items, false) THEN 'business'
         WHEN b.cross_border_share > 0.5 THEN 'cross_border'
         ELSE 'individual' END`;
}
