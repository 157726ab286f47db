// The pure parts of the input bounds and the encoding choice: limits as requested or typed, and which bytes read as what.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { DEFAULT_LIMITS, inflationExceeded, limitsFromText, LongLine, resolveLimits, retryLineSize } from '../../src/ingest/limits.ts';
import { detectEncoding } from '../../src/ingest/probe.ts';

function thrown(run: () => unknown): CoreError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error('expected a CoreError');
}

describe('limits', () => {
  it('takes the defaults for what the request leaves out, and refuses unknown names and non-positive or fractional values', () => {
    expect(resolveLimits(undefined)).toBe(DEFAULT_LIMITS);
    expect(resolveLimits({ maxColumns: 20 })).toEqual({ ...DEFAULT_LIMITS, maxColumns: 20 });
    expect(thrown(() => resolveLimits({ maxColums: 20 } as never)).message).toContain('unknown limit "maxColums"');
    for (const value of [0, -1, 1.5, Number.NaN, '10']) {
      expect(thrown(() => resolveLimits({ maxColumns: value as number })).code).toBe('E_ARGS');
    }
  });

  it('reads CLI text with binary K/M/G suffixes', () => {
    expect(limitsFromText({ maxLineBytes: '64M', maxInflatedBytes: '2G', maxColumns: '5000', maxFiles: '1.5k', json: true })).toEqual({
      maxLineBytes: 64 * 1024 * 1024,
      maxInflatedBytes: 2 * 1024 ** 3,
      maxColumns: 5000,
      maxFiles: 1536,
    });
    expect(thrown(() => limitsFromText({ maxColumns: 'many' })).message).toBe('--max-columns must be a positive number (sizes may end in K, M or G), got "many"');
  });

  it('judges the inflation ratio only past 64 MiB inflated, and the size always', () => {
    const limits = { ...DEFAULT_LIMITS, maxInflatedBytes: 100 * 1024 * 1024 };
    expect(inflationExceeded(60 * 1024 * 1024, 1, limits)).toBeNull(); // 60 MiB of zeros from nothing: small, let it be
    expect(inflationExceeded(65 * 1024 * 1024, 300 * 1024, limits)).toBe('maxInflationRatio'); // 221x
    expect(inflationExceeded(65 * 1024 * 1024, 400 * 1024, limits)).toBeNull(); // 166x
    expect(inflationExceeded(101 * 1024 * 1024, 50 * 1024 * 1024, limits)).toBe('maxInflatedBytes');
  });

  it('reads a line past DuckDB\'s line size again, whether DuckDB threw it or the load found it among the rejects, until maxLineBytes', () => {
    const thrownByDuckDB = new Error('Invalid Input Error: CSV Error on Line: 25002\nMaximum line size of 2000000 bytes exceeded. Actual Size:3000023 bytes.\nfile = /d/a.csv');
    const rejected = new LongLine(3_000_023, '/d/a.csv', 25_002);
    for (const error of [thrownByDuckDB, rejected]) {
      // Twice the line and 1 KiB more, so a slightly longer line further on does not cost another read
      expect(retryLineSize(error, 2_000_000, DEFAULT_LIMITS, ['/d/a.csv'])).toBe(6_001_070);
      const refused = thrown(() => retryLineSize(error, 2_000_000, { ...DEFAULT_LIMITS, maxLineBytes: 2_500_000 }, ['/d/a.csv']));
      expect({ code: refused.code, file: refused.details?.file, line: refused.details?.line, limit: refused.details?.limit }).toEqual({
        code: 'E_FORMAT',
        file: '/d/a.csv',
        line: 25_002,
        limit: 'maxLineBytes',
      });
    }
    expect(retryLineSize(new Error('Conversion Error'), 2_000_000, DEFAULT_LIMITS, ['/d/a.csv'])).toBeNull();
  });
});

describe('encoding choice without a BOM', () => {
  const encode = (text: string, encoding: string) => iconv.encode(text, encoding);
  it('reads simplified and traditional Chinese in GBK as GB18030, and says why', () => {
    for (const text of ['订单编号,买家会员名\n1,张三\n2,李四\n', '訂單,顧客\n1,張三\n2,陳四\n3,黃小明\n']) {
      const choice = detectEncoding('f.csv', encode(text, 'gbk'), true);
      expect(choice.encoding).toBe('gb18030');
      expect(choice.note).toContain('read as GB18030');
    }
  });

  it('reads Western European text as Windows-1252, not as GB18030 mojibake', () => {
    for (const text of ['name\nMüller\nJosé\nFrançois\n', 'name,city\nRenée,Besançon\nÅsa,Malmö\n', 'x\n“quoted” €5\n']) {
      const choice = detectEncoding('f.csv', encode(text, 'windows-1252'), true);
      expect(choice.encoding, text).toBe('windows-1252');
      expect(choice.note).toContain('read as Windows-1252');
    }
  });

  it('refuses a mostly-UTF-8 sample with one bad byte, naming line, column and byte', () => {
    const bytes = Buffer.concat([Buffer.from('id,name,city\n1,张三,上海\n2,李四,'), Buffer.from([0xfe]), Buffer.from('北京\n3,王五,广州\n')]);
    const error = thrown(() => detectEncoding('f.csv', bytes, true));
    expect(error.code).toBe('E_ENCODING');
    expect(error.details).toMatchObject({ file: 'f.csv', line: 3, column: 'city' });
    expect(error.message).toContain('byte 0xFE is not UTF-8');
  });
});
