// Report verbs of CoreApi, bound to the shared context.
import type { ReportApi } from '../../api/report.ts';
import type { CoreContext } from '../context.ts';

export function reportHandlers(_context: CoreContext): ReportApi {
  return {};
}
