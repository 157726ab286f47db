// The retention commands as a user runs them: tidy CSV headers, values of the hand-checked shop, errors on stderr.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/db/workspace.ts';
import { writeFixtureWorkspace } from './fixtureCore.ts';
import { SHOP_ORDERS, SHOP_TICKETS } from './shop.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');

describe('churnwb retention commands', () => {
  let dir: string;
  let workspace: string;
  const run = async (...args: string[]) => (await promisify(execFile)(process.execPath, [CLI, '-w', workspace, ...args])).stdout;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'churnwb-retention-cli-'));
    workspace = join(dir, 'shop.duckdb');
    await writeFixtureWorkspace(workspace, {
      orders: SHOP_ORDERS,
      tickets: SHOP_TICKETS,
      // the 20 subjects of survival.test.ts, whose median and limits R computed (12, 8 to 20)
      statements: [
        {
          sql: `CREATE TABLE lifetimes AS SELECT * FROM (VALUES (2,1),(3,1),(3,0),(5,1),(6,1),(7,0),(8,1),(8,1),(9,1),(10,0),(11,1),(12,1),(13,0),(14,1),(15,1),(16,1),(18,0),(20,1),(22,1),(25,0)) t("Tenure Months", "Churn Value")`,
        },
      ],
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('retention --csv: one row per cell, rate empty where unobservable', async () => {
    const lines = (await run('retention', '--csv')).trim().split(/\r?\n/);
    // 3 cohorts x 4 periods; see shop.ts and cohorts.db.test.ts for the values
    expect(lines[0]).toBe('cohort,k,cohort_size,value,rate,partial');
    expect(lines).toHaveLength(13);
    // April, the data's last month, ends after the data: its cells are partial
    expect(lines.slice(1, 5)).toEqual(['2024-01-01,0,3,3,1,false', '2024-01-01,1,3,1,0.3333333333333333,false', '2024-01-01,2,3,1,0.3333333333333333,false', '2024-01-01,3,3,1,0.3333333333333333,true']);
    expect(lines.at(-1)).toBe('2024-03-01,3,1,,,false');
  });

  it('retention --segment adds a leading segment column', async () => {
    const lines = (await run('retention', '--csv', '--segment', 'channel', '--metric', 'revenue')).trim().split(/\r?\n/);
    expect(lines[0]).toBe('segment,cohort,k,cohort_size,value,rate,partial');
    // web, January cohort {a, c}: revenue 20 in January, Feb a 20, Mar c 40 (rate 2), Apr a 30
    expect(lines.slice(1, 5)).toEqual(['web,2024-01-01,0,2,20,1,false', 'web,2024-01-01,1,2,20,1,false', 'web,2024-01-01,2,2,40,2,false', 'web,2024-01-01,3,2,30,1.5,true']);
    // f has no channel: an empty segment
    expect(lines.at(-1)).toBe(',2024-03-01,3,1,,,false');
  });

  it('churn, survival and kpis print tidy tables', async () => {
    const churn = (await run('churn', '--csv', '--window-days', '30')).trim().split(/\r?\n/);
    expect(churn[0]).toBe('period,partial,active,new,returning,resurrected,churned,churned_after,censored,churn_rate');
    expect(churn[4]).toBe('2024-04-01,true,2,0,1,1,1,0,2,');
    const survival = (await run('survival', '--csv', '--window-days', '30')).trim().split(/\r?\n/);
    expect(survival[0]).toBe('time,at_risk,events,censored,survival,lower,upper');
    expect(survival[1]).toBe('20,6,0,1,1,,');
    const summary = (await run('survival', '--table', 'lifetimes', '--duration', 'Tenure Months', '--event', 'Churn Value')).trim().split(/\r?\n/);
    expect(summary).toEqual(['Kaplan-Meier, time from column "Tenure Months", 95% log-log bands', 'group,subjects,events,median,median_ci', 'all,20,14,12,8 .. 20']);
    const kpis = (await run('kpis', '--csv', '--window-days', '30')).trim().split(/\r?\n/);
    expect(kpis[0]).toBe('key,value,numerator,denominator,formula');
    expect(kpis[2]).toMatch(/^repeatPurchaseRate,0\.8333333333333334,5,6,/);
  });

  it('churn says when its derived window rests on too few repeat customers, with the flag that fixes it', async () => {
    // the shop's 5 repeat customers give the window; a chosen one needs no caution
    const [rule, caution] = (await run('churn')).split(/\r?\n/);
    expect(rule).toMatch(/\(P90 of the gaps of 5 repeat customers\)/);
    // the orders' wall-clock time (the shop's last order), as the formulas state it: no UTC mark the exports never gave
    expect(rule).toMatch(/^churn rule: no activity for more than \d+ calendar days after the day of the last activity \(P90 [^)]*\), as of 2024-04-20 12:00, statuses completed$/);
    expect(caution).toBe(
      'caution: the window rests on the gaps of only 5 repeat customers, too few for a steady 90th percentile; churn rates and survival mostly restate it. Choose a window that fits the purchase cycle with --window-days N',
    );
    const withWindow = (await run('churn', '--window-days', '30')).trim().split('\n');
    expect(withWindow.join('\n')).not.toContain('caution');
    // the columns' definitions close the summary
    expect(withWindow.at(-1)).toMatch(/^columns: active = new \(first activity in the period\) .* churn_rate = churned_after \/ active, blank while any of them is censored$/);
  });

  it('a workspace another process holds fails in words naming that process and the fix, not DuckDB\'s lock message', async () => {
    const held = await Workspace.open(workspace, { threads: 1 });
    try {
      const failure = await run('info').catch((error: { stderr: string; code: number }) => error);
      expect(failure).toMatchObject({ code: 1 });
      // DuckDB names the holder by its program's path as the system sees it (a link's target, say): only its PID is checked
      const [before, after] = (failure as { stderr: string }).stderr.trim().split(/ \(\S+, /);
      expect(before).toBe(`churnwb: E_WORKSPACE: cannot open workspace ${workspace}: another process has it open`);
      expect(after).toBe(`PID ${process.pid}: the app, \`churnwb serve\` or another command). A workspace is one process's at a time: close that one, or work on a copy of the file`);
    } finally {
      await held.close();
    }
  });

  it('a mistyped --workspace fails naming the path, and leaves no empty workspace behind', async () => {
    const typo = join(dir, 'shpo.duckdb');
    const failure = await promisify(execFile)(process.execPath, [CLI, '-w', typo, 'kpis']).catch((error: { stderr: string; code: number }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr.trim()).toBe(
      `churnwb: E_WORKSPACE: no workspace at ${typo}: check the path, or import an export into it first with \`churnwb --workspace FILE import ...\``,
    );
    expect(existsSync(typo)).toBe(false);
  });

  it('members prints the customers of a cell; bad options fail with the error code', async () => {
    expect((await run('members', '--cohort', '2024-01-01', '--k', '1')).trim().split(/\r?\n/)).toEqual([
      'customer_id,first_at,last_at,cell_orders,cell_revenue,orders,revenue',
      'a,2024-01-05T09:00:00.000Z,2024-04-01T09:00:00.000Z,1,20,3,60',
    ]);
    const failure = await run('retention', '--period', 'year').catch((error: { stderr: string; code: number }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('churnwb: E_ARGS: period must be one of day, week, month, quarter') });
  });
});
