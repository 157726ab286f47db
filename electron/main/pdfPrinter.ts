// PDF export in the desktop app: the report page printed by the Chromium Electron ships
// (webContents.printToPDF), so no separate browser is needed on any platform. The page is loaded in
// a hidden, sandboxed window on its own in-memory session that lets no request out but the page's
// own file, so a crafted report cannot make the export fetch anything.
import { BrowserWindow, session, type WebContents } from 'electron';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PrintJob } from '../protocol.ts';

/** Not `persist:`: nothing of a printed page is written to disk. */
export const PRINT_PARTITION = 'churnwb-print';

/** Requests the print window may make: its own page file and the data it draws with. */
export function printRequestAllowed(url: string, page: string): boolean {
  return url === page || url.startsWith('data:') || url.startsWith('blob:');
}

/** Resolves once the page's charts are drawn (it sets html[data-charts-ready]), fails after `timeoutMs`. */
async function chartsDrawn(contents: WebContents, timeoutMs: number): Promise<void> {
  await contents.executeJavaScript(`new Promise((resolve, reject) => {
    const started = Date.now();
    (function check() {
      if (document.documentElement.hasAttribute('data-charts-ready')) resolve(true);
      else if (Date.now() - started > ${timeoutMs}) reject(new Error('the report page did not finish drawing its charts'));
      else setTimeout(check, 50);
    })();
  })`);
}

/**
 * Print media from the start, so charts are drawn at the printed width and print as vectors (as the
 * CLI's Chromium does). Best effort: where the debugger cannot attach (DevTools already open), the
 * page still prints, its charts drawn at screen width and scaled.
 */
async function emulatePrintMedia(contents: WebContents): Promise<void> {
  try {
    contents.debugger.attach();
    await contents.debugger.sendCommand('Emulation.setEmulatedMedia', { media: 'print' });
  } catch (error) {
    console.warn(`printing without print-media emulation: ${String(error)}`);
  }
}

export async function printReportPdf(job: PrintJob): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'churnwb-print-'));
  const file = join(dir, 'report.html');
  await writeFile(file, job.html);
  const page = pathToFileURL(file).href;
  const printSession = session.fromPartition(PRINT_PARTITION);
  printSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !printRequestAllowed(details.url, page) }));
  const window = new BrowserWindow({
    show: false,
    width: job.width,
    height: 1000,
    // A hidden window still paints (paintWhenInitiallyHidden); no throttling, so the charts draw at full speed.
    webPreferences: { session: printSession, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, backgroundThrottling: false },
  });
  try {
    await emulatePrintMedia(window.webContents);
    await window.loadFile(file);
    await chartsDrawn(window.webContents, job.readyTimeoutMs);
    const pdf = await window.webContents.printToPDF({
      pageSize: job.pageSize,
      margins: job.margins,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: job.footerTemplate,
    });
    return new Uint8Array(pdf);
  } finally {
    window.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
