// `npm run bench report`: the sample's default report as PDF, the way the app exports it (the UI
// sends its charts as SVG, so the print page needs no Plotly) and the way the CLI does (the renderer
// draws them: cold, then warm as in a running host). Rows options do not apply: it is the bundled sample.
import { join } from 'node:path';
import { createCore } from '../../src/host/core.ts';
import { ensureSampleWorkspace } from '../../src/host/sample.ts';
import { chromiumRenderer } from '../../src/report/chromium.ts';
import { exportReport } from '../../src/report/exportReport.ts';
import { PRINT_CHART_WIDTH, DEFAULT_CHART_HEIGHT } from '../../src/report/theme.ts';
import type { BenchArgs } from './run.ts';

export default async function reportBench(args: BenchArgs): Promise<void> {
  const sample = await ensureSampleWorkspace(join(args.dir, 'report-sample.duckdb'), { threads: 2 });
  const core = await createCore({ workspace: sample.path, settings: { threads: 2 } });
  const renderer = chromiumRenderer();
  try {
    for (const lang of ['zh-CN', 'en'] as const) {
      let started = Date.now();
      const report = await core.defaultReport({ lang });
      const built = Date.now() - started;
      // The app's charts: drawn by its Plotly before the export; here by a warm renderer, outside the timing.
      const images: Record<string, { svg: string }> = {};
      for (const section of report.sections) {
        if (!section.chart) continue;
        const svg = await renderer.chartImage(section.chart, { format: 'svg', width: PRINT_CHART_WIDTH, height: section.chart.height ?? DEFAULT_CHART_HEIGHT });
        images[section.id] = { svg: new TextDecoder().decode(svg) };
      }
      started = Date.now();
      const fromApp = await exportReport({ report, format: 'pdf', paper: 'A4', images }, renderer);
      const appMs = Date.now() - started;
      started = Date.now();
      await exportReport({ report, format: 'pdf', paper: 'A4' }, renderer);
      const warmMs = Date.now() - started;
      console.log(
        `report ${lang}: build ${built} ms; PDF from the app (charts sent) ${appMs} ms, total ${built + appMs} ms (target < 8000); ` +
          `PDF with the renderer drawing the charts, warm ${warmMs} ms; ${report.sections.length} sections, ${fromApp.bytes.length.toLocaleString('en')} bytes`,
      );
    }
    await renderer.close();
    const cold = chromiumRenderer();
    const started = Date.now();
    await exportReport({ report: await core.defaultReport({ lang: 'zh-CN' }), format: 'pdf', paper: 'A4' }, cold);
    console.log(`report zh-CN from a cold start (the CLI: Chromium and Plotly loaded first): ${Date.now() - started} ms`);
    await cold.close();
  } finally {
    await renderer.close();
    await core.close();
  }
}
