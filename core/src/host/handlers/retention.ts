// Retention verbs of CoreApi, bound to the shared context.
import type { RetentionApi } from '../../api/retention.ts';
import type { CoreContext } from '../context.ts';

export function retentionHandlers(_context: CoreContext): RetentionApi {
  return {};
}
