#!/usr/bin/env node
// The churnwb command: runs the TypeScript CLI through tsx, so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/host/cli.ts');
await main(process.argv.slice(2));
