// Churn reasons with many tickets on a large workspace: `CHURNWB_TICKETS_WORKSPACE=FILE npm run bench --
// --rows 10000000 --customers 10000000 --memory-limit 4GB ticketsAtScale`.
//
// FILE is a copy of a workspace (the scale bench's, 100M orders of 10M customers): its tickets are
// replaced by --rows seeded synthetic tickets (reasons.bench.ts's generator, as the scale bench
// makes them) of --customers customer ids, then every ticket is classified and the Reasons
// screen's churnReasons runs cold and warm, through the core's API as the app calls them, each with
// its wall and CPU time (DuckDB's threads and the classifier's workers included) and the peak RSS
// it reached. Skipped without the variable: it rewrites the workspace's tickets.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../src/db/workspace.ts';
import { createCore } from '../../src/host/core.ts';
import { gigabytes, peakMemory, resetPeakMemory, seconds, timed } from './measure.ts';
import { insertSyntheticTickets } from './reasons.bench.ts';
import type { BenchArgs } from './run.ts';

const SEED = 20240105;
/** Customer ids as the synthetic export writes them: C and eight digits. */
const CUSTOMER_ID_WIDTH = 8;

const load = () => loadavg().map((value) => value.toFixed(1)).join(', ');
const count = (value: number) => value.toLocaleString('en-US');

async function step(label: string, work: () => Promise<string>): Promise<void> {
  resetPeakMemory();
  let note = '';
  const timing = await timed(async () => {
    note = await work();
  });
  const peak = peakMemory();
  console.log(`${label}: ${seconds(timing.ms)} (CPU ${seconds(timing.cpuMs)}), peak RSS ${gigabytes(peak.vmHwm ?? peak.maxRss)}; ${note} (load ${load()})`);
}

export default async function ticketsAtScaleBench(args: BenchArgs): Promise<void> {
  const path = process.env.CHURNWB_TICKETS_WORKSPACE;
  if (!path) {
    console.log('skipped: set CHURNWB_TICKETS_WORKSPACE to a copy of a workspace; its tickets are replaced');
    return;
  }
  const settings = { memoryLimit: args.memoryLimit ?? '4GB', threads: 2, tempDirectory: join(args.dir, 'tickets.spill') };
  console.log(`workspace ${path}, ${count(args.rows)} tickets of ${count(args.customers)} customer ids, load average at start ${load()}`);
  const workspace = await Workspace.open(path, settings);
  try {
    await step('replace the tickets', () =>
      workspace.withConnection(async (connection) => {
        for (const table of ['ticket_corrections', 'ticket_reasons', 'tickets']) await connection.run(`DELETE FROM ${table}`);
        await insertSyntheticTickets(connection, { rows: args.rows, customers: args.customers, seed: SEED, customerIdWidth: CUSTOMER_ID_WIDTH });
        await connection.run('CHECKPOINT');
        return `${count(args.rows)} tickets`;
      }),
    );
  } finally {
    await workspace.close();
  }
  const core = await createCore({ workspace: path, settings });
  try {
    await step('classify every ticket', async () => `${count((await core.classifyTickets({ full: true })).tickets)} tickets`);
    for (const run of ['cold', 'warm']) {
      await step(`churnReasons (${run})`, async () => {
        const result = await core.churnReasons({});
        return `${count(result.judgedCustomers)} customers judged, ${count(result.churnedWithTickets)} churned with tickets`;
      });
    }
  } finally {
    await core.close();
  }
}
