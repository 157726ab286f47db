// Reasons verbs of CoreApi, bound to the shared context: classification and segmentation run as cancellable tasks,
// one at a time, since each may bring ticket_reasons up to date.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReasonsApi, Taxonomy, TaxonomyChoice } from '../../api/reasons.ts';
import { requireOrders } from '../../analysis/activity.ts';
import { churnReasons, reasonMembers } from '../../analysis/churnReasons.ts';
import { compileTaxonomy } from '../../analysis/reasonClassify.ts';
import { classifyTickets, ticketEvidence } from '../../analysis/reasonTickets.ts';
import { checkTaxonomy, saveWorkspaceTaxonomy, workspaceTaxonomy } from '../../analysis/reasonTaxonomy.ts';
import { classifyWithModel, correctionsInfo, correctTicket, workspaceModel } from '../../analysis/reasonCorrections.ts';
import { scopeFor } from '../../task/analysisScope.ts';
import type { TaskScope } from '../../task/scope.ts';
import type { CoreContext } from '../context.ts';

/** The request's unsaved taxonomy, checked, or else the workspace's. */
async function chosenTaxonomy(connection: DuckDBConnection, choice: TaxonomyChoice): Promise<Taxonomy> {
  return choice.taxonomy === undefined ? (await workspaceTaxonomy(connection)).taxonomy : checkTaxonomy(choice.taxonomy);
}

/** The rules of the taxonomy in force blended with the model learned from the workspace's corrections, looked up once for any number of texts. */
async function textClassifier(connection: DuckDBConnection, choice: TaxonomyChoice) {
  const inForce = await chosenTaxonomy(connection, choice);
  const { model } = await workspaceModel(connection, inForce);
  const compiled = compileTaxonomy(inForce);
  return (fields: Parameters<typeof classifyWithModel>[2]) => classifyWithModel(compiled, model, fields);
}

/**
 * Brings `ticket_reasons` up to date for the taxonomy, reporting the tickets classified. classifyTickets
 * spaces its calls itself (500 ms apart, plus start and end), so each one is sent: the reporter's own
 * throttle would drop the end, and with it the final count.
 */
function classifyInTask({ connection, progress, signal }: TaskScope, taxonomy: Taxonomy, full = false) {
  progress.update({ phase: 'analyse' }, true);
  return classifyTickets(connection, taxonomy, { full, signal, onProgress: (tickets) => progress.update({ phase: 'classify', rows: tickets }, true) });
}

export function reasonsHandlers(context: CoreContext): ReasonsApi {
  const withConnection = <T>(work: (connection: DuckDBConnection) => Promise<T>) => context.withConnection(work);
  return {
    getTaxonomy: () => withConnection(workspaceTaxonomy),
    setTaxonomy: ({ taxonomy }) => withConnection((connection) => saveWorkspaceTaxonomy(connection, taxonomy)),
    // The rules blended with the model learned from the workspace's corrections, as its tickets are classified
    classifyText: ({ text, fields, taxonomy }) =>
      withConnection(async (connection) => (await textClassifier(connection, { taxonomy }))(fields ?? { body: text ?? '' })),
    classifyTexts: ({ texts, taxonomy }) =>
      withConnection(async (connection) => {
        const classify = await textClassifier(connection, { taxonomy });
        return texts.map((text) => classify({ body: text }));
      }),
    classifyTickets: ({ taskId, full, taxonomy }) =>
      context.task(taskId, async (scope) => classifyInTask(scope, await chosenTaxonomy(scope.connection, { taxonomy }), full), ['ticket-reasons']),
    ticketEvidence: ({ ticketId, taxonomy }) =>
      withConnection(async (connection) => ticketEvidence(connection, await chosenTaxonomy(connection, { taxonomy }), ticketId)),
    churnReasons: ({ taskId, taxonomy: choice, scope, ...options }) =>
      context.task(taskId, async (task) => {
        const taxonomy = await chosenTaxonomy(task.connection, { taxonomy: choice });
        // Churn by the inactivity rule needs orders: say so before classifying every ticket for nothing
        if (!options.churnFlag) await requireOrders(task.connection);
        await classifyInTask(task, taxonomy);
        task.progress.update({ phase: 'analyse' }, true);
        return churnReasons(task.connection, taxonomy, options);
      }, ['ticket-reasons'], scopeFor(scope, null)),
    correctTicketReason: ({ ticketId, reason }) =>
      withConnection(async (connection) => {
        const taxonomy = await chosenTaxonomy(connection, {});
        await correctTicket(connection, taxonomy, ticketId, reason);
        return correctionsInfo(connection, taxonomy);
      }),
    reasonCorrections: ({ taxonomy }) => withConnection(async (connection) => correctionsInfo(connection, await chosenTaxonomy(connection, { taxonomy }))),
    reasonMembers: ({ taskId, taxonomy: choice, scope, ...request }) =>
      context.task(taskId, async (task) => {
        const taxonomy = await chosenTaxonomy(task.connection, { taxonomy: choice });
        await classifyInTask(task, taxonomy);
        return reasonMembers(task.connection, taxonomy, request);
      }, ['ticket-reasons'], scopeFor(scope, null)),
  };
}
