// The bundled sample: what the app opens on. Built once through the import path, rebuilt only when its files change.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_DIR, SAMPLE_ORDERS, SAMPLE_TICKETS, ensureSampleWorkspace, generateSampleTickets } from '../../src/host/sample.ts';
import { openHarness, readOnlyRows, type Harness } from './harness.ts';

const orderLines = Papa.parse<Record<string, string>>(gunzipSync(readFileSync(join(SAMPLE_DIR, SAMPLE_ORDERS))).toString('utf8'), { header: true, skipEmptyLines: true }).data;
const ticketRows = Papa.parse<Record<string, string>>(readFileSync(join(SAMPLE_DIR, SAMPLE_TICKETS), 'utf8'), { header: true, skipEmptyLines: true }).data;

describe('the bundled sample', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  it('stays under 2 MB and spans a year of monthly cohorts with repeat customers', () => {
    const bytes = [SAMPLE_ORDERS, SAMPLE_TICKETS, 'SOURCE.md'].reduce((sum, name) => sum + readFileSync(join(SAMPLE_DIR, name)).length, 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const firsts = new Map<string, string>();
    const invoices = new Map<string, Set<string>>();
    for (const line of orderLines) {
      const customer = line.CustomerID ?? '';
      if (customer === '') continue;
      const month = (line.InvoiceDate ?? '').slice(0, 7);
      if (!firsts.has(customer) || month < (firsts.get(customer) ?? '')) firsts.set(customer, month);
      invoices.set(customer, (invoices.get(customer) ?? new Set()).add(line.InvoiceNo ?? ''));
    }
    expect(new Set(firsts.values()).size).toBe(12); // 2010-12 .. 2011-11
    const repeaters = [...invoices.values()].filter((set) => set.size > 1).length;
    expect(repeaters / invoices.size).toBeGreaterThan(0.5);
  });

  it('builds the workspace through the import path once, and reuses it while the files are unchanged', async () => {
    const path = join(h.dir, 'sample.duckdb');
    expect(await ensureSampleWorkspace(path)).toEqual({ path, built: true });
    expect(await ensureSampleWorkspace(path)).toEqual({ path, built: false });
    const withCustomer = orderLines.filter((line) => (line.CustomerID ?? '') !== '');
    // "C" invoices are credit notes, kept apart from orders; ids with only credit notes are nobody's customers.
    const purchases = withCustomer.filter((line) => !(line.InvoiceNo ?? '').startsWith('C'));
    const creditNotes = withCustomer.filter((line) => (line.InvoiceNo ?? '').startsWith('C'));
    const [counts] = await readOnlyRows<{ orders: number; credit_notes: number; customers: number; tickets: number; rejects: number; lines: number }>(
      path,
      'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM credit_notes) AS credit_notes, (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM tickets) AS tickets, (SELECT count(*) FROM rejects) AS rejects, (SELECT count(*) FROM order_lines) AS lines',
    );
    expect(counts).toEqual({
      orders: new Set(purchases.map((line) => line.InvoiceNo)).size, // 3,244
      credit_notes: new Set(creditNotes.map((line) => line.InvoiceNo)).size, // 643
      customers: new Set([...purchases.map((line) => line.CustomerID), ...ticketRows.map((row) => row.customer_id)]).size, // 958: two have only credit notes
      tickets: ticketRows.length,
      rejects: orderLines.length - withCustomer.length, // the 120 lines without a customer
      lines: withCustomer.length,
    });
  });

  it('rebuilds when the sample files change', async () => {
    const dir = join(h.dir, 'files');
    mkdirSync(dir);
    copyFileSync(join(SAMPLE_DIR, SAMPLE_ORDERS), join(dir, SAMPLE_ORDERS));
    writeFileSync(join(dir, SAMPLE_TICKETS), `ticket_id,customer_id,created_at,body\nT1,${orderLines[0]?.CustomerID ?? ''},2011-01-01,物流太慢\n`);
    const path = join(h.dir, 'sample.duckdb');
    expect((await ensureSampleWorkspace(path, {}, dir)).built).toBe(true);
    writeFileSync(join(dir, SAMPLE_TICKETS), `ticket_id,customer_id,created_at,body\nT1,c,2011-01-01,物流太慢\nT2,c,2011-01-02,质量问题\n`);
    expect((await ensureSampleWorkspace(path, {}, dir)).built).toBe(true);
    expect(await readOnlyRows(path, 'SELECT count(*) AS n FROM tickets')).toEqual([{ n: 2 }]);
  });

  it('gives customers who stop buying more complaints: the synthetic tickets carry a signal', () => {
    // Customers whose last order is before 2011-09-10 (90 days before the data ends) count as lost.
    const last = new Map<string, string>();
    for (const line of orderLines) {
      const customer = line.CustomerID ?? '';
      if (customer !== '' && (line.InvoiceDate ?? '') > (last.get(customer) ?? '')) last.set(customer, line.InvoiceDate ?? '');
    }
    const lost = new Set([...last].filter(([, at]) => at < '2011-09-10').map(([customer]) => customer));
    const complaints = (ticket: Record<string, string>) => ['complaint', '投诉', 'refund', '退款'].includes(ticket.category ?? '');
    const rate = (group: (customer: string) => boolean) => {
      const customers = [...last.keys()].filter(group);
      return ticketRows.filter((ticket) => group(ticket.customer_id ?? '') && complaints(ticket)).length / customers.length;
    };
    expect(rate((customer) => lost.has(customer))).toBeGreaterThan(3 * rate((customer) => !lost.has(customer)));
    expect(ticketRows.some((ticket) => (ticket.body ?? '').includes('没有质量问题'))).toBe(true);
  });

  it('generates the same tickets from the same seed, and other tickets from another', () => {
    const histories = Array.from({ length: 50 }, (_, index) => ({
      customer: String(index),
      firstAt: Date.UTC(2011, 0, 1 + index),
      lastAt: Date.UTC(2011, 2, 1 + index),
      invoices: [{ invoice: `A${index}`, at: Date.UTC(2011, 2, 1 + index) }],
    }));
    const first = generateSampleTickets(histories, 5);
    expect(first.length).toBeGreaterThan(0);
    expect(generateSampleTickets(histories, 5)).toEqual(first);
    expect(generateSampleTickets(histories, 6)).not.toEqual(first);
  });
});
