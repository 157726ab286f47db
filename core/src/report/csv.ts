// The CSV writer: one table per file, raw numbers, headers in the report's language, a BOM so Excel
// reads Chinese as UTF-8, and formula-looking text neutralised.
import Papa from 'papaparse';
import type { ReportTable } from '../api/report.ts';
import { neutraliseFormula, readTable } from './table.ts';

export function tableCsv(table: ReportTable): string {
  const { columns, rows } = readTable(table);
  const csv = Papa.unparse({
    fields: columns.map((column) => neutraliseFormula(column.label)),
    data: rows.map((row) => row.map((cell) => neutraliseFormula(cell))),
  });
  return `\uFEFF${csv}\r\n`;
}
