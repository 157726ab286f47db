// Reading in place against importing: the same orders as month-partitioned Parquet read where they lie, and as a workspace table.
//
// Orders: 10 x --rows seeded synthetic orders (the retention bench's, imported once and cached).
// export-parquet writes them as month=YYYY-MM/ folders; a second workspace reads that folder in
// place. Printed: the time to make the data analysable each way (an import of the CSV against
// registering the view with its checks) and each analysis on both, alternating, median of three.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cohortRetention } from '../../src/analysis/cohorts.ts';
import { survival } from '../../src/analysis/survival.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { exportParquet, readInPlace } from '../../src/ingest/inPlace.ts';
import type { BenchArgs } from './run.ts';
import { ensureRetentionWorkspace, RETENTION_SETTINGS } from './retention.bench.ts';
import { median, seconds, timed, type Timing } from './measure.ts';

const RUNS = 3;

export default async function inPlaceBench(args: BenchArgs): Promise<void> {
  const { path: imported, importSeconds } = await ensureRetentionWorkspace(args);
  const settings = { ...RETENTION_SETTINGS, tempDirectory: join(args.dir, 'inplace.spill') };
  const folder = join(args.dir, `${imported.replace(/\.duckdb$/, '')}.parquet`);
  const source = await Workspace.open(imported, settings);
  let rows = 0;
  try {
    if (!existsSync(join(folder, 'orders'))) {
      const started = performance.now();
      const result = await source.withConnection((connection) => exportParquet(connection, { out: folder }));
      console.log(`export-parquet of ${result.tables.map((table) => `${table.table} ${table.rows.toLocaleString('en-US')}`).join(', ')}: ${seconds(performance.now() - started)}`);
    }
  } finally {
    await source.close();
  }
  const inPlacePath = join(args.dir, 'inplace.duckdb');
  for (const file of [inPlacePath, `${inPlacePath}.wal`]) rmSync(file, { force: true });
  const inPlace = await Workspace.open(inPlacePath, settings);
  const copied = await Workspace.open(imported, settings);
  try {
    const started = performance.now();
    const read = await inPlace.withConnection((connection) => readInPlace(connection, { path: join(folder, 'orders'), kind: 'orders' }));
    rows = read.rowsLoaded;
    console.log(
      `read in place: ${read.files} files, ${rows.toLocaleString('en-US')} orders registered and checked in ${seconds(performance.now() - started)}` +
        `${importSeconds === null ? '' : `; the import of the same orders from CSV took ${importSeconds.toFixed(2)} s`}`,
    );
    const analyses: [string, (workspace: Workspace) => Promise<unknown>][] = [
      ['cohort matrix (month, customers, on)', (workspace) => workspace.withConnection((connection) => cohortRetention(connection, {}))],
      ['survival per region, window 74 days', (workspace) => workspace.withConnection((connection) => survival(connection, { windowDays: 74, segment: 'region' }))],
    ];
    for (const [label, analysis] of analyses) {
      const times = { copied: [] as Timing[], inPlace: [] as Timing[] };
      for (let run = 0; run < RUNS; run++) {
        for (const [side, workspace] of [['copied', copied], ['inPlace', inPlace]] as const) times[side].push(await timed(() => analysis(workspace)));
      }
      const summary = (list: Timing[]): Timing => ({ ms: median(list.map((run) => run.ms)), cpuMs: median(list.map((run) => run.cpuMs)) });
      const [a, b] = [summary(times.copied), summary(times.inPlace)];
      console.log(
        `${label}: imported ${seconds(a.ms)} (CPU ${seconds(a.cpuMs)}), in place ${seconds(b.ms)} (CPU ${seconds(b.cpuMs)}); ${(b.ms / a.ms).toFixed(2)}x, median of ${RUNS} alternating`,
      );
    }
  } finally {
    await inPlace.close();
    await copied.close();
  }
}
