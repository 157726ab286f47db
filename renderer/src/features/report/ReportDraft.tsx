// The report being edited, held above the screens: "Add to report" on any chart or table appends a
// section to it from whichever screen the analyst is on, and it outlives switching screens.
import { createContext, use, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ReportModel, ReportSection } from '../../../../core/src/api/index.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';

/** A section the analyst adds from a screen; the draft gives it its id and marks it custom. */
export type AddedSection = Omit<ReportSection, 'id' | 'area'>;

type ReportUpdate = ReportModel | null | ((current: ReportModel | null) => ReportModel | null);

export interface ReportDraft {
  /** Null until the analyst builds the default report or adds a first section. */
  report: ReportModel | null;
  setReport(update: ReportUpdate): void;
  /** Appends a custom section (starting an empty report when there is none) and returns its 1-based position. */
  addSection(section: AddedSection): number;
}

const ReportDraftContext = createContext<ReportDraft | null>(null);

/** A freshly built default report, followed by the sections the analyst added before rebuilding. */
export function withAddedSections(built: ReportModel, current: ReportModel | null): ReportModel {
  const added = current?.sections.filter((section) => section.area === 'custom') ?? [];
  return added.length === 0 ? built : { ...built, sections: [...built.sections, ...added] };
}

export function ReportDraftProvider({ children }: { children: ReactNode }) {
  const { t, language } = useI18n();
  const [report, setReport] = useState<ReportModel | null>(null);
  // Ids come from a counter outside the state updater, so the position is known when addSection returns
  // and React's double-invoked updaters (StrictMode) add the section once under one id.
  const nextId = useRef(1);
  const latest = useRef(report);
  latest.current = report;

  const addSection = useCallback(
    (added: AddedSection) => {
      const section: ReportSection = { ...added, id: `custom.${nextId.current++}`, area: 'custom' };
      const position = (latest.current?.sections.length ?? 0) + 1;
      setReport((current) => {
        const base = current ?? { version: 1, lang: language, title: t('report.draftTitle'), subtitle: '', createdAt: new Date().toISOString(), sections: [] };
        return { ...base, sections: [...base.sections, section] };
      });
      return position;
    },
    [language, t],
  );

  const value = useMemo<ReportDraft>(() => ({ report, setReport, addSection }), [report, addSection]);
  return <ReportDraftContext value={value}>{children}</ReportDraftContext>;
}

export function useReportDraft(): ReportDraft {
  const draft = use(ReportDraftContext);
  if (!draft) throw new Error('useReportDraft outside <ReportDraftProvider>');
  return draft;
}

/** The draft when the component sits inside the app (charts and tables offer "Add to report" only then). */
export function useOptionalReportDraft(): ReportDraft | null {
  return use(ReportDraftContext);
}
