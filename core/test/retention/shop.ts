// The hand-checked shop every retention fixture test reads: seven customers over January to April 2024.
//
// Activity (completed orders; amount 10 unless given), by customer:
//   a  Jan 5 (web)      Feb 10 (app, 20)    Apr 1 (30)
//   b  Jan 20 (app)     Jan 25              [Jan 26 refunded 40: not activity]
//   c  Jan 31 (no channel)                  Mar 15 (web, 40, refund_amount 5)
//   d  Feb 1 (web)      Mar 1               [Mar 2 cancelled 50: not activity]
//   e  Feb 29 10:00 (app)
//   f  Mar 31           Apr 15             (no channel at all)
//   g  [Apr 20 12:00 pending: not activity, but the data's last order, so the end is 2024-04-20]
// Month cohorts: Jan = {a, b, c}, Feb = {d, e}, Mar = {f}; April is partial (the data ends on the 20th).
// Segment by channel (first activity order with a value): web = {a, c, d}, app = {b, e}, none = {f}.
import type { OrderRow } from '../helpers/fixtures.ts';
import type { TicketRow } from './fixtureCore.ts';

export const SHOP_ORDERS: OrderRow[] = [
  { order_id: 'a1', customer_id: 'a', ordered_at: '2024-01-05 09:00:00', channel: 'web' },
  { order_id: 'a2', customer_id: 'a', ordered_at: '2024-02-10 09:00:00', amount: 20, channel: 'app' },
  { order_id: 'a3', customer_id: 'a', ordered_at: '2024-04-01 09:00:00', amount: 30 },
  { order_id: 'b1', customer_id: 'b', ordered_at: '2024-01-20 09:00:00', channel: 'app' },
  { order_id: 'b2', customer_id: 'b', ordered_at: '2024-01-25 09:00:00' },
  { order_id: 'b3', customer_id: 'b', ordered_at: '2024-01-26 09:00:00', amount: 40, status: 'refunded' },
  { order_id: 'c1', customer_id: 'c', ordered_at: '2024-01-31 23:00:00' },
  { order_id: 'c2', customer_id: 'c', ordered_at: '2024-03-15 09:00:00', amount: 40, refund_amount: 5, channel: 'web' },
  { order_id: 'd1', customer_id: 'd', ordered_at: '2024-02-01 00:00:00', channel: 'web' },
  { order_id: 'd2', customer_id: 'd', ordered_at: '2024-03-01 09:00:00' },
  { order_id: 'd3', customer_id: 'd', ordered_at: '2024-03-02 09:00:00', amount: 50, status: 'cancelled' },
  { order_id: 'e1', customer_id: 'e', ordered_at: '2024-02-29 10:00:00', channel: 'app' },
  { order_id: 'f1', customer_id: 'f', ordered_at: '2024-03-31 09:00:00' },
  { order_id: 'f2', customer_id: 'f', ordered_at: '2024-04-15 09:00:00' },
  { order_id: 'g1', customer_id: 'g', ordered_at: '2024-04-20 12:00:00', status: 'pending' },
];

// Tickets: a complains twice (rated 5 and 1), c once unrated, a non-customer rates 2, and e's
// ticket comes after the data's end (left out).
export const SHOP_TICKETS: TicketRow[] = [
  { ticket_id: 't1', customer_id: 'a', created_at: '2024-02-01 10:00:00', rating: 5 },
  { ticket_id: 't2', customer_id: 'a', created_at: '2024-02-02 10:00:00', rating: 1 },
  { ticket_id: 't3', customer_id: 'c', created_at: '2024-03-20 10:00:00' },
  { ticket_id: 't4', customer_id: 'zzz', created_at: '2024-03-21 10:00:00', rating: 2 },
  { ticket_id: 't5', customer_id: 'e', created_at: '2024-05-01 10:00:00', rating: 1 },
];
