// Report tables (Arrow round trip, display formats, formula neutralising) and the native-chart rule.
import { Bool, Table, TimestampMillisecond, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { ReportChart } from '../../src/api/report.ts';
import { excelFormat, nativeChartOf } from '../../src/report/nativeChart.ts';
import { formatCell, formatTableRows, makeTable, neutraliseFormula, readTable } from '../../src/report/table.ts';

describe('report tables', () => {
  it('write one number format per column: the decimals the column needs, on every row', () => {
    const table = makeTable(
      'churn reasons',
      [
        { key: 'reason', label: 'Reason', format: 'text' },
        { key: 'lift', label: 'Lift 95% low', format: 'number' },
        { key: 'days', label: 'Median days', format: 'number' },
        { key: 'customers', label: 'Customers', format: 'integer' },
      ],
      [
        { reason: 'a', lift: 1, days: -13.5, customers: 1200 },
        { reason: 'b', lift: 0.2, days: -8, customers: 3 },
        { reason: 'c', lift: 1.386, days: null, customers: 40 },
      ],
    );
    expect(formatTableRows(readTable(table), 'en', null)).toEqual([
      ['a', '1.00', '-13.5', '1,200'],
      ['b', '0.20', '-8.0', '3'],
      ['c', '1.39', '', '40'],
    ]);
    // whole numbers stay whole
    const whole = makeTable('t', [{ key: 'n', label: 'N', format: 'number' }], [{ n: 2 }, { n: 10.001 }]);
    expect(formatTableRows(readTable(whole), 'zh-CN', null)).toEqual([['2'], ['10']]);
  });

  it('round-trip rows through Arrow in column order, nulls kept, numbers as numbers', () => {
    const table = makeTable(
      'reasons',
      [
        { key: 'reason', label: 'Reason', format: 'text' },
        { key: 'customers', label: 'Customers', format: 'integer' },
        { key: 'share', label: 'Share', format: 'percent' },
      ],
      [
        { reason: 'price', customers: 3, share: 0.75 },
        { reason: null, customers: 1, share: null },
      ],
    );
    expect(table.totalRows).toBeUndefined();
    expect(readTable(table).rows).toEqual([
      ['price', 3, 0.75],
      [null, 1, null],
    ]);
  });

  it('give a column with a formatKey each row its own format', () => {
    const table = makeTable(
      'kpis',
      [
        { key: 'kpi', label: 'KPI', format: 'text' },
        { key: 'value', label: 'Value', format: 'number', formatKey: 'unit' },
      ],
      [
        { kpi: 'churn', value: 0.25, unit: 'percent' },
        { kpi: 'customers', value: 1200, unit: 'integer' },
        { kpi: 'rating', value: 4.25, unit: 'nonsense' },
      ],
    );
    const { rows, formats } = readTable(table);
    expect(rows.map((row) => row[1])).toEqual([0.25, 1200, 4.25]);
    expect(formats).toEqual([
      ['text', 'percent'],
      ['text', 'integer'],
      ['text', 'number'],
    ]);
  });

  it('keeps totalRows only when the table holds part of the rows', () => {
    const columns = [{ key: 'id', label: 'Id', format: 'text' as const }];
    expect(makeTable('t', columns, [{ id: 'a' }], 1).totalRows).toBeUndefined();
    expect(makeTable('t', columns, [{ id: 'a' }], 500).totalRows).toBe(500);
  });

  it('reads tables the app built: timestamps become dates, booleans stay, a missing column is named', () => {
    const arrow = tableToIPC(
      new Table({
        at: vectorFromArray([Date.UTC(2024, 0, 5), Date.UTC(2024, 1, 6, 13, 22)], new TimestampMillisecond()),
        flag: vectorFromArray([true, false], new Bool()),
      }),
      'stream',
    );
    const columns = [
      { key: 'at', label: 'At', format: 'date' as const },
      { key: 'flag', label: 'Flag', format: 'text' as const },
    ];
    expect(readTable({ name: 'app', columns, arrow }).rows).toEqual([
      ['2024-01-05', true],
      ['2024-02-06 13:22:00', false],
    ]);
    expect(() => readTable({ name: 'app', columns: [{ key: 'nope', label: 'x', format: 'text' }], arrow })).toThrow(/table "app" has no column "nope"/);
    expect(() => readTable({ name: 'bad', columns, arrow: new Uint8Array([1, 2, 3]) })).toThrow(/table "bad" is not Arrow IPC/);
  });

  it('neutralises text a spreadsheet would run, and nothing else', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(neutraliseFormula(text)).toBe(`'${text}`);
    for (const value of ['a=1', ' =1', '', 'C536379', '客户'] as const) expect(neutraliseFormula(value)).toBe(value);
    expect(neutraliseFormula(-5)).toBe(-5);
    expect(neutraliseFormula(null)).toBeNull();
  });

  it('formats cells per language; percent columns hold fractions', () => {
    expect(formatCell(0.256, 'percent', 'en')).toBe('25.6%');
    expect(formatCell(0.256, 'percent', 'zh-CN')).toBe('25.6%');
    expect(formatCell(12345.678, 'money', 'en')).toBe('12,345.68');
    expect(formatCell(12345.678, 'integer', 'zh-CN')).toBe('12,346');
    expect(formatCell(1.5, 'number', 'en')).toBe('1.5');
    expect(formatCell(null, 'integer', 'en')).toBe('');
    expect(formatCell('a\tb\r\nc', 'text', 'en')).toBe('a b c');
  });
});

describe('native slide charts', () => {
  const months = ['M0', 'M1', 'M2'];

  it('take bars sharing one category axis, with the value axis format and titles', () => {
    const chart: ReportChart = {
      data: [
        { type: 'bar', x: months, y: [1, 0.5, 0.25], name: 'A', marker: { color: '#112233' } },
        { type: 'bar', x: months, y: [1, 0.4, 0.2], name: 'B' },
      ],
      layout: { barmode: 'stack', yaxis: { tickformat: '.0%', title: { text: 'Retention' } }, xaxis: { title: 'Month' } },
    };
    expect(nativeChartOf(chart)).toEqual({
      type: 'bar',
      horizontal: false,
      stacked: true,
      series: [
        { name: 'A', labels: months, values: [1, 0.5, 0.25] },
        { name: 'B', labels: months, values: [1, 0.4, 0.2] },
      ],
      valueFormat: '0%',
      categoryTitle: 'Month',
      valueTitle: 'Retention',
      colors: ['112233', 'e69f00'],
    });
  });

  it('read horizontal bars with categories on y', () => {
    const native = nativeChartOf({ data: [{ type: 'bar', orientation: 'h', x: [3, 5], y: ['price', 'service'] }], layout: { xaxis: { tickformat: ',d' } } });
    expect(native?.horizontal).toBe(true);
    expect(native?.series).toEqual([{ name: '1', labels: ['price', 'service'], values: [3, 5] }]);
    expect(native?.valueFormat).toBe('#,##0');
  });

  it('take plain lines (scatter defaults to lines)', () => {
    expect(nativeChartOf({ data: [{ x: months, y: [1, 0.5, 0.3] }], layout: {} })?.type).toBe('line');
  });

  it('refuse what a bar or line chart would misdraw', () => {
    const refused: ReportChart[] = [
      { data: [{ type: 'heatmap', z: [[1]] }], layout: {} },
      { data: [{ type: 'scatter', mode: 'lines', line: { shape: 'hv' }, x: [0, 1], y: [1, 0.5] }], layout: {} },
      { data: [{ type: 'scatter', mode: 'markers', x: [0, 1], y: [1, 0.5] }], layout: {} },
      { data: [{ type: 'scatter', mode: 'lines', fill: 'tonexty', x: [0, 1], y: [1, 0.5] }], layout: {} },
      { data: [{ type: 'bar', x: months, y: [1, 2, 3] }, { type: 'bar', x: ['M0', 'M1'], y: [1, 2] }], layout: {} },
      { data: [{ type: 'bar', x: months, y: [1, null, 3] }], layout: {} },
      { data: [{ type: 'bar', x: months, y: [1, 2, 3] }, { type: 'scatter', x: months, y: [1, 2, 3] }], layout: {} },
      { data: [], layout: {} },
    ];
    for (const chart of refused) expect(nativeChartOf(chart)).toBeNull();
  });

  it('map d3 tick formats to Excel formats', () => {
    expect(excelFormat('.1%')).toBe('0.0%');
    expect(excelFormat(',.2f')).toBe('#,##0.00');
    expect(excelFormat('d')).toBe('0');
    expect(excelFormat('%Y-%m')).toBeNull();
    expect(excelFormat(undefined)).toBeNull();
  });
});
