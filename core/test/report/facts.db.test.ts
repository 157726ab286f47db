// The report cover's figures (orders, customers with an order of any status, first and last day)
// are the same read from the summaries the import keeps and counted over every order.
//
// By hand: P has two completed orders, Q one, R one refunded order only and S one cancelled order
// on the last day (R and S have orders but no purchase: in the summaries they are
// `other_customers`). 5 orders, 4 customers, 2024-02-01 to 2024-03-09; a cancelled order of Q added
// later makes 6 orders of the same 4 customers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { rebuildSummaries, summariesAnswer } from '../../src/db/summaries.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { defaultReport } from '../../src/report/defaultReport.ts';
import { insertOrders } from '../helpers/fixtures.ts';

const ORDERS = [
  { order_id: 'o1', customer_id: 'P', ordered_at: '2024-02-01 09:00:00' },
  { order_id: 'o2', customer_id: 'P', ordered_at: '2024-02-20 10:00:00' },
  { order_id: 'o3', customer_id: 'Q', ordered_at: '2024-02-05 11:00:00' },
  { order_id: 'o4', customer_id: 'R', ordered_at: '2024-02-07 12:00:00', status: 'refunded' },
  { order_id: 'o5', customer_id: 'S', ordered_at: '2024-03-09 23:30:00', status: 'cancelled' },
];

/** The cover's subtitle of a report with no sections: only the figures. */
async function subtitle(connection: DuckDBConnection): Promise<string> {
  return (await defaultReport(connection, '/data/shop.duckdb', { lang: 'en', sections: [] }, () => undefined)).subtitle;
}

describe('report cover figures', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await Workspace.open(':memory:', { threads: 1 });
  });
  afterEach(() => workspace.close());

  it('count orders and customers of any status alike from the summaries and from the orders', async () => {
    await workspace.withConnection(async (connection) => {
      await insertOrders(connection, ORDERS);
      await rebuildSummaries(connection);
      expect(await summariesAnswer(connection, null)).toBe(true);
      const expected = 'shop.duckdb · 2024-02-01 to 2024-03-09 · 5 orders · 4 customers';
      expect(await subtitle(connection)).toBe(expected);
      // an order written by other means than an import: the summaries no longer match, so the orders are read
      await insertOrders(connection, [{ order_id: 'o6', customer_id: 'Q', ordered_at: '2024-02-10 08:00:00', status: 'cancelled' }]);
      expect(await summariesAnswer(connection, null)).toBe(false);
      expect(await subtitle(connection)).toBe('shop.duckdb · 2024-02-01 to 2024-03-09 · 6 orders · 4 customers');
      await rebuildSummaries(connection);
      expect(await subtitle(connection)).toBe('shop.duckdb · 2024-02-01 to 2024-03-09 · 6 orders · 4 customers');
    });
  });
});
