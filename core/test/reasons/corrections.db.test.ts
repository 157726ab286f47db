// Corrections: stored in the workspace, they override their tickets through every re-classification,
// reach churnReasons, and, once there are enough, train the model that changes similar texts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { churnReasons } from '../../src/analysis/churnReasons.ts';
import { compileTaxonomy } from '../../src/analysis/reasonClassify.ts';
import { classifyWithModel, correctionsInfo, correctTicket, workspaceModel } from '../../src/analysis/reasonCorrections.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { classifyTickets, ticketEvidence } from '../../src/analysis/reasonTickets.ts';
import { queryRows } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { writeFixtureWorkspace } from '../retention/fixtureCore.ts';
import { SHOP_ORDERS, SHOP_TICKETS, ticketStatements, type ShopTicket } from './shop.ts';

const RULE = { windowDays: 30, asOf: '2024-06-30' };

/** Ten texts about a rival shop the taxonomy does not know, and ten thank-you notes: what an analyst would correct. */
const RIVAL = ['蓝熊商城', '蓝熊那边', '去蓝熊', '蓝熊的活动', '蓝熊又发券', '听说蓝熊', '蓝熊送的', '朋友推荐蓝熊', '蓝熊买的', '蓝熊家'];
const LEARNING_TICKETS: ShopTicket[] = [
  ...RIVAL.map((text, index) => ({ ticket_id: `R${index}`, customer_id: 'Z', created_at: '2024-03-01 09:00:00', body: `${text}更划算` })),
  ...RIVAL.map((_, index) => ({ ticket_id: `N${index}`, customer_id: 'Z', created_at: '2024-03-01 09:00:00', body: `第${index}次购买，谢谢店家` })),
];

const taxonomy = bundledTaxonomy();

describe('corrections of tickets\' reasons', () => {
  let dir: string;
  let workspace: Workspace;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-corrections-'));
    const path = join(dir, 'shop.duckdb');
    await writeFixtureWorkspace(path, { orders: SHOP_ORDERS, statements: ticketStatements([...SHOP_TICKETS, ...LEARNING_TICKETS]) });
    workspace = await Workspace.open(path);
  });
  afterEach(async () => {
    await workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const use = <T>(work: (connection: DuckDBConnection) => Promise<T>) => workspace.withConnection(work);
  const reasonsOf = (connection: DuckDBConnection, ticketId: string) =>
    queryRows<{ reason: string; primary: boolean; source: string }>(connection, `SELECT reason, "primary", source FROM ticket_reasons WHERE ticket_id = $id ORDER BY reason`, { id: ticketId }).then(
      (rows) => rows.map((row) => [row.reason, row.primary, row.source]),
    );

  it('a correction overrides its ticket, survives full re-classification, reaches churnReasons, and can be dropped', () =>
    use(async (connection) => {
      await classifyTickets(connection, taxonomy);
      expect(await reasonsOf(connection, 'A1')).toEqual([['logistics', true, 'rules']]);
      // B1 complains of quality and of delivery: two rows, one primary
      expect(await reasonsOf(connection, 'B1')).toEqual([['logistics', false, 'rules'], ['product_quality', true, 'rules']]);
      await correctTicket(connection, taxonomy, 'A1', 'price');
      const info = await correctionsInfo(connection, taxonomy);
      expect([info.corrections, info.perReason, info.modelTrained]).toEqual([1, [{ reason: 'price', corrections: 1 }], false]);
      expect(info.recent.map((entry) => [entry.ticketId, entry.reason])).toEqual([['A1', 'price']]);
      await classifyTickets(connection, taxonomy);
      expect(await reasonsOf(connection, 'A1')).toEqual([['price', true, 'correction']]);
      await classifyTickets(connection, taxonomy, { full: true });
      expect(await reasonsOf(connection, 'A1')).toEqual([['price', true, 'correction']]);
      expect((await ticketEvidence(connection, taxonomy, 'A1')).correction).toBe('price');
      // A churned with A1 in its window: price has A among its churned customers now, logistics keeps only B
      const result = await churnReasons(connection, taxonomy, RULE);
      expect(result.reasons.find((row) => row.key === 'price')?.churnedCustomers).toBe(1);
      expect(result.reasons.find((row) => row.key === 'logistics')?.churnedCustomers).toBe(1);
      // "no reason": the ticket is unknown
      await correctTicket(connection, taxonomy, 'B1', 'none');
      await classifyTickets(connection, taxonomy);
      expect(await reasonsOf(connection, 'B1')).toEqual([['unknown', true, 'correction']]);
      // dropped: the rules again
      await correctTicket(connection, taxonomy, 'A1', null);
      await classifyTickets(connection, taxonomy);
      expect(await reasonsOf(connection, 'A1')).toEqual([['logistics', true, 'rules']]);
      expect((await correctionsInfo(connection, taxonomy)).corrections).toBe(1);
    }));

  it('a correction holds for every ticket of the same content', () =>
    use(async (connection) => {
      await correctTicket(connection, taxonomy, 'N1', 'competition');
      await connection.run(`INSERT INTO tickets (ticket_id, customer_id, body, source_id) VALUES ('N1b', 'Z', '第1次购买，谢谢店家', 0)`);
      await classifyTickets(connection, taxonomy);
      expect(await reasonsOf(connection, 'N1b')).toEqual([['competition', true, 'correction']]);
    }));

  it('refuses a reason the taxonomy does not have and a ticket that does not exist', () =>
    use(async (connection) => {
      await expect(correctTicket(connection, taxonomy, 'A1', 'boredom')).rejects.toMatchObject({ code: 'E_ARGS' });
      await expect(correctTicket(connection, taxonomy, 'nope', 'price')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    }));

  it('twenty corrections train a model: similar texts change, and cross-validated precision and recall are reported', () =>
    use(async (connection) => {
      const similar = { body: '蓝熊商城又有活动，更划算' };
      expect(classifyWithModel(compileTaxonomy(taxonomy), (await workspaceModel(connection, taxonomy)).model, similar).primary).not.toBe('competition');
      for (const ticket of LEARNING_TICKETS) await correctTicket(connection, taxonomy, ticket.ticket_id, ticket.ticket_id.startsWith('R') ? 'competition' : 'none');
      const info = await correctionsInfo(connection, taxonomy);
      expect([info.corrections, info.modelTrained]).toEqual([20, true]);
      expect(info.scores.map((score) => [score.reason, score.corrected])).toEqual([['competition', 10], ['none', 10]]);
      for (const score of info.scores) expect([score.precision, score.recall]).not.toContain(null);
      const after = classifyWithModel(compileTaxonomy(taxonomy), (await workspaceModel(connection, taxonomy)).model, similar);
      expect(after.primary).toBe('competition');
      expect(after.reasons.find((match) => match.reason === 'competition')?.source).toBe('model');
    }));

  it('a cancelled re-classification leaves the stored one whole', () =>
    use(async (connection) => {
      await classifyTickets(connection, taxonomy);
      const count = async () => (await queryRows<{ n: number }>(connection, 'SELECT count(*) AS n FROM ticket_reasons'))[0]!.n;
      const before = await count();
      const controller = new AbortController();
      await expect(classifyTickets(connection, taxonomy, { full: true, signal: controller.signal, onProgress: () => controller.abort() })).rejects.toMatchObject({ code: 'E_CANCELLED' });
      expect(await count()).toBe(before);
    }));
});
