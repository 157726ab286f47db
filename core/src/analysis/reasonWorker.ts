// Worker thread entry of the reason classification (reasonTickets.ts starts a pool of these): it
// compiles the taxonomy once, keeps the model learned from corrections, and classifies the pages of
// distinct contents it is sent. Bundled on its own as reasonWorker.mjs (core/bin/buildCli.ts, electron/build.ts).
import type { Taxonomy } from '../api/reasons.ts';
import { serveWorker } from '../task/workerPool.ts';
import { compileTaxonomy } from './reasonClassify.ts';
import type { ReasonModel } from './reasonModel.ts';
import { classifyPage, type ContentPage } from './reasonWorkerBatch.ts';

export interface ReasonWorkerData {
  taxonomy: Taxonomy;
  model: ReasonModel | null;
}

serveWorker(({ taxonomy, model }: ReasonWorkerData) => {
  const matcher = compileTaxonomy(taxonomy);
  return (page: ContentPage) => classifyPage(matcher, model, page);
});
