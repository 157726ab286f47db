// The one CSV writer of the project: the CLI's --csv output, the report's CSV files and the UI's CSV
// downloads all go through `csvText`, so text a spreadsheet would run as a formula is neutralised in
// every file the project writes. It lives in the contract layer because the renderer may import
// nothing else of the core; it is pure (no Node, no DOM).

/**
 * Text a spreadsheet reads as a formula: `=`, `+`, `-`, `@`, and tab or CR, which some programs strip
 * before looking (OWASP's list for CSV injection). `-2+3+cmd|' /C calc'!A0` runs in Excel.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A string that would run as a formula gets a leading single quote, OWASP's advice for CSV and
 * spreadsheet exports. Only strings change: a number (negative ones included) is data, not text a
 * spreadsheet interprets, so it stays a number.
 */
export function neutraliseFormula<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180 quoting: a field with a quote, separator or line break is quoted, its quotes doubled; so is
 * one with spaces at either end, which some readers would otherwise trim.
 */
function quoteField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A cell's text: numbers, bigints and booleans as they are, null and undefined as empty fields,
 * dates as ISO 8601; anything else is text, neutralised and quoted.
 */
function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number' || typeof cell === 'bigint' || typeof cell === 'boolean') return String(cell);
  const text = cell instanceof Date ? cell.toISOString() : String(cell);
  return quoteField(neutraliseFormula(text));
}

/** CSV lines (CRLF after each, RFC 4180) of rows without a header: for output written page by page. */
export function csvLines(rows: Iterable<readonly unknown[]>): string {
  let text = '';
  for (const row of rows) text += `${row.map(cellText).join(',')}\r\n`;
  return text;
}

export interface CsvOptions {
  /** Starts with a byte-order mark, so Excel opens Chinese text as UTF-8 (files; not for piped stdout). */
  bom?: boolean;
}

/** CSV text: a header line, then the rows. */
export function csvText(header: readonly string[], rows: Iterable<readonly unknown[]>, options: CsvOptions = {}): string {
  return `${options.bom ? '\uFEFF' : ''}${csvLines([header])}${csvLines(rows)}`;
}
