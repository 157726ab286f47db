// Reasons verbs of CoreApi, bound to the shared context: classification and segmentation run as cancellable tasks.
import type { ReasonsApi, Taxonomy } from '../../api/reasons.ts';
import { churnReasons, reasonMembers } from '../../analysis/churnReasons.ts';
import { classifyFields, compileTaxonomy } from '../../analysis/reasonClassify.ts';
import { classifyTickets, ticketEvidence } from '../../analysis/reasonTickets.ts';
import { checkTaxonomy, saveWorkspaceTaxonomy, workspaceTaxonomy } from '../../analysis/reasonTaxonomy.ts';
import type { CoreContext, TaskScope } from '../context.ts';

/** Brings `ticket_reasons` up to date for the taxonomy, reporting progress per page of distinct contents. */
function classifyInTask({ connection, progress, signal }: TaskScope, taxonomy: Taxonomy, full = false) {
  progress.update({ phase: 'analyse' }, true);
  return classifyTickets(connection, taxonomy, { full, signal, onProgress: (done) => progress.update({ phase: 'analyse', rows: done }) });
}

export function reasonsHandlers(context: CoreContext): ReasonsApi {
  const taxonomyOf = (scope: TaskScope) => workspaceTaxonomy(scope.connection).then((info) => info.taxonomy);
  return {
    getTaxonomy: () => context.workspace().withConnection(workspaceTaxonomy),
    setTaxonomy: ({ taxonomy }) => context.workspace().withConnection((connection) => saveWorkspaceTaxonomy(connection, taxonomy)),
    classifyText: async ({ text, fields, taxonomy }) => {
      const inForce = taxonomy === undefined ? (await context.workspace().withConnection(workspaceTaxonomy)).taxonomy : checkTaxonomy(taxonomy);
      return classifyFields(compileTaxonomy(inForce), fields ?? { body: text ?? '' });
    },
    classifyTickets: ({ taskId, full }) => context.task(taskId, async (scope) => classifyInTask(scope, await taxonomyOf(scope), full)),
    ticketEvidence: ({ ticketId }) =>
      context.workspace().withConnection(async (connection) => ticketEvidence(connection, (await workspaceTaxonomy(connection)).taxonomy, ticketId)),
    churnReasons: ({ taskId, ...options }) =>
      context.task(taskId, async (scope) => {
        const taxonomy = await taxonomyOf(scope);
        await classifyInTask(scope, taxonomy);
        scope.progress.update({ phase: 'analyse' }, true);
        return churnReasons(scope.connection, taxonomy, options);
      }),
    reasonMembers: ({ taskId, ...request }) =>
      context.task(taskId, async (scope) => {
        const taxonomy = await taxonomyOf(scope);
        await classifyInTask(scope, taxonomy);
        return reasonMembers(scope.connection, taxonomy, request);
      }),
  };
}
