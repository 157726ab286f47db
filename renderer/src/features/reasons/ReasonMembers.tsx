// The customers behind one reason or churn type (reasonMembers, an Arrow table); their ticket ids
// open the evidence of each ticket.
import { useState } from 'react';
import type { Vector } from 'apache-arrow';
import type { ChurnReasonsOptions, ReasonMembersRequest } from '../../../../core/src/api/reasons.ts';
import { useArrowTable } from '../../client/arrow.ts';
import { useCall } from '../../client/hooks.ts';
import { ArrowTable } from '../../components/ArrowTable.tsx';
import { DrillDownTools } from '../../components/DrillDownTools.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Panel } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';

/**
 * Ticket ids of one row. The contract does not fix the column's type: the core's Arrow writer turns
 * a DuckDB list into JSON text, a string_agg gives "a, b", and an Arrow list arrives as a vector.
 */
export function ticketIds(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') {
    if (value.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        // not JSON after all: read it as a comma list
      }
    }
    return value.split(',').map((id) => id.trim()).filter(Boolean);
  }
  if (typeof (value as Vector).toArray === 'function') return Array.from((value as Vector).toArray() as ArrayLike<unknown>, String);
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

export interface ReasonMembersProps {
  reasonKey: string;
  level: NonNullable<ReasonMembersRequest['level']>;
  title: string;
  options: ChurnReasonsOptions;
  onTicket: (ticketId: string) => void;
  onClose: () => void;
}

export function ReasonMembers({ reasonKey, level, title, options, onTicket, onClose }: ReasonMembersProps) {
  const { t } = useI18n();
  const [churnedOnly, setChurnedOnly] = useState(true);
  const members = useCall('reasonMembers', { ...options, key: reasonKey, level, churnedOnly });
  const table = useArrowTable(members.value);
  const heading = t('reasons.members.title', { reason: title });
  const ids = table?.getChild('ticket_ids');
  return (
    <Panel
      id="reason-members"
      title={heading}
      actions={
        <DrillDownTools table={table} fileName={`reason-${reasonKey}.csv`} onClose={onClose}>
          <label className="inline-field">
            <input type="checkbox" checked={churnedOnly} onChange={(event) => setChurnedOnly(event.target.checked)} />
            {t('reasons.members.churnedOnly')}
          </label>
        </DrillDownTools>
      }
    >
      <p className="chart-note">{t('reasons.members.note')}</p>
      {members.error && <ErrorBanner error={members.error} onRetry={members.reload} />}
      {table && (
        <ArrowTable
          table={table}
          label={heading}
          height={300}
          // Enter on a row opens its first ticket; each id is a button of its own.
          onActivateRow={(row) => {
            const first = ticketIds(ids?.get(row))[0];
            if (first) onTicket(first);
          }}
          columns={[
            { name: 'customer_id', label: t('field.customer_id') },
            { name: 'churned', label: t('reasons.members.churned'), format: (value) => (value ? t('reasons.yes') : t('reasons.no')), width: '90px' },
            { name: 'tickets', label: t('reasons.members.tickets') },
            {
              name: 'ticket_ids',
              label: t('reasons.members.ticketIds'),
              width: 'minmax(240px, 3fr)',
              format: (value) => (
                <span className="ticket-ids">
                  {ticketIds(value).map((id) => (
                    <button
                      key={id}
                      type="button"
                      className="link-button"
                      onClick={(event) => {
                        event.stopPropagation();
                        onTicket(id);
                      }}
                    >
                      {id}
                    </button>
                  ))}
                </span>
              ),
            },
            { name: 'last_order_at', label: t('reasons.members.lastOrder') },
            { name: 'revenue_12m', label: t('reasons.members.revenue12m') },
          ]}
        />
      )}
    </Panel>
  );
}
