// The import and info commands as a user runs them: JSON on stdout, one-line coded errors on stderr, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES } from './harness.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');

describe('churnwb import / info', () => {
  let dir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, '--workspace', join(dir, 'w.duckdb'), ...args], { encoding: 'utf8' });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an orders file without amounts: import and info both print the no_amount warning', () => {
    const path = join(dir, 'plain.csv');
    writeFileSync(path, 'order_id,customer_id,date\n1,a,2024-01-01\n2,b,2024-01-02\n');
    const imported = run('import', path, '--kind', 'orders');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/^WARNING \(no_amount\): no amount column was mapped/m);
    // no ticket text among its columns: nothing says it looks like tickets
    expect(imported.stdout).not.toContain('looks_like_tickets');
    const info = run('info');
    expect(info.stdout).toMatch(/^WARNING \(no_amount\): no order has an amount/m);
    expect(info.stdout).toContain('orders 2, customers 2, tickets 0');
  });

  it('a ticket export imported as orders: the error or the alert says it looks like tickets', () => {
    // Zendesk's export has no order id: the mapping fails, and says where the file belongs
    const zendesk = run('import', join(FIXTURES, 'zendesk_tickets.csv'), '--kind', 'orders');
    expect(zendesk.status).toBe(1);
    expect(zendesk.stderr).toContain('The file has ticket text columns (Subject, Description) and no amount: if it is a ticket export, import it as tickets (--kind tickets).');
    // a ticket export that names its order maps as orders: it loads, with the alert beside no_amount
    const path = join(dir, 'tickets.csv');
    writeFileSync(path, 'ticket_id,customer_id,created_at,order_id,subject,body\nT1,a,2024-01-01 10:00:00,O1,Late,The parcel came late\nT2,b,2024-01-02 10:00:00,O2,Broken,It broke\n');
    const asOrders = run('import', path, '--kind', 'orders');
    expect(asOrders.status).toBe(0);
    expect(asOrders.stdout).toMatch(/^WARNING \(looks_like_tickets\): the file has ticket text columns \(subject, body\) and no amount: if it is a ticket export, import it as tickets \(--kind tickets\)$/m);
  });

  it('counts a line-level export in order lines, apart from the orders they fold into', () => {
    // shopify_orders.csv: order #1001 on two lines (a mug and a plate), #1002 on one
    const imported = run('import', join(FIXTURES, 'shopify_orders.csv'), '--kind', 'orders');
    expect(imported.status).toBe(0);
    expect(imported.stdout.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^imported 1 file\(s\) as orders \(shopify\) in [\d.]+ s: 3 order lines read, 3 loaded, 0 rejected, 0 replaced$/),
      "workspace: 2 orders (each order's lines folded into it), 1 customers (with a completed order), 0 tickets",
    ]);
  });

  it('imports with --json and describes the workspace with info --json', () => {
    const imported = run('import', join(FIXTURES, 'orders_a.csv'), '--kind', 'orders', '--json');
    expect(imported.status).toBe(0);
    const result = JSON.parse(imported.stdout) as Record<string, unknown>;
    // The summary the issue names, with the fixture's counts: 3 rows, orders 1-3 of alice and bob.
    expect(result).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0, orders: 3, customers: 2, tickets: 0, dateRange: { from: '2024-01-01T09:00:00', to: '2024-01-03T09:00:00' } });
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['files', 'mapping', 'rejectsSample']));
    const info = run('info', '--json');
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ orders: 3, customers: 2, dateRange: { from: '2024-01-01T09:00:00', to: '2024-01-03T09:00:00' } });
  });

  it('reads --mapping from a file and prints the mapping without importing under --print-mapping', () => {
    const mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ amount: '' }));
    const printed = run('import', join(FIXTURES, 'orders_a.csv'), '--kind', 'orders', '--mapping', mapping, '--print-mapping', '--json');
    expect(printed.status).toBe(0);
    const preview = JSON.parse(printed.stdout) as { mapping: Record<string, string> };
    expect(preview.mapping).toEqual({ order_id: 'order_id', customer_id: 'customer_id', ordered_at: 'created_at', status: 'status' });
    expect(JSON.parse(run('info', '--json').stdout)).toMatchObject({ orders: 0 });
  });

  it('fails with one line `churnwb: E_CODE: message` and exit code 1', () => {
    const failed = run('import', join(FIXTURES, 'empty.csv'), '--kind', 'orders');
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe(`churnwb: E_FILE: ${join(FIXTURES, 'empty.csv')}: the file is empty\n`);
    const badKind = run('import', join(FIXTURES, 'orders_a.csv'), '--kind', 'refunds');
    expect(badKind.status).toBe(1);
    expect(badKind.stderr).toBe('churnwb: E_ARGS: --kind must be orders, tickets, surveys or table, got "refunds"\n');
    // commander's own errors too: one line, no usage block, on any subcommand
    const badOption = run('retention', '--bogus');
    expect(badOption.status).toBe(1);
    expect(badOption.stderr).toBe("churnwb: E_ARGS: unknown option '--bogus' (see --help)\n");
  });
});
