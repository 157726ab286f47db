// One page of distinct ticket contents classified into the rows of `reason_results`: the unit of
// work of the reason worker threads (reasonWorker.ts) and of a run too small to start them
// (reasonTickets.ts). A page travels as one text each way: DuckDB writes the contents as one JSON
// text and reads the results back by splitting one text, so the thread that holds the connection
// converts two values a page instead of several per content (converting them one by one, and
// appending the results value by value, took that thread longer than the classifying took the workers).
import type { Classification } from '../api/reasons.ts';
import { WorkerFailure } from '../task/workerPool.ts';
import type { CompiledTaxonomy } from './reasonClassify.ts';
import { classifyWithModel } from './reasonCorrections.ts';
import type { ReasonModel } from './reasonModel.ts';

/**
 * Distinct contents as DuckDB's to_json writes them: per content its category, subject, body and
 * refund reason (null when absent) and its rating (a finite number or null).
 */
export type ContentPage = string;

type Content = [category: string | null, subject: string | null, body: string | null, refundReason: string | null, rating: number | null];

/**
 * The page's rows of `reason_results`, one per reason found (at least one per content: `unknown` when
 * none), each the content's index in its page, reason, confidence, evidence JSON, primary (1 or 0),
 * source, and whether an evidence term of the content's subject or body holds a digit (1 or 0: then
 * contents that differ only in digits differ in evidence), joined by FIELD_SEPARATOR; rows joined by
 * ROW_SEPARATOR. Neither can occur inside a field: reason keys are letters, digits and _, numbers
 * and sources are ours, and JSON escapes every control character.
 */
export type ClassifiedPage = string;
export const ROW_SEPARATOR = '\x1e';
export const FIELD_SEPARATOR = '\x1f';

const DIGIT = /[0-9]/;

// Plain loops, no closures made per content: tsx wraps every function it makes in a naming helper
function textTermsHoldDigits(classification: Classification): boolean {
  for (const match of classification.reasons) {
    for (const evidence of match.evidence) {
      if (evidence.field !== 'subject' && evidence.field !== 'body') continue;
      for (const term of evidence.terms) if (DIGIT.test(term)) return true;
    }
  }
  return false;
}

/** Classifies every content of a page; a content that fails throws a WorkerFailure naming its row. */
export function classifyPage(matcher: CompiledTaxonomy, model: ReasonModel | null, page: ContentPage): ClassifiedPage {
  const contents = JSON.parse(page) as Content[];
  const rows: string[] = [];
  for (let row = 0; row < contents.length; row++) {
    const [category, subject, body, refundReason, rating] = contents[row]!;
    let classification: Classification;
    try {
      classification = classifyWithModel(matcher, model, { category, subject, body, refund_reason: refundReason, rating });
    } catch (error) {
      throw new WorkerFailure(error instanceof Error ? error.message : String(error), { row });
    }
    const digits = textTermsHoldDigits(classification) ? 1 : 0;
    for (const match of classification.reasons) {
      const primary = match.reason === classification.primary ? 1 : 0;
      rows.push([row, match.reason, match.confidence, JSON.stringify(match.evidence), primary, match.source ?? 'rules', digits].join(FIELD_SEPARATOR));
    }
  }
  return rows.join(ROW_SEPARATOR);
}
