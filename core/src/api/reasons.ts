// Contract of the churn-reasons area: DOMAIN.md section 3 as verbs.
//
// Tickets, reviews and refund reasons are classified into the reasons of a taxonomy (bundled in
// resources/taxonomy/churn-reasons.json, editable per workspace); churned customers are then
// attributed the reasons of their tickets in a window before they churned.
import type { ChurnRuleInfo, ChurnRuleOptions, OrderStatusName, TaskRequest } from './retention.ts';

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
  keywords: TaxonomyTerms;
  /** Regular expressions (JavaScript syntax, matched case-insensitively on the normalised text). */
  patterns?: string[];
  /** Ticket category or refund-reason values that name this reason outright (structured fields win over text). */
  categories?: string[];
}

export interface Taxonomy {
  /** Bumped on every edit; stored classifications of another version are re-run. */
  version: number;
  /** Words that, shortly before a keyword, negate it ("没有质量问题", "no problem with delivery"). */
  negations: TaxonomyTerms;
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
}

export interface ReasonMatch {
  reason: string;
  /** 0..1: structured fields highest, several independent words higher than one. */
  confidence: number;
  evidence: Evidence[];
}

/** One text or ticket's reasons; `[{ reason: 'unknown' }]` when nothing matched. */
export interface Classification {
  reasons: ReasonMatch[];
  /** Keywords found but negated, so not counted: shown so a taxonomy edit can be checked. */
  negated: Evidence[];
}

export interface ClassifyTextRequest {
  /** Classified as `body`. */
  text?: string;
  /** Or several fields of one ticket. */
  fields?: Partial<Record<Exclude<ReasonField, 'rating'>, string>> & { rating?: number };
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

export interface ChurnReasonsRequest extends ChurnReasonsOptions, TaskRequest, TaxonomyChoice {}

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
  /** Per reason, `unknown` included, by churned customers, largest first. */
  reasons: ReasonRow[];
  /** The same rolled up to churn types. */
  churnTypes: ReasonRow[];
  /** Monthly tickets per reason, by ticket date; empty when tickets carry no dates. */
  trend: ReasonTrendPoint[];
}

export interface ReasonMembersRequest extends ChurnReasonsOptions, TaskRequest, TaxonomyChoice {
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
  /** Classifies the workspace's tickets into `ticket_reasons`; incremental. */
  classifyTickets(request: ClassifyTicketsRequest): Promise<ClassifyTicketsResult>;
  ticketEvidence(request: TicketEvidenceRequest): Promise<TicketEvidence>;
  /** Classifies what is not yet classified, then segments churned customers by reason. */
  churnReasons(request: ChurnReasonsRequest): Promise<ChurnReasonsResult>;
  /** Arrow IPC: customer_id, churned, tickets, ticket_ids (JSON list), last_order_at, revenue_12m (both null with churnFlag). */
  reasonMembers(request: ReasonMembersRequest): Promise<Uint8Array>;
}

export const REASONS_METHODS = [
  'getTaxonomy',
  'setTaxonomy',
  'classifyText',
  'classifyTickets',
  'ticketEvidence',
  'churnReasons',
  'reasonMembers',
] as const satisfies readonly (keyof ReasonsApi)[];
