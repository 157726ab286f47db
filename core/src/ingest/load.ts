// Stage 5 of an import (probe -> decode -> read -> map -> load -> record): the mapped rows into the
// canonical tables, in one transaction with the record stage, so a failure or a cancel leaves the
// workspace as it was.
//
// Two ways in:
// - direct (orders.ts): order-level CSV exports are normalised and inserted into `orders` by one
//   INSERT ... SELECT straight from the file, the fastest path DuckDB has (one parse, one write).
//   Date and number columns whose sample was clean are read typed by DuckDB's reader; when a later
//   value proves the sample wrong, the transaction is rolled back and the load starts over with
//   every column read as text, so such a file pays for two reads and loads exactly as the text
//   path alone would load it;
// - staged: line-level orders (orderLines.ts), tickets and surveys (feedback.ts) are normalised
//   into a temporary table, then folded into orders and order_lines, or into tickets.
// Then, in this order: rejects counted and numbered (rejects.ts), ids repeated within the import
// folded, older imports' rows with this import's ids replaced, credit notes moved out of orders,
// and the files recorded in `sources` (record.ts).
//
// The connection is the task's (core/src/task/runner.ts): it refuses every statement once the task
// is cancelled and is interrupted by the cancel, so the load needs no cancel handling of its own.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportKind } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import { inTransaction, queryOne, quoteIdent } from '../db/sql.ts';
import { refreshSummaries } from '../db/summaries.ts';
import type { TaskScope } from '../task/scope.ts';
import { insertSurveys, insertTickets, replaceOlderSurveys, replaceOlderTickets } from './feedback.ts';
import { NATIVE_MISS, normalisedRowsSql, rowParams } from './normalise.ts';
import { insertOrderLines } from './orderLines.ts';
import { foldDuplicateOrders, insertOrdersDirect, moveCreditNotes, replaceOlderOrders } from './orders.ts';
import { recordSources } from './record.ts';
import { castErrors, describeReject, recordRejects, rejectCountsOf, rejectsOf } from './rejects.ts';
import type { LoadedImport, LoadInput } from './staging.ts';

let tableCounter = 0;

/** A typed read met a value it cannot take as is: the load is redone with every column read as text. */
class NativeMiss extends Error {}

/**
 * The load and record stages in one transaction; rolled back on any failure, a cancel included. A
 * load whose typed columns met a value for the text path is rolled back and run again without them.
 */
export async function loadImport(scope: TaskScope, input: LoadInput): Promise<LoadedImport> {
  const attempt = async (attempted: LoadInput) => {
    try {
      return await inTransaction(scope.connection, async () => {
        const loaded = await load(scope, attempted);
        await recordSources(scope.connection, attempted, loaded);
        return loaded;
      });
    } catch (error) {
      const miss = error instanceof NativeMiss || (error instanceof Error && error.message.includes(NATIVE_MISS));
      throw miss && !scope.signal.aborted ? new NativeMiss() : error;
    }
  };
  return attempt(input).catch((error: unknown) => {
    if (!(error instanceof NativeMiss)) throw error;
    return attempt({ ...input, native: new Set() });
  });
}

async function load(scope: TaskScope, input: LoadInput): Promise<LoadedImport> {
  const connection = scope.connection;
  const { base } = await queryOne<{ base: number }>(connection, 'SELECT coalesce(max(source_id), 0) + 1 AS base FROM sources');
  if (input.mode === 'replace') await clearKind(connection, input.kind);
  const suffix = ++tableCounter;
  const positions = input.files.map((_, index) => index).filter((index) => !input.auxiliary.has(index));
  const csvTables = (position: number) => ({ errors: `cw_csv_errors_${suffix}_${position}`, scans: `cw_csv_scans_${suffix}_${position}` });
  const bytesTotal = input.files.reduce((sum, file) => sum + file.sizeBytes, 0);
  const direct = input.kind === 'orders' && !input.plan.lineLevel && input.files.every((file) => file.reader.kind === 'csv' || file.reader.kind === 'whitespace');
  const native = direct ? input.native : new Set<string>();
  const source = input.source((position) => ({ ...input.limits, rejectsTables: input.auxiliary.has(position) ? null : csvTables(position) }), native);
  const params = { ...source.params, ...rowParams(input.plan), cw_base: base };
  // The direct read only loads; which rows failed, and why, is the business of the numbered re-read.
  const rows = normalisedRowsSql(input.plan, source.sql, [], direct, native);
  const loaded = direct
    ? await insertOrdersDirect(scope, input.plan, rows, params, bytesTotal)
    : input.kind === 'orders'
      ? await insertOrderLines(scope, input.plan, rows, params, bytesTotal, suffix)
      : input.kind === 'surveys'
        ? await insertSurveys(scope, input.plan, rows, params, bytesTotal, suffix)
        : await insertTickets(scope, input.plan, rows, params, bytesTotal, suffix);

  if (native.size > 0) {
    for (const position of positions) if (await castErrors(connection, csvTables(position).errors)) throw new NativeMiss();
  }

  const perFile = await recordRejects(scope, input, { base, positions, csvTables, loaded });
  const totals = perFile.reduce((sum, counts) => ({ read: sum.read + counts.rowsRead, loaded: sum.loaded + counts.rowsLoaded }), { read: 0, loaded: 0 });
  const names = positions.map((position) => input.files[position]?.path ?? '').join(', ');
  if (totals.read === 0) throw new CoreError('E_NO_DATA', `${names}: no data rows to import`, { files: names });
  if (totals.loaded === 0) {
    const [first] = await rejectsOf(connection, base, 1);
    throw new CoreError('E_VALUE', `${names}: no row could be loaded; first problem: ${first ? describeReject(first) : 'unknown'}`, { files: names });
  }

  scope.progress.update({ phase: 'swap' }, true);
  const rowsFolded = direct
    ? await foldDuplicateOrders(connection, base, !('order_id' in input.plan.derived))
    : input.kind === 'tickets'
      ? totals.loaded - (await queryOne<{ n: number }>(connection, 'SELECT count(*) AS n FROM tickets WHERE source_id >= $base', { base })).n
      : 0;
  const rowsReplaced =
    input.kind === 'orders' ? await replaceOlderOrders(connection, base) : input.kind === 'surveys' ? await replaceOlderSurveys(connection, base) : await replaceOlderTickets(connection, base);
  const creditNotes = input.kind === 'orders' ? await moveCreditNotes(connection, base) : { moved: 0, replaced: 0 };
  // The canonical tables now hold this import's final rows, inside its transaction: work derived
  // from them (tables the import maintains) belongs here, before the record stage.
  if (input.kind === 'orders') await refreshSummaries(connection, base);
  return {
    base,
    perFile,
    rowsReplaced: rowsReplaced + creditNotes.replaced,
    rowsFolded: Number(rowsFolded),
    creditNotes: creditNotes.moved,
    rejectsSample: await rejectsOf(connection, base, 10),
    rejectCounts: await rejectCountsOf(connection, base),
  };
}

/** Mode replace: the kind's rows, rejects and sources go before the new rows come in. */
async function clearKind(connection: DuckDBConnection, kind: ImportKind): Promise<void> {
  for (const table of kind === 'orders' ? ['orders', 'order_lines', 'credit_notes'] : kind === 'surveys' ? ['surveys'] : ['tickets']) await connection.run(`DELETE FROM ${quoteIdent(table)}`);
  await connection.run('DELETE FROM rejects WHERE source_id IN (SELECT source_id FROM sources WHERE kind = $kind)', { kind });
  await connection.run('DELETE FROM sources WHERE kind = $kind', { kind });
}
