// The bundled sample's synthetic surveys and the drivers model on its customers: what the Drivers and
// Satisfaction screens open on. NPS and CSAT are recomputed here from the CSV itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listValue } from '@duckdb/node-api';
import { createClient, loopbackWire, type CoreHandle } from '../../src/api/index.ts';
import { driverSubjects } from '../../src/analysis/drivers.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { queryRows } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';
import { createCore, type Core } from '../../src/host/core.ts';
import { ensureSampleWorkspace, SAMPLE_DIR, SAMPLE_SURVEYS } from '../../src/host/sample.ts';
import { openTestCore, type TestCore } from '../helpers/core.ts';

const answers = Papa.parse<string[]>(readFileSync(join(SAMPLE_DIR, SAMPLE_SURVEYS), 'utf8'), { skipEmptyLines: true }).data.slice(1);

describe('the sample: synthetic surveys and churn drivers', () => {
  let t: TestCore;
  let core: Core;
  let client: CoreHandle;
  let path: string;
  beforeAll(async () => {
    t = await openTestCore({ inMemory: true });
    ({ path } = await ensureSampleWorkspace(join(t.dir, 'sample.duckdb'), { threads: 2 }));
    core = await createCore({ workspace: path, settings: { threads: 2, memoryLimit: '1GB' } });
    client = createClient(loopbackWire(core));
  }, 600_000);
  afterAll(async () => {
    await core.close();
    await t.close();
  });

  it('has NPS and CSAT equal to a count over the CSV', async () => {
    const nps = answers.map((row) => Number(row[4]));
    const csat = answers.map((row) => Number(row[3]));
    const result = await client.surveys({});
    expect(result.responses).toBe(answers.length);
    expect(result.nps!.promoters).toBe(nps.filter((value) => value >= 9).length);
    expect(result.nps!.detractors).toBe(nps.filter((value) => value <= 6).length);
    expect(result.nps!.score).toBeCloseTo((100 * (nps.filter((v) => v >= 9).length - nps.filter((v) => v <= 6).length)) / nps.length, 10);
    expect(result.csat!.score).toBeCloseTo(csat.filter((value) => value >= 4).length / csat.length, 10);
    // The generator makes customers who stop buying answer lower: detractors churn more than promoters
    const rate = (group: string) => result.byNpsGroup.find((row) => row.group === group)!.churnRate!;
    expect(rate('detractor')).toBeGreaterThan(rate('promoter'));
    expect(result.comments).toBe(answers.filter((row) => (row[5] ?? '').trim() !== '').length);
  });

  it('fits the default drivers on the sample and names the strongest in words', async () => {
    const result = await client.churnDrivers({});
    expect(result.subjects).toBeGreaterThan(900);
    expect(result.options.covariates).toContain('reason');
    expect(result.coefficients.every((c) => c.infinite || c.coefficient === null || Number.isFinite(c.upper))).toBe(true);
    expect(result.converged).toBe(true);
    expect(result.headline).not.toBeNull();
    expect(result.headline!.sentence.en).toMatch(/times as fast/);
    expect(result.headline!.sentence.zh).toMatch(/倍/);
  }, 120_000);

  it('what-if: fewer delivery complaints keep customers, with the assumptions stated', async () => {
    const result = await client.whatIf({ term: 'reason', level: 'logistics', reduction: 0.3, horizonMonths: 12 });
    expect(result.groupCustomers).toBeGreaterThan(0);
    // kept = A (e^{-h(1-x)N} - e^{-hN}), recomputed from the reported rate
    const h = result.monthlyChurnRate;
    expect(result.scenario.customersKept).toBeCloseTo(result.activeCustomers * (Math.exp(-h * 0.7 * 12) - Math.exp(-h * 12)), 8);
    expect(result.assumptions.en.length).toBeGreaterThanOrEqual(3);
    expect(result.assumptions.zh.length).toBe(result.assumptions.en.length);
    expect(result.scenario.clvKept).toBeNull(); // no customer-value run stored yet
  }, 120_000);

  it('what-if names the model\'s reference level in words, as the model\'s table does', async () => {
    // after-sales complaints leave faster than customers without tickets on the sample (hazard ratio above 1)
    const result = await client.whatIf({ term: 'reason', level: 'after_sales', reduction: 0.2, horizonMonths: 12 });
    expect(result.model?.reference).toBe('none');
    expect(result.model?.scenario).not.toBeNull();
    expect(result.assumptions.en.at(-1)).toMatch(/^The model's scenario cuts the group's rate to that of "no ticket" \(hazard ratio \d+\.\d\d,/);
    expect(result.assumptions.zh.at(-1)).toMatch(/^模型情景：将该组的流失率降到「无工单」的水平（风险比 \d+\.\d\d，/);
  }, 120_000);

  it('what-if writes its money assumptions as money: grouped, with the workspace currency', async () => {
    await client.saveDisplaySettings({ currency: 'GBP' });
    const result = await client.whatIf({ term: 'reason', level: 'logistics', reduction: 0.3, horizonMonths: 12 });
    await client.saveDisplaySettings({ currency: null });
    const monthly = result.trailingRevenue! / 12;
    const [pounds, pence] = monthly.toFixed(2).split('.');
    // "£8,828.86": the symbol, a comma every three digits, two decimals (built here by hand, not with Intl)
    const written = `£${pounds!.replace(/\B(?=(\d{3})+$)/g, ',')}.${pence}`;
    expect(result.assumptions.en.join('\n')).toContain(`(${written} a month for its ${result.activeCustomers} active customers)`);
    expect(result.assumptions.zh.join('\n')).toContain(`每月共 ${written}）`);
  }, 120_000);

  it('what-if values the customers kept at the group\'s mean CLV once a customer-value run is stored', async () => {
    await client.customerValue({});
    const result = await client.whatIf({ term: 'reason', level: 'logistics', reduction: 0.3, horizonMonths: 12 });
    // The group's active customers (as the model reads them) and the mean of their stored CLV, read here directly
    await core.close();
    const workspace = await Workspace.open(path, { threads: 2 });
    const meanClv = await workspace.withConnection(async (connection) => {
      const subjects = await driverSubjects(connection, bundledTaxonomy(), { covariates: ['reason'] });
      const reasons = subjects.values.get('reason') as (string | null)[];
      const active = subjects.customerIds!.filter((_, i) => reasons[i] === 'logistics' && !subjects.event[i]);
      expect(active).toHaveLength(result.activeCustomers);
      const [row] = await queryRows<{ clv: number }>(connection, `SELECT sum(clv) / $n AS clv FROM result_value WHERE list_contains($ids, customer_id)`, { ids: listValue(active), n: active.length });
      return row!.clv;
    });
    await workspace.close();
    core = await createCore({ workspace: path, settings: { threads: 2, memoryLimit: '1GB' } });
    expect(result.scenario.clvKept! / result.scenario.customersKept).toBeCloseTo(meanClv, 6);
  }, 120_000);
});
