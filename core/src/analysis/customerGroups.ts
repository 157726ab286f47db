// Customer groups of seed 004 (individual, business, cross-border), told apart by the columns an export has.
//
// A business customer places most orders through a business channel (keyword match: 批发,
// B2B, ...) or buys many items per order; a cross-border customer has most orders from a
// cross-border channel or region (keywords, or any region outside the configured home regions).
// The SQL matches keywords against the distinct channel and region values only (materialised,
// so the match is not pushed down to every order), then joins: two small hash joins per order.
import type { DuckDBValue } from '@duckdb/node-api';
import type { ShopperRules, SegmentKeywords } from '../api/customers.ts';
import { keywordPatternParam, textListParam } from './customerRules.ts';

export interface GroupColumns {
  channel: boolean;
  region: boolean;
  items: boolean;
}

/** The order columns the groups can rest on; empty when no group can be told apart. */
export function groupBasis(columns: GroupColumns): string[] {
  return (['channel', 'region', 'items'] as const).filter((column) => columns[column]).map((column) => `orders.${column}`);
}

/**
 * CTEs over `activity` (which must carry channel and region) naming the business and
 * cross-border channel and region values. Binds $business_keywords, $cross_keywords, $home_regions.
 */
export function groupCtes(keywords: SegmentKeywords, rules: ShopperRules, params: Record<string, DuckDBValue>): string {
  Object.assign(params, {
    business_keywords: keywordPatternParam(keywords.business),
    cross_keywords: keywordPatternParam(keywords.crossBorder),
    home_regions: textListParam(rules.groups.homeRegions),
  });
  return `
    channel_kind AS MATERIALIZED (
      SELECT channel,
             coalesce(regexp_matches(lower(channel), $business_keywords), false) AS business,
             coalesce(regexp_matches(lower(channel), $cross_keywords), false) AS cross_border
      FROM (SELECT DISTINCT channel FROM activity WHERE channel IS NOT NULL)
    ),
    region_kind AS MATERIALIZED (
      SELECT region,
             coalesce(regexp_matches(lower(region), $cross_keywords), false)
               OR coalesce(len(CAST($home_regions AS VARCHAR[])) > 0 AND NOT list_contains(CAST($home_regions AS VARCHAR[]), lower(region)), false) AS cross_border
      FROM (SELECT DISTINCT region FROM activity WHERE region IS NOT NULL)
    )`;
}

/** Aggregates for the per-customer GROUP BY over activity joined to channel_kind (ck) and region_kind (rk). */
export const GROUP_AGGREGATES_SQL = `
  avg(a.items) AS items_per_order,
  avg(CASE WHEN ck.business THEN 1.0 ELSE 0.0 END) AS business_share,
  avg(CASE WHEN ck.cross_border OR rk.cross_border THEN 1.0 ELSE 0.0 END) AS cross_border_share`;

export const GROUP_JOINS_SQL = `
  LEFT JOIN channel_kind ck ON ck.channel = a.channel
  LEFT JOIN region_kind rk ON rk.region = a.region`;

/** The group of a customer from the aggregates; "more than half of the orders" decides. Binds $business_min_items. */
export function groupExpressionSql(rules: ShopperRules, params: Record<string, DuckDBValue>): string {
  params.business_min_items = rules.groups.businessMinItemsPerOrder;
  return GROUP_EXPRESSION_SQL;
}

const GROUP_EXPRESSION_SQL = `
  CASE WHEN business_share > 0.5 OR coalesce(items_per_order >= $business_min_items, false) THEN 'business'
       WHEN cross_border_share > 0.5 THEN 'cross_border'
       ELSE 'individual' END`;
