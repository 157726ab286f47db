// Tickets whose customer has no order: the import says how many (and what share of its tickets),
// `info` repeats it for the workspace, and the CLI prints it as a warning.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { FIXTURES } from './harness.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');

// orders_a.csv has customers alice and bob. Of these five tickets, T3 and T4 (zed) and T5 (yan)
// name customers without an order, T2 names none: 3 of 5 tickets, 60.0%, 2 customers.
const TICKETS = ['ticket_id,customer_id,created_at,subject', 'T1,alice,2024-02-01,late', 'T2,,2024-02-02,where', 'T3,zed,2024-02-03,refund', 'T4,zed,2024-02-04,refund again', 'T5,yan,2024-02-05,broken', ''].join('\n');

describe('tickets of customers without orders', () => {
  let t: TestCore;
  let tickets: string;
  beforeAll(async () => {
    t = await openTestCore();
    tickets = join(t.dir, 'tickets.csv');
    writeFileSync(tickets, TICKETS);
  });
  afterAll(async () => t.close());

  it('a tickets import into a workspace without orders raises nothing: there is nothing to match against', async () => {
    const result = await t.client.importFiles({ kind: 'tickets', files: [tickets] });
    expect(result.alerts.filter((alert) => alert.code === 'unmatched_customers')).toEqual([]);
    // T2 names no customer: 1 of the 5 tickets, said whether or not there are orders
    expect(result.alerts.filter((alert) => alert.code === 'tickets_without_customer')).toEqual([
      {
        code: 'tickets_without_customer',
        count: 1,
        share: 0.2,
        message:
          '1 ticket of this import (20.0%) names no customer: their reasons are classified, but churn reasons, the complaint rate and the drivers link tickets to customers and leave them out; map the customer column (--mapping) if the export has one',
      },
    ]);
    expect((await t.client.describeWorkspace({})).alerts).toEqual([]);
  }, 60_000);

  it('once orders exist, the tickets import and info count the tickets whose customer has none', async () => {
    await t.client.importFiles({ kind: 'orders', files: [join(FIXTURES, 'orders_a.csv')] });
    // info sees it as soon as the orders are in, whichever came first
    expect((await t.client.describeWorkspace({})).alerts).toEqual([expect.objectContaining({ code: 'unmatched_customers', count: 3, share: 0.6 })]);
    const result = await t.client.importFiles({ kind: 'tickets', files: [tickets], mode: 'replace' });
    const alert = result.alerts.find((candidate) => candidate.code === 'unmatched_customers');
    expect(alert).toEqual({
      code: 'unmatched_customers',
      count: 3,
      share: 0.6,
      message:
        "3 tickets of this import (60.0% of 5) name a customer with no order in the workspace (2 customers): they join the customers table but no order analysis sees them; check that the tickets' customer column holds the ids the orders use",
    });
  }, 60_000);

  it('a customer whose only order was cancelled has an order: yan stops counting once one is imported', async () => {
    const cancelled = join(t.dir, 'cancelled.csv');
    writeFileSync(cancelled, ['order_id,customer_id,ordered_at,amount,status', 'Y1,yan,2024-01-20,10,cancelled', ''].join('\n'));
    await t.client.importFiles({ kind: 'orders', files: [cancelled] });
    // T3 and T4 (zed) are left: 2 of 5 tickets, 40.0%
    expect((await t.client.describeWorkspace({})).alerts).toEqual([expect.objectContaining({ code: 'unmatched_customers', count: 2, share: 0.4 })]);
  }, 60_000);

  it('the CLI prints it as a warning after the import and in info', async () => {
    const workspace = join(t.dir, 'cli.duckdb');
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, '--workspace', workspace, ...args], { encoding: 'utf8' });
    expect(run('import', join(FIXTURES, 'orders_a.csv'), '--kind', 'orders').status).toBe(0);
    const imported = run('import', tickets, '--kind', 'tickets');
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^WARNING \(unmatched_customers\): 3 tickets of this import \(60\.0% of 5\) name a customer with no order/m);
    expect(run('info').stdout).toMatch(/^WARNING \(unmatched_customers\): 3 tickets \(60\.0% of 5\) name a customer with no order/m);
  }, 120_000);
});
