// Customers verbs of CoreApi, bound to the shared context.
import type { CustomersApi } from '../../api/customers.ts';
import type { CoreContext } from '../context.ts';

export function customersHandlers(_context: CoreContext): CustomersApi {
  return {};
}
