// The project's one CSV writer (core/src/api/csv.ts): formula-looking text neutralised, numbers kept.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvLines, csvText, neutraliseFormula } from '../../src/api/csv.ts';
import { HOSTILE_TEXTS, neutralised } from './hostile.ts';

/** Reads CSV text back the way a spreadsheet import would (quotes removed, no type guessing). */
const parse = (text: string) => Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;

describe('csvText', () => {
  it('neutralises every hostile payload in headers and cells, and reads back to the quoted text', () => {
    const text = csvText([...HOSTILE_TEXTS], [[...HOSTILE_TEXTS]]);
    const [header, row] = parse(text);
    expect(header).toEqual(HOSTILE_TEXTS.map(neutralised));
    expect(row).toEqual(HOSTILE_TEXTS.map(neutralised));
    // No line of the raw file starts a field with a formula character either.
    for (const field of text.split(/,|\r\n/)) expect(field.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
  });

  it('keeps numbers, negative ones included, as numbers; only strings are neutralised', () => {
    const text = csvText(['amount', 'count', 'flag', 'text'], [[-12.5, -3n, false, '-12.5'], [0, 7n, true, 'plain']]);
    expect(text).toBe("amount,count,flag,text\r\n-12.5,-3,false,'-12.5\r\n0,7,true,plain\r\n");
  });

  it('quotes separators, quotes, line breaks and edge spaces (RFC 4180), and writes null and undefined as empty fields', () => {
    expect(csvLines([['a,b', 'say "hi"', 'two\nlines', ' padded', null, undefined, '客户']])).toBe('"a,b","say ""hi""","two\nlines"," padded",,,客户\r\n');
  });

  it('writes dates as ISO 8601 and other objects as their text, neutralised too', () => {
    const formulaObject = { toString: () => '=1+2' };
    expect(csvLines([[new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), formulaObject]])).toBe("2024-01-02T03:04:05.000Z,'=1+2\r\n");
  });

  it('starts with a byte-order mark only when asked', () => {
    expect(csvText(['a'], [], { bom: true })).toBe('\uFEFFa\r\n');
    expect(csvText(['a'], [])).toBe('a\r\n');
  });

  it('neutraliseFormula leaves safe text, numbers and null alone', () => {
    for (const safe of ['a=1', ' =1', '', 'C536379', '客户']) expect(neutraliseFormula(safe)).toBe(safe);
    expect(neutraliseFormula(-5)).toBe(-5);
    expect(neutraliseFormula(null)).toBeNull();
  });
});
