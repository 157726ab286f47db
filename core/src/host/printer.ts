// The seam through which a host hands the core its own PDF printer. The CLI and the HTTP host print
// with a headless Chromium (report/chromium.ts); the desktop app prints with the Chromium Electron
// ships (webContents.printToPDF), so a packaged app exports PDF on every platform without a browser.
import type { PaperSize } from '../api/report.ts';
import { chromiumRenderer, footerTemplate, PDF_MARGIN_MM, PRINTABLE_WIDTH, READY_TIMEOUT_MS } from '../report/chromium.ts';
import { exportReport } from '../report/exportReport.ts';
import type { ReportRenderer } from '../report/render.ts';
import type { Core } from './core.ts';

/** Prints a report's HTML (it draws its own charts, then marks `html[data-charts-ready]`) to PDF bytes. */
export type PdfPrinter = (html: string, paper: PaperSize, footer: string) => Promise<Uint8Array>;

/**
 * How a report's HTML is printed, for a host that prints with its own Chromium: the page width at
 * which charts are drawn, margins in inches (Electron's unit), the footer template with page numbers,
 * and how long the page may take to draw. The same layout as the CLI's PDFs.
 */
export function printLayout(paper: PaperSize, footer: string) {
  const inches = (mm: number) => mm / 25.4;
  return {
    pageSize: paper,
    width: PRINTABLE_WIDTH[paper],
    margins: { top: inches(PDF_MARGIN_MM.top), right: inches(PDF_MARGIN_MM.right), bottom: inches(PDF_MARGIN_MM.bottom), left: inches(PDF_MARGIN_MM.left) },
    footerTemplate: footerTemplate(footer),
    readyTimeoutMs: READY_TIMEOUT_MS,
  };
}

/** A renderer that prints with `print`; chart images (only needed when the app sent none) stay with Chromium, started only if asked. */
export function printerRenderer(print: PdfPrinter, charts: ReportRenderer = chromiumRenderer()): ReportRenderer {
  return { ...charts, printPdf: print };
}

/**
 * The core whose PDF exports go through the host's printer; every other verb is the core's own
 * (reached through the prototype, so it holds whatever shape createCore gives the core).
 */
export function withPdfPrinter(core: Core, print: PdfPrinter, charts?: ReportRenderer): Core {
  const printing: Pick<Core, 'exportReport'> = {
    async exportReport(request) {
      if (request.format !== 'pdf') return core.exportReport(request);
      const renderer = printerRenderer(print, charts);
      try {
        return await exportReport(request, renderer);
      } finally {
        await renderer.close();
      }
    },
  };
  return Object.assign(Object.create(core) as Core, printing);
}
