// The layers of README's Architecture section are lint rules (eslint.config.js); these cases keep
// the rules honest: each crossing is reported, and the imports each layer needs are not.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

// Only the import rules: the type-aware rules need the real files, which `npm run lint` covers.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
});

/** The restricted imports lint reports when `file` imports `specifier`. */
async function crossings(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('import layers (eslint.config.js)', () => {
  it.each([
    ['core/src/analysis/kpis.ts', 'electron'],
    ['core/src/report/html.ts', 'react-dom/client'],
    ['core/src/db/sql.ts', '../../../renderer/src/client/hooks.ts'],
    ['core/src/host/core.ts', '../../../electron/worker/worker.ts'],
    ['core/src/analysis/kpis.ts', '../host/context.ts'],
    ['core/src/ingest/load.ts', '../host/context.ts'],
    ['core/src/task/runner.ts', '../host/core.ts'],
    ['core/src/api/rpc.ts', '../db/sql.ts'],
    ['renderer/src/client/hooks.ts', '../../../core/src/host/core.ts'],
    ['renderer/src/features/data/FilePicker.tsx', '../../../../core/src/db/workspace.ts'],
    ['renderer/src/app/App.tsx', 'electron'],
    ['electron/main/main.ts', '../../core/src/host/core.ts'],
    ['electron/preload/preload.ts', '../../renderer/src/client/hooks.ts'],
    ['electron/worker/worker.ts', '../../core/src/db/workspace.ts'],
  ])('%s may not import %s', async (file, specifier) => {
    expect(await crossings(file, specifier)).toHaveLength(1);
  });

  it.each([
    ['core/src/ingest/load.ts', '../task/scope.ts'],
    ['core/src/analysis/kpis.ts', '../db/sql.ts'],
    ['core/src/host/core.ts', '../analysis/kpis.ts'],
    ['core/src/api/rpc.ts', './errors.ts'],
    ['core/src/api/schemas.ts', 'zod'],
    ['renderer/src/client/hooks.ts', '../../../core/src/api/index.ts'],
    ['renderer/src/app/App.tsx', '../components/Screen.tsx'],
    ['electron/main/main.ts', '../../core/src/api/contract.ts'],
    ['electron/main/main.ts', 'electron'],
    ['electron/worker/worker.ts', '../../core/src/host/core.ts'],
    ['core/test/rpc.db.test.ts', '../src/host/core.ts'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await crossings(file, specifier)).toEqual([]);
  });
});
