// The customers behind one clicked cohort cell, as an Arrow table with a CSV download.
import type { CohortMembersRequest } from '../../../../core/src/api/index.ts';
import { useArrowTable } from '../../client/arrow.ts';
import { useCall } from '../../client/hooks.ts';
import { ArrowTable } from '../../components/ArrowTable.tsx';
import { DrillDownTools } from '../../components/DrillDownTools.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Panel } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';

export function CohortMembers({ request, onClose }: { request: CohortMembersRequest; onClose: () => void }) {
  const { t } = useI18n();
  const members = useCall('cohortMembers', request);
  const table = useArrowTable(members.value);
  const title = t('retention.members.title', { cohort: request.cohort, k: request.k });
  return (
    <Panel
      id="cohort-members"
      title={title}
      actions={<DrillDownTools table={table} fileName={`cohort-${request.cohort}-k${request.k}.csv`} onClose={onClose} />}
    >
      {members.error && <ErrorBanner error={members.error} onRetry={members.reload} />}
      {table && (
        <ArrowTable
          table={table}
          label={title}
          height={300}
          columns={[
            { name: 'customer_id', label: t('field.customer_id') },
            { name: 'first_at', label: t('retention.members.firstAt') },
            { name: 'last_at', label: t('retention.members.lastAt') },
            { name: 'cell_orders', label: t('retention.members.cellOrders') },
            { name: 'cell_revenue', label: t('retention.members.cellRevenue') },
            { name: 'orders', label: t('retention.members.orders') },
            { name: 'revenue', label: t('retention.members.revenue') },
          ]}
        />
      )}
    </Panel>
  );
}
