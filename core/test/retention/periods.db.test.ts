// Period ordinals: the JavaScript and SQL versions agree on every day of nine years, and the calendar facts hold.
import { describe, expect, it } from 'vitest';
import { periodEnd, periodLastDay, periodOrdinal, periodOrdinalSql, periodStart, RETENTION_PERIODS } from '../../src/analysis/periods.ts';
import { queryRows } from '../../src/db/sql.ts';
import { Workspace } from '../../src/db/workspace.ts';

describe('period arithmetic', () => {
  it('ISO weeks start on Monday, across year boundaries', () => {
    // Tue 2024-12-31 and Sun 2025-01-05 are in the week of Mon 2024-12-30 (ISO 2025-W01); Sun 2024-12-29 is not
    expect(periodStart('week', periodOrdinal('week', '2024-12-31'))).toBe('2024-12-30');
    expect(periodStart('week', periodOrdinal('week', '2025-01-05'))).toBe('2024-12-30');
    expect(periodStart('week', periodOrdinal('week', '2024-12-29'))).toBe('2024-12-23');
    expect(periodLastDay('week', periodOrdinal('week', '2024-12-31'))).toBe('2025-01-05');
    // before the first Monday of 1970 (Jan 5) the floor still lands on a Monday: Mon 1969-12-29
    expect(periodStart('week', periodOrdinal('week', '1970-01-04'))).toBe('1969-12-29');
  });

  it('months and quarters, leap days included', () => {
    expect(periodLastDay('month', periodOrdinal('month', '2024-02-10'))).toBe('2024-02-29');
    expect(periodLastDay('month', periodOrdinal('month', '2023-02-10'))).toBe('2023-02-28');
    expect(periodStart('quarter', periodOrdinal('quarter', '2024-11-30'))).toBe('2024-10-01');
    expect(periodLastDay('quarter', periodOrdinal('quarter', '2024-11-30'))).toBe('2024-12-31');
    expect(periodOrdinal('month', '2024-01-31') - periodOrdinal('month', '2023-12-01')).toBe(1);
  });

  it('the last period is partial unless the data end on its last day', () => {
    expect(periodEnd('month', '2024-04-20').partial).toBe(true);
    expect(periodEnd('month', '2024-04-30').partial).toBe(false);
    expect(periodEnd('day', '2024-04-20').partial).toBe(false);
    expect(periodEnd('week', '2025-01-05').partial).toBe(false); // a Sunday
  });

  it('SQL and JavaScript ordinals agree on every day from 2018 to 2026', async () => {
    const workspace = await Workspace.open(':memory:', { threads: 1 });
    try {
      const columns = RETENTION_PERIODS.map((period) => `${periodOrdinalSql(period, 'd')} AS ${period}`).join(', ');
      const rows = await workspace.withConnection((c) =>
        queryRows<Record<string, number | string>>(c, `SELECT strftime(d, '%Y-%m-%d') AS iso, ${columns} FROM (SELECT CAST(range AS DATE) AS d FROM range(DATE '2018-01-01', DATE '2027-01-01', INTERVAL 1 DAY))`),
      );
      expect(rows).toHaveLength(3287);
      const mismatches = rows.filter((row) => RETENTION_PERIODS.some((period) => row[period] !== periodOrdinal(period, String(row.iso))));
      expect(mismatches).toEqual([]);
      // and every period's start maps back to its own ordinal
      for (const row of rows) for (const period of RETENTION_PERIODS) expect(periodOrdinal(period, periodStart(period, Number(row[period])))).toBe(row[period]);
    } finally {
      await workspace.close();
    }
  });
});
