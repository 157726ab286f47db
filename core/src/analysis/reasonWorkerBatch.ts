// One page of distinct ticket contents classified into the rows of `reason_results`: the unit of
// work of the reason worker threads (reasonWorker.ts) and of a run too small to start them
// (reasonTickets.ts). Pages travel as column arrays, which copy between threads far faster than row
// objects, and come back as columns ready for the appender.
import type { CompiledTaxonomy } from './reasonClassify.ts';
import { classifyWithModel } from './reasonCorrections.ts';
import type { ReasonModel } from './reasonModel.ts';
import { WorkerFailure } from '../task/workerPool.ts';

/** Distinct contents, one index per content across the columns. */
export interface ContentPage {
  category: (string | null)[];
  subject: (string | null)[];
  body: (string | null)[];
  refundReason: (string | null)[];
  rating: (number | null)[];
}

/** One row per reason found (at least one per content: `unknown` when none); `row` is the content's index in its page. */
export interface ClassifiedPage {
  row: number[];
  reason: string[];
  confidence: number[];
  /** JSON of the evidence list, as `ticket_reasons` stores it. */
  evidence: string[];
  primary: boolean[];
  source: string[];
}

/** Classifies every content of a page; a content that fails throws a WorkerFailure naming its row. */
export function classifyPage(matcher: CompiledTaxonomy, model: ReasonModel | null, page: ContentPage): ClassifiedPage {
  const result: ClassifiedPage = { row: [], reason: [], confidence: [], evidence: [], primary: [], source: [] };
  for (let row = 0; row < page.body.length; row++) {
    const fields = { category: page.category[row], subject: page.subject[row], body: page.body[row], refund_reason: page.refundReason[row], rating: page.rating[row] };
    let classification;
    try {
      classification = classifyWithModel(matcher, model, fields);
    } catch (error) {
      throw new WorkerFailure(error instanceof Error ? error.message : String(error), { row });
    }
    for (const match of classification.reasons) {
      result.row.push(row);
      result.reason.push(match.reason);
      result.confidence.push(match.confidence);
      result.evidence.push(JSON.stringify(match.evidence));
      result.primary.push(match.reason === classification.primary);
      result.source.push(match.source ?? 'rules');
    }
  }
  return result;
}
