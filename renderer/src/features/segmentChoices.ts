// Segment columns the open workspace can break analyses down by (optional columns that hold values).
import type { SegmentColumn } from '../../../core/src/api/index.ts';
import { useCall } from '../client/hooks.ts';
import type { OptionChoice } from '../components/OptionSelect.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';

const SEGMENT_COLUMNS: readonly SegmentColumn[] = ['channel', 'region', 'category'];

export function useSegmentChoices(): OptionChoice<SegmentColumn | 'none'>[] {
  const { t } = useI18n();
  const workspace = useCall('describeWorkspace', {});
  const filled = workspace.value?.filledColumns.orders ?? [];
  return [
    { value: 'none', label: t('common.segment.none') },
    ...SEGMENT_COLUMNS.filter((column) => filled.includes(column)).map((column) => ({ value: column, label: t(`field.${column}`) })),
  ];
}
