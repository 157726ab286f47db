// Each screen's first request, as the screen asks it when it opens with its default options, timed through the core's API.
//
// Workspace: the retention bench's (10 x --rows synthetic orders of 5 x --customers customers,
// imported once and cached), or the file named by CHURNWB_SCREENS_WORKSPACE (a copy: opening it
// builds any summary it lacks, which is timed as "open"). Each request runs once cold (what a
// person opening the screen waits for) and then once warm; wall and CPU time (DuckDB's threads
// included) are printed with the load average, since the machine is shared. Target (issue 2):
// every screen's first request within 2 s at 100M orders. CHURNWB_SCREENS_ONLY=Churn,Drivers times
// only those screens (a 100M run of every screen takes minutes).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CoreApi } from '../../src/api/contract.ts';
import { createCore } from '../../src/host/core.ts';
import type { BenchArgs } from './run.ts';
import { ensureRetentionWorkspace, RETENTION_SETTINGS } from './retention.bench.ts';
import { median, seconds, timed, type Timing } from './measure.ts';

const WARM_RUNS = 1;
const TARGET_SECONDS = 2;

/** Every screen's requests on opening, in the order the screen makes them (renderer/src/features/<screen>). */
function screenRequests(core: CoreApi): { screen: string; request: string; run: () => Promise<unknown> }[] {
  const statuses = ['completed' as const];
  return [
    { screen: 'Data', request: 'describeWorkspace', run: () => core.describeWorkspace({}) },
    { screen: 'Retention', request: 'cohortRetention (month, on, customers)', run: () => core.cohortRetention({ period: 'month', mode: 'on', metric: 'customers', relativeTo: 'first', trendK: 1, segment: null, statuses }) },
    { screen: 'Churn', request: 'churnSummary (month)', run: () => core.churnSummary({ period: 'month', statuses }) },
    { screen: 'Churn', request: 'survival', run: () => core.survival({ segment: null, statuses }) },
    { screen: 'Churn', request: 'kpis (month)', run: () => core.kpis({ period: 'month', statuses }) },
    { screen: 'Customers', request: 'customerSegments (rfm)', run: () => core.customerSegments({ scheme: 'rfm' }) },
    { screen: 'Customers', request: 'customerRows (rfm, first page)', run: () => core.customerRows({ table: 'rfm', offset: 0, limit: 100 }) },
    { screen: 'Customers', request: 'customerValue', run: () => core.customerValue({}) },
    {
      screen: 'Reasons',
      request: 'describeWorkspace, then churnReasons when there are tickets',
      // without tickets the screen says so and asks for nothing more
      run: async () => ((await core.describeWorkspace({})).tickets > 0 ? core.churnReasons({ statuses }) : null),
    },
    { screen: 'Drivers', request: 'churnDrivers', run: () => core.churnDrivers({ standardize: false }) },
    { screen: 'Satisfaction', request: 'surveys (month)', run: () => core.surveys({ period: 'month' }) },
  ];
}

const both = (timing: Timing) => `${seconds(timing.ms)} (CPU ${seconds(timing.cpuMs)})`;
const load = () => loadavg().map((value) => value.toFixed(1)).join(', ');

export default async function screensBench(args: BenchArgs): Promise<void> {
  const given = process.env.CHURNWB_SCREENS_WORKSPACE;
  const path = given ?? (await ensureRetentionWorkspace(args)).path;
  console.log(`workspace ${path}`);
  console.log(`load average (1, 5, 15 min) at start: ${load()}`);
  let core: Awaited<ReturnType<typeof createCore>> | undefined;
  const opened = await timed(async () => {
    core = await createCore({ workspace: path, settings: { ...RETENTION_SETTINGS, ...(args.memoryLimit === undefined ? {} : { memoryLimit: args.memoryLimit }), tempDirectory: join(args.dir, 'screens.spill') } });
  });
  console.log(`open (builds missing summaries): ${both(opened)}`);
  try {
    const only = process.env.CHURNWB_SCREENS_ONLY?.split(',').map((name) => name.trim().toLowerCase());
    for (const { screen, request, run } of screenRequests(core!).filter(({ screen }) => only === undefined || only.includes(screen.toLowerCase()))) {
      let failure: string | null = null;
      const attempt = async () => {
        try {
          await run();
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
      };
      const cold = await timed(attempt);
      if (failure !== null) {
        console.log(`${screen}: ${request}: not answered (${String(failure).slice(0, 120)}) after ${both(cold)}`);
        continue;
      }
      const warm: Timing[] = [];
      for (let run = 0; run < WARM_RUNS; run++) warm.push(await timed(attempt));
      const warmTime = { ms: median(warm.map((one) => one.ms)), cpuMs: median(warm.map((one) => one.cpuMs)) };
      const verdict = cold.ms <= TARGET_SECONDS * 1000 ? 'ok' : `OVER ${TARGET_SECONDS} s`;
      console.log(`${screen}: ${request}: first ${both(cold)}, warm ${both(warmTime)} ${verdict}`);
    }
  } finally {
    await core!.close();
  }
  console.log(`load average at the end: ${load()}`);
}
