// Progress of ticket classification, counted in tickets: synthetic tickets whose texts repeat, over
// more distinct contents than one page, so the count must add up each content's tickets across pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyTickets } from '../../src/analysis/reasonTickets.ts';
import { bundledTaxonomy } from '../../src/analysis/reasonTaxonomy.ts';
import { Workspace } from '../../src/db/workspace.ts';

/** 50,000 tickets, two per content: 25,000 distinct contents, more than one page of 20,000. */
const TICKETS = 50_000;
const CONTENTS = 25_000;

describe('classifyTickets progress', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await Workspace.open(':memory:');
    await workspace.withConnection((connection) =>
      connection.run(
        `INSERT INTO tickets (ticket_id, customer_id, created_at, body, source_id)
         SELECT 'T' || i, 'C' || (i % 500), TIMESTAMP '2024-01-01' + to_minutes(i),
                -- a code in letters: contents that differ only in digits are classified, and counted, together
                ['物流太慢了', 'too expensive', '没有质量问题'][i % $contents % 3 + 1] || ' ref ' || translate(CAST(i % $contents AS VARCHAR), '0123456789', 'abcdefghij'), 0
         FROM range($tickets) r(i)`,
        { tickets: TICKETS, contents: CONTENTS },
      ),
    );
  });
  afterEach(() => workspace.close());

  it('reports tickets done from 0 to all of them, each distinct content adding its own tickets', async () => {
    const calls: [number, number][] = [];
    const result = await workspace.withConnection((connection) =>
      classifyTickets(connection, bundledTaxonomy(), { progressIntervalMs: 0, onProgress: (tickets, total) => calls.push([tickets, total]) }),
    );
    expect(result.classified).toBe(TICKETS);
    // Start, one call per distinct content (no interval), and the end.
    expect(calls).toHaveLength(CONTENTS + 2);
    expect(calls[0]).toEqual([0, TICKETS]);
    expect(calls.at(-1)).toEqual([TICKETS, TICKETS]);
    expect(calls.every(([, total]) => total === TICKETS)).toBe(true);
    const steps = calls.slice(1, -1).map(([tickets], index) => tickets - calls[index]![0]);
    expect(new Set(steps)).toEqual(new Set([2]));
  });

  it('with the default interval still reports the start and the full count at the end', async () => {
    const calls: [number, number][] = [];
    await workspace.withConnection((connection) => classifyTickets(connection, bundledTaxonomy(), { onProgress: (tickets, total) => calls.push([tickets, total]) }));
    expect(calls[0]).toEqual([0, TICKETS]);
    expect(calls.at(-1)).toEqual([TICKETS, TICKETS]);
  });

  it('does not report when nothing needs classifying', async () => {
    const calls: number[] = [];
    await workspace.withConnection(async (connection) => {
      await classifyTickets(connection, bundledTaxonomy());
      const again = await classifyTickets(connection, bundledTaxonomy(), { progressIntervalMs: 0, onProgress: (tickets) => calls.push(tickets) });
      expect(again.classified).toBe(0);
    });
    expect(calls).toEqual([]);
  });
});
