// Lint: the layers of README's Architecture section as import rules, promises that are awaited or
// explicitly let go (`void`), and the React hooks rules. Type-aware, so it reads the three tsconfigs.
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries, matched against the specifier as written. Relative specifiers name the
 * folders they cross (`../../../core/src/host/x.ts`), so `(^|/)folder/` catches a crossing from
 * any depth while imports inside a folder (`../x.ts`) never match.
 */
const boundary = (regex, message) => ({ regex, message });
const NO_UI_PACKAGES = boundary('^(electron|react|react-dom)(/.*)?$', 'core/ runs in plain Node: no Electron, React or DOM.');
const NO_RENDERER = boundary('(^|/)renderer/', 'Nothing imports the renderer: it reaches the core through core/src/api.');
const NO_ELECTRON_FOLDER = boundary('(^|/)electron/', 'Nothing imports electron/: it hosts the core, it is not a library.');
const CORE_ONLY_THROUGH_API = boundary('(^|/)core/(?!src/api/)', 'Reach the core only through core/src/api (the contract).');
const NO_HOST = boundary('(^|/)host/', 'Below host/: receive what you need (a TaskScope, a connection), never import from host/.');
const API_IS_A_LEAF = boundary('^\\.\\./', 'core/src/api is the contract every side imports; it imports nothing outside itself.');

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default defineConfig(
  { ignores: ['**/node_modules/**', '**/dist/**', 'release/**', 'test-output/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'vitest.config.ts'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error and outlives its caller: await it or say `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
    },
  },
  // Layers. Later entries for the same files replace the rule, so each folder lists all of its bans.
  { files: ['core/**/*.ts'], rules: restrict(NO_UI_PACKAGES, NO_RENDERER, NO_ELECTRON_FOLDER) },
  { files: ['core/src/**/*.ts'], ignores: ['core/src/host/**'], rules: restrict(NO_UI_PACKAGES, NO_RENDERER, NO_ELECTRON_FOLDER, NO_HOST) },
  { files: ['core/src/api/**/*.ts'], rules: restrict(NO_UI_PACKAGES, NO_RENDERER, NO_ELECTRON_FOLDER, NO_HOST, API_IS_A_LEAF) },
  { files: ['renderer/src/**/*.{ts,tsx}'], rules: restrict(CORE_ONLY_THROUGH_API, NO_ELECTRON_FOLDER, boundary('^electron(/.*)?$', 'The renderer is sandboxed: it reaches Electron only through the preload.')) },
  { files: ['electron/**/*.ts'], ignores: ['electron/worker/**'], rules: restrict(CORE_ONLY_THROUGH_API, NO_RENDERER) },
  // The worker is where the desktop app starts the core, so it may reach core/src/host (only).
  { files: ['electron/worker/**/*.ts'], rules: restrict(boundary('(^|/)core/(?!src/(api|host)/)', 'The worker starts the core through core/src/host; everything else goes through core/src/api.'), NO_RENDERER) },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    // The rules of hooks. The plugin's React Compiler diagnostics (refs, purity, set-state-in-effect)
    // are left out: the project does not build with the compiler.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
