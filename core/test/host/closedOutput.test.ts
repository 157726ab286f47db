// `churnwb ... | head`: a reader that closes the pipe early ends the command quietly (exit 0, nothing
// on stderr) instead of crashing it with an EPIPE stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'churnwb.mjs');

describe('the command line under a reader that stops early', () => {
  it('exits 0 without a word on stderr when stdout closes after the first chunk', async () => {
    // the JSON of 3,000 classified texts is megabytes: far more than the pipe holds once its reader is gone
    const dir = mkdtempSync(join(tmpdir(), 'churnwb-closed-'));
    const texts = join(dir, 'texts.csv');
    writeFileSync(texts, `text\n${'物流太慢了\n'.repeat(3000)}`);
    const child = spawn(process.execPath, [CLI, '--workspace', join(dir, 'w.duckdb'), 'classify', texts, '--column', 'text', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    rmSync(dir, { recursive: true, force: true });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
