// Saves bytes as a file: a download in the browser, Electron's save prompt in the app (will-download).
import type { Table } from 'apache-arrow';
import { arrowCsvRows } from '../../../core/src/api/arrowCsv.ts';
import { csvText } from '../../../core/src/api/csv.ts';

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * CSV text of an Arrow table (header = field names; nulls become empty fields; dates and timestamps
 * as ISO text) through the project's one CSV writer: text a spreadsheet would run as a formula is
 * neutralised, numbers stay numbers.
 */
export function tableToCsv(table: Table): string {
  return csvText(
    table.schema.fields.map((field) => field.name),
    arrowCsvRows(table),
  );
}

/** CSV with a byte-order mark, so Excel opens Chinese text as UTF-8. */
export function csvBlob(csv: string): Blob {
  return new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' });
}
