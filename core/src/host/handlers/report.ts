// Report verbs of CoreApi: build the default report from the workspace, export a report model.
import { CoreError } from '../../api/errors.ts';
import type { ReportApi, ReportLang } from '../../api/report.ts';
import { viewScope } from '../../db/savedViews.ts';
import { chromiumRenderer } from '../../report/chromium.ts';
import { defaultReport } from '../../report/defaultReport.ts';
import { exportReport } from '../../report/exportReport.ts';
import type { ReportRenderer } from '../../report/render.ts';
import type { CoreContext } from '../context.ts';

/** The report's cover names the saved view it was built from (its dates and counts are already the scope's). */
const VIEW_WORD: Record<ReportLang, string> = { en: 'view', 'zh-CN': '视图' };

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
          return view === undefined ? report : { ...report, subtitle: `${report.subtitle} · ${VIEW_WORD[request.lang]}: ${view}` };
        },
        ['customer-results', 'ticket-reasons'],
        scope,
      );
    },
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
