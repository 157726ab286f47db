// What a scope costs: the same analyses through the core, on the whole workspace and in scopes.
//
// On the retention bench's workspace (10 x --rows seeded synthetic orders). "whole range" is a
// scope that keeps every order, so its time over the unscoped run is the price of the shadow
// views alone; the half year and the top-5 grouping show what a narrower scope costs or saves.
// Median wall and CPU time of three alternating runs after a warm-up of each.
import { join } from 'node:path';
import type { AnalysisScope } from '../../src/api/views.ts';
import { createCore } from '../../src/host/core.ts';
import { ensureRetentionWorkspace, RETENTION_SETTINGS } from './retention.bench.ts';
import { median, seconds, timed, type Timing } from './measure.ts';
import type { BenchArgs } from './run.ts';

const RUNS = 3;

export default async function scopeBench(args: BenchArgs): Promise<void> {
  console.log(`orders ${(args.rows * 10).toLocaleString('en-US')}, customers ${(args.customers * 5).toLocaleString('en-US')}`);
  const { path } = await ensureRetentionWorkspace(args);
  const core = await createCore({ workspace: path, settings: { ...RETENTION_SETTINGS, tempDirectory: join(args.dir, 'scope.spill') } });
  try {
    const info = await core.scopeChoices({});
    const [first, last] = [info.firstDay!, info.lastDay!];
    const half = new Date((Date.parse(first) + Date.parse(last)) / 2).toISOString().slice(0, 10);
    const scopes: [string, AnalysisScope | undefined][] = [
      ['no scope', undefined],
      [`whole range ${first} to ${last}`, { from: first, to: last }],
      [`first half ${first} to ${half}`, { from: first, to: half }],
      ['whole range, regions top 5 + Other', { from: first, to: last, segmentTop: 5 }],
    ];
    const analyses: [string, (scope: AnalysisScope | undefined) => Promise<unknown>][] = [
      ['churn summary (90-day window)', (scope) => core.churnSummary({ windowDays: 90, ...(scope ? { scope } : {}) })],
      ['survival by region', (scope) => core.survival({ windowDays: 90, segment: 'region', ...(scope ? { scope } : {}) })],
    ];
    for (const [analysis, run] of analyses) {
      for (const [, scope] of scopes) await run(scope);
      const runs = new Map<string, Timing[]>(scopes.map(([label]) => [label, []]));
      for (let round = 0; round < RUNS; round++) for (const [label, scope] of scopes) runs.get(label)!.push(await timed(() => run(scope)));
      const unscoped = median(runs.get('no scope')!.map((timing) => timing.ms));
      for (const [label, timings] of runs) {
        const ms = median(timings.map((timing) => timing.ms));
        console.log(`${analysis}, ${label}: ${seconds(ms)} (CPU ${seconds(median(timings.map((timing) => timing.cpuMs)))}), ${(ms / unscoped).toFixed(2)} x no scope`);
      }
    }
  } finally {
    await core.close();
  }
}
