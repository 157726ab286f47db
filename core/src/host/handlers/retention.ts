// Retention verbs of CoreApi, bound to the shared context: each runs as a cancellable task on a connection of its own.
import type { RetentionApi, SegmentColumn, TaskRequest } from '../../api/retention.ts';
import type { ScopedRequest } from '../../api/views.ts';
import { scopeFor } from '../../task/analysisScope.ts';
import { cohortMembers, cohortRetention } from '../../analysis/cohorts.ts';
import { churnSummary } from '../../analysis/churn.ts';
import { kpis } from '../../analysis/kpis.ts';
import { retentionForecast } from '../../analysis/sbg.ts';
import { survival } from '../../analysis/survival.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CoreContext } from '../context.ts';

export function retentionHandlers(context: CoreContext): RetentionApi {
  /**
   * Runs an analysis under the request's task id and in its scope, its grouping on the request's
   * segment (scopeFor), passing neither on as an option.
   */
  const run =
    <Request extends TaskRequest & ScopedRequest & { segment?: SegmentColumn | null }, Result>(
      analysis: (connection: DuckDBConnection, options: Omit<Request, 'taskId' | 'scope'>) => Promise<Result>,
    ) =>
    ({ taskId, scope, ...options }: Request): Promise<Result> =>
      context.task(
        taskId,
        async ({ connection, progress }) => {
          progress.update({ phase: 'analyse' }, true);
          return analysis(connection, options);
        },
        [],
        scopeFor(scope, options.segment),
      );
  return {
    cohortRetention: run(cohortRetention),
    cohortMembers: run(cohortMembers),
    retentionForecast: run(retentionForecast),
    churnSummary: run(churnSummary),
    survival: run(survival),
    kpis: run(kpis),
  };
}
