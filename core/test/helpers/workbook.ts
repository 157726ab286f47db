// Real-data tests check the import against a second reading of the same workbook: exceljs's whole-file
// reader, not the streaming one the import uses.
import ExcelJS from 'exceljs';

/** The first sheet's rows after the header, as objects keyed by header text. */
export async function readFirstSheet(path: string): Promise<Record<string, ExcelJS.CellValue>[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0]!;
  // exceljs numbers cells from 1: index 0 of a row's values is a hole, which flatMap skips
  const header = (sheet.getRow(1).values as unknown[]).flatMap((name, index) => [[String(name), index] as const]);
  const rows: Record<string, ExcelJS.CellValue>[] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const values = row.values as ExcelJS.CellValue[];
    rows.push(Object.fromEntries(header.map(([name, index]) => [name, values[index] ?? null])));
  });
  return rows;
}
