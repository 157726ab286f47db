// Starts a TypeScript worker module (its URL is the last argument) in a worker thread: the thread
// does not inherit the parent's tsx hooks (vitest, or churnwb.mjs registering tsx itself), so it
// registers tsx first. Bundled runs start their workers' bundles directly (workerPool.ts).
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
