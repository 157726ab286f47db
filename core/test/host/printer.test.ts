// The seam a host uses to print PDFs with its own engine (Electron's printToPDF): PDF exports go to
// the host's printer with the report's HTML, paper and footer; no Chromium is started for them;
// every other format and verb is the core's own.
import { describe, expect, it, vi } from 'vitest';
import type { PaperSize } from '../../src/api/report.ts';
import type { Core } from '../../src/host/core.ts';
import { withPdfPrinter } from '../../src/host/printer.ts';
import type { ReportRenderer } from '../../src/report/render.ts';
import { handmadeReport } from '../report/handmadeReport.ts';

/** Chart engine that must not be used for a PDF: each method fails the test if called. */
const unusedCharts: ReportRenderer = {
  printPdf: () => Promise.reject(new Error('the Chromium printer was used')),
  chartImage: () => Promise.reject(new Error('a chart image was drawn')),
  close: vi.fn(async () => undefined),
};

describe('withPdfPrinter', () => {
  it("sends PDF exports to the host's printer with the report's HTML, paper and footer", async () => {
    const coreExport = vi.fn();
    const core = { exportReport: coreExport, describeWorkspace: vi.fn() } as unknown as Core;
    const jobs: { html: string; paper: PaperSize; footer: string }[] = [];
    const printing = withPdfPrinter(
      core,
      async (html, paper, footer) => {
        jobs.push({ html, paper, footer });
        return new TextEncoder().encode('%PDF-1.7 host');
      },
      unusedCharts,
    );
    const report = handmadeReport('en');
    // The app sends its charts as SVG (PDFs embed them), so no chart is drawn here.
    const images = Object.fromEntries(report.sections.filter((section) => section.chart).map((section) => [section.id, { svg: `<svg id="app-${section.id}"></svg>` }]));
    const file = await printing.exportReport({ report, format: 'pdf', paper: 'Letter', images });
    expect(new TextDecoder().decode(file.bytes)).toBe('%PDF-1.7 host');
    expect(file.fileName).toMatch(/\.pdf$/);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.paper).toBe('Letter');
    expect(jobs[0]!.footer).toBe(`Churn Workbench · ${report.title}`);
    expect(jobs[0]!.html).toContain('<meta http-equiv="Content-Security-Policy"');
    expect(jobs[0]!.html).toContain(report.title);
    expect(coreExport).not.toHaveBeenCalled();
    expect(unusedCharts.close).toHaveBeenCalled();
    // Other verbs are the core's own.
    expect(printing.describeWorkspace).toBe(core.describeWorkspace);
  });

  it('leaves every other format to the core', async () => {
    const exported = { fileName: 'r.html', mimeType: 'text/html', bytes: new Uint8Array([1]) };
    const core = { exportReport: vi.fn(async () => exported) } as unknown as Core;
    const print = vi.fn();
    const printing = withPdfPrinter(core, print, unusedCharts);
    const request = { report: handmadeReport('zh-CN'), format: 'html' as const };
    await expect(printing.exportReport(request)).resolves.toBe(exported);
    expect(core.exportReport).toHaveBeenCalledWith(request);
    expect(print).not.toHaveBeenCalled();
  });
});
