// Contract of the RFM, shopper types and customer value area.
import type { ScopedRequest } from './views.ts';

/** A user-visible name in both UI languages, as the editable rules files carry it. */
export interface Label {
  en: string;
  zh: string;
}

/** An inclusive range of scores, each 1 to 5. */
export type ScoreRange = [number, number];

/** One named RFM segment: customers whose scores fall in every range. */
export interface RfmSegmentRule {
  key: string;
  label: Label;
  description?: Label;
  r: ScoreRange;
  f: ScoreRange;
  /** Default [1, 5]: any monetary score. */
  m?: ScoreRange;
}

/** resources/segments/rfm.json: the first rule a customer matches names their segment; rules must cover all 125 score cells. */
export interface RfmRules {
  version: 1;
  segments: RfmSegmentRule[];
}

/** The per-customer features the shopper types are judged on (resources/segments/README.md explains each). */
export const SHOPPER_FEATURES = [
  'orders',
  'purchase_days',
  'tenure_days',
  'avg_order_value',
  'order_size_ratio',
  'discount_order_share',
  'promotion_day_share',
  'gap_cv',
  'mean_gap_days',
  'distinct_categories',
  'category_entropy',
  'top_category_share',
  'sports_share',
  'repeat_item_share',
  'tickets',
  'tickets_per_order',
  'presale_inquiries',
] as const;
export type ShopperFeature = (typeof SHOPPER_FEATURES)[number];

export const COMPARISONS = ['>=', '<=', '>', '<'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface FeatureCondition {
  feature: ShopperFeature;
  op: Comparison;
  value: number;
  /**
   * What to do when the data has no column for this feature: 'unjudgeable' (default) makes the
   * whole type unjudgeable; 'skip' judges the type without this condition and says so.
   */
  ifMissing?: 'unjudgeable' | 'skip';
}

/** Holds when at least one of its conditions holds (conditions on missing columns are left out). */
export interface AnyCondition {
  any: FeatureCondition[];
}

export type ShopperCondition = FeatureCondition | AnyCondition;

export interface ShopperTypeRule {
  key: string;
  label: Label;
  description: Label;
  /** Customers with fewer orders are not judged on this type (too little data), rather than ruled out. */
  minOrders: number;
  /** Every condition must hold. */
  all: ShopperCondition[];
}

/** A shop-wide sale day that recurs every year (e.g. 11-11), widened by days before and after. */
export interface RecurringPromotion {
  monthDay: string;
  label: string;
  daysBefore?: number;
  daysAfter?: number;
}

/** resources/segments/shopper-types.json. */
export interface ShopperRules {
  version: 1;
  /** In priority order: the first type a customer matches is their primary type, the others secondary. */
  types: ShopperTypeRule[];
  promotionDays: {
    recurring: RecurringPromotion[];
    /** The shop's own sale days, ISO dates. */
    dates: string[];
    /** Also count as promotion days the days with at least this many times the median orders of the 29 days around them; null turns it off. */
    peakRatio: number | null;
  };
  /** Customer groups (seed 004): how business and cross-border customers are recognised. */
  groups: {
    /** A customer is a business customer when most orders carry a business keyword in channel, or when the mean items per order reach this (null: off). */
    businessMinItemsPerOrder: number | null;
    /** When non-empty, orders from any other region are cross-border; otherwise only regions with a cross-border keyword are. */
    homeRegions: string[];
  };
}

/** resources/segments/keywords.json: bilingual keyword lists, matched case-insensitively as substrings. */
export interface SegmentKeywords {
  version: 1;
  /** Category (or product title) words of sports and entertainment spend, for the sportster type. */
  sportsEntertainment: string[];
  /** Ticket words of a pre-sale question, for the connector type. */
  presaleInquiry: string[];
  /** Channel words of business (B2B, wholesale) orders. */
  business: string[];
  /** Channel or region words of cross-border orders. */
  crossBorder: string[];
}

interface SegmentsRequestBase extends ScopedRequest {
  /** Evaluate as of this ISO date-time; later orders are ignored. Default: the data's end. */
  asOf?: string;
  /** Order statuses that count as purchases. Default ['completed'] (see analysis/activity.ts). */
  statuses?: string[];
  taskId?: string;
}

export interface RfmSegmentsRequest extends SegmentsRequestBase {
  scheme: 'rfm';
  /** Rules to use instead of resources/segments/rfm.json. */
  rules?: RfmRules;
}

export interface ShopperSegmentsRequest extends SegmentsRequestBase {
  scheme: 'shopper';
  /** Rules to use instead of resources/segments/shopper-types.json. */
  rules?: ShopperRules;
  /** Keyword lists to use instead of resources/segments/keywords.json. */
  keywords?: SegmentKeywords;
}

export type CustomerSegmentsRequest = RfmSegmentsRequest | ShopperSegmentsRequest;

export interface SegmentOptionsUsed {
  asOf: string;
  statuses: string[];
  /** 'default' for the shipped files, 'request' for rules passed in the request. */
  rulesSource: 'default' | 'request';
}

export interface SegmentSize {
  key: string;
  label: Label;
  customers: number;
  /** Share of all segmented customers, 0..1. */
  customerShare: number;
  revenue: number;
  /** Share of all their revenue, 0..1 (null when the revenue is 0). */
  revenueShare: number | null;
}

export interface RfmSegmentSize extends SegmentSize {
  rule: RfmSegmentRule;
  meanRecencyDays: number | null;
  meanFrequency: number | null;
  meanMonetary: number | null;
}

export interface RfmGridCell {
  r: number;
  f: number;
  customers: number;
  revenue: number;
  /** The segment of the cell's customers (by the r and f ranges; the monetary score may split a cell). */
  segments: string[];
}

/** The values of the customers holding one score. */
export interface ValueRange {
  min: number;
  max: number;
}

/** Per score 1..5 (index 0..4) the range of values that earned it; null when no customer has that score. */
export interface ScoreBoundaries {
  recencyDays: (ValueRange | null)[];
  frequency: (ValueRange | null)[];
  monetary: (ValueRange | null)[];
}

export interface RfmSegmentsResult {
  scheme: 'rfm';
  resultId: string;
  options: SegmentOptionsUsed;
  customers: number;
  revenue: number;
  segments: RfmSegmentSize[];
  /** 25 cells, recency score 1..5 by frequency score 1..5. */
  grid: RfmGridCell[];
  boundaries: ScoreBoundaries;
  /** How scores are given, ties included, in one sentence for reports. */
  scoring: string;
}

export interface FeatureAvailability {
  feature: ShopperFeature;
  available: boolean;
  /** Why it is unavailable, e.g. "orders.discount has no values". */
  reason: string | null;
  /** Median over customers with a value (approximate: t-digest, so it stays cheap at millions of customers); null when none. */
  median: number | null;
}

export interface TypeJudgement {
  type: string;
  /** 'full', 'partial' (judged without some conditions) or 'none' (cannot be judged). */
  judged: 'full' | 'partial' | 'none';
  /** Features that could not be used, and why. */
  missing: { feature: ShopperFeature; reason: string }[];
}

export interface ShopperTypeSize extends SegmentSize {
  /** Customers who have this type among their secondary types. */
  secondaryCustomers: number;
}

export interface CustomerGroupSize {
  group: 'individual' | 'business' | 'cross_border';
  customers: number;
  revenue: number;
}

export interface ShopperSegmentsResult {
  scheme: 'shopper';
  resultId: string;
  options: SegmentOptionsUsed;
  customers: number;
  revenue: number;
  /** One entry per type plus 'undetermined', in the rules' order. */
  types: ShopperTypeSize[];
  undetermined: { insufficientData: number; noRuleMatched: number };
  judgements: TypeJudgement[];
  features: FeatureAvailability[];
  /** Null when neither channel, region nor items have values: then no group can be told apart. */
  groups: { sizes: CustomerGroupSize[]; basis: string[] } | null;
  groupsUnavailableReason: string | null;
  /** Promotion days found in the data's range (sale calendar plus peaks), for the record. */
  promotionDays: number;
}

export type CustomerSegmentsResult = RfmSegmentsResult | ShopperSegmentsResult;

export type TimeUnit = 'day' | 'week';

export interface CustomerValueRequest extends ScopedRequest {
  /** Time unit of frequency/recency/T and of the fitted alpha. Default 'week'. */
  unit?: TimeUnit;
  /** Calibration cut-off (ISO date): fit on purchases up to this day; later ones form the holdout. Default: the data's end. */
  until?: string;
  /** Horizon of expected purchases and CLV, in months of 30 days. Default 12. */
  horizonMonths?: number;
  /** Monthly discount rate of CLV. Default 0.01. */
  monthlyDiscountRate?: number;
  statuses?: string[];
  /**
   * Fit a ready per-customer CSV instead of the workspace's orders: columns frequency|x,
   * recency|t_x, T, optional monetary_value|zbar and an id column (ID, id, customer_id).
   */
  summaryFile?: string;
  /** Rows in the returned at-risk list. Default 100. */
  atRiskLimit?: number;
  taskId?: string;
}

export interface BgNbdResult {
  r: number;
  alpha: number;
  a: number;
  b: number;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  atBound: string[];
  customers: number;
}

export interface GammaGammaResult {
  p: number;
  q: number;
  v: number;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  atBound: string[];
  customers: number;
}

export interface HoldoutBucket {
  /** Calibration repeat purchases: '0', '1', ... '7+'. */
  frequency: string;
  customers: number;
  /** Mean purchases per customer in the holdout period. */
  predicted: number;
  actual: number;
}

export interface HoldoutCheck {
  from: string;
  to: string;
  /** Holdout length in the chosen unit. */
  length: number;
  buckets: HoldoutBucket[];
  totalPredicted: number;
  totalActual: number;
}

export interface CustomerValueSummary {
  customers: number;
  repeatCustomers: number;
  /** Sum of P(alive): the customers the model expects to still be active. */
  expectedAlive: number;
  meanPAlive: number;
  /** Expected purchases of all customers over the horizon. */
  expectedPurchases: number;
  /** Null without spend (no monetary column or no Gamma-Gamma fit). */
  totalClv: number | null;
  /**
   * Sum of value at risk = (1 - P(alive)) x the value a customer brings over the horizon if still
   * active (expected spend x discounted expected purchases of an active customer). CLV already
   * weighs that value by P(alive), so CLV + value at risk = the value if everyone were active.
   */
  totalValueAtRisk: number | null;
  /** Repeat customers left out of the spend fit because their mean repeat spend is not positive. */
  excludedFromSpend: number;
}

/**
 * Why a value fit cannot rank customers, as data: screens and reports word it in their language.
 * - parameter_on_bound: the optimiser stopped on a bound, so the data do not pin that parameter down
 *   (BG/NBD a at its lower bound means the fit sees no customer drop out at all);
 * - no_separation: P(alive) of the repeat customers spans less than MIN_P_ALIVE_SPREAD between its
 *   10th and 90th percentile, so any ranking by risk is noise;
 * - spend_mean_undefined: Gamma-Gamma q <= 1, so expected spend, CLV and value at risk are empty.
 */
export type ValueFitIssue =
  | { code: 'parameter_on_bound'; model: 'bgnbd' | 'gammaGamma'; parameters: string[] }
  | { code: 'no_separation'; p10: number; p90: number }
  | { code: 'spend_mean_undefined'; q: number };

/** P(alive) percentiles (10th to 90th) of repeat customers closer than this cannot rank anyone. */
export const MIN_P_ALIVE_SPREAD = 0.05;

export interface ValueFitQuality {
  /** True when the at-risk ranking means nothing: any issue below. Screens and reports then show the issues instead of the list. */
  degenerate: boolean;
  issues: ValueFitIssue[];
  /**
   * Customers without a repeat purchase. BG/NBD lets a customer drop out only just after a repeat
   * purchase, so it gives every one of them P(alive) = 1 and a value at risk of 0: the at-risk
   * list cannot flag a one-time buyer, however long ago they bought.
   */
  oneTimeBuyers: number;
}

export interface CustomerValueResult {
  resultId: string;
  options: {
    unit: TimeUnit;
    until: string | null;
    horizonMonths: number;
    monthlyDiscountRate: number;
    statuses: string[] | null;
    source: 'orders' | 'summary';
    summaryFile: string | null;
  };
  bgnbd: BgNbdResult;
  gammaGamma: GammaGammaResult | null;
  /** Why there is no spend model (e.g. "no monetary column"), else null. */
  gammaGammaSkipped: string | null;
  summary: CustomerValueSummary;
  /** Fitted up to `until` and compared with the purchases after it; null without a holdout period. */
  holdout: HoldoutCheck | null;
  /** The first rows of the value table ranked by value at risk, as Arrow. */
  atRisk: Uint8Array;
  /** The issues of fitQuality in English, for the command line. */
  warnings: string[];
  fitQuality: ValueFitQuality;
}

export type CustomerTable = 'rfm' | 'shopper' | 'value';

export interface SortKey {
  column: string;
  descending?: boolean;
}

export interface CustomerRowsRequest {
  table: CustomerTable;
  /** Fails with E_NOT_FOUND when the table now holds another run; omit to read whatever is there. */
  resultId?: string;
  /** Default 0. */
  offset?: number;
  /** Default 100, at most 10,000. */
  limit?: number;
  /** Default: the table's natural order (value at risk, segment, ...); customer_id always breaks ties. */
  sort?: SortKey[];
  /** Only rows whose column equals one of the values (e.g. segment in ['champions']). */
  filter?: { column: string; values: (string | number)[] };
  /** Only customers whose id contains this text. */
  search?: string;
}

export interface CustomerRowsResult {
  resultId: string;
  /** Rows matching the filter, before paging. */
  total: number;
  offset: number;
  columns: string[];
  rows: Uint8Array;
}

export interface ExplainCustomerRequest {
  customerId: string;
}

export interface ConditionCheck {
  feature: ShopperFeature;
  op: Comparison;
  threshold: number;
  value: number | null;
  /** Null when the feature is unavailable or has no value for this customer. */
  passed: boolean | null;
  /** Part of an "any" group. */
  alternative: boolean;
}

export interface CustomerExplanation {
  customerId: string;
  rfm: {
    resultId: string;
    asOf: string;
    recencyDays: number;
    frequency: number;
    monetary: number;
    r: number;
    f: number;
    m: number;
    segment: string;
    rule: RfmSegmentRule;
  } | null;
  shopper: {
    resultId: string;
    primary: string;
    secondary: string[];
    /** 'insufficient_data' or 'no_rule_matched' when the primary type is 'undetermined'. */
    undeterminedReason: string | null;
    group: string | null;
    features: Partial<Record<ShopperFeature, number | null>>;
    /** Each type of the rules in force, with its name from them (the rules file is the analyst's to edit). */
    types: { type: string; label: Label; matched: boolean; judged: TypeJudgement['judged']; conditions: ConditionCheck[] }[];
  } | null;
  value: {
    resultId: string;
    frequency: number;
    recency: number;
    T: number;
    pAlive: number;
    expectedPurchases: number;
    expectedSpend: number | null;
    clv: number | null;
    valueAtRisk: number | null;
    /** 1 = highest value at risk. */
    atRiskRank: number | null;
  } | null;
  /** Results not computed yet (run customerSegments / customerValue first). */
  missing: CustomerTable[];
}

export interface CustomersApi {
  /** RFM segments or the six shopper types; per-customer rows are then read with customerRows. */
  customerSegments(request: CustomerSegmentsRequest): Promise<CustomerSegmentsResult>;
  /** BG/NBD + Gamma-Gamma: P(alive), expected purchases, CLV, at-risk list and holdout check. */
  customerValue(request: CustomerValueRequest): Promise<CustomerValueResult>;
  /** A page of a per-customer result table as Arrow, sorted and filtered in DuckDB. */
  customerRows(request: CustomerRowsRequest): Promise<CustomerRowsResult>;
  /** Why one customer got their segment, type and value. */
  explainCustomer(request: ExplainCustomerRequest): Promise<CustomerExplanation>;
}

export const CUSTOMERS_METHODS = ['customerSegments', 'customerValue', 'customerRows', 'explainCustomer'] as const satisfies readonly (keyof CustomersApi)[];
