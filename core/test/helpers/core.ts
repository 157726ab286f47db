// Test helpers: a fresh core per test, talked to through the structuredClone loopback wire.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, loopbackWire, type CoreHandle } from '../../src/api/index.ts';
import { createCore, type Core } from '../../src/host/core.ts';

export interface TestCore {
  core: Core;
  /** The same core seen through the loopback wire, as every UI sees it. */
  client: CoreHandle;
  dir: string;
  close(): Promise<void>;
}

/** A core on a workspace file in a fresh temporary folder (or in memory). */
export async function openTestCore(options: { inMemory?: boolean } = {}): Promise<TestCore> {
  const dir = mkdtempSync(join(tmpdir(), 'churnwb-test-'));
  const core = await createCore({
    ...(options.inMemory ? {} : { workspace: join(dir, 'test.duckdb') }),
    settings: { memoryLimit: '1GB', threads: 2, tempDirectory: join(dir, 'spill') },
  });
  return {
    core,
    client: createClient(loopbackWire(core)),
    dir,
    async close() {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where the shared real datasets live; tests that need them skip with a message when absent. */
export const SHARED_DATA = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
