// Each customer's order mix (summaries.ts's customerOrderMixSql) as an analysis reads it: the table
// the import keeps, or the same SQL over the orders of the rule.
import { customerOrderMixSql } from '../db/summaries.ts';

/**
 * SQL (in parentheses) of the order mix of the customers of `customers` (a relation of customer_id
 * and last_at, the last activity under the rule): the stored `customer_order_mix` when `stored`,
 * else computed from the orders up to the evaluation date with the rule's statuses as activity.
 * The stored table holds every order and the default activity: the caller says whether that is
 * the rule's (the summaries answer, and for counts over orders of any status the evaluation date
 * is the data's end). Binds the activity parameters when not stored.
 */
export function orderMixRelation(stored: boolean, customers: string): string {
  if (stored) return '(SELECT * FROM customer_order_mix)';
  return `(${customerOrderMixSql('(SELECT * FROM orders WHERE ordered_at <= CAST($activity_as_of AS TIMESTAMP))', customers, 'list_contains($activity_statuses, status)')})`;
}
