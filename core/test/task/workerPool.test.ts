// The worker pool: answers, failures as coded errors, cancel and close that end the threads.
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/api/errors.ts';
import { WorkerPool } from '../../src/task/workerPool.ts';

const TEST_WORKER = new URL('./fixtures/testWorker.ts', import.meta.url);
const pool = (size: number, signal?: AbortSignal) => new WorkerPool<string[], string[]>('testWorker', TEST_WORKER, { prefix: '>' }, size, signal);

describe('WorkerPool', () => {
  it('answers every request with its own reply, more requests than workers', async () => {
    const workers = pool(2);
    try {
      const replies = await Promise.all([['a'], ['b', 'c'], ['d'], [], ['e']].map((texts) => workers.run(texts)));
      expect(replies).toEqual([['>A'], ['>B', '>C'], ['>D'], [], ['>E']]);
    } finally {
      await workers.close();
    }
  });

  it("turns a worker's failure into E_INTERNAL with its details, and keeps serving", async () => {
    const workers = pool(1);
    try {
      const failed = await workers.run(['ok', 'fail']).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(CoreError);
      expect(failed).toMatchObject({ code: 'E_INTERNAL', message: 'asked to fail', details: { row: 1 } });
      expect(await workers.run(['x'])).toEqual(['>X']);
    } finally {
      await workers.close();
    }
  });

  it('a cancel ends a worker that is busy without end and every request waiting, with E_CANCELLED', async () => {
    const controller = new AbortController();
    const workers = pool(1, controller.signal);
    try {
      const spinning = workers.run(['spin']).catch((error: unknown) => error);
      const waiting = workers.run(['a']).catch((error: unknown) => error);
      setTimeout(() => controller.abort(), 200);
      expect(await spinning).toMatchObject({ code: 'E_CANCELLED' });
      expect(await waiting).toMatchObject({ code: 'E_CANCELLED' });
      await expect(workers.run(['b'])).rejects.toMatchObject({ code: 'E_CANCELLED' });
    } finally {
      await workers.close();
    }
  });

  it('refuses work once closed', async () => {
    const workers = pool(1);
    await workers.close();
    await expect(workers.run(['a'])).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });
});
