// Saved views kept in the workspace (the saved_views table), and the choices a scope offers.
import type { DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { SCOPE_CHOICES_LIMIT, SCOPE_COLUMNS, type AnalysisScope, type SavedView, type SaveViewRequest, type ScopeChoices, type ViewSettings } from '../api/views.ts';
import { queryOne, queryRows, quoteIdent } from './sql.ts';

export async function listViews(connection: DuckDBConnection): Promise<SavedView[]> {
  const rows = await queryRows<{ name: string; scope: string; settings: string; saved_at: string }>(
    connection,
    'SELECT name, scope, settings, saved_at FROM saved_views ORDER BY name',
  );
  return rows.map((row) => ({
    name: row.name,
    scope: JSON.parse(row.scope) as AnalysisScope,
    settings: JSON.parse(row.settings) as ViewSettings,
    savedAt: row.saved_at,
  }));
}

/** Saves a view under its name (trimmed), replacing one of the same name. */
export async function saveView(connection: DuckDBConnection, request: SaveViewRequest): Promise<SavedView[]> {
  await connection.run('INSERT OR REPLACE INTO saved_views VALUES ($name, $scope, $settings, now()::TIMESTAMP)', {
    name: request.name.trim(),
    scope: JSON.stringify(request.scope),
    settings: JSON.stringify(request.settings ?? {}),
  });
  return listViews(connection);
}

export async function deleteView(connection: DuckDBConnection, name: string): Promise<SavedView[]> {
  await viewScope(connection, name);
  await connection.run('DELETE FROM saved_views WHERE name = $name', { name });
  return listViews(connection);
}

/** The saved view's scope; E_NOT_FOUND naming the views there are when none has that name. */
export async function viewScope(connection: DuckDBConnection, name: string): Promise<AnalysisScope> {
  const views = await listViews(connection);
  const view = views.find((candidate) => candidate.name === name);
  if (!view) {
    const known = views.map((candidate) => candidate.name).join(', ') || 'none';
    throw new CoreError('E_NOT_FOUND', `no saved view is named ${JSON.stringify(name)} (saved views: ${known})`, { name });
  }
  return view.scope;
}

/** The orders' first and last day, and each scope column's values with their customers, most first. */
export async function scopeChoices(connection: DuckDBConnection): Promise<ScopeChoices> {
  const range = await queryOne<{ first: string | null; last: string | null }>(
    connection,
    'SELECT strftime(min(ordered_at), \'%Y-%m-%d\') AS "first", strftime(max(ordered_at), \'%Y-%m-%d\') AS "last" FROM orders',
  );
  const columns = {} as ScopeChoices['columns'];
  for (const column of SCOPE_COLUMNS) {
    columns[column] = await queryRows<{ value: string; customers: number }>(
      connection,
      `SELECT ${quoteIdent(column)} AS value, count(DISTINCT customer_id) AS customers FROM orders
       WHERE ${quoteIdent(column)} IS NOT NULL GROUP BY ALL ORDER BY customers DESC, value LIMIT $limit`,
      { limit: SCOPE_CHOICES_LIMIT },
    );
  }
  return { firstDay: range.first, lastDay: range.last, columns };
}
