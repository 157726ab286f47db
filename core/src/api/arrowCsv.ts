// Arrow tables (what every table-shaped answer of the core is) as rows for the project's CSV writer,
// shared by the CLI's paged --csv output and the app's CSV downloads: dates as YYYY-MM-DD and
// timestamps as ISO 8601 (Arrow hands both over as epoch milliseconds), everything else as read.
import { DataType, type Table } from 'apache-arrow';

/** Cells of `table` by row, in the order of `columns` (default: the table's own). */
export function arrowCsvRows(table: Table, columns: readonly string[] = table.schema.fields.map((field) => field.name)): unknown[][] {
  const readers = columns.map((name) => {
    const field = table.schema.fields.find((candidate) => candidate.name === name);
    const vector = table.getChild(name);
    const isDate = field !== undefined && DataType.isDate(field.type);
    const isTimestamp = field !== undefined && DataType.isTimestamp(field.type);
    return (row: number): unknown => {
      const value: unknown = vector?.get(row);
      if (value === null || value === undefined || !(isDate || isTimestamp)) return value;
      const iso = new Date(value instanceof Date ? value.getTime() : Number(value)).toISOString();
      return isDate ? iso.slice(0, 10) : iso;
    };
  });
  const rows: unknown[][] = [];
  for (let row = 0; row < table.numRows; row++) rows.push(readers.map((read) => read(row)));
  return rows;
}
