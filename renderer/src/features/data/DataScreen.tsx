// The Data screen: the import wizard and the workspace it fills.
import type { ImportKind } from '../../../../core/src/api/index.ts';
import { useCall } from '../../client/hooks.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { ImportWizard } from './ImportWizard.tsx';
import { WorkspaceSummary } from './WorkspaceSummary.tsx';

export function DataScreen({ importKind }: { importKind?: ImportKind }) {
  const { t } = useI18n();
  const workspace = useCall('describeWorkspace', {});
  return (
    <Screen title={t('data.title')} subtitle={t('data.subtitle')}>
      <ImportWizard key={importKind ?? 'orders'} {...(importKind ? { initialKind: importKind } : {})} />
      {workspace.error && <ErrorBanner error={workspace.error} onRetry={workspace.reload} />}
      {workspace.value && <WorkspaceSummary info={workspace.value} />}
    </Screen>
  );
}
