// Generated hostile structure: ragged rows, quotes, empty and binary files, links and folders, bombs, nesting, extreme values.
import { structureCases } from './hostileCases.ts';
import { runHostileCases } from './hostileRun.ts';

runHostileCases('hostile structure', structureCases());
