// Saved-view verbs of CoreApi: short reads and writes of the workspace's saved_views table.
import type { ViewsApi } from '../../api/views.ts';
import { deleteView, listViews, saveView, scopeChoices } from '../../db/savedViews.ts';
import type { CoreContext } from '../context.ts';

export function viewsHandlers(context: CoreContext): ViewsApi {
  return {
    listViews: () => context.withConnection(listViews),
    saveView: (request) => context.withConnection((connection) => saveView(connection, request)),
    deleteView: ({ name }) => context.withConnection((connection) => deleteView(connection, name)),
    scopeChoices: () => context.withConnection(scopeChoices),
  };
}
