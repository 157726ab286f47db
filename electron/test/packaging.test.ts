// Packaging checked, not assumed. The full check (electron/packageCheck.ts: `npm run build`, then
// electron-builder --linux dir with a stand-in Electron, about 70 s) runs when CHURNWB_PACKAGE_TEST=1
// (.ci/run sets it); it needs a real node_modules, so CHURNWB_PACKAGE_PROJECT may name a clone
// where `npm ci` ran. The parts of the check itself are tested every time.
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleImports, inspectPackage, makeStandInElectron, packageApp, REPO_ROOT } from '../packageCheck.ts';

const PACKAGE_TEST = process.env.CHURNWB_PACKAGE_TEST === '1';
if (!PACKAGE_TEST) console.warn('electron/test/packaging.test.ts: packaging skipped; set CHURNWB_PACKAGE_TEST=1 to package the app and check it (about 70 s)');

describe('the packaging check', () => {
  it('finds the packages a bundle loads, not builtins, relative files or SQL text', () => {
    const bundle = [
      'import { DuckDBInstance } from "@duckdb/node-api";',
      'import { readFile } from "node:fs/promises";',
      'import zlib from "zlib";',
      'import { t2cn } from "opencc-js/t2cn";',
      'import { local } from "./local.js";',
      'const sql = `SELECT x AS "from", y FROM t`;',
      'const chromium = await import("playwright-core");',
      'const plotly = createRequire(import.meta.url).resolve("plotly.js-dist-min");',
      'const electron = require("electron");',
    ].join('\n');
    expect(bundleImports(bundle)).toEqual(['@duckdb/node-api', 'opencc-js', 'playwright-core', 'plotly.js-dist-min']);
  });

  it("makes a stand-in Electron whose fuse wire @electron/fuses reads and flips as electron-builder does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'churnwb-standin-test-'));
    try {
      const binary = join(makeStandInElectron(dir, '45.4.1'), 'electron');
      const stock = await getCurrentFuseWire(binary);
      expect(Object.values(stock).filter((state) => state === 0x31)).toHaveLength(8);
      await flipFuses(binary, { version: FuseVersion.V1, [FuseV1Options.RunAsNode]: false, [FuseV1Options.OnlyLoadAppFromAsar]: true });
      const flipped = await getCurrentFuseWire(binary);
      expect(flipped[FuseV1Options.RunAsNode]).toBe(0x30);
      expect(flipped[FuseV1Options.OnlyLoadAppFromAsar]).toBe(0x31);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!PACKAGE_TEST)('the packaged app (electron-builder --linux dir, offline)', () => {
  const project = process.env.CHURNWB_PACKAGE_PROJECT ?? REPO_ROOT;

  it(
    'holds what the app needs, and nothing it must not',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'churnwb-release-'));
      try {
        const packaged = packageApp(project, out);
        const report = await inspectPackage(packaged.appDir, project);
        console.info(`[measure] build ${packaged.buildSeconds.toFixed(0)} s, electron-builder ${packaged.packageSeconds.toFixed(0)} s; app.asar ${(report.asarBytes / 1e6).toFixed(0)} MB, unpacked ${(report.unpackedBytes / 1e6).toFixed(0)} MB`);
        expect(report.missingInAsar).toEqual([]);
        expect(report.missingResources).toEqual([]);
        expect(report.devDependenciesInAsar).toEqual([]);
        expect(report.workerImports).toEqual(expect.arrayContaining(['@duckdb/node-api', 'apache-arrow', 'exceljs', 'pptxgenjs', 'plotly.js-dist-min']));
        expect(report.workerMissing).toEqual([]);
        expect(report.mainImports).toEqual([]);
        expect(report.duckdb).toMatchObject({ ok: true, detail: expect.stringMatching(/^v1\./) });
        // 物流太慢了 is a delivery complaint, "keeps crashing" a technical one
        expect(report.reasonWorker).toEqual({ ok: true, detail: 'logistics,technical' });
        expect(report.fuses).toEqual(report.expectedFuses);
        expect(report.fuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
