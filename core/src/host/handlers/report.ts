// Report verbs of CoreApi: build the default report from the workspace, export a report model.
import type { ReportApi } from '../../api/report.ts';
import { chromiumRenderer } from '../../report/chromium.ts';
import { defaultReport } from '../../report/defaultReport.ts';
import { saveDisplaySettings, workspaceDisplaySettings } from '../../report/displaySettings.ts';
import { exportReport } from '../../report/exportReport.ts';
import type { ReportRenderer } from '../../report/render.ts';
import type { CoreContext } from '../context.ts';

/**
 * `createRenderer` makes the engine that prints PDFs and draws chart images, one per export
 * (Chromium by default; a host with its own engine, such as Electron's printToPDF, passes its own).
 */
export function reportHandlers(context: CoreContext, createRenderer: () => ReportRenderer = () => chromiumRenderer()): ReportApi {
  return {
    // the report re-runs the customer analyses, which replace their stored result tables, and
    // classifies tickets for its reasons section
    defaultReport: (request) =>
      context.task(request.taskId, async (scope, workspace) => {
        scope.progress.update({ phase: 'analyse' }, true);
        const report = await defaultReport(scope.connection, workspace.path, request, (event) => context.emit({ ...event, taskId: scope.taskId }));
        scope.progress.update({ phase: 'done' }, true);
        return report;
      }, ['customer-results', 'ticket-reasons']),
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
