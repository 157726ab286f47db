// Report verbs of CoreApi: build the default report from the workspace, export a report model.
import { CoreError } from '../../api/errors.ts';
import type { ReportApi, ReportLang } from '../../api/report.ts';
import type { AnalysisScope, ScopeColumn } from '../../api/views.ts';
import { viewScope } from '../../db/savedViews.ts';
import { scopeFor } from '../../task/analysisScope.ts';
import { chromiumRenderer } from '../../report/chromium.ts';
import { defaultReport } from '../../report/defaultReport.ts';
import { saveDisplaySettings, workspaceDisplaySettings } from '../../report/displaySettings.ts';
import { exportReport } from '../../report/exportReport.ts';
import type { ReportRenderer } from '../../report/render.ts';
import type { CoreContext } from '../context.ts';

/** How the cover states a scope, in the report's language (zh-CN takes the full-width colon). */
const SCOPE_WORDS: Record<ReportLang, { filtered: string; range(from: string, to: string): string; named(label: string, value: string): string; view: string; columns: Record<ScopeColumn, string> }> = {
  en: {
    filtered: 'Filtered',
    range: (from, to) => `range ${from} to ${to}`,
    named: (label, value) => `${label}: ${value}`,
    view: 'view',
    columns: { channel: 'Channel', region: 'Region', category: 'Category' },
  },
  'zh-CN': {
    filtered: '已筛选',
    range: (from, to) => `范围 ${from} 至 ${to}`,
    named: (label, value) => `${label}：${value}`,
    view: '视图',
    columns: { channel: '渠道', region: '地区', category: '品类' },
  },
};

/**
 * The cover's subtitle says the report is filtered and names what the scope chose: the range as
 * chosen (the dates before it are those of the first and last order in it), its filters, and the
 * saved view. No section of the report splits customers by a segment column, so a scope's grouping
 * does not apply to it.
 */
function scopedSubtitle(subtitle: string, lang: ReportLang, scope: AnalysisScope | undefined, view: string | undefined): string {
  const words = SCOPE_WORDS[lang];
  const ranged = scope?.from !== undefined || scope?.to !== undefined;
  const parts = [
    ...(ranged ? [words.range(scope?.from ?? '…', scope?.to ?? '…')] : []),
    ...(scope?.where ?? []).map((filter) => words.named(words.columns[filter.column], filter.values.join(', '))),
    ...(view === undefined ? [] : [words.named(words.view, view)]),
  ];
  return parts.length === 0 ? subtitle : [subtitle, words.filtered, ...parts].join(' · ');
}

/**
 * `createRenderer` makes the engine that prints PDFs and draws chart images, one per export
 * (Chromium by default; a host with its own engine, such as Electron's printToPDF, passes its own).
 */
export function reportHandlers(context: CoreContext, createRenderer: () => ReportRenderer = () => chromiumRenderer()): ReportApi {
  return {
    // the report re-runs the customer analyses, which replace their stored result tables, and
    // classifies tickets for its reasons section
    // the report's analyses see the data through the request's scope, or that of the saved view it names
    defaultReport: async (request) => {
      if (request.view !== undefined && request.scope !== undefined) throw new CoreError('E_ARGS', 'give a report either a view or a scope, not both');
      const view = request.view;
      const scope = view === undefined ? request.scope : await context.withConnection((connection) => viewScope(connection, view));
      return context.task(
        request.taskId,
        async (task, workspace) => {
          task.progress.update({ phase: 'analyse' }, true);
          const report = await defaultReport(task.connection, workspace.path, request, (event) => context.emit({ ...event, taskId: task.taskId }));
          task.progress.update({ phase: 'done' }, true);
          return { ...report, subtitle: scopedSubtitle(report.subtitle, request.lang, scope, view) };
        },
        ['customer-results', 'ticket-reasons'],
        scopeFor(scope, null),
      );
    },
    displaySettings: () => context.withConnection(workspaceDisplaySettings),
    saveDisplaySettings: (request) => context.withConnection((connection) => saveDisplaySettings(connection, request)),
    async exportReport(request) {
      const renderer = createRenderer();
      try {
        return await exportReport(request, renderer);
      } finally {
        await renderer.close();
      }
    },
  };
}
