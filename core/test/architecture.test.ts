// Keeps DESIGN.md's import arrows true: a file that crosses a layer fails here, naming the import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function sourceFiles(folder: string): string[] {
  const absolute = join(ROOT, folder);
  let entries: string[];
  try {
    entries = readdirSync(absolute);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(absolute, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(relative(ROOT, path));
    return /\.(ts|tsx|mts|mjs)$/.test(entry) ? [relative(ROOT, path)] : [];
  });
}

/** Every module specifier a file imports, with relative ones resolved to repo paths. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
  return specifiers.map((specifier) => (specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)) : specifier));
}

function violations(files: string[], allowed: (specifier: string, file: string) => boolean): string[] {
  return files.flatMap((file) => imports(file).filter((specifier) => !allowed(specifier, file)).map((specifier) => `${file} -> ${specifier}`));
}

const FORBIDDEN_IN_CORE = /^(electron|react|react-dom)(\/|$)|^renderer\/|^electron\//;

describe('import arrows (DESIGN.md)', () => {
  it('core never imports electron, react, the DOM layers, renderer or electron folders', () => {
    expect(violations(sourceFiles('core/src'), (s) => !FORBIDDEN_IN_CORE.test(s))).toEqual([]);
  });

  it('core/src/api imports nothing but itself (every UI and host depends on it)', () => {
    expect(violations(sourceFiles('core/src/api'), (s) => s.startsWith('core/src/api/') || !s.includes('/') && !s.startsWith('@'))).toEqual([]);
  });

  it('analyses never import hosts', () => {
    expect(violations(sourceFiles('core/src/analysis'), (s) => !s.startsWith('core/src/host'))).toEqual([]);
  });

  it('renderer reaches core only through core/src/api', () => {
    expect(violations(sourceFiles('renderer/src'), (s) => !s.startsWith('core/') || s.startsWith('core/src/api'))).toEqual([]);
  });

  it('electron reaches core only through core/src/api (the worker may start core/src/host)', () => {
    expect(
      violations(sourceFiles('electron'), (s, file) => !s.startsWith('core/') || s.startsWith('core/src/api') || (file.startsWith('electron/worker/') && s.startsWith('core/src/host'))),
    ).toEqual([]);
  });

  it('nothing imports renderer or electron from outside them', () => {
    const outside = [...sourceFiles('core')];
    expect(violations(outside, (s) => !s.startsWith('renderer/') && !s.startsWith('electron/'))).toEqual([]);
  });
});
