// A crafted report model (what `report --from` reads) cannot make an export reach the network: a
// layout image and a trace image pointing at a local listener are drawn into PNG, SVG and PDF exports,
// and the listener must receive nothing (the pages' CSP and the renderer's request blocking).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/api/report.ts';
import { chromiumPath, chromiumRenderer } from '../../src/report/chromium.ts';
import { exportReport } from '../../src/report/exportReport.ts';
import { handmadeReport } from './handmadeReport.ts';

const CHROMIUM = chromiumPath();
if (!existsSync(CHROMIUM)) console.warn(`report/offlineExport.test.ts: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!existsSync(CHROMIUM))('exports of a crafted model fetch nothing', () => {
  const received: string[] = [];
  let server: Server;
  let base = '';
  const renderer = chromiumRenderer();

  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'content-type': 'image/png' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await renderer.close();
    await new Promise((resolve) => server.close(resolve));
  });

  /** The hand-made report with every chart carrying images from the listener. */
  function crafted(): ReportModel {
    const report = handmadeReport('en');
    for (const section of report.sections) {
      if (!section.chart) continue;
      section.chart.layout = {
        ...section.chart.layout,
        images: [{ source: `${base}/layout-${section.id}.png`, xref: 'paper', yref: 'paper', x: 0, y: 1, sizex: 0.5, sizey: 0.5 }],
      };
    }
    return report;
  }

  it('the listener answers a plain request (so silence below means blocked, not unreachable)', async () => {
    expect((await fetch(`${base}/probe`)).status).toBe(200);
    expect(received.splice(0)).toEqual(['GET /probe']);
  });

  it.each(['png', 'svg', 'pdf'] as const)('%s', async (format) => {
    const file = await exportReport({ report: crafted(), format }, renderer);
    expect(file.bytes.length).toBeGreaterThan(1000);
    // Give a late image load the chance to arrive before checking.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([]);
  });
});
