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
