// Long analyses run as tasks: cancel interrupts them with E_CANCELLED and the workspace stays usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import type { TestCore } from '../helpers/core.ts';
import { openFixtureCore } from './fixtureCore.ts';

describe('cancelling a retention analysis', () => {
  let t: TestCore;
  beforeAll(async () => {
    // 4M orders of 400k customers over three years: a daily matrix takes long enough to interrupt
    t = await openFixtureCore({
      orders: [],
      statements: [
        {
          sql: `INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, source_id)
                SELECT 'o' || i, 'c' || (i % 400000), TIMESTAMP '2021-01-01' + to_minutes(CAST(hash(i * 7) % 1576800 AS BIGINT)), 10, 'completed', 0
                FROM range(4000000) r(i)`,
        },
      ],
    });
  });
  afterAll(async () => t.close());

  it('stops on cancel and answers the next call', async () => {
    const started = new Promise<void>((resolve) => t.client.on((event) => event.type === 'progress' && event.taskId === 'daily' && resolve()));
    const pending = t.client.cohortRetention({ taskId: 'daily', period: 'day', mode: 'on-or-after' }).catch((error: unknown) => error);
    await started;
    expect(await t.client.cancel({ taskId: 'daily' })).toEqual({ cancelled: true });
    const error = await pending;
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E_CANCELLED');
    const result = await t.client.cohortRetention({ period: 'quarter' });
    expect(result.matrices[0]!.customers).toBe(400_000);
  });
});
