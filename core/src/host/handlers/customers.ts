// Customers verbs of CoreApi, bound to the shared context.
import type { CustomersApi, CustomerSegmentsRequest } from '../../api/customers.ts';
import { CoreError } from '../../api/errors.ts';
import { explainCustomer } from '../../analysis/customerExplain.ts';
import { customerRows } from '../../analysis/customerResults.ts';
import { customerValue } from '../../analysis/clv.ts';
import { rfm } from '../../analysis/rfm.ts';
import { shopperTypes } from '../../analysis/shopperTypes.ts';
import type { OrderStatus } from '../../db/schema.ts';
import type { CoreContext } from '../context.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AnalysisScope } from '../../api/views.ts';
import { scopeFor, scopeIsActive } from '../../task/analysisScope.ts';

/** The request's shared options; statuses are checked against the schema's list by the shared churn rule. */
function commonOptions(request: { asOf?: string; statuses?: string[] }) {
  return {
    ...(request.asOf === undefined ? {} : { asOf: request.asOf }),
    ...(request.statuses === undefined ? {} : { statuses: request.statuses as OrderStatus[] }),
  };
}

/**
 * Records a scoped run's scope with its stored options (result_runs), so what reads the stored
 * table later (the customer explanation, the report) can tell it was computed on part of the data.
 * Runs in the run's own task, under its lock, so no other run comes between.
 */
async function withScopeRecorded<Result extends { resultId: string }>(connection: DuckDBConnection, scope: AnalysisScope | undefined, result: Result): Promise<Result> {
  if (!scopeIsActive(scope)) return result;
  await connection.run(`UPDATE result_runs SET options = json_merge_patch(options, json_object('scope', json($scope))) WHERE result_id = $id`, {
    scope: JSON.stringify(scope),
    id: result.resultId,
  });
  return result;
}

export function customersHandlers(context: CoreContext): CustomersApi {
  // No customer table splits customers by a segment column, so none takes a scope's grouping
  return {
    customerSegments: (request: CustomerSegmentsRequest) => {
      const scope = scopeFor(request.scope, null);
      return context.task(request.taskId, async ({ connection, progress }) => {
        progress.update({ phase: 'analyse' }, true);
        if (request.scheme === 'rfm') return withScopeRecorded(connection, scope, await rfm(connection, { ...commonOptions(request), ...(request.rules ? { rules: request.rules } : {}) }));
        if (request.scheme === 'shopper') {
          const result = await shopperTypes(connection, {
            ...commonOptions(request),
            ...(request.rules ? { rules: request.rules } : {}),
            ...(request.keywords ? { keywords: request.keywords } : {}),
          });
          return withScopeRecorded(connection, scope, result);
        }
        throw new CoreError('E_ARGS', `scheme must be 'rfm' or 'shopper', got ${String((request as { scheme?: unknown }).scheme)}`);
      }, ['customer-results'], scope);
    },
    customerValue: (request) => {
      const scope = scopeFor(request.scope, null);
      return context.task(request.taskId, async ({ connection, progress }) => {
        progress.update({ phase: 'analyse' }, true);
        const { taskId: _taskId, scope: _scope, statuses, ...options } = request;
        return withScopeRecorded(connection, scope, await customerValue(connection, { ...options, ...(statuses === undefined ? {} : { statuses: statuses as OrderStatus[] }) }));
      }, ['customer-results'], scope);
    },
    customerRows: (request) => context.withConnection((connection) => customerRows(connection, request)),
    explainCustomer: (request) => context.withConnection((connection) => explainCustomer(connection, request)),
  };
}
