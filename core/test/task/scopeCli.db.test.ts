// The scope options as a user types them: every analysis command takes --from/--to/--where/--top/--min-group/--view.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureWorkspace } from '../retention/fixtureCore.ts';
import { SCOPE_SHOP } from './scopeShop.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');

describe('churnwb scope options', () => {
  let dir: string;
  let workspace: string;
  const run = async (...args: string[]) => (await promisify(execFile)(process.execPath, [CLI, '-w', workspace, ...args])).stdout;
  const json = async <T>(...args: string[]) => JSON.parse(await run(...args, '--json')) as T;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-scope-cli-'));
    workspace = join(dir, 'shop.duckdb');
    await writeFixtureWorkspace(workspace, SCOPE_SHOP);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('churn --from --to --where: the values of analysisScope.db.test.ts', async () => {
    type Churn = { customers: number; churned: number };
    const ranged = await json<Churn>('churn', '--window-days', '30', '--from', '2024-02-01', '--to', '2024-03-31');
    expect([ranged.customers, ranged.churned]).toEqual([4, 1]);
    const north = await json<Churn>('churn', '--window-days', '30', '--where', 'region=North');
    expect([north.customers, north.churned]).toEqual([3, 1]);
  });

  it('survival --top merges the rest into Other; a saved view is used by name, by analyses and the report', async () => {
    type Survival = { curves: { group: string; subjects: number }[] };
    const top = await json<Survival>('survival', '--window-days', '30', '--segment', 'region', '--top', '1');
    expect(top.curves.map((curve) => [curve.group, curve.subjects])).toEqual([['North', 3], ['Other', 3]]);
    await run('views', '--save', 'febmar', '--from', '2024-02-01', '--to', '2024-03-31', '--setting', 'period=month');
    expect(await json<{ name: string; scope: object; settings: object }[]>('views')).toMatchObject([
      { name: 'febmar', scope: { from: '2024-02-01', to: '2024-03-31' }, settings: { period: 'month' } },
    ]);
    const viewed = await json<{ customers: number }>('churn', '--window-days', '30', '--view', 'febmar');
    expect(viewed.customers).toBe(4);
    const model = join(dir, 'report.json');
    await run('report', '--out', model, '--lang', 'en', '--sections', 'kpis', '--view', 'febmar');
    expect((JSON.parse(await readFile(model, 'utf8')) as { subtitle: string }).subtitle).toMatch(/2024-02-03 to 2024-03-31 · 6 orders · 4 customers · Filtered · range 2024-02-01 to 2024-03-31 · view: febmar$/);
    // report reads a saved model with --from, so its range is --range-from/--range-to
    await run('report', '--out', model, '--lang', 'en', '--sections', 'kpis', '--range-from', '2024-02-01', '--range-to', '2024-02-29', '--where', 'region=North');
    // February, North: c1's Feb 10 and c3's Feb 3 orders
    expect((JSON.parse(await readFile(model, 'utf8')) as { subtitle: string }).subtitle).toMatch(/2024-02-03 to 2024-02-10 · 2 orders · 2 customers · Filtered · range 2024-02-01 to 2024-02-29 · Region: North$/);
  });

  it('fails in one line on a bad --where, and on --view with other scope options', async () => {
    await expect(run('kpis', '--where', 'colour=red')).rejects.toMatchObject({ stderr: expect.stringMatching(/^churnwb: E_ARGS: --where must be COLUMN=v1,v2/) });
    await expect(run('kpis', '--view', 'febmar', '--top', '2')).rejects.toMatchObject({ stderr: expect.stringMatching(/E_ARGS: --view takes the scope of the saved view/) });
  });

  it('names the option of a day that does not exist, and a filter value no order has with the closest ones', async () => {
    await expect(run('churn', '--from', '2024-13-01')).rejects.toMatchObject({ stderr: expect.stringMatching(/^churnwb: E_ARGS: --from must be a day that exists, as YYYY-MM-DD; got "2024-13-01"/) });
    await expect(run('report', '--out', join(dir, 'r.json'), '--range-to', '2024-02-30')).rejects.toMatchObject({ stderr: expect.stringMatching(/E_ARGS: --range-to must be a day/) });
    // regions North, South, East, West: the typo's closest spelling first
    await expect(run('kpis', '--where', 'region=Nroth')).rejects.toMatchObject({ stderr: expect.stringMatching(/E_NO_DATA: no order has region "Nroth" \(closest values: North, South, East, West\)/) });
    // a filter one of whose values occurs is not blamed
    await expect(run('kpis', '--where', 'channel=web,phone', '--where', 'region=Wset,Est')).rejects.toMatchObject({ stderr: expect.stringMatching(/no order has region "Wset" or "Est" \(closest values: West,/) });
    await expect(run('kpis', '--where', 'category=Toys')).rejects.toMatchObject({ stderr: expect.stringMatching(/no order has category "Toys" \(no order has a category\)/) });
    // values that all occur but never together: the range-and-filters message stands
    await expect(run('kpis', '--where', 'region=South', '--where', 'channel=web')).rejects.toMatchObject({ stderr: expect.stringMatching(/E_NO_DATA: no order lies in the chosen date range and filters/) });
  });

  it('says what views did when there is nothing to list', async () => {
    await run('views', '--save', 'gone', '--where', 'region=West');
    expect(await run('views', '--delete', 'gone')).toBe('deleted view gone\n');
    await run('views', '--delete', 'febmar');
    expect(await run('views')).toBe('no saved views\n');
  });
});
