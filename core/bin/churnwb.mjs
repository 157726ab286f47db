#!/usr/bin/env node
// The churnwb command: runs the bundle in core/dist (built by `npm install` through `prepare`, or
// `npm run build:cli`) when it is newer than every project file it was built from, and otherwise
// the TypeScript through tsx, so an edited checkout runs what was edited.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'core', 'dist', 'churnwb.mjs');

/** Missing, unreadable or older than one of its inputs: run the sources instead. */
function bundleIsCurrent() {
  try {
    const built = statSync(BUNDLE).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(BUNDLE.replace(/\.mjs$/, '.inputs.json'), 'utf8'));
    return inputs.length > 0 && inputs.every((input) => statSync(join(ROOT, input)).mtimeMs <= built);
  } catch {
    return false;
  }
}

let main;
if (bundleIsCurrent()) {
  ({ main } = await import(BUNDLE));
} else {
  // said to a person only: scripts and tests compare stderr, and the output is the same either way
  if (process.stderr.isTTY) process.stderr.write('churnwb: running from TypeScript (slow start); `npm run build:cli` bundles it\n');
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/host/cli.ts'));
}
await main(process.argv.slice(2));
