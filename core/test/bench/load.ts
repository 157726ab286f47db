// Timings as the customer benches print them: with the load average they ran under.
import { loadavg } from 'node:os';
import { seconds, type Timing } from './measure.ts';

/**
 * "wall (CPU c, load average l)": on a shared machine the wall time means little without the load
 * it ran under, and the CPU time over the threads is the least wall time it could take idle.
 */
export function timingText(timing: Timing): string {
  return `${seconds(timing.ms)} (CPU ${seconds(timing.cpuMs)}, load average ${loadavg()[0]!.toFixed(1)})`;
}
