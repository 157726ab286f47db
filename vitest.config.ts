import { defineConfig } from 'vitest/config';

// One runner for every layer: pure and DuckDB tests in core/, component tests in renderer/,
// the fake-electron tests in electron/, and the Playwright e2e specs (renderer/test/e2e).
export default defineConfig({
  test: {
    include: ['core/test/**/*.test.ts', 'electron/test/**/*.test.ts', 'renderer/test/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
