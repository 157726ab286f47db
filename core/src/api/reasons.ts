// Contract of the churn-reasons area: DOMAIN.md section 3 as verbs.
//
// Tickets, reviews and refund reasons are classified into the reasons of a taxonomy (bundled in
// resources/taxonomy/churn-reasons.json, editable per workspace); churned customers are then
// attributed the reasons of their tickets in a window before they churned.
import type { ChurnRuleInfo, ChurnRuleOptions, OrderStatusName, TaskRequest } from './retention.ts';
import type { ScopedRequest } from './views.ts';

/** The six churn types of seed 002, a level above reasons. */
export type ChurnType = 'competitive' | 'natural' | 'detail_neglect' | 'market_fluctuation' | 'disappointment' | 'big_shop_neglect';

/** The ticket fields evidence can come from; `rating` means a low rating (at most `lowRating`). */
export type ReasonField = 'category' | 'refund_reason' | 'subject' | 'body' | 'rating';

/** Key of the row that holds tickets no reason matched; never hidden. */
export const UNKNOWN_REASON = 'unknown';

export interface TaxonomyTerms {
  /** Plain words, matched after normalisation (NFKC, lower case, traditional to simplified). */
  zh: string[];
  en: string[];
}

export interface TaxonomyReason {
  /** Stable key, e.g. `product_quality`; `unknown` is reserved. */
  key: string;
  zh: string;
  en: string;
  churnType: ChurnType;
  /** Complaints by themselves (假货, 发错货, "wrong item"): the reason unless negated (没有质量问题). */
  keywords: TaxonomyTerms;
  /** Words naming the aspect (质量, 物流, 客服, "delivery"): a reason only with a negative opinion about them (质量很差, 客服不太好). */
  aspects?: TaxonomyTerms;
  /** Actions the shop owes (退款, 发货, 回复, "refund", "reply"): a complaint when negated (不给退款, 没收到, "never replied"). */
  actions?: TaxonomyTerms;
  /** Opinion words that name this aspect when no aspect word is near (慢 and "late" are delivery, 贵 is price). */
  opinions?: { negative?: TaxonomyTerms; positive?: TaxonomyTerms };
  /**
   * Regular expressions (JavaScript syntax) on each normalised clause; checked to be safe (no
   * nested or alternated quantified groups, no back-references or look-arounds), since a
   * catastrophic pattern would hang classification.
   */
  patterns?: string[];
  /** Ticket category or refund-reason values that name this reason outright (structured fields win over text). */
  categories?: string[];
}

/** Words every reason shares: how opinions, negation and clauses are read. */
export interface TaxonomyLexicon {
  /** Opinion words without an aspect of their own: 好, 不错, "great"; 差, 垃圾, "poor". */
  positive: TaxonomyTerms;
  negative: TaxonomyTerms;
  /** Phrases that contain a negation word but negate nothing: 没想到, 不得不, 没几天. */
  fixed: TaxonomyTerms;
  /** Words that end a negation's scope because what follows is asserted: 这么, 如此, "such". */
  blockers: TaxonomyTerms;
  /** Words that open a contrasting clause: 但是, 就是, "but". */
  contrast: TaxonomyTerms;
  /** Words of a wish, which states a lack: praise in its clause is a complaint (要是能再快一点就更好了). */
  wishes?: TaxonomyTerms;
}

export interface Taxonomy {
  /** Bumped on every edit; stored classifications of another version are re-run. */
  version: number;
  /**
   * Words that negate what they govern: the next opinion, complaint or action in the same clause,
   * within four words, unless a blocker comes first ("没有质量问题", "no problem with delivery",
   * 不太好; but 从来没有这么差, "never had such poor quality" stay complaints).
   */
  negations: TaxonomyTerms;
  /** Shared opinion and clause words; the bundled lexicon when absent. */
  lexicon?: TaxonomyLexicon;
  /**
   * The reason of a complaint about a thing no aspect names (米线一般, 牛柳越来越少: in reviews, the
   * goods); absent: such complaints give no reason.
   */
  unnamedAspect?: string;
  churnTypes: { key: ChurnType; zh: string; en: string }[];
  reasons: TaxonomyReason[];
  /** A rating at or below this counts as evidence of dissatisfaction (not of a particular reason). Default 2. */
  lowRating?: number;
}

export interface TaxonomyInfo {
  taxonomy: Taxonomy;
  /** `bundled`: the file shipped with the app; `workspace`: an edit saved in this workspace. */
  source: 'bundled' | 'workspace';
}

export interface Evidence {
  field: ReasonField;
  /** The words or pattern matches found, in normalised form (lower case, simplified); a category value as written. */
  terms: string[];
  /** Where each complaint lies in the field's normalised text (UTF-16 offsets, end exclusive); absent for a category value or rating. */
  spans?: { start: number; end: number }[];
}

export interface ReasonMatch {
  reason: string;
  /** 0..1: structured fields highest, several independent complaints higher than one; the learned model's vote blended in. */
  confidence: number;
  evidence: Evidence[];
  /** What found it: the taxonomy's rules, the model learned from corrections, or an analyst's correction of this very text. */
  source?: 'rules' | 'model' | 'correction';
}

/** One text or ticket's reasons; `[{ reason: 'unknown' }]` when nothing matched. */
export interface Classification {
  /** The one reason the text is mostly about (most complaints, ties to the first); `unknown` when none. */
  primary: string;
  /** Every reason found, the primary first; `[{ reason: 'unknown' }]` when none. */
  reasons: ReasonMatch[];
  /** Keywords found but negated, so not counted: shown so a taxonomy edit can be checked. */
  negated: Evidence[];
  /** Aspects praised (客服态度很好, 物流很快): not reasons, shown so it is clear why none was given. */
  praised: Evidence[];
}

export interface ClassifyTextRequest {
  /** Classified as `body`. */
  text?: string;
  /** Or several fields of one ticket. */
  fields?: Partial<Record<Exclude<ReasonField, 'rating'>, string>> & { rating?: number };
  /** An unsaved taxonomy to try; default the workspace's. */
  taxonomy?: Taxonomy;
}

/** Many texts classified as one call's `text` each, with one look-up of the taxonomy and model for all. */
export interface ClassifyTextsRequest {
  texts: string[];
  /** An unsaved taxonomy to try; default the workspace's. */
  taxonomy?: Taxonomy;
}

/** Lets a call use an unsaved taxonomy (the CLI's --taxonomy FILE); stored classifications then follow it. */
export interface TaxonomyChoice {
  /** Default: the workspace's (getTaxonomy). */
  taxonomy?: Taxonomy;
}

export interface ClassifyTicketsRequest extends TaskRequest, TaxonomyChoice {
  /** Re-classify every ticket, not only new ones and those of another taxonomy version. Default false. */
  full?: boolean;
}

/** Agreement of the rules with a user's labels (tickets whose `label` names a reason by key or name). */
export interface LabelAgreement {
  reason: string;
  /** Labelled with this reason. */
  labelled: number;
  /** Classified with this reason, among labelled tickets. */
  predicted: number;
  both: number;
  /** Null when the denominator is 0. */
  precision: number | null;
  recall: number | null;
}

/** A reason's agreement from its counts: precision over what was predicted, recall over what was labelled. */
export function agreementOf(reason: string, counts: { labelled: number; predicted: number; both: number }): LabelAgreement {
  const { labelled, predicted, both } = counts;
  return { reason, labelled, predicted, both, precision: predicted > 0 ? both / predicted : null, recall: labelled > 0 ? both / labelled : null };
}

export interface ClassifyTicketsResult {
  taxonomyVersion: number;
  tickets: number;
  /** Tickets classified by this call (the others were up to date). */
  classified: number;
  /** Tickets per reason, `unknown` included, largest first. */
  perReason: { reason: string; tickets: number }[];
  /** Null when no ticket carries a label that names a reason. */
  agreement: LabelAgreement[] | null;
  seconds: number;
}

export interface TicketEvidenceRequest extends TaxonomyChoice {
  ticketId: string;
}

/** The label of a correction that gives a ticket no reason. */
export const NO_REASON_LABEL = 'none';

export interface CorrectTicketRequest {
  ticketId: string;
  /** A reason key, `none` (no reason), or null to drop the ticket's correction. */
  reason: string | null;
}

/** Agreement of the learned model (blended with the rules) with corrections it did not learn from: 5-fold cross-validation. */
export interface CorrectionScore {
  /** A reason key or `none`. */
  reason: string;
  /** Corrections with this reason. */
  corrected: number;
  /** Held-out corrections the blend gave this reason. */
  predicted: number;
  both: number;
  precision: number | null;
  recall: number | null;
}

export interface CorrectionsInfo {
  corrections: number;
  /** Corrections per reason (`none` included), most first. */
  perReason: { reason: string; corrections: number }[];
  /** Whether a model is learned: at least six corrections naming at least two reasons. */
  modelTrained: boolean;
  /** Cross-validated per-reason precision and recall; empty without a model. */
  scores: CorrectionScore[];
  /** The latest corrections, newest first (at most 50). */
  recent: { ticketId: string; reason: string; correctedAt: string }[];
}

export interface TicketEvidence {
  ticket: {
    ticketId: string;
    customerId: string | null;
    createdAt: string | null;
    category: string | null;
    subject: string | null;
    body: string | null;
    refundReason: string | null;
    rating: number | null;
  };
  classification: Classification;
  /** The analyst's correction of this ticket (a reason key or `none`), null when none; it overrides the classification. */
  correction: string | null;
}

/** Where churn comes from: the orders (inactivity rule), or a flag column of any table (e.g. IBM Telco's churn label). */
export interface ChurnFlagSource {
  table: string;
  customerColumn: string;
  /** 1/0, true/false, yes/no, churned/stayed. */
  eventColumn: string;
}

export interface ChurnReasonsOptions extends ChurnRuleOptions {
  /**
   * Tickets count from this many days before a customer's last order to the churn date (last order
   * + window), or to the evaluation date for customers still active. Default 90.
   */
  daysBeforeLastOrder?: number;
  /** Churn from a flag column instead of the orders; then every ticket of a customer counts. Default null. */
  churnFlag?: ChurnFlagSource | null;
}

export interface ChurnReasonsRequest extends ChurnReasonsOptions, TaskRequest, TaxonomyChoice, ScopedRequest {}

export interface ReasonRow {
  /** Reason key, churn type key, or `unknown`. */
  key: string;
  zh: string;
  en: string;
  /** The reason's churn type; null on churn-type rows and `unknown`. */
  churnType: ChurnType | null;
  tickets: number;
  customers: number;
  churnedCustomers: number;
  /** churnedCustomers / all churned customers (a customer can carry several reasons). */
  shareOfChurned: number | null;
  /**
   * Share of customers with the reason who churned, and of all other customers. Every customer with
   * a verdict counts: with the inactivity rule, customers not churned as of the evaluation date
   * (censored) count as staying; with `churnFlag`, the flag's no.
   */
  churnRateWith: number | null;
  churnRateWithout: number | null;
  /** churnRateWith / churnRateWithout with a 95% interval (Katz log risk ratio); null when a side has no churned customer. */
  lift: number | null;
  liftLow: number | null;
  liftHigh: number | null;
  /** Trailing 12-month revenue of the churned customers with the reason, up to their last order; null without orders. */
  revenueAtStake: number | null;
  /** Median over the churned customers' tickets of days from the ticket to their last order (negative: ticket after it); null without orders. */
  medianDaysTicketToLastOrder: number | null;
}

export interface ReasonTrendPoint {
  /** ISO date of the month's first day. */
  month: string;
  reason: string;
  tickets: number;
  customers: number;
}

export interface ChurnReasonsResult {
  /** The options used; the inactivity-rule fields are null with `churnFlag` (they do not apply). */
  options: {
    daysBeforeLastOrder: number;
    churnFlag: ChurnFlagSource | null;
    windowDays: number | null;
    asOf: string | null;
    statuses: OrderStatusName[] | null;
  };
  /** The inactivity rule used; null with `churnFlag`. */
  rule: ChurnRuleInfo | null;
  taxonomyVersion: number;
  churnedCustomers: number;
  /** Customers with a churn verdict: every customer with activity, or every row of the flag table with a yes/no. */
  judgedCustomers: number;
  /** Churned customers with at least one ticket in their window. */
  churnedWithTickets: number;
  /** Tickets attributed to customers (in their windows), each once: what the reasons' shares are of. */
  attributedTickets: number;
  /**
   * Said when most attributed tickets name no reason (MOSTLY_UNKNOWN_SHARE or more of at least
   * MOSTLY_UNKNOWN_TICKETS): texts the classifier cannot read (a language other than Chinese and
   * English) or texts that are not complaints (reviews, questions); the reasons then rest on a few.
   */
  mostlyUnknown: { share: number; sentence: { zh: string; en: string } } | null;
  /** Per reason by churned customers, largest first, then `unknown` (no reason is not a reason to rank). */
  reasons: ReasonRow[];
  /** The same rolled up to churn types. */
  churnTypes: ReasonRow[];
  /** Monthly tickets per reason, by ticket date; empty when tickets carry no dates. */
  trend: ReasonTrendPoint[];
}

export interface ReasonMembersRequest extends ChurnReasonsOptions, TaskRequest, TaxonomyChoice, ScopedRequest {
  /** A reason key, a churn type key, or `unknown`. */
  key: string;
  /** Which level `key` names; needed only where a reason and a churn type share a key (`natural`). Default: reason when one has the key. */
  level?: 'reason' | 'churnType';
  /** Only churned customers. Default true. */
  churnedOnly?: boolean;
  /** Paging over customers, most tickets first. Default 0 and 10000. */
  offset?: number;
  limit?: number;
}

export interface ReasonsApi {
  /** The taxonomy in force for this workspace. */
  getTaxonomy(request: Record<string, never>): Promise<TaxonomyInfo>;
  /** Validates and saves an edited taxonomy in the workspace (null: back to the bundled file); E_TAXONOMY names the bad entry. */
  setTaxonomy(request: { taxonomy: Taxonomy | null }): Promise<TaxonomyInfo>;
  classifyText(request: ClassifyTextRequest): Promise<Classification>;
  /** classifyText of each text, in order: a file's column (classifying one call per text read the workspace's model again for each). */
  classifyTexts(request: ClassifyTextsRequest): Promise<Classification[]>;
  /** Classifies the workspace's tickets into `ticket_reasons`; incremental. */
  classifyTickets(request: ClassifyTicketsRequest): Promise<ClassifyTicketsResult>;
  ticketEvidence(request: TicketEvidenceRequest): Promise<TicketEvidence>;
  /** Classifies what is not yet classified, then segments churned customers by reason. */
  churnReasons(request: ChurnReasonsRequest): Promise<ChurnReasonsResult>;
  /** Arrow IPC: customer_id, churned, tickets, ticket_ids (JSON list), last_order_at, revenue_12m (both null with churnFlag). */
  reasonMembers(request: ReasonMembersRequest): Promise<Uint8Array>;
  /** Sets (or with null drops) the analyst's correction of a ticket's reason; the next classification follows it and learns from it. */
  correctTicketReason(request: CorrectTicketRequest): Promise<CorrectionsInfo>;
  /** How many corrections there are and how well the model learned from them predicts held-out ones. */
  reasonCorrections(request: TaxonomyChoice): Promise<CorrectionsInfo>;
}

export const REASONS_METHODS = [
  'getTaxonomy',
  'setTaxonomy',
  'classifyText',
  'classifyTexts',
  'classifyTickets',
  'ticketEvidence',
  'churnReasons',
  'reasonMembers',
  'correctTicketReason',
  'reasonCorrections',
] as const satisfies readonly (keyof ReasonsApi)[];
