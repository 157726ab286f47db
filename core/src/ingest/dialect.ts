// The dialect of a CSV (delimiter, quoting, preamble, header) and the headers of a text file, decided on its decoded head.
//
// DuckDB's sniffer decides where it can; the header line decides where it cannot. Headers come
// twice: as written (raw, repeats and all, for telling duplicate columns apart) and as shown
// (trimmed, blanks named by position, repeats numbered like DuckDB does: id, id_1).
import type { DuckDBConnection } from '@duckdb/node-api';
import Papa from 'papaparse';
import { queryRows } from '../db/sql.ts';
import type { CsvDialect, ReadLimits } from './reader.ts';

/** A file's header line twice: as written, and as the import names the columns. */
export interface Headers {
  /** The header cells as the file writes them, repeats included; generated names when the file has no header line. */
  raw: string[];
  /** The names the import uses: trimmed, blanks named by position, repeats numbered (id, id_1). */
  headers: string[];
}

const CANDIDATE_DELIMITERS = [',', '\t', ';', '|'];

/** Text of a sniffer field where DuckDB writes '(empty)' for "none". */
function sniffed(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return text === '(empty)' ? '' : text;
}

/** Headers as users see them: trimmed, blanks named by position, repeats numbered like DuckDB does (id, id_1). */
export function displayHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((value, index) => {
    const base = value.replace(/^\uFEFF/, '').trim() || `column${index + 1}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  });
}

/** The delimiter that splits the first line into the most fields (outside quotes). */
export function headerDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const fields = Papa.parse<string[]>(firstLine, { delimiter, quoteChar: '"' }).data[0]?.length ?? 0;
    if (fields > bestCount) {
      best = delimiter;
      bestCount = fields;
    }
  }
  return best;
}

/** CRLF and bare LF in one text: a file stitched together from two sources, or edited on two systems. */
function mixedLineEnds(text: string): boolean {
  return /\r\n/.test(text) && /(^|[^\r])\n/.test(text);
}

function firstLine(text: string): string {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
}

/** True when the first `skip` lines split into the same number (2 or more) of fields: rows of the table, not a preamble. */
function skippedRowsAreTable(sampleText: string, delimiter: string, skip: number): boolean {
  const lines = sampleText.replace(/^\uFEFF/, '').split(/\r?\n|\r/).slice(0, skip).filter((line) => line.trim() !== '');
  const widths = lines.map((line) => Papa.parse<string[]>(line, { delimiter: delimiter || ',', quoteChar: '"' }).data[0]?.length ?? 0);
  return lines.length >= 2 && (widths[0] ?? 0) >= 2 && widths.every((width) => width === widths[0]);
}

/**
 * Dialect and headers of a UTF-8 CSV. DuckDB's sniffer decides, on 20,480 rows; when it fails
 * (an unterminated quote early in the file) or finds one column where the header line clearly has
 * several, the header line decides instead. A file whose header DuckDB took for data is read with
 * a header when its first line names known columns (`knownHeader`).
 */
export async function sniffCsv(
  connection: DuckDBConnection,
  path: string,
  sampleText: string,
  knownHeader: (header: string) => boolean,
  limits: ReadLimits,
): Promise<{ dialect: CsvDialect } & Headers> {
  const line = firstLine(sampleText);
  const mixed = mixedLineEnds(sampleText);
  const lineFields = (delimiter: string) => Papa.parse<string[]>(line, { delimiter, quoteChar: '"' }).data[0] ?? [];
  let sniff: Record<string, unknown> | undefined;
  const runSniff = async (skip: string) => {
    try {
      const tolerant = limits.strict && !mixed ? '' : ', strict_mode = false';
      const [row] = await queryRows(
        connection,
        `SELECT Delimiter, Quote, Escape, Comment, SkipRows, HasHeader, to_json(Columns) AS columns FROM sniff_csv($path, sample_size = 20480, max_line_size = $max${tolerant}${skip})`,
        { path, max: limits.maxLineSize },
      );
      return row;
    } catch (error) {
      if (/Maximum line size of \d+ bytes exceeded/.test((error as Error).message)) throw error; // retried with a larger limit
      return undefined;
    }
  };
  sniff = await runSniff('');
  // The sniffer takes the widest consistent block for the table, so one wider row at the end
  // (a trailing-comma total line) makes it "skip" every good row before it as a preamble. A
  // preamble is a title or a note, not rows as wide as the header: then the table starts at line 1.
  if (sniff && Number(sniff.SkipRows ?? 0) >= 2 && skippedRowsAreTable(sampleText, sniffed(sniff.Delimiter), Number(sniff.SkipRows))) sniff = await runSniff(', skip = 0');
  const names = sniff ? (JSON.parse(String(sniff.columns)) as { name: string }[]).map((column) => column.name) : [];
  const delimiter = sniff ? sniffed(sniff.Delimiter) : '';
  const fallbackDelimiter = headerDelimiter(line);
  if (!sniff || names.length < 2 && lineFields(fallbackDelimiter).length >= 2) {
    const raw = lineFields(fallbackDelimiter);
    return {
      dialect: { delimiter: fallbackDelimiter, quote: '"', escape: '"', skip: 0, header: true, comment: '', strict: !mixed },
      raw,
      headers: displayHeaders(raw),
    };
  }
  const skip = Number(sniff.SkipRows ?? 0);
  let header = sniff.HasHeader === true;
  let headers = names;
  // DuckDB names a repeated header name_1: the line itself says what the file wrote.
  let raw = header ? headerCells(sampleText, skip, delimiter, names.length) ?? names : names;
  if (!header) {
    const first = lineFields(delimiter);
    if (first.some(knownHeader)) {
      header = true;
      raw = first;
      headers = displayHeaders(first);
    } else {
      headers = names.map((_, index) => `column${index + 1}`);
      raw = headers;
    }
  }
  // No quote in the sample is no evidence against quoting: the sniffer then says "none", and a
  // quoted field with a comma further on would split. RFC 4180's quote stands unless the sample
  // holds quote characters the sniffer chose to read as text.
  const quote = sniffed(sniff.Quote) || (sampleText.includes('"') ? '' : '"');
  return {
    dialect: {
      // A sample without a doubled quote leaves the sniffer's escape empty, and DuckDB then rejects
      // every later "say ""hi""" field as an unterminated quote: RFC 4180's escape is the quote itself.
      delimiter, quote, escape: sniffed(sniff.Escape) || quote, skip, header,
      comment: sniffed(sniff.Comment), strict: !mixed,
    },
    raw,
    headers: header ? displayHeaders(headers) : headers,
  };
}

/** The cells of the header line (after `skip` lines) as written, or null when they do not match the sniffer's column count. */
function headerCells(sampleText: string, skip: number, delimiter: string, columns: number): string[] | null {
  const line = sampleText.replace(/^\uFEFF/, '').split(/\r?\n|\r/)[skip] ?? '';
  const cells = Papa.parse<string[]>(line, { delimiter: delimiter || ',', quoteChar: '"' }).data[0] ?? [];
  return cells.length === columns ? cells : null;
}

/** Headers of a whitespace-separated log: its first line when that names columns, else column1..N. */
export function whitespaceHeaders(sampleText: string): { header: boolean } & Headers {
  const fields = firstLine(sampleText).trim().split(/[ \t]+/);
  const header = fields.some((field) => !/^[-+]?[0-9.,]+$/.test(field));
  const headers = header ? displayHeaders(fields) : fields.map((_, index) => `column${index + 1}`);
  return { header, raw: header ? fields : headers, headers };
}

