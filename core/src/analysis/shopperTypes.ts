// The six online shopper types of seed 004 (DOMAIN.md section 4), judged per customer by the rules in shopper-types.json.
//
// Each type is a conjunction of feature thresholds. A type whose condition needs a column the
// data lacks is not judged (or judged without that condition, when the rule allows it), and the
// result says so. A customer's primary type is the first matching type in the rules' order;
// the other matches are secondary. Nobody is forced into a type: a customer no type fits is
// `undetermined`, because of too little data (fewer orders than a type needs, or a feature
// without a value for them) or because no rule matched.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  SHOPPER_FEATURES,
  type CustomerGroupSize,
  type FeatureAvailability,
  type FeatureCondition,
  type SegmentKeywords,
  type ShopperCondition,
  type ShopperFeature,
  type ShopperRules,
  type ShopperSegmentsResult,
  type ShopperTypeRule,
  type ShopperTypeSize,
  type TypeJudgement,
} from '../api/customers.ts';
import type { OrderStatus } from '../db/schema.ts';
import { queryOne, queryRows, quoteIdent } from '../db/sql.ts';
import { activityParams, activityRelations, resolveChurnRule, type ChurnRule } from './activity.ts';
import { groupBasis } from './customerGroups.ts';
import { RESULT_TABLES, answerOnce, segmentTotals, storeRun } from './customerResults.ts';
import { loadKeywords, loadShopperRules } from './customerRules.ts';
import { featuresSql, inputColumns, missingReason, promotionDays, type InputColumns } from './shopperTypesFeatures.ts';

export interface ShopperTypesOptions {
  /** ISO date-time to judge as of. Default: the data's end. */
  asOf?: string;
  /** Statuses that count as purchases. Default ['completed']. */
  statuses?: OrderStatus[];
  /** Default: resources/segments/shopper-types.json. */
  rules?: ShopperRules;
  /** Default: resources/segments/keywords.json. */
  keywords?: SegmentKeywords;
}

export type ShopperTypesResult = ShopperSegmentsResult;

export const UNDETERMINED = 'undetermined';

const isAny = (condition: ShopperCondition): condition is { any: FeatureCondition[] } => 'any' in condition;

/** The features a type's conditions read, in the order they appear. */
export function typeFeatures(type: ShopperTypeRule): ShopperFeature[] {
  return [...new Set(type.all.flatMap((condition) => (isAny(condition) ? condition.any.map((c) => c.feature) : [condition.feature])))];
}

/** Decides how far each type can be judged on the available columns. */
export function judgeTypes(rules: ShopperRules, columns: InputColumns): TypeJudgement[] {
  return rules.types.map((type) => {
    const missing = typeFeatures(type)
      .map((feature) => ({ feature, reason: missingReason(feature, columns) }))
      .filter((entry): entry is { feature: ShopperFeature; reason: string } => entry.reason !== null);
    const unavailable = new Set(missing.map((entry) => entry.feature));
    const blocks = (condition: FeatureCondition) => unavailable.has(condition.feature) && (condition.ifMissing ?? 'unjudgeable') === 'unjudgeable';
    // an "any" group is only lost when none of its alternatives is available
    const blocked = type.all.some((condition) =>
      isAny(condition) ? condition.any.every((c) => unavailable.has(c.feature)) && condition.any.some(blocks) : blocks(condition),
    );
    return { type: type.key, judged: blocked ? 'none' : missing.length > 0 ? 'partial' : 'full', missing };
  });
}

/** SQL boolean of one type over the feature columns: NULL when the customer has too little data to tell. */
function typeSql(type: ShopperTypeRule, index: number, judgement: TypeJudgement, params: Record<string, DuckDBValue>): string {
  if (judgement.judged === 'none') return 'false';
  const unavailable = new Set(judgement.missing.map((entry) => entry.feature));
  let counter = 0;
  const comparison = (condition: FeatureCondition): string | null => {
    if (unavailable.has(condition.feature)) return null;
    const name = `t${index}_${counter++}`;
    params[name] = condition.value;
    return `(${quoteIdent(condition.feature)} ${condition.op} $${name})`;
  };
  const parts = type.all
    .map((condition) => {
      if (!isAny(condition)) return comparison(condition);
      const alternatives = condition.any.map(comparison).filter((sql): sql is string => sql !== null);
      return alternatives.length ? `(${alternatives.join(' OR ')})` : null;
    })
    .filter((sql): sql is string => sql !== null);
  params[`t${index}_min`] = type.minOrders;
  return `(CASE WHEN orders < $t${index}_min THEN NULL ELSE (${parts.join(' AND ')}) END)`;
}

/** "feature=value; ..." of the features that decided a type, rounded for reading. */
function decidingSql(type: ShopperTypeRule, judgement: TypeJudgement, index: number, params: Record<string, DuckDBValue>): string {
  const unavailable = new Set(judgement.missing.map((entry) => entry.feature));
  const pieces = typeFeatures(type)
    .filter((feature) => !unavailable.has(feature))
    .map((feature, position) => {
      params[`d${index}_${position}`] = `${feature}=`;
      return `$d${index}_${position} || coalesce(CAST(round(${quoteIdent(feature)}, 3) AS VARCHAR), 'none')`;
    });
  return pieces.length ? `concat_ws('; ', ${pieces.join(', ')})` : 'NULL';
}

/**
 * Types every customer and stores the table. The same rules, keywords, statuses and as-of date on the
 * same orders and tickets are answered from the stored run (customerResults.ts's answerOnce): at 100M
 * orders typing takes minutes, and the Drivers screen asks for the types at every model it fits.
 */
export async function shopperTypes(connection: DuckDBConnection, options: ShopperTypesOptions = {}): Promise<ShopperTypesResult> {
  const { rules, source } = loadShopperRules(options.rules);
  const keywords = loadKeywords(options.keywords).rules;
  // Only the statuses and the as-of date of the shared rule matter here; a fixed window skips deriving one.
  const rule = await resolveChurnRule(connection, { windowDays: 1, ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.statuses ? { statuses: options.statuses } : {}) });
  // Tickets feed the inquiry features, and an import of tickets starts no new generation of the orders:
  // every ticket import takes a new source id, so the rows and the last source id tell them apart
  const tickets = await queryOne<{ rows: number; lastSource: number | null }>(connection, 'SELECT count(*) AS rows, max(source_id) AS "lastSource" FROM tickets');
  const request = { asOf: rule.asOf, statuses: rule.statuses, rules, source, keywords, tickets };
  return answerOnce(connection, 'shopper', request, () => typeCustomers(connection, options, rule, rules, source, keywords), {
    keep: (result) => result,
    restore: (kept: ShopperTypesResult) => Promise.resolve(kept),
  });
}

async function typeCustomers(
  connection: DuckDBConnection,
  options: ShopperTypesOptions,
  rule: ChurnRule,
  rules: ShopperRules,
  source: ShopperTypesResult['options']['rulesSource'],
  keywords: SegmentKeywords,
): Promise<ShopperTypesResult> {
  const columns = await inputColumns(connection);
  const judgements = judgeTypes(rules, columns);
  const params: Record<string, DuckDBValue> = { ...activityParams(rule) };
  const days = await promotionDays(connection, rules, params);
  // The features and the types in one statement: a temporary table of the features between them cost
  // about 0.3 s of CPU more at 10M orders (its write and read)
  const features = await featuresSql(connection, columns, rules, keywords, days, params, await activityRelations(connection, rule.statuses, options.asOf ?? null));
  const matches = rules.types.map((type, index) => typeSql(type, index, judgements[index]!, params));
  rules.types.forEach((type, index) => (params[`k${index}`] = type.key));
  params.undetermined = UNDETERMINED;
  const matched = (index: number) => `coalesce(m${index}, false)`;
  const keys = rules.types.map((_, index) => `$k${index}`);
  const createSql = `
    CREATE OR REPLACE TABLE ${RESULT_TABLES.shopper} AS
    WITH judged AS (SELECT *, ${matches.map((sql, index) => `${sql} AS m${index}`).join(', ')} FROM (${features})),
    typed AS (
      SELECT *,
             CASE ${keys.map((key, index) => `WHEN ${matched(index)} THEN ${key}`).join(' ')} ELSE $undetermined END AS primary_type,
             ${matches.map((_, index) => `m${index} IS NULL`).join(' OR ')} AS lacks_data
      FROM judged
    )
    SELECT customer_id, primary_type,
           -- every other match, in the rules' order (concat_ws skips the NULLs; cheaper than a list per customer)
           nullif(concat_ws(',', ${keys.map((key, index) => `CASE WHEN ${matched(index)} AND primary_type <> ${key} THEN ${key} END`).join(', ')}), '') AS secondary_types,
           CASE WHEN primary_type = $undetermined THEN CASE WHEN lacks_data THEN 'insufficient_data' ELSE 'no_rule_matched' END END AS undetermined_reason,
           CASE primary_type ${rules.types.map((type, index) => `WHEN $k${index} THEN ${decidingSql(type, judgements[index]!, index, params)}`).join(' ')} END AS deciding,
           customer_group, revenue, ${SHOPPER_FEATURES.map(quoteIdent).join(', ')}
    FROM typed`;
  const resultId = await storeRun(connection, 'shopper', createSql, params, {
    asOf: rule.asOf,
    statuses: rule.statuses,
    rulesSource: source,
    rules,
    judgements,
  });
  const { customers, revenue } = await segmentTotals(connection, 'shopper', 'revenue', rule);
  const groups = groupBasis(columns);
  return {
    scheme: 'shopper',
    resultId,
    options: { asOf: rule.asOf, statuses: rule.statuses, rulesSource: source },
    customers,
    revenue,
    types: await typeSizes(connection, rules, customers, revenue),
    undetermined: await undeterminedCounts(connection),
    judgements,
    features: await featureAvailability(connection, columns),
    groups: groups.length ? { sizes: await groupSizes(connection), basis: groups } : null,
    groupsUnavailableReason: groups.length ? null : 'orders have no channel, region or items values, so business and cross-border customers cannot be told apart',
    promotionDays: days.length,
  };
}

async function typeSizes(connection: DuckDBConnection, rules: ShopperRules, customers: number, revenue: number): Promise<ShopperTypeSize[]> {
  const primary = await queryRows<{ type: string; customers: number; revenue: number }>(
    connection,
    `SELECT primary_type AS type, count(*) AS customers, sum(revenue) AS revenue FROM ${RESULT_TABLES.shopper} GROUP BY primary_type`,
  );
  const secondary = await queryRows<{ type: string; customers: number }>(
    connection,
    `SELECT type, count(*) AS customers FROM (SELECT unnest(string_split(secondary_types, ',')) AS type FROM ${RESULT_TABLES.shopper} WHERE secondary_types IS NOT NULL) GROUP BY type`,
  );
  const entries = [...rules.types.map((type) => ({ key: type.key, label: type.label })), { key: UNDETERMINED, label: { en: 'Undetermined', zh: '无法判定' } }];
  return entries.map(({ key, label }) => {
    const row = primary.find((candidate) => candidate.type === key);
    return {
      key,
      label,
      customers: row?.customers ?? 0,
      customerShare: (row?.customers ?? 0) / customers,
      revenue: row?.revenue ?? 0,
      revenueShare: revenue === 0 ? null : (row?.revenue ?? 0) / revenue,
      secondaryCustomers: secondary.find((candidate) => candidate.type === key)?.customers ?? 0,
    };
  });
}

async function undeterminedCounts(connection: DuckDBConnection): Promise<ShopperSegmentsResult['undetermined']> {
  const row = await queryOne<{ insufficient: number; unmatched: number }>(
    connection,
    `SELECT count(*) FILTER (WHERE undetermined_reason = 'insufficient_data') AS insufficient,
            count(*) FILTER (WHERE undetermined_reason = 'no_rule_matched') AS unmatched
     FROM ${RESULT_TABLES.shopper}`,
  );
  return { insufficientData: row.insufficient, noRuleMatched: row.unmatched };
}

async function featureAvailability(connection: DuckDBConnection, columns: InputColumns): Promise<FeatureAvailability[]> {
  const medians = await queryOne(connection, `SELECT ${SHOPPER_FEATURES.map((feature) => `approx_quantile(${quoteIdent(feature)}, 0.5) AS ${quoteIdent(feature)}`).join(', ')} FROM ${RESULT_TABLES.shopper}`);
  return SHOPPER_FEATURES.map((feature) => {
    const reason = missingReason(feature, columns);
    const median = medians[feature];
    return { feature, available: reason === null, reason, median: typeof median === 'number' ? median : null };
  });
}

async function groupSizes(connection: DuckDBConnection): Promise<CustomerGroupSize[]> {
  const rows = await queryRows<{ customer_group: CustomerGroupSize['group']; customers: number; revenue: number }>(
    connection,
    `SELECT customer_group, count(*) AS customers, sum(revenue) AS revenue FROM ${RESULT_TABLES.shopper} GROUP BY customer_group`,
  );
  return (['individual', 'business', 'cross_border'] as const).map((group) => {
    const row = rows.find((candidate) => candidate.customer_group === group);
    return { group, customers: row?.customers ?? 0, revenue: row?.revenue ?? 0 };
  });
}
