// "Explain this customer": the values, scores, rule checks and model outputs behind one customer's results.
//
// Reads the stored result tables (it computes nothing new) and re-checks each shopper-type
// condition against the customer's stored features, so the answer names every threshold.
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  ConditionCheck,
  CustomerExplanation,
  CustomerTable,
  ExplainCustomerRequest,
  FeatureCondition,
  RfmRules,
  ShopperFeature,
  ShopperRules,
  TypeJudgement,
} from '../api/customers.ts';
import { SHOPPER_FEATURES } from '../api/customers.ts';
import { CoreError } from '../api/errors.ts';
import { queryOne } from '../db/sql.ts';
import { RESULT_TABLES, customerRow } from './customerResults.ts';

type Row = Record<string, string | number | boolean | null>;

const numberOrNull = (value: Row[string] | undefined): number | null => (typeof value === 'number' ? value : null);

function compare(value: number, op: FeatureCondition['op'], threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
  }
}

function checkCondition(condition: FeatureCondition, row: Row, missing: Set<ShopperFeature>, alternative: boolean): ConditionCheck {
  const value = missing.has(condition.feature) ? null : numberOrNull(row[condition.feature]);
  return { feature: condition.feature, op: condition.op, threshold: condition.value, value, passed: value === null ? null : compare(value, condition.op, condition.value), alternative };
}

export async function explainCustomer(connection: DuckDBConnection, request: ExplainCustomerRequest): Promise<CustomerExplanation> {
  if (typeof request.customerId !== 'string' || request.customerId === '') throw new CoreError('E_ARGS', 'customerId must be a non-empty text');
  const id = request.customerId;
  const [rfm, shopper, value] = await Promise.all((['rfm', 'shopper', 'value'] as const).map((table) => customerRow(connection, table, id)));
  const missing: CustomerTable[] = [];
  const computed = async (table: CustomerTable, found: unknown) => {
    if (found) return;
    const exists = await queryOne<{ n: number }>(connection, 'SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = $name', { name: RESULT_TABLES[table] });
    if (exists.n === 0) missing.push(table);
  };
  await computed('rfm', rfm);
  await computed('shopper', shopper);
  await computed('value', value);
  if (!rfm && !shopper && !value && missing.length < 3) throw new CoreError('E_NOT_FOUND', `customer ${id} is not in the computed results`);

  return {
    customerId: id,
    rfm: rfm ? explainRfm(rfm.run.resultId, rfm.run.options, rfm.row) : null,
    shopper: shopper ? explainShopper(shopper.run.resultId, shopper.run.options, shopper.row) : null,
    value: value ? await explainValue(connection, value.run.resultId, value.row) : null,
    missing,
  };
}

function explainRfm(resultId: string, options: Record<string, unknown>, row: Row): CustomerExplanation['rfm'] {
  const rules = options.rules as RfmRules;
  const rule = rules.segments.find((segment) => segment.key === row.segment);
  if (!rule) throw new CoreError('E_INTERNAL', `segment ${String(row.segment)} is not in the stored rules`);
  return {
    resultId,
    asOf: String(options.asOf),
    recencyDays: Number(row.recency_days),
    frequency: Number(row.frequency),
    monetary: Number(row.monetary),
    r: Number(row.r_score),
    f: Number(row.f_score),
    m: Number(row.m_score),
    segment: rule.key,
    rule,
  };
}

function explainShopper(resultId: string, options: Record<string, unknown>, row: Row): CustomerExplanation['shopper'] {
  const rules = options.rules as ShopperRules;
  const judgements = options.judgements as TypeJudgement[];
  const secondary = typeof row.secondary_types === 'string' ? row.secondary_types.split(',') : [];
  const features: Partial<Record<ShopperFeature, number | null>> = {};
  for (const feature of SHOPPER_FEATURES) features[feature] = numberOrNull(row[feature]);
  return {
    resultId,
    primary: String(row.primary_type),
    secondary,
    undeterminedReason: typeof row.undetermined_reason === 'string' ? row.undetermined_reason : null,
    group: typeof row.customer_group === 'string' ? row.customer_group : null,
    features,
    types: rules.types.map((type, index) => {
      const judgement = judgements[index]!;
      const unavailable = new Set(judgement.missing.map((entry) => entry.feature));
      const conditions = [
        checkCondition({ feature: 'orders', op: '>=', value: type.minOrders }, row, unavailable, false),
        ...type.all.flatMap((condition) => ('any' in condition ? condition.any.map((c) => checkCondition(c, row, unavailable, true)) : [checkCondition(condition, row, unavailable, false)])),
      ];
      return { type: type.key, label: type.label, matched: row.primary_type === type.key || secondary.includes(type.key), judged: judgement.judged, conditions };
    }),
  };
}

async function explainValue(connection: DuckDBConnection, resultId: string, row: Row): Promise<CustomerExplanation['value']> {
  const risk = numberOrNull(row.value_at_risk);
  // A value at risk of 0 ranks nobody: ties at 0 would all be "number 1".
  const rank = risk === null || risk <= 0 ? null : (await queryOne<{ n: number }>(connection, `SELECT count(*) + 1 AS n FROM ${RESULT_TABLES.value} WHERE value_at_risk > $risk`, { risk })).n;
  return {
    resultId,
    frequency: Number(row.frequency),
    recency: Number(row.recency),
    T: Number(row.T),
    pAlive: Number(row.p_alive),
    expectedPurchases: Number(row.expected_purchases),
    expectedSpend: numberOrNull(row.expected_spend),
    clv: numberOrNull(row.clv),
    valueAtRisk: risk,
    atRiskRank: rank,
  };
}
