// The display currency defaults to the one the imported amounts were written with, until the user
// chooses one (or chooses none). Files written by hand; the expected currency read off each by eye.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../helpers/core.ts';
import { FIXTURES } from '../ingest/harness.ts';

const HEADER = 'order_id,customer_id,ordered_at,amount';

describe('display currency from the imported amounts', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await openTestCore();
  });
  afterEach(() => t.close());

  const importOrders = async (name: string, lines: string[], header = HEADER) => {
    const file = join(t.dir, name);
    writeFileSync(file, [header, ...lines].join('\n'));
    await t.client.importFiles({ kind: 'orders', files: [file] });
  };
  const currency = async () => (await t.client.displaySettings({})).currency;

  it('takes the sign most amounts carry: ¥ and ￥ are the yuan, a bare amount among them changes nothing', async () => {
    await importOrders('yuan.csv', ['A1,c1,2024-01-05,¥12.50', 'A2,c2,2024-01-06,"￥1,234.00"', 'A3,c1,2024-02-01,8.00']);
    expect(await currency()).toBe('CNY');
  });

  it('reads dollars, euros written after the number, and Brazilian reais', async () => {
    await importOrders('usd.csv', ['A1,c1,2024-01-05,$12.50', 'A2,c2,2024-01-06,US$3.00']);
    expect(await currency()).toBe('USD');
    await importOrders('eur.csv', ['B1,c1,2024-03-05,12.50 EUR', 'B2,c2,2024-03-06,€3.00']);
    expect(await currency()).toBe('EUR');
    await importOrders('brl.csv', ['C1,c1,2024-04-05,"R$ 12,50"']);
    expect(await currency()).toBe('BRL');
  });

  it('falls back on a sign in the amount header when the values carry none', async () => {
    await importOrders('header.csv', ['A1,c1,2024-01-05,12.50'], 'order_id,customer_id,ordered_at,用户实付金额(元)');
    expect(await currency()).toBe('CNY');
  });

  it('names none for plain amounts or a file mixing currencies (mixed_values.csv: one ¥ and one $)', async () => {
    await importOrders('plain.csv', ['A1,c1,2024-01-05,12.50', 'A2,c2,2024-01-06,3']);
    expect(await currency()).toBeNull();
    await t.client.importFiles({ kind: 'orders', files: [join(FIXTURES, 'mixed_values.csv')] });
    expect(await currency()).toBeNull();
  });

  it('keeps the user’s choice over the data’s, none included, and the default across a reopen', async () => {
    await importOrders('yuan.csv', ['A1,c1,2024-01-05,¥12.50']);
    // branding saved alone leaves the currency unchosen
    await t.client.saveDisplaySettings({ branding: { title: 'Q1' } });
    expect(await currency()).toBe('CNY');
    await t.client.openWorkspace({ path: join(t.dir, 'test.duckdb') });
    expect(await currency()).toBe('CNY');
    // ... and keeps following the data: amounts imported in pounds later are shown in pounds
    await importOrders('pounds.csv', ['P1,c1,2024-02-05,£12.50']);
    expect(await currency()).toBe('GBP');
    await t.client.saveDisplaySettings({ branding: { title: 'Q2' } });
    await importOrders('yuan2.csv', ['A2,c1,2024-02-15,¥3.50']);
    expect(await currency()).toBe('CNY');
    await t.client.saveDisplaySettings({ currency: null });
    expect(await currency()).toBeNull();
    await importOrders('usd.csv', ['B1,c1,2024-03-05,$12.50']);
    expect(await currency()).toBeNull();
    await t.client.saveDisplaySettings({ currency: 'GBP' });
    expect(await currency()).toBe('GBP');
  });
});
