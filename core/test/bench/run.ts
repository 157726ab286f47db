// `npm run bench [-- --rows N --customers N --repeat N --dir PATH --memory-limit SIZE --side both|app|plain|import] [name...]`: runs every core/test/bench/*.bench.ts (or those named) in turn.
//
// Each bench module exports `default async function (args: BenchArgs)` and prints its own lines.
// Generated inputs are cached in `dir` (keyed by their parameters), so a second run skips generation.
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchArgs {
  /** Rows of the synthetic exports. Default 1,000,000. */
  rows: number;
  /** Distinct customers in them. Default rows / 5. */
  customers: number;
  /** Rounds of a comparison, for benches that compare the app with a baseline (import). Default 3. */
  repeat: number;
  /** Folder for generated inputs and workspaces (kept between runs as a cache). */
  dir: string;
  /** DuckDB memory_limit for benches that take one (scale), e.g. '4GB'; unset, each bench keeps its own default. */
  memoryLimit?: string;
  /**
   * Which side of a comparison to run, for benches whose sides take long (scale): 'app', 'plain'
   * (the plain DuckDB baselines, on a workspace the app side built), both (default), or 'import'
   * (only build the cached workspace, e.g. at another memory limit than the analyses run at).
   */
  side: BenchSide;
}

export const BENCH_SIDES = ['both', 'app', 'plain', 'import'] as const;
export type BenchSide = (typeof BENCH_SIDES)[number];

export const DEFAULT_BENCH_ROWS = 1_000_000;

/** Parses `--rows N --customers N --repeat N --dir PATH --memory-limit SIZE --side both|app|plain|import` and bench names; fails on anything else. */
export function parseBenchArgs(argv: readonly string[]): { args: BenchArgs; only: string[] } {
  const values = new Map<string, string>();
  const only: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const item = argv[index] ?? '';
    if (item.startsWith('--')) {
      const value = argv[index + 1];
      if (value === undefined) throw new Error(`${item} needs a value`);
      values.set(item.slice(2), value);
      index++;
    } else {
      only.push(item);
    }
  }
  const number = (name: string, fallback: number) => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    const parsed = Number(text.replaceAll('_', ''));
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive integer, got "${text}"`);
    return parsed;
  };
  const unknown = [...values.keys()].filter((name) => !['rows', 'customers', 'repeat', 'dir', 'memory-limit', 'side'].includes(name));
  if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]} (options: --rows N --customers N --repeat N --dir PATH --memory-limit SIZE --side both|app|plain|import)`);
  const side = values.get('side') ?? 'both';
  if (!(BENCH_SIDES as readonly string[]).includes(side)) throw new Error(`--side must be one of ${BENCH_SIDES.join(', ')}, got "${side}"`);
  const memoryLimit = values.get('memory-limit');
  // DuckDB's own size syntax; checked here so a typo fails before an hour-long import, not inside it
  if (memoryLimit !== undefined && !/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memoryLimit)) {
    throw new Error(`--memory-limit must be a size such as 4GB, got "${memoryLimit}"`);
  }
  const rows = number('rows', DEFAULT_BENCH_ROWS);
  return {
    args: {
      rows,
      customers: number('customers', Math.max(1, Math.ceil(rows / 5))),
      repeat: number('repeat', 3),
      dir: values.get('dir') ?? join(tmpdir(), 'churnwb-bench'),
      ...(memoryLimit === undefined ? {} : { memoryLimit }),
      side: side as BenchSide,
    },
    only,
  };
}

async function main(): Promise<void> {
  const { args, only } = parseBenchArgs(process.argv.slice(2));
  mkdirSync(args.dir, { recursive: true });
  const benches = readdirSync(import.meta.dirname)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => only.length === 0 || only.some((wanted) => basename(name, '.bench.ts').includes(wanted)))
    .sort();
  console.log(`bench: rows ${args.rows.toLocaleString('en-US')}, customers ${args.customers.toLocaleString('en-US')}, dir ${args.dir}${args.memoryLimit ? `, memory limit ${args.memoryLimit}` : ''}`);
  for (const name of benches) {
    console.log(`\n== ${basename(name, '.bench.ts')}`);
    const module = (await import(pathToFileURL(join(import.meta.dirname, name)).href)) as { default: (args: BenchArgs) => Promise<void> };
    await module.default(args);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
