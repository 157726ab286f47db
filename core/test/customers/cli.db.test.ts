// The clv and customers commands as a script sees them: --summary --json prints the fits under bgnbd and gammaGamma.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/host/cli.ts';
import { SHARED_DATA } from '../helpers/core.ts';

const WITH_SPEND = join(SHARED_DATA, 'cdnow_lifetimes', 'cdnow_customers_summary_with_transactions.csv');
if (!existsSync(WITH_SPEND)) console.warn(`skipping the clv CLI test: ${WITH_SPEND} not found`);

describe.skipIf(!existsSync(WITH_SPEND))('churnwb clv --summary', () => {
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
