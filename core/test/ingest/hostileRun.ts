// Runs generated hostile cases against one populated workspace: each ends in its coded error (workspace unchanged) or its exact rows.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { openHarness, type Harness } from './harness.ts';
import type { HostileCase, OrderRow } from './hostileCases.ts';

const ORDERS_SQL = "SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%d') AS day, amount FROM orders ORDER BY order_id";

export function runHostileCases(title: string, cases: readonly HostileCase[]): void {
  describe(title, () => {
    let h: Harness;
    /** Checksums of the workspace as the last successful case left it; null after a success until measured. */
    let before: Record<string, string> | null = null;
    beforeAll(async () => {
      h = await openHarness();
    });
    afterAll(async () => h.close());

    cases.forEach((hostile, index) => {
      it(hostile.name, async () => {
        const dir = join(h.dir, `case${index}`);
        mkdirSync(dir);
        const files = await hostile.write(dir);
        const request = {
          kind: 'orders' as const,
          files,
          ...(hostile.encoding ? { encoding: hostile.encoding } : {}),
          ...(hostile.sheet ? { sheet: hostile.sheet } : {}),
          ...(hostile.limits ? { limits: hostile.limits } : {}),
        };
        if ('rows' in hostile.expect) {
          const expected = hostile.expect;
          const result = await h.client().importFiles({ ...request, mode: 'replace' });
          expect(result).toMatchObject({ rowsLoaded: expected.rows.length, rowsRejected: expected.rejected ?? 0 });
          if (expected.firstReject) expect(result.rejectsSample[0]).toMatchObject(expected.firstReject);
          if (expected.encoding) expect(result.encoding).toBe(expected.encoding);
          if (expected.warning) expect(result.warnings.map((warning) => warning.message).join('\n')).toContain(expected.warning);
          const rows = await h.sql<{ order_id: string; customer_id: string; day: string; amount: number }>(ORDERS_SQL);
          const byId = (a: OrderRow, b: OrderRow) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
          expect(rows.map((row): OrderRow => [row.order_id, row.customer_id, row.day, row.amount])).toEqual([...expected.rows].sort(byId));
          before = null;
        } else {
          const wanted = hostile.expect.error;
          before ??= await h.checksums();
          const error = await h.client().importFiles(request).then(
            () => null,
            (thrown: unknown) => thrown,
          );
          if (error === null) before = null; // it changed the workspace: later cases measure afresh
          expect(error, 'the import should fail').toBeInstanceOf(CoreError);
          const coded = error as CoreError;
          expect({ code: coded.code, message: coded.message }).toMatchObject({ code: wanted.code });
          if (wanted.file) expect(coded.message).toContain(wanted.file);
          if (wanted.says) expect(coded.message).toContain(wanted.says);
          if (wanted.line !== undefined) expect(coded.details?.line, coded.message).toBe(wanted.line);
          if (wanted.column !== undefined) expect(coded.details?.column, coded.message).toBe(wanted.column);
          if (wanted.limit) expect(coded.details?.limit, coded.message).toBe(wanted.limit);
          expect(await h.checksums()).toEqual(before);
        }
        // Nothing the import converted is left behind, whichever way it ended.
        expect(readdirSync(join(h.dir, 'spill')).filter((name) => name.startsWith('import-'))).toEqual([]);
      }, 120_000);
    });
  });
}
