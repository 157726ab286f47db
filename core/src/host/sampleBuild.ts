// `npm run sample:build [UCI_FOLDER]` rewrites resources/sample/ from the shared UCI Online Retail files.
// A script of its own, so that bundling sample.ts into the app's core process can never run it.
import { join } from 'node:path';
import { buildSampleFiles, SAMPLE_DIR } from './sample.ts';

const folder = process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'uci_online_retail');
buildSampleFiles(folder)
  .then((counts) => {
    process.stdout.write(`sample: ${counts.lines} order lines of ${counts.customers} customers, ${counts.tickets} synthetic tickets, ${counts.surveys} synthetic survey answers in ${SAMPLE_DIR}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`sample:build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
