// A report table as a CSV file: one table per file, raw numbers, headers in the report's language,
// a BOM so Excel reads Chinese as UTF-8; the project's one CSV writer neutralises formula-looking text.
import { csvText } from '../api/csv.ts';
import type { ReportTable } from '../api/report.ts';
import { readTable } from './table.ts';

export function tableCsv(table: ReportTable): string {
  const { columns, calculationRows } = readTable(table);
  return csvText(
    columns.map((column) => column.label),
    calculationRows,
    { bom: true },
  );
}
