// Drivers verbs of CoreApi, bound to the shared context. The reason covariate and survey comments read
// the ticket classifications, brought up to date first; RFM and shopper types are refreshed for the
// same evaluation date when a model asks for them. Both stored results take their turns (task locks).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DriversApi, DriversOptions } from '../../api/drivers.ts';
import type { Taxonomy } from '../../api/reasons.ts';
import { churnDrivers } from '../../analysis/drivers.ts';
import { classifyTickets } from '../../analysis/reasonTickets.ts';
import { checkTaxonomy, workspaceTaxonomy } from '../../analysis/reasonTaxonomy.ts';
import { rfm } from '../../analysis/rfm.ts';
import { shopperTypes } from '../../analysis/shopperTypes.ts';
import { surveys } from '../../analysis/surveys.ts';
import { whatIf } from '../../analysis/whatIf.ts';
import type { CoreContext } from '../context.ts';
import { scopeFor } from '../../task/analysisScope.ts';
import type { TaskScope } from '../../task/scope.ts';

async function taxonomyOf(connection: DuckDBConnection, taxonomy: Taxonomy | undefined): Promise<Taxonomy> {
  return taxonomy === undefined ? (await workspaceTaxonomy(connection)).taxonomy : checkTaxonomy(taxonomy);
}

/** Brings the stored inputs of an order-workspace model up to date: ticket reasons, and RFM / shopper types when named. */
async function prepareDrivers({ connection, progress, signal }: TaskScope, taxonomy: Taxonomy, options: DriversOptions): Promise<void> {
  if (options.source) return;
  const activity = { ...(options.asOf === undefined ? {} : { asOf: options.asOf }), ...(options.statuses === undefined ? {} : { statuses: options.statuses }) };
  progress.update({ phase: 'classify' }, true);
  await classifyTickets(connection, taxonomy, { signal, onProgress: (tickets) => progress.update({ phase: 'classify', rows: tickets }, true) });
  const named = options.covariates ?? [];
  if (named.includes('rfmSegment')) await rfm(connection, activity);
  // The default set includes shopper types, so they are refreshed unless covariates leave them out
  if (options.covariates === undefined || named.includes('shopperType')) await shopperTypes(connection, activity);
  progress.update({ phase: 'analyse' }, true);
}

export function driversHandlers(context: CoreContext): DriversApi {
  return {
    churnDrivers: ({ taskId, scope, ...options }) =>
      context.task(taskId, async (task) => {
        const taxonomy = await taxonomyOf(task.connection, options.taxonomy);
        await prepareDrivers(task, taxonomy, options);
        return churnDrivers(task.connection, taxonomy, options);
      }, ['ticket-reasons', 'customer-results'], scopeFor(scope, null)),
    surveys: ({ taskId, scope, ...options }) =>
      context.task(taskId, async ({ connection, progress }) => {
        progress.update({ phase: 'analyse' }, true);
        return surveys(connection, await taxonomyOf(connection, options.taxonomy), options);
      }, [], scopeFor(scope, null)),
    whatIf: ({ taskId, scope, ...options }) =>
      context.task(taskId, async (task) => {
        const taxonomy = await taxonomyOf(task.connection, options.drivers?.taxonomy);
        await prepareDrivers(task, taxonomy, { ...options.drivers, covariates: [options.term, ...(options.drivers?.covariates ?? [])] });
        return whatIf(task.connection, taxonomy, options);
      }, ['ticket-reasons', 'customer-results'], scopeFor(scope, null)),
  };
}
