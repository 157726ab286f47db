// The scope on a real export: UCI Online Retail, first half of 2011, against pandas over the raw files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCore, SHARED_DATA, type TestCore } from '../helpers/core.ts';

const UCI = join(SHARED_DATA, 'uci_online_retail');
const PARTS = ['online_retail_part1_2010-12_to_2011-03.csv.gz', 'online_retail_part2_2011-04_to_2011-07.csv.gz', 'online_retail_part3_2011-08_to_2011-12.csv.gz'].map((name) => join(UCI, name));
const HAVE_UCI = PARTS.every((part) => existsSync(part));
if (!HAVE_UCI) console.warn(`scope on real data skipped: ${UCI} is absent`);

// Reference values from pandas 1.5.3 (`/usr/bin/python3 uci_scope.py`, the script below), which printed:
//   H1 customers 2724 orders 7403
//   H1 Germany customers 56
//   H1 top3 {'United Kingdom': 2460, 'France': 57, 'Germany': 56} Other 151
//   H1 groups >= 100 {'United Kingdom': 2460} Other 264
// import pandas as pd, glob
// files = sorted(glob.glob('/work/shared/data/uci_online_retail/online_retail_part*.csv.gz'))
// df = pd.concat([pd.read_csv(f, dtype={'InvoiceNo': str, 'StockCode': str, 'CustomerID': str}) for f in files])
// df = df[df.CustomerID.notna() & (df.CustomerID.str.strip() != '')]
// df['InvoiceDate'] = pd.to_datetime(df.InvoiceDate)
// inv = df.assign(neg=df.Quantity < 0).groupby('InvoiceNo').agg(neg=('neg', 'all'), customer=('CustomerID', 'first'), at=('InvoiceDate', 'min'), country=('Country', 'first'))
// completed = inv[~inv.neg].reset_index()
// h1 = completed[(completed['at'] >= '2011-01-01') & (completed['at'] < '2011-07-01')]
// print('H1 customers', h1.customer.nunique(), 'orders', len(h1))
// de = h1[h1.country == 'Germany']
// print('H1 Germany customers', de.customer.nunique())
// first = h1.sort_values(['at', 'InvoiceNo']).groupby('customer').first()
// sizes = first.country.value_counts()
// sizes = sizes.sort_index().sort_values(ascending=False, kind='stable')
// top3 = sizes.head(3)
// print('H1 top3', dict(top3), 'Other', int(sizes.iloc[3:].sum()))
// print('H1 groups >= 100', dict(sizes[sizes >= 100]), 'Other', int(sizes[sizes < 100].sum()))
const H1 = { from: '2011-01-01', to: '2011-06-30' };

describe.skipIf(!HAVE_UCI)('analysis scope on UCI Online Retail', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openTestCore();
    await t.client.importFiles({ kind: 'orders', files: PARTS });
  }, 300_000);
  afterAll(async () => t.close());

  it('counts the customers and orders of a half year, and of one country in it', async () => {
    const kpis = await t.client.kpis({ windowDays: 90, scope: H1 });
    const kpi = (key: string) => kpis.kpis.find((entry) => entry.key === key);
    expect(kpi('customers')?.value).toBe(2724);
    expect(kpi('orderCompletionRate')).toMatchObject({ numerator: 7403, denominator: 7403 });
    const germany = await t.client.churnSummary({ windowDays: 90, scope: { ...H1, where: [{ column: 'region', values: ['Germany'] }] } });
    expect(germany.customers).toBe(56);
  });

  it('groups countries into the top 3 + Other, and under 100 customers into Other', async () => {
    const groups = async (scope: object) =>
      (await t.client.survival({ windowDays: 90, segment: 'region', scope: { ...H1, ...scope } })).curves.map((curve) => [curve.group, curve.subjects]);
    expect(await groups({ segmentTop: 3 })).toEqual([['United Kingdom', 2460], ['Other', 151], ['France', 57], ['Germany', 56]]);
    expect(await groups({ minGroupSize: 100 })).toEqual([['United Kingdom', 2460], ['Other', 264]]);
  });
});
