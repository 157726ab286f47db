// The clv and customer commands as a script sees them: --summary --json prints the fits under bgnbd and
// gammaGamma; `customer ID` explains one customer in words.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/host/cli.ts';
import { SHARED_DATA } from '../helpers/core.ts';

const WITH_SPEND = join(SHARED_DATA, 'cdnow_lifetimes', 'cdnow_customers_summary_with_transactions.csv');
if (!existsSync(WITH_SPEND)) console.warn(`skipping the clv CLI test: ${WITH_SPEND} not found`);

// Each test runs in a folder of its own, what the commands print on stdout collected in `output`
let dir: string;
let output: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'churnwb-cli-'));
  output = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(WITH_SPEND))('churnwb clv --summary', () => {

  it('prints the fitted parameters as JSON', async () => {
    await main(['-w', join(dir, 'w.duckdb'), '--threads', '1', 'clv', '--summary', WITH_SPEND, '--json']);
    const printed = JSON.parse(output) as Record<string, Record<string, unknown>>;
    expect(Object.keys(printed.bgnbd!).slice(0, 6)).toEqual(['r', 'alpha', 'a', 'b', 'logLikelihood', 'converged']);
    expect(printed.bgnbd).toMatchObject({ converged: true, customers: 2357 });
    expect(printed.bgnbd!.r as number).toBeCloseTo(0.24259, 4);
    expect(Object.keys(printed.gammaGamma!).slice(0, 5)).toEqual(['p', 'q', 'v', 'logLikelihood', 'converged']);
    expect(printed.gammaGamma!.q as number).toBeCloseTo(3.7446, 3);
    expect(printed.summary).toMatchObject({ customers: 2357, repeatCustomers: 946 });
    expect(printed).not.toHaveProperty('atRisk');
  });

  it('prints the summary in whole customers, tenths of purchases and money to the cent', async () => {
    await main(['-w', join(dir, 'w.duckdb'), '--threads', '1', 'clv', '--summary', WITH_SPEND]);
    const lines = output.trim().split(/\r?\n/);
    expect(lines[2]).toMatch(/^expected alive about \d+ of 2357 customers \(mean P\(alive\) 0\.\d+\); expected purchases in 12 months \d+\.\d$/);
    expect(lines[3]).toMatch(/^CLV total \d+\.\d\d, value at risk \d+\.\d\d \(monthly discount 0\.01\)$/);
  });

  it('exports the customers most at risk as CSV', async () => {
    await main(['-w', join(dir, 'w.duckdb'), '--threads', '1', 'clv', '--summary', WITH_SPEND, '--at-risk', '3']);
    const lines = output.trim().split(/\r?\n/);
    expect(lines[0]).toBe('customer_id,frequency,recency,T,monetary_value,revenue,first_purchase,last_purchase,p_alive,expected_purchases,expected_spend,clv,value_at_risk,holdout_purchases,holdout_predicted');
    expect(lines).toHaveLength(4);
    const risk = lines.slice(1).map((line) => Number(line.split(',')[12]));
    expect(risk[0]).toBeGreaterThanOrEqual(risk[1]!);
    expect(risk[1]).toBeGreaterThanOrEqual(risk[2]!);
  });
});

describe('churnwb customer', () => {

  it('explains a customer in words: the RFM scores with their rule, and what is not computed yet', async () => {
    // rfm.db.test.ts's shop, computed there by hand: B bought on 02-01 and 03-25 (30 each), the data end
    // on 03-31 (G's cancelled order), so R 3 (6 days), F 3 (2 orders), M 1 (60): need_attention
    const orders = join(dir, 'orders.csv');
    writeFileSync(
      orders,
      [
        'order_id,customer_id,created_at,total,status',
        'a1,A,2024-03-01 10:00:00,50,completed',
        'a2,A,2024-03-20 10:00:00,50,completed',
        'a3,A,2024-03-30 10:00:00,100,completed',
        'b1,B,2024-02-01 10:00:00,30,completed',
        'b2,B,2024-03-25 10:00:00,30,completed',
        'c1,C,2024-03-25 18:00:00,500,completed',
        'd1,D,2023-11-01 10:00:00,20,completed',
        'd2,D,2023-12-01 10:00:00,20,completed',
        'd3,D,2024-01-05 10:00:00,20,completed',
        'd4,D,2024-01-10 10:00:00,20,completed',
        'e1,E,2023-12-31 10:00:00,10,completed',
        'f1,F,2024-02-15 10:00:00,60,completed',
        'f2,F,2024-03-28 10:00:00,999,refunded',
        'g1,G,2024-03-31 12:00:00,70,cancelled',
      ].join('\n'),
    );
    const workspace = ['-w', join(dir, 'w.duckdb'), '--threads', '1'];
    await main([...workspace, 'import', orders, '--kind', 'orders']);
    await main([...workspace, 'customers', '--scheme', 'rfm']);
    output = '';
    await main([...workspace, 'customer', 'B']);
    expect(output.trim().split('\n')).toEqual([
      'customer B',
      'RFM as of 2024-03-31 12:00: Need attention (R 3, F 3, M 1): last purchase 6 days before, 2 orders, revenue 60.00',
      '  rule need_attention: R 3, F 3, M 1-5 ("Average recency and frequency"); scores are quintiles 1-5 among all customers',
      'shopper type: not computed yet (run `churnwb customers --scheme shopper`)',
      'value: not computed yet (run `churnwb clv`)',
    ]);
    output = '';
    await main([...workspace, 'customer', 'B', '--json']);
    expect(JSON.parse(output)).toMatchObject({ customerId: 'B', rfm: { r: 3, f: 3, m: 1, segment: 'need_attention' }, missing: ['shopper', 'value'] });
  });
});
