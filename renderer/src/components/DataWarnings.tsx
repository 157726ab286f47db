// Warnings about the data itself, shown on the Data screen and above every analysis: numbers drawn
// from derived customer ids or a single day of orders look like findings but say nothing, and
// tickets of customers without orders add customers that no order analysis sees.
import type { WorkspaceInfo } from '../../../core/src/api/index.ts';
import { useCall } from '../client/hooks.ts';
import { useI18n, type I18n } from '../i18n/I18nProvider.tsx';

/** The warnings a workspace deserves, in the UI language. */
export function dataWarnings(info: WorkspaceInfo, i18n: I18n): string[] {
  const warnings: string[] = [];
  for (const source of info.sources) {
    const derived = source.mapping.customer_id;
    if (source.kind === 'orders' && derived?.startsWith('@')) {
      warnings.push(i18n.t('data.warning.derivedCustomers', { file: source.file.split(/[\\/]/).pop() ?? source.file, how: derived === '@order_id' ? i18n.t('data.warning.perOrder') : i18n.t('data.warning.perRow') }));
    }
  }
  if (info.dateRange && info.orders > 0 && info.dateRange.from.slice(0, 10) === info.dateRange.to.slice(0, 10)) {
    warnings.push(i18n.t('data.warning.oneDay', { day: info.dateRange.from.slice(0, 10) }));
  }
  // The workspace's own alerts (info's), in the UI language; the core's message is English.
  for (const alert of info.alerts) {
    if (alert.code === 'no_amount') warnings.push(i18n.t('data.warning.noAmount'));
    if (alert.code === 'unmatched_customers') {
      warnings.push(i18n.t('data.warning.unmatchedCustomers', { count: i18n.number(alert.count ?? 0), share: i18n.percent(alert.share ?? null) }));
    }
  }
  return warnings;
}

export function DataWarningList({ info }: { info: WorkspaceInfo }) {
  const i18n = useI18n();
  const warnings = dataWarnings(info, i18n);
  if (warnings.length === 0) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="data-warnings">
      <ul className="banner-body">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </div>
  );
}

/** The same warnings above an analysis screen, from the open workspace. */
export function DataWarnings() {
  const info = useCall('describeWorkspace', {});
  return info.value ? <DataWarningList info={info.value} /> : null;
}
