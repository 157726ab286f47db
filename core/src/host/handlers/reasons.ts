// Reasons verbs of CoreApi, bound to the shared context.
import type { ReasonsApi } from '../../api/reasons.ts';
import type { CoreContext } from '../context.ts';

export function reasonsHandlers(_context: CoreContext): ReasonsApi {
  return {};
}
