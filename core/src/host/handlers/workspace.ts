// Workspace verbs of CoreApi: open, save as, describe, import, rejects, cancel.
import type { SourceInfo, TableCount, WorkspaceApi, WorkspaceInfo } from '../../api/workspace.ts';
import { CoreError } from '../../api/errors.ts';
import { queryArrow } from '../../db/arrow.ts';
import { queryRows, quoteIdent } from '../../db/sql.ts';
import { rowCountSql, TABLE_NAMES } from '../../db/schema.ts';
import { saveCopy, Workspace, type WorkspaceSettings } from '../../db/workspace.ts';
import type { CoreContext } from '../context.ts';
import { importFiles, previewImport } from '../../ingest/importFiles.ts';
import { unmatchedTickets } from '../../ingest/outcome.ts';
import { userTables } from '../../ingest/table.ts';
import { countCustomers } from '../../analysis/activity.ts';
import { countKnownCustomers, orderFacts, ticketCustomers } from '../../db/summaries.ts';

const OPTIONAL_TICKET_COLUMNS = ['customer_id', 'created_at', 'channel', 'category', 'subject', 'body', 'rating', 'order_id', 'refund_reason', 'label'];

async function describe(workspace: Workspace): Promise<WorkspaceInfo> {
  return workspace.withConnection(async (connection) => {
    const tables: TableCount[] = [];
    // the customers view groups every order and ticket; the summaries count it without, and the
    // tickets' customers are looked up among those with orders once, for the count and the alert
    const ticketsLooked = await ticketCustomers(connection);
    const knownCustomers = await countKnownCustomers(connection, ticketsLooked);
    for (const name of TABLE_NAMES) {
      if (name === 'customers' && knownCustomers !== null) {
        tables.push({ name, rows: knownCustomers });
        continue;
      }
      const [row] = await queryRows<{ n: number }>(connection, rowCountSql(name));
      tables.push({ name, rows: row?.n ?? 0 });
    }
    const count = (name: string) => tables.find((table) => table.name === name)?.rows ?? 0;
    // the orders' range, columns and amounts from the summary the import keeps (one pass over every order otherwise)
    const facts = await orderFacts(connection);
    const filled = async (table: string, columns: string[]) => {
      if (columns.length === 0) return [];
      const [row] = await queryRows(connection, `SELECT ${columns.map((c) => `count(${quoteIdent(c)}) > 0 AS ${quoteIdent(c)}`).join(', ')} FROM ${quoteIdent(table)}`);
      return columns.filter((column) => row?.[column] === true);
    };
    const sources = await queryRows(
      connection,
      `SELECT source_id, file, kind, format, encoding, size_bytes, rows_read, rows_loaded, rows_rejected, mapping,
              strftime(imported_at, '%Y-%m-%dT%H:%M:%S') AS imported_at
       FROM sources ORDER BY source_id`,
    );
    const customers = await countCustomers(connection);
    return {
      path: workspace.path,
      tables,
      orders: count('orders'),
      customers,
      tickets: count('tickets'),
      dateRange: facts.firstAt && facts.lastAt ? { from: facts.firstAt, to: facts.lastAt } : null,
      sources: sources.map(
        (row): SourceInfo => ({
          sourceId: Number(row.source_id),
          file: String(row.file),
          kind: row.kind === 'tickets' || row.kind === 'table' || row.kind === 'surveys' ? row.kind : 'orders',
          format: String(row.format) as SourceInfo['format'],
          encoding: row.encoding === null ? null : String(row.encoding),
          sizeBytes: Number(row.size_bytes),
          rowsRead: Number(row.rows_read),
          rowsLoaded: Number(row.rows_loaded),
          rowsRejected: Number(row.rows_rejected),
          mapping: JSON.parse(String(row.mapping)) as SourceInfo['mapping'],
          importedAt: String(row.imported_at),
        }),
      ),
      filledColumns: {
        orders: facts.filledColumns,
        tickets: await filled('tickets', OPTIONAL_TICKET_COLUMNS),
      },
      userTables: await userTables(connection),
      alerts: [
        ...(facts.orders > 0 && facts.amounts === 0
          ? [{ code: 'no_amount' as const, message: 'no order has an amount: revenue, value and refund figures are empty; re-import the orders with an amount column mapped' }]
          : []),
        ...[await unmatchedTickets(connection, 0, ticketsLooked)].filter((alert) => alert !== null),
      ],
    };
  });
}

export function workspaceHandlers(context: CoreContext, settings: WorkspaceSettings): WorkspaceApi {
  return {
    async openWorkspace({ path }) {
      const workspace = await Workspace.open(path, settings);
      await context.setWorkspace(workspace);
      return describe(workspace);
    },
    async saveWorkspaceAs({ path }) {
      await context.withConnection((connection) => saveCopy(connection, path));
      const workspace = await Workspace.open(path, settings);
      await context.setWorkspace(workspace);
      return describe(workspace);
    },
    describeWorkspace: () => context.withWorkspace(describe),
    previewImport: (request) => context.withWorkspace((workspace) => previewImport(workspace, request)),
    importFiles: (request) => context.task(request.taskId, (scope, workspace) => importFiles(workspace, scope, request)),
    rejects: ({ sourceId, offset = 0, limit = 1000 }) =>
      context.withConnection((connection) =>
        queryArrow(
          connection,
          `SELECT file, line, "column", raw, reason FROM rejects
           WHERE $source IS NULL OR source_id = $source ORDER BY source_id, line LIMIT $limit OFFSET $offset`,
          { source: sourceId ?? null, limit, offset },
        ),
      ),
    async cancel({ taskId }) {
      if (typeof taskId !== 'string') throw new CoreError('E_ARGS', 'cancel: taskId must be a string');
      return { cancelled: await context.cancel(taskId) };
    },
  };
}
