// The normalising macros value by value: every layout of DOMAIN.md section 6, with the expected reading written out by hand.
import { DuckDBInstance, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/sql.ts';
import { NORMALISE_MACROS } from '../../src/ingest/normalise.ts';

describe('normalising macros', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    for (const macro of NORMALISE_MACROS) await connection.run(`CREATE TEMP MACRO ${macro}`);
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  const dates = async (dayFirst: boolean, values: string[]) =>
    (
      await queryRows<{ at: string | null }>(
        connection,
        `SELECT strftime(CASE WHEN cw_ts_in_range(v) THEN v END, '%Y-%m-%d %H:%M:%S') AS at
         FROM (SELECT i, cw_ts_parse(s, ${dayFirst}) AS v FROM (SELECT i, cw_ts_clean(x) AS s FROM unnest($values) WITH ORDINALITY AS t(x, i))) ORDER BY i`,
        { values: listValue(values) },
      )
    ).map((row) => row.at);

  it('reads dates in every layout users bring, day-first only when told', async () => {
    const values = [
      '2024/1/5 13:22', '2024年1月5日', '2024年1月5日 13:22', '2024年1月5日13时22分5秒', '20240105', '45296.5', '1704412800',
      '03/04/2024', '1/5/24', '2024.01.05', 'Jan 5, 2024', '5 Jan 2024', '２０２４－０１－０５', '2024-01-05T10:00:00+08:00', 'junk', '1',
    ];
    expect(await dates(false, values)).toEqual([
      '2024-01-05 13:22:00', '2024-01-05 00:00:00', '2024-01-05 13:22:00', '2024-01-05 13:22:05', '2024-01-05 00:00:00',
      '2024-01-05 12:00:00', // Excel serial 45296 is 2024-01-05; .5 is noon
      '2024-01-05 00:00:00', // Unix seconds
      '2024-03-04 00:00:00', // month first by default
      '2024-01-05 00:00:00', // two-digit year, not the year 1
      '2024-01-05 00:00:00', '2024-01-05 00:00:00', '2024-01-05 00:00:00', '2024-01-05 00:00:00',
      '2024-01-05 10:00:00', // the zone is dropped: exports carry the shop's wall-clock time
      null, null,
    ]);
    expect(await dates(true, ['03/04/2024', '13/04/2024 08:30', '1/5/24'])).toEqual(['2024-04-03 00:00:00', '2024-04-13 08:30:00', '2024-05-01 00:00:00']);
  });

  it('reads amounts with currency signs, separators, full-width digits and accounting negatives', async () => {
    const values = ['¥1,234.50', '￥99', '１２３.５', '(10.00)', '$ 12', 'US$5', 'R$ 1.234,56', '12,5', '1,234', 'RMB 8', '88元', 'abc', 'nan', '-3'];
    const rows = await queryRows<{ amount: number | null }>(
      connection,
      `SELECT CASE WHEN isfinite(v) THEN round(v, 2) END AS amount
       FROM (SELECT i, cw_money_parse(s) AS v FROM (SELECT i, cw_money_clean(x) AS s FROM unnest($values) WITH ORDINALITY AS t(x, i))) ORDER BY i`,
      { values: listValue(values) },
    );
    expect(rows.map((row) => row.amount)).toEqual([1234.5, 99, 123.5, -10, 12, 5, 1234.56, 12.5, 1234, 8, 88, null, null, -3]);
  });
});
