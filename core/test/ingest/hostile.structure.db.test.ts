// Generated hostile structure: ragged rows, quotes, empty and binary files, links and folders, bombs, nesting, extreme values.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { openHarness, type Harness } from './harness.ts';
import { structureCases } from './hostileCases.ts';
import { runHostileCases } from './hostileRun.ts';

runHostileCases('hostile structure', structureCases());

describe('the preview refuses what the import refuses, before DuckDB reads it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h.close());

  // The preview is what the UI (and the HTTP host) runs first: one deep JSON used to take the whole process down.
  const cases: [string, string | Buffer, string, number][] = [
    ['deep.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'maxJsonDepth', 1],
    ['wide.csv', `${Array.from({ length: 5000 }, (_, index) => `c${index}`).join(',')}\n`, 'maxColumns', 1],
    ['long_record.csv.gz', gzipSync(Buffer.from(`order_id,customer_id,date,amount\n1,"${'q'.repeat(20 << 20)}",2024-01-01,1\n`)), 'maxLineBytes', 2],
  ];
  for (const [name, content, limit, line] of cases) {
    it(`${name}: E_FORMAT naming ${limit}`, async () => {
      const path = join(h.dir, name);
      writeFileSync(path, content);
      const error = await h.client().previewImport({ kind: 'orders', files: [path] }).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(CoreError);
      expect((error as CoreError).code).toBe('E_FORMAT');
      expect((error as CoreError).details?.limit).toBe(limit);
      expect((error as CoreError).details?.line).toBe(line);
      expect((error as CoreError).message).toContain(name);
    }, 120_000);
  }
});

describe('a line over DuckDB\'s 2 MB after the sniffed rows, in a staged import (tickets)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h.close());

  it('loads whole, its 3,000,000-byte text intact, with no reject', async () => {
    const path = join(h.dir, 'late_long_ticket.csv');
    const rows = Array.from({ length: 25_000 }, (_, index) => `T${index},c${index % 7},2024-01-01,fine ${index}`);
    writeFileSync(path, `ticket_id,customer_id,created_at,body\n${rows.join('\n')}\nZ1,c1,2024-01-02,${'y'.repeat(3_000_000)}\nZ2,c2,2024-01-03,last\n`);
    const result = await h.client().importFiles({ kind: 'tickets', files: [path], mode: 'replace' });
    expect(result).toMatchObject({ rowsLoaded: 25_002, rowsRejected: 0 });
    expect(await h.sql("SELECT ticket_id, length(body) AS length FROM tickets WHERE ticket_id IN ('Z1', 'Z2') ORDER BY 1")).toEqual([
      { ticket_id: 'Z1', length: 3_000_000 },
      { ticket_id: 'Z2', length: 4 },
    ]);
  }, 120_000);
});
