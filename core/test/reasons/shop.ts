// A hand-made shop for the reasons analyses: seven customers, their orders and bilingual tickets.
//
// With windowDays 30 and asOf 2024-06-30 (see segmentation.db.test.ts for the numbers derived by hand):
//   A  orders 2024-01-10 (100), 2024-03-01 (50)  churned, churn date 03-31, ticket window 2023-12-02..2024-03-31
//   B  order  2024-02-01 (200)                   churned, churn date 03-02, window 2023-11-03..2024-03-02
//   C  order  2024-06-20 (30)                    active,  window 2024-03-22..2024-06-30
//   D  orders 2023-01-01 (1000), 2024-01-05 (40) churned (the 2023-01-01 order is outside the 12 months before the last)
//   E  order  2024-05-01 (60)                    churned, no tickets
//   F  order  2024-06-25 (10)                    active
//   G  order  2024-06-28 (20)                    active
//   Z  no orders, one ticket
import type { DuckDBValue } from '@duckdb/node-api';
import type { OrderRow } from '../helpers/fixtures.ts';

export const SHOP_ORDERS: OrderRow[] = [
  { order_id: 'a1', customer_id: 'A', ordered_at: '2024-01-10 10:00:00', amount: 100 },
  { order_id: 'a2', customer_id: 'A', ordered_at: '2024-03-01 10:00:00', amount: 50 },
  { order_id: 'b1', customer_id: 'B', ordered_at: '2024-02-01 10:00:00', amount: 200 },
  { order_id: 'c1', customer_id: 'C', ordered_at: '2024-06-20 10:00:00', amount: 30 },
  { order_id: 'd0', customer_id: 'D', ordered_at: '2023-01-01 10:00:00', amount: 1000 },
  { order_id: 'd1', customer_id: 'D', ordered_at: '2024-01-05 10:00:00', amount: 40 },
  { order_id: 'e1', customer_id: 'E', ordered_at: '2024-05-01 10:00:00', amount: 60 },
  { order_id: 'f1', customer_id: 'F', ordered_at: '2024-06-25 10:00:00', amount: 10 },
  { order_id: 'g1', customer_id: 'G', ordered_at: '2024-06-28 10:00:00', amount: 20 },
  // a cancelled order is not activity: A's last purchase stays 03-01
  { order_id: 'a3', customer_id: 'A', ordered_at: '2024-06-01 10:00:00', amount: 70, status: 'cancelled' },
];

export interface ShopTicket {
  ticket_id: string;
  customer_id: string;
  created_at: string;
  category?: string;
  body?: string;
  label?: string;
}

export const SHOP_TICKETS: ShopTicket[] = [
  { ticket_id: 'A1', customer_id: 'A', created_at: '2024-02-20 09:00:00', body: '物流太慢了' }, // logistics, 10 days before A's last order
  { ticket_id: 'A2', customer_id: 'A', created_at: '2024-04-15 09:00:00', body: '太贵' }, // price, after A's churn date: not attributed
  { ticket_id: 'B1', customer_id: 'B', created_at: '2024-01-15 09:00:00', body: '質量問題，而且物流很慢' }, // quality + logistics, 17 days before
  { ticket_id: 'C1', customer_id: 'C', created_at: '2024-06-01 09:00:00', body: 'Late delivery' }, // logistics
  { ticket_id: 'C2', customer_id: 'C', created_at: '2024-01-01 09:00:00', body: 'too expensive' }, // price, before C's window
  { ticket_id: 'D1', customer_id: 'D', created_at: '2024-01-04 09:00:00', body: '谢谢，很满意' }, // unknown, 1 day before
  { ticket_id: 'D2', customer_id: 'D', created_at: '2024-01-03 09:00:00', body: '没有质量问题' }, // unknown (negated), 2 days before
  { ticket_id: 'F1', customer_id: 'F', created_at: '2024-06-26 09:00:00', body: '退款太难了' }, // after_sales
  { ticket_id: 'G1', customer_id: 'G', created_at: '2024-06-29 09:00:00', category: '物流', body: '' }, // logistics by category
  { ticket_id: 'H1', customer_id: 'Z', created_at: '2024-03-10 09:00:00', body: 'stop the spam' }, // marketing, no orders
];

/** Statements that insert the tickets with bound values. */
export function ticketStatements(tickets: ShopTicket[] = SHOP_TICKETS): { sql: string; params: Record<string, DuckDBValue> }[] {
  return tickets.map((ticket) => ({
    sql: `INSERT INTO tickets (ticket_id, customer_id, created_at, category, body, label, source_id)
          VALUES ($id, $customer, CAST($created AS TIMESTAMP), $category, $body, $label, 0)`,
    params: { id: ticket.ticket_id, customer: ticket.customer_id, created: ticket.created_at, category: ticket.category ?? null, body: ticket.body ?? null, label: ticket.label ?? null },
  }));
}
