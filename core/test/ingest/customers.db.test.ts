// The derived customers view after a run of imports that add, replace and move orders and tickets between customers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/db/workspace.ts';
import { queryRows } from '../../src/db/sql.ts';
import { openHarness, type Harness } from './harness.ts';

const CUSTOMERS = `SELECT customer_id, strftime(first_order_at, '%m-%d') AS first, strftime(last_order_at, '%m-%d') AS last,
                          orders, completed_orders AS completed, revenue, tickets, region
                   FROM customers ORDER BY customer_id`;

describe('customers view', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  const file = (name: string, text: string) => {
    const path = join(h.dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('follows imports that add, replace and move orders and tickets, and drops customers left with neither', async () => {
    await h.client().importFiles({
      kind: 'orders',
      files: [
        file(
          'orders1.csv',
          'order_id,customer_id,created_at,total,status,region\n' +
            '1,alice,2024-01-01 09:00:00,10.00,completed,north\n' +
            '2,bob,2024-01-02 09:00:00,20.00,completed,south\n' +
            '3,alice,2024-01-03 09:00:00,30.00,pending,\n' +
            '5,frank,2024-01-05 09:00:00,50.00,completed,north\n',
        ),
      ],
    });
    await h.client().importFiles({
      kind: 'tickets',
      files: [file('tickets1.csv', 'ticket_id,customer_id,created_at,body\nt1,alice,2024-01-05,late delivery\nt2,dave,2024-01-06,where is my refund\n')],
    });
    // alice's latest order names no region: hers is that of order 1. dave has a ticket and no order.
    expect(await h.sql(CUSTOMERS)).toEqual([
      { customer_id: 'alice', first: '01-01', last: '01-03', orders: 2, completed: 1, revenue: 10, tickets: 1, region: 'north' },
      { customer_id: 'bob', first: '01-02', last: '01-02', orders: 1, completed: 1, revenue: 20, tickets: 0, region: 'south' },
      { customer_id: 'dave', first: null, last: null, orders: 0, completed: 0, revenue: 0, tickets: 1, region: null },
      { customer_id: 'frank', first: '01-05', last: '01-05', orders: 1, completed: 1, revenue: 50, tickets: 0, region: 'north' },
    ]);

    // Order 3 is replaced (now completed, 35, east); order 2 moves from bob to erin; carol is new.
    await h.client().importFiles({
      kind: 'orders',
      files: [
        file(
          'orders2.csv',
          'order_id,customer_id,created_at,total,status,region\n' +
            '3,alice,2024-01-03 09:00:00,35.00,completed,east\n' +
            '4,carol,2024-01-04 09:00:00,40.00,completed,west\n' +
            '2,erin,2024-01-02 09:00:00,25.00,completed,south\n',
        ),
      ],
    });
    // Ticket t2 moves from dave to erin.
    await h.client().importFiles({ kind: 'tickets', files: [file('tickets2.csv', 'ticket_id,customer_id,created_at,body\nt2,erin,2024-01-07,refund please\n')] });
    // bob and dave have nothing left; frank, untouched since the first import, is as he was.
    expect(await h.sql(CUSTOMERS)).toEqual([
      { customer_id: 'alice', first: '01-01', last: '01-03', orders: 2, completed: 2, revenue: 45, tickets: 1, region: 'east' },
      { customer_id: 'carol', first: '01-04', last: '01-04', orders: 1, completed: 1, revenue: 40, tickets: 0, region: 'west' },
      { customer_id: 'erin', first: '01-02', last: '01-02', orders: 1, completed: 1, revenue: 25, tickets: 1, region: 'south' },
      { customer_id: 'frank', first: '01-05', last: '01-05', orders: 1, completed: 1, revenue: 50, tickets: 0, region: 'north' },
    ]);

    // Replacing all orders keeps only the customers of the new file and those with tickets.
    const replaced = await h.client().importFiles({
      kind: 'orders',
      mode: 'replace',
      files: [file('orders3.csv', 'order_id,customer_id,created_at,total,status\n9,carol,2024-02-01 09:00:00,5.00,completed\n')],
    });
    // The import counts customers as ids with a completed order (carol); the view lists every id.
    expect(replaced.customers).toBe(1);
    expect(await h.sql(CUSTOMERS)).toEqual([
      { customer_id: 'alice', first: null, last: null, orders: 0, completed: 0, revenue: 0, tickets: 1, region: null },
      { customer_id: 'carol', first: '02-01', last: '02-01', orders: 1, completed: 1, revenue: 5, tickets: 0, region: null },
      { customer_id: 'erin', first: null, last: null, orders: 0, completed: 0, revenue: 0, tickets: 1, region: null },
    ]);
  });

  it('replaces the customers table of a workspace made before it became a view', async () => {
    const path = join(h.dir, 'old.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE orders (order_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, ordered_at TIMESTAMP NOT NULL, paid_at TIMESTAMP,
      amount DOUBLE, discount DOUBLE, refund_amount DOUBLE, status VARCHAR NOT NULL, channel VARCHAR, region VARCHAR, category VARCHAR, items DOUBLE, source_id INTEGER NOT NULL)`);
    await connection.run(`INSERT INTO orders VALUES ('1', 'alice', '2024-01-01', NULL, 10, NULL, NULL, 'completed', NULL, 'north', NULL, NULL, 1)`);
    // The old table, out of step with orders: a refresh that never ran.
    await connection.run('CREATE TABLE customers (customer_id VARCHAR NOT NULL, orders INTEGER NOT NULL)');
    await connection.run(`INSERT INTO customers VALUES ('bob', 7)`);
    connection.closeSync();
    instance.closeSync();

    const workspace = await Workspace.open(path, { memoryLimit: '1GB', threads: 1, tempDirectory: join(h.dir, 'old-spill') });
    try {
      const rows = await workspace.withConnection((c) =>
        queryRows(c, `SELECT customer_id, orders, revenue, region, (SELECT count(*) FROM duckdb_views() WHERE view_name = 'customers') AS views FROM customers`),
      );
      expect(rows).toEqual([{ customer_id: 'alice', orders: 1, revenue: 10, region: 'north', views: 1 }]);
    } finally {
      await workspace.close();
    }
  });
});
