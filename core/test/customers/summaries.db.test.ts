// RFM, shopper types and customer value read the import's summaries when they hold the rule's
// activity: every score, type, value and fitted parameter is the same as when they read the orders,
// on generated orders (several on one day, missing amounts, other statuses) and on the CDNOW sample.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { customerValue, type CustomerValueOptions } from '../../src/analysis/clv.ts';
import { rfm } from '../../src/analysis/rfm.ts';
import { shopperTypes } from '../../src/analysis/shopperTypes.ts';
import { IN_MEMORY, Workspace } from '../../src/db/workspace.ts';
import { queryOne } from '../../src/db/sql.ts';
import { SHARED_DATA } from '../helpers/core.ts';
import { expectSame, summariesAndOrders, tableRows } from './bothWays.ts';
import { GENERATED_ORDERS_SQL } from './seed.ts';

const SAMPLE = join(SHARED_DATA, 'cdnow_lifetimes', 'CDNOW_sample.txt');
if (!existsSync(SAMPLE)) console.warn(`skipping the CDNOW comparison: ${SAMPLE} absent`);

const CDNOW_ORDERS_SQL = `
  INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, source_id)
  SELECT 'o' || row_number() OVER (), CAST(CAST(parts[2] AS INTEGER) AS VARCHAR), strptime(parts[3], '%Y%m%d'), CAST(parts[5] AS DOUBLE), 'completed', 0
  FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS parts FROM read_csv($file, header = false, columns = {'line': 'VARCHAR'}, delim = '|'))`;

/** The result object without its run id (new each run) and its at-risk bytes (compared through the table). */
function comparable(result: object): Record<string, unknown> {
  const { resultId: _resultId, atRisk: _atRisk, ...rest } = result as Record<string, unknown>;
  return rest;
}

async function expectRfmSame(connection: DuckDBConnection): Promise<void> {
  const runs = await summariesAndOrders(connection, async () => ({ result: comparable(await rfm(connection)), rows: await tableRows(connection, 'result_rfm') }));
  expectSame(runs.summaries, runs.orders, 'rfm');
  // the comparison means something only where the scores spread
  const spread = await queryOne<{ r: number; f: number; m: number }>(connection, 'SELECT count(DISTINCT r_score) AS r, count(DISTINCT f_score) AS f, count(DISTINCT m_score) AS m FROM result_rfm');
  expect(Math.min(spread.r, spread.f, spread.m)).toBeGreaterThanOrEqual(3);
}

/** What a value run takes from the activity, and the BG/NBD outputs, which rest on whole numbers of days only. */
const VALUE_INPUTS = ['customer_id', 'frequency', 'recency', 'T', 'monetary_value', 'revenue', 'first_purchase', 'last_purchase', 'holdout_purchases', 'p_alive', 'expected_purchases', 'holdout_predicted'];

/**
 * The per-customer inputs and BG/NBD to 1e-9; Gamma-Gamma and what rests on it to 1e-5: its fit
 * groups customers by equal mean spend, so a spend that rounds apart in its last bit (a sum of
 * per-day sums against a sum of the orders) moves where the optimiser stops, within its tolerance.
 */
async function expectValueSame(connection: DuckDBConnection, options: CustomerValueOptions): Promise<void> {
  const runs = await summariesAndOrders(connection, async () => ({ result: await customerValue(connection, options), rows: await tableRows(connection, 'result_value') }));
  const label = `customerValue ${JSON.stringify(options)}`;
  const pick = (rows: Record<string, unknown>[], columns: string[], keep: boolean) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => columns.includes(column) === keep)));
  expectSame(pick(runs.summaries.rows, VALUE_INPUTS, true), pick(runs.orders.rows, VALUE_INPUTS, true), `${label} inputs`);
  expectSame(pick(runs.summaries.rows, VALUE_INPUTS, false), pick(runs.orders.rows, VALUE_INPUTS, false), `${label} spend and value`, 1e-5);
  const { gammaGamma, summary, ...rest } = comparable(runs.summaries.result);
  const { gammaGamma: ordersGammaGamma, summary: ordersSummary, ...ordersRest } = comparable(runs.orders.result);
  expectSame(rest, ordersRest, label);
  // where the optimiser stops, so how many steps it took, varies with the last bits of the spends (even between two runs of one way)
  const withoutSteps = (fit: unknown) => ({ ...(fit as Record<string, unknown>), iterations: null });
  expectSame([withoutSteps(gammaGamma), summary], [withoutSteps(ordersGammaGamma), ordersSummary], `${label} Gamma-Gamma`, 1e-5);
  expect(gammaGamma).not.toBeNull();
  expect(runs.summaries.rows.filter((row) => Number(row.frequency) > 0).length).toBeGreaterThan(50);
}

describe('customer analyses from the summaries and from the orders (generated orders)', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 2, memoryLimit: '1GB' });
    await workspace.withConnection((connection) => connection.run(GENERATED_ORDERS_SQL));
  });
  afterAll(async () => workspace.close());

  it('RFM: the same scores, values and segments', async () => {
    await workspace.withConnection(expectRfmSame);
  });

  it('shopper types: the same features, types and summaries', async () => {
    await workspace.withConnection(async (connection) => {
      const runs = await summariesAndOrders(connection, async () => ({ result: comparable(await shopperTypes(connection)), rows: await tableRows(connection, 'result_shopper') }));
      expectSame(runs.summaries, runs.orders, 'shopper types');
      // the gaps the summaries give are in play: many customers bought on several days
      expect(runs.summaries.rows.filter((row) => row.gap_cv !== null).length).toBeGreaterThan(200);
    });
  });

  it('customer value: the same fits and per-customer values, with and without a holdout', async () => {
    await workspace.withConnection(async (connection) => {
      await expectValueSame(connection, {});
      await expectValueSame(connection, { until: '2024-03-01', unit: 'day' });
      const { holdout } = await queryOne<{ holdout: number }>(connection, 'SELECT sum(holdout_purchases) AS holdout FROM result_value');
      expect(holdout).toBeGreaterThan(100);
    });
  });
});

describe.skipIf(!existsSync(SAMPLE))('customer analyses from the summaries and from the orders (CDNOW sample)', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await Workspace.open(IN_MEMORY, { threads: 2, memoryLimit: '1GB' });
    await workspace.withConnection((connection) => connection.run(CDNOW_ORDERS_SQL, { file: SAMPLE }));
  });
  afterAll(async () => workspace.close());

  it('RFM and customer value agree cell by cell', async () => {
    await workspace.withConnection(async (connection) => {
      await expectRfmSame(connection);
      await expectValueSame(connection, { until: '1997-09-30', unit: 'week' });
    });
  });
});
