// The reasons section of the default report on the bundled sample (762 synthetic tickets): its
// headline and table agree with churnReasons, its count with the customers reasonMembers lists, and
// a workspace without tickets gets no reasons section and no warning.
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNKNOWN_REASON, type ChurnReasonsResult } from '../../src/api/reasons.ts';
import type { ReportModel } from '../../src/api/report.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { ensureSampleWorkspace } from '../../src/host/sample.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { insertOrders } from '../helpers/fixtures.ts';
import { SHOP_ORDERS } from './shop.ts';

describe('reasons section of the sample report', () => {
  let t: TestCore;
  let analysis: ChurnReasonsResult;
  const reports = new Map<'en' | 'zh-CN', ReportModel>();
  beforeAll(async () => {
    t = await openTestCore({ inMemory: true });
    const sample = await ensureSampleWorkspace(join(t.dir, 'sample.duckdb'), { threads: 2 });
    await t.client.openWorkspace({ path: sample.path });
    for (const lang of ['en', 'zh-CN'] as const) reports.set(lang, await t.client.defaultReport({ lang, sections: ['reasons', 'churn'] }));
    analysis = await t.client.churnReasons({});
  });
  afterAll(() => t.close());

  it('comes after the churn sections, in both languages', () => {
    for (const report of reports.values()) expect(report.sections.map((section) => section.id)).toEqual(['churn.summary', 'churn.survival', 'reasons.churn']);
  });

  it('names the known reason behind the most churned customers, with the numbers of churnReasons', async () => {
    const top = analysis.reasons.filter((row) => row.key !== UNKNOWN_REASON).sort((a, b) => b.churnedCustomers - a.churnedCustomers)[0]!;
    // The sample's tickets carry reasons: the section must not fall back to "no reason".
    expect(top.churnedCustomers).toBeGreaterThan(0);
    const share = new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(top.churnedCustomers / analysis.churnedCustomers);
    const en = reports.get('en')!.sections.find((section) => section.id === 'reasons.churn')!;
    expect(en.headline.startsWith(`${top.en} precedes the largest share of churn: ${share} of churned customers (${top.churnedCustomers} of ${analysis.churnedCustomers})`)).toBe(true);
    const zh = reports.get('zh-CN')!.sections.find((section) => section.id === 'reasons.churn')!;
    expect(zh.headline.startsWith(`${top.zh}是流失前最常见的原因：${share} 的流失客户（${analysis.churnedCustomers} 位中的 ${top.churnedCustomers} 位）`)).toBe(true);

    // A second way to the same count: the churned customers reasonMembers lists for that reason.
    const members = tableFromIPC(await t.client.reasonMembers({ key: top.key, churnedOnly: true, limit: 1_000_000 }));
    expect(members.numRows).toBe(top.churnedCustomers);
  });

  it('tables every reason, unknown last, with the analysis’s own numbers', () => {
    const section = reports.get('en')!.sections.find((item) => item.id === 'reasons.churn')!;
    const table = tableFromIPC(section.table!.arrow);
    expect(table.numRows).toBe(analysis.reasons.length);
    const names = table.getChild('reason')!.toArray() as string[];
    expect(names.at(-1)).toBe(analysis.reasons.find((row) => row.key === UNKNOWN_REASON)!.en);
    names.forEach((name, index) => {
      const row = analysis.reasons.find((candidate) => candidate.en === name)!;
      expect(table.getChild('churned')!.get(index)).toBe(row.churnedCustomers);
      expect(table.getChild('tickets')!.get(index)).toBe(row.tickets);
      expect(table.getChild('lift')!.get(index)).toBe(row.lift);
      expect(table.getChild('revenue')!.get(index)).toBe(row.revenueAtStake);
    });
    expect(section.options).toContainEqual({ label: 'Tickets counted', value: 'from 90 days before the last order to the churn date' });
  });
});

describe('reasons section without tickets', () => {
  it('is left out quietly: no tickets is not a failure', async () => {
    const t = await openTestCore({ inMemory: true });
    try {
      const path = join(t.dir, 'shop.duckdb');
      const workspace = await Workspace.open(path, { threads: 1 });
      await workspace.withConnection((connection) => insertOrders(connection, SHOP_ORDERS));
      await workspace.close();
      await t.client.openWorkspace({ path });
      const warnings: string[] = [];
      t.client.on((event) => event.type === 'log' && warnings.push(event.message));
      const report = await t.client.defaultReport({ lang: 'en', sections: ['reasons', 'kpis'] });
      expect(report.sections.map((section) => section.id)).toEqual(['kpis.overview']);
      expect(warnings).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
