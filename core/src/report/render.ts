// What exports need from a browser engine: print HTML to PDF, draw a chart as an image. The CLI and
// the HTTP host use headless Chromium (chromium.ts); the Electron app can pass printToPDF instead.
import type { PaperSize, ReportChart } from '../api/report.ts';

export type ImageFormat = 'png' | 'svg';

export interface ChartImageOptions {
  format: ImageFormat;
  /** CSS pixels; PNGs are drawn at twice this size. */
  width: number;
  height: number;
}

export interface ReportRenderer {
  /** Prints a report's HTML (from reportHtml) to PDF bytes on the given paper. */
  printPdf(html: string, paper: PaperSize, footer: string): Promise<Uint8Array>;
  /** Draws a chart with the report's theme: PNG bytes at scale 2, or SVG text as UTF-8 bytes. */
  chartImage(chart: ReportChart, options: ChartImageOptions): Promise<Uint8Array>;
  /** Frees the engine; the renderer may be used again afterwards (it restarts lazily). */
  close(): Promise<void>;
}

/** PNGs are rendered at twice their CSS size so they stay sharp on slides and high-density screens. */
export const IMAGE_SCALE = 2;

/** Size of exported chart images and slide images, in CSS pixels (16:7.6, a slide body's shape). */
export const IMAGE_WIDTH = 1000;
