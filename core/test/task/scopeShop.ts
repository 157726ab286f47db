// The hand-made shop of the scope tests (analysisScope.db.test.ts works out every value from it).
import type { OrderRow } from '../helpers/fixtures.ts';
import type { FixtureData, TicketRow } from '../retention/fixtureCore.ts';

// Six customers. Regions by customer: c1, c3, c6 North; c2 South; c4 West; c5 East.
const ORDERS: OrderRow[] = [
  { order_id: '1', customer_id: 'c1', ordered_at: '2024-01-05 10:00:00', region: 'North', channel: 'web' },
  { order_id: '2', customer_id: 'c1', ordered_at: '2024-02-10 10:00:00', region: 'North', channel: 'web' },
  { order_id: '3', customer_id: 'c1', ordered_at: '2024-03-15 10:00:00', region: 'North', channel: 'web' },
  { order_id: '4', customer_id: 'c2', ordered_at: '2024-01-20 10:00:00', region: 'South', channel: 'app' },
  { order_id: '5', customer_id: 'c2', ordered_at: '2024-04-02 10:00:00', region: 'South', channel: 'app' },
  { order_id: '6', customer_id: 'c3', ordered_at: '2024-02-03 10:00:00', region: 'North', channel: 'app' },
  { order_id: '7', customer_id: 'c4', ordered_at: '2024-03-01 10:00:00', region: 'West', channel: 'web' },
  { order_id: '8', customer_id: 'c4', ordered_at: '2024-03-20 10:00:00', region: 'West', channel: 'web' },
  // the last minute of the range's last day is in it
  { order_id: '9', customer_id: 'c5', ordered_at: '2024-03-31 23:30:00', region: 'East', channel: 'web' },
  { order_id: '10', customer_id: 'c6', ordered_at: '2024-04-05 10:00:00', region: 'North', channel: 'app' },
];
const TICKETS: TicketRow[] = [
  { ticket_id: 't1', customer_id: 'c2', created_at: '2024-01-25 09:00:00' },
  { ticket_id: 't2', customer_id: 'c3', created_at: '2024-02-15 09:00:00' },
];

export const SCOPE_SHOP: FixtureData = { orders: ORDERS, tickets: TICKETS };
