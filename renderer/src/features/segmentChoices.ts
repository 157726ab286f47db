// Segment columns the open workspace can break analyses down by (optional columns that hold values),
// and which of a breakdown's groups the Churn and Retention screens draw as curves.
import { useMemo } from 'react';
import type { AnalysisScope, SegmentColumn } from '../../../core/src/api/index.ts';
import { useCall, useCoreContext } from '../client/hooks.ts';
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

/** Segments drawn as curves at most, and the smallest group drawn: more lines or groups of a few customers only hide the pattern. */
export const MAX_SEGMENT_CURVES = 6;
export const MIN_SEGMENT_CUSTOMERS = 20;

/** The smallest group drawn: the filter bar's minimum group size when set (the analyst chose it), else the default cap. */
export function segmentMinimum(scope: AnalysisScope): number {
  return scope.minGroupSize ?? MIN_SEGMENT_CUSTOMERS;
}

export interface LargestGroups<T> {
  shown: T[];
  hiddenGroups: number;
  hiddenCustomers: number;
}

/** The largest groups worth a curve (by customers, at least `minCustomers`; a lone group is always drawn), and what is left out. */
export function largestGroups<T>(groups: readonly T[], customersOf: (group: T) => number, max = MAX_SEGMENT_CURVES, minCustomers = MIN_SEGMENT_CUSTOMERS): LargestGroups<T> {
  const ranked = [...groups].sort((a, b) => customersOf(b) - customersOf(a));
  const shown = ranked.filter((group, index) => index < max && (groups.length === 1 || customersOf(group) >= minCustomers));
  const hidden = ranked.filter((group) => !shown.includes(group));
  return { shown, hiddenGroups: hidden.length, hiddenCustomers: hidden.reduce((sum, group) => sum + customersOf(group), 0) };
}

/**
 * The groups of a breakdown a screen draws, under the filter bar's minimum, and the sentence saying
 * what was left out (null when nothing was). `customersOf` should be a stable function.
 */
export function useLargestGroups<T>(groups: readonly T[] | undefined, customersOf: (group: T) => number): { shown: T[]; hiddenNote: string | null } {
  const { t, number } = useI18n();
  const minimum = segmentMinimum(useCoreContext().scope);
  return useMemo(() => {
    const drawn = largestGroups(groups ?? [], customersOf, MAX_SEGMENT_CURVES, minimum);
    const hiddenNote =
      drawn.hiddenGroups > 0
        ? t('segments.hidden', { groups: number(drawn.hiddenGroups), customers: number(drawn.hiddenCustomers), min: number(minimum), shown: number(drawn.shown.length) })
        : null;
    return { shown: drawn.shown, hiddenNote };
  }, [groups, customersOf, minimum, t, number]);
}
