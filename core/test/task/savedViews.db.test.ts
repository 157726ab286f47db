// Saved views are kept in the workspace file, and the report builds on a view's scope.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';
import type { TestCore } from '../helpers/core.ts';
import type { OrderRow } from '../helpers/fixtures.ts';
import { openFixtureCore } from '../retention/fixtureCore.ts';

// c1 buys in January and March, c2 in January only, c3 in March and April.
const ORDERS: OrderRow[] = [
  { order_id: '1', customer_id: 'c1', ordered_at: '2024-01-05 10:00:00', region: 'North' },
  { order_id: '2', customer_id: 'c1', ordered_at: '2024-03-15 10:00:00', region: 'North' },
  { order_id: '3', customer_id: 'c2', ordered_at: '2024-01-20 10:00:00', region: 'South' },
  { order_id: '4', customer_id: 'c3', ordered_at: '2024-03-01 10:00:00', region: 'South' },
  { order_id: '5', customer_id: 'c3', ordered_at: '2024-04-10 10:00:00', region: 'South' },
];

describe('saved views', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openFixtureCore({ orders: ORDERS });
  });
  afterAll(async () => t.close());

  it('round-trips through the workspace file: save, reopen, list, delete', async () => {
    expect(await t.client.listViews({})).toEqual([]);
    await t.client.saveView({ name: ' Spring ', scope: { from: '2024-03-01', to: '2024-04-30' }, settings: { period: 'month', segment: 'region' } });
    await t.client.saveView({ name: 'North', scope: { where: [{ column: 'region', values: ['North'] }], segmentTop: 5 } });
    // the same name replaces the view
    await t.client.saveView({ name: 'North', scope: { where: [{ column: 'region', values: ['North'] }] } });
    const copy = join(t.dir, 'copy.duckdb');
    await t.client.saveWorkspaceAs({ path: copy });
    await t.client.openWorkspace({ path: copy });
    const views = await t.client.listViews({});
    expect(views.map(({ name, scope, settings }) => ({ name, scope, settings }))).toEqual([
      { name: 'North', scope: { where: [{ column: 'region', values: ['North'] }] }, settings: {} },
      { name: 'Spring', scope: { from: '2024-03-01', to: '2024-04-30' }, settings: { period: 'month', segment: 'region' } },
    ]);
    expect(views.every((view) => !Number.isNaN(Date.parse(view.savedAt)))).toBe(true);
    expect((await t.client.deleteView({ name: 'North' })).map((view) => view.name)).toEqual(['Spring']);
    await expect(t.client.deleteView({ name: 'North' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('builds the report on a view: its dates, counts and cover name the view', async () => {
    const whole = await t.client.defaultReport({ lang: 'en', sections: ['kpis'] });
    expect(whole.subtitle).toContain('2024-01-05');
    expect(whole.subtitle).toContain('2024-04-10');
    // Spring (Mar 1 - Apr 30): orders 2, 4 and 5 of customers c1 and c3
    const spring = await t.client.defaultReport({ lang: 'en', sections: ['kpis'], view: 'Spring' });
    expect(spring.subtitle).toMatch(/2024-03-01.*2024-04-10/);
    // the cover says the report is filtered and gives the range chosen beside the dates of its first and last order
    expect(spring.subtitle).toMatch(/ · Filtered · range 2024-03-01 to 2024-04-30 · view: Spring$/);
    expect(whole.subtitle).not.toContain('Filtered');
    expect(whole.subtitle).toContain('5 orders · 3 customers');
    expect(spring.subtitle).toContain('3 orders · 2 customers');
    // a filter is named on the cover too, in the report's language (South: orders 3, 4, 5 of c2 and c3); a grouping
    // is not, as no report section splits customers by a segment column
    const south = await t.client.defaultReport({ lang: 'zh-CN', sections: ['kpis'], scope: { where: [{ column: 'region', values: ['South'] }], segmentTop: 3 } });
    expect(south.subtitle).toMatch(/3 笔订单 · 2 位客户 · 已筛选 · 地区：South$/);
    const opened = await t.client.defaultReport({ lang: 'zh-CN', sections: ['kpis'], scope: { from: '2024-03-01' } });
    expect(opened.subtitle).toMatch(/ · 已筛选 · 范围 2024-03-01 至 …$/);
    await expect(t.client.defaultReport({ lang: 'en', view: 'Autumn' })).rejects.toThrow(/no saved view is named "Autumn" \(saved views: Spring\)/);
    await expect(t.client.defaultReport({ lang: 'en', view: 'Spring', scope: {} })).rejects.toMatchObject({ code: 'E_ARGS' });
  });

  it('records a scoped run of the customer tables with its stored options, without a grouping it does not take', async () => {
    const scoped = await t.client.customerSegments({ scheme: 'rfm', scope: { from: '2024-03-01', segmentTop: 1 } });
    expect(scoped.customers).toBe(2);
    const explanation = await t.client.explainCustomer({ customerId: 'c3' });
    expect(explanation.rfm?.resultId).toBe(scoped.resultId);
    const page = await t.client.customerRows({ table: 'rfm', resultId: scoped.resultId });
    expect(page.total).toBe(2);
    // the stored run says it was computed on part of the data (read from a saved copy of the workspace)
    const copy = join(t.dir, 'runs.duckdb');
    await t.client.saveWorkspaceAs({ path: copy });
    const workspace = await Workspace.open(copy, { threads: 1 });
    try {
      const [run] = await workspace.withConnection((connection) => queryRows(connection, "SELECT options FROM result_runs WHERE name = 'rfm'"));
      expect(JSON.parse(String(run!.options)).scope).toEqual({ from: '2024-03-01' });
    } finally {
      await workspace.close();
    }
  });

  it('offers the orders date range and each column values by customers', async () => {
    const choices = await t.client.scopeChoices({});
    expect(choices.firstDay).toBe('2024-01-05');
    expect(choices.lastDay).toBe('2024-04-10');
    expect(choices.columns.region).toEqual([
      { value: 'South', customers: 2 },
      { value: 'North', customers: 1 },
    ]);
    expect(choices.columns.channel).toEqual([]);
  });
});
