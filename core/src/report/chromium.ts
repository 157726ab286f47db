// Headless Chromium (playwright-core) as the report renderer of the CLI and the HTTP host.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CoreError } from '../api/errors.ts';
import type { PaperSize, ReportChart } from '../api/report.ts';
import { CONTENT_SECURITY_POLICY, plotlyBundleSource } from './html.ts';
import { IMAGE_SCALE, type ChartImageOptions, type ReportRenderer } from './render.ts';
import { FONT_STACK, MUTED, themedLayout } from './theme.ts';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep a headless Chromium off the network and fit for containers (TOOLCHAIN.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Printable width in CSS pixels (96 per inch) of each paper with 15 mm side margins. */
export const PRINTABLE_WIDTH: Record<PaperSize, number> = { A4: Math.floor(((210 - 30) / 25.4) * 96), Letter: Math.floor(((215.9 - 30) / 25.4) * 96) };
/** Page margins of a printed report in millimetres; the bottom one holds the footer. */
export const PDF_MARGIN_MM = { top: 15, right: 15, bottom: 18, left: 15 } as const;
const PDF_MARGIN = { top: `${PDF_MARGIN_MM.top}mm`, right: `${PDF_MARGIN_MM.right}mm`, bottom: `${PDF_MARGIN_MM.bottom}mm`, left: `${PDF_MARGIN_MM.left}mm` };
/** How long a printed page may take to draw its charts. */
export const READY_TIMEOUT_MS = 60_000;

/**
 * The page that draws chart images: Plotly only, under the report's Content-Security-Policy (no
 * fetch, no image or font from a URL), so a crafted model's layout image URL is never requested.
 */
const CHART_PAGE = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"></head><body></body></html>`;

/**
 * A page that cannot reach the network: every request other than the page's own data is aborted
 * before it leaves Chromium. The CSP of the pages says the same; this holds even for a page without one.
 */
async function offlinePage(context: Promise<BrowserContext>): Promise<Page> {
  const page = await (await context).newPage();
  await page.route('**/*', (route) => route.abort('blockedbyclient'));
  return page;
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

/** A renderer that starts Chromium on first use and keeps it until `close`. */
export function chromiumRenderer(executablePath = chromiumPath()): ReportRenderer {
  let browser: Promise<Browser> | null = null;
  let chartPage: Promise<Page> | null = null;

  const launch = async (): Promise<Browser> => {
    if (!existsSync(executablePath)) {
      throw new CoreError('E_NOT_FOUND', `Chromium is needed for PDF and chart images but was not found at ${executablePath}; install it or set CHROMIUM_PATH`, {
        path: executablePath,
      });
    }
    // Loaded on first use: most commands never render, and the desktop app may print with Electron instead.
    browser ??= import('playwright-core').then(({ chromium }) => chromium.launch({ executablePath, args: CHROMIUM_ARGS }));
    return browser;
  };

  const newContext = async (options: { viewport?: { width: number; height: number } } = {}) => (await launch()).newContext(options);

  const openChartPage = async (): Promise<Page> => {
    const page = await offlinePage(newContext());
    await page.setContent(CHART_PAGE);
    await page.addScriptTag({ content: plotlyBundleSource() });
    return page;
  };

  return {
    async printPdf(html, paper, footer) {
      const page = await offlinePage(newContext({ viewport: { width: PRINTABLE_WIDTH[paper], height: 1000 } }));
      try {
        // Print media from the start, so charts are drawn at the printed width and print as vectors.
        await page.emulateMedia({ media: 'print' });
        await page.setContent(html, { waitUntil: 'load' });
        await page.waitForSelector('html[data-charts-ready]', { state: 'attached', timeout: READY_TIMEOUT_MS });
        const pdf = await page.pdf({
          format: paper,
          margin: PDF_MARGIN,
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: footerTemplate(footer),
        });
        return new Uint8Array(pdf);
      } finally {
        await page.context().close();
      }
    },

    async chartImage(chart: ReportChart, options: ChartImageOptions) {
      chartPage ??= openChartPage();
      const page = await chartPage;
      const layout = themedLayout(chart, { width: options.width, height: options.height });
      const dataUrl = await page.evaluate<string, { figure: unknown; image: unknown }>(
        ({ figure, image }) => {
          const plotly = (globalThis as unknown as { Plotly: { toImage(figure: unknown, options: unknown): Promise<string> } }).Plotly;
          return plotly.toImage(figure, image);
        },
        { figure: { data: chart.data, layout }, image: { format: options.format, width: options.width, height: options.height, scale: IMAGE_SCALE } },
      );
      return decodeDataUrl(dataUrl);
    },

    async close() {
      const running = browser;
      browser = null;
      chartPage = null;
      if (running) await (await running).close();
    },
  };
}

/** Chromium's footer: product and title left, page numbers right (it fills the pageNumber spans). */
export function footerTemplate(footer: string): string {
  const escaped = footer.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return `<div style="width:100%;margin:0 15mm;font-family:${FONT_STACK.replaceAll('"', "'")};font-size:8px;color:#${MUTED};display:flex;justify-content:space-between">
<span>${escaped}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;
}

/** Plotly.toImage answers with a data: URL, base64 for PNG and percent-encoded for SVG. */
function decodeDataUrl(url: string): Uint8Array {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return header.endsWith(';base64') ? new Uint8Array(Buffer.from(body, 'base64')) : new TextEncoder().encode(decodeURIComponent(body));
}
