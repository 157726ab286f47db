// What every bench measures with: wall and CPU time of a piece of work, seconds as printed, medians of repeated runs, peak memory.
import { readFileSync, writeFileSync } from 'node:fs';

/** Wall time and the process's CPU time (DuckDB's threads included), in ms. */
export interface Timing {
  ms: number;
  cpuMs: number;
}

/** Wall and CPU time of `work`. */
export async function timed(work: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The middle value; the mean of the two middle values of an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The process's peak resident memory so far, in bytes, as the kernel counts it two ways (they should agree). */
export interface PeakMemory {
  /** process.resourceUsage().maxRSS. */
  maxRss: number;
  /** VmHWM of /proc/self/status (Linux); null elsewhere. */
  vmHwm: number | null;
}

export function peakMemory(): PeakMemory {
  const maxRss = process.resourceUsage().maxRSS * 1024;
  let vmHwm: number | null = null;
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) vmHwm = Number(match[1]) * 1024;
  } catch {
    // not Linux: maxRSS alone
  }
  return { maxRss, vmHwm };
}

/**
 * Starts a new peak: writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (Linux 4.0+),
 * so the next peakMemory() shows the peak of what ran since. False where that is not possible.
 */
export function resetPeakMemory(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** In DuckDB's units: its '4GB' memory limit is 4 x 1000^3 bytes. */
export function gigabytes(bytes: number): string {
  return `${(bytes / 1000 ** 3).toFixed(2)} GB`;
}
