// The bench runner's options: a typo must fail before an hour-long import starts, not inside it.
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './run.ts';

describe('bench options', () => {
  it('reads the memory limit and the side, with their defaults', () => {
    const { args, only } = parseBenchArgs(['--rows', '100_000_000', '--memory-limit', '4GB', '--side', 'plain', 'scale']);
    expect(args).toMatchObject({ rows: 100_000_000, customers: 20_000_000, memoryLimit: '4GB', side: 'plain' });
    expect(only).toEqual(['scale']);
    const defaults = parseBenchArgs([]).args;
    expect(defaults.side).toBe('both');
    expect('memoryLimit' in defaults).toBe(false);
    expect(parseBenchArgs(['--memory-limit', '512 MiB']).args.memoryLimit).toBe('512 MiB');
  });

  it('refuses a memory limit DuckDB would not read and an unknown side', () => {
    expect(() => parseBenchArgs(['--memory-limit', '4'])).toThrow(/--memory-limit must be a size such as 4GB, got "4"/);
    expect(() => parseBenchArgs(['--memory-limit', '4 gigs'])).toThrow(/--memory-limit/);
    expect(() => parseBenchArgs(['--side', 'baseline'])).toThrow(/--side must be one of both, app, plain, import, got "baseline"/);
  });
});
