// Contract of the cohorts, churn, survival and KPIs area: DOMAIN.md sections 1 and 2 as verbs.
//
// Every request carries its options (all optional, with the defaults documented here) and every
// result carries `options`: the same fields with the values actually used, so a report can state
// them. Numbers the data cannot give (an unobservable cohort cell, a rate over zero customers)
// are null, never 0.
import type { KpiFormulaTerms } from './kpiFormula.ts';
import type { ScopedRequest } from './views.ts';

/** Order statuses after normalisation (the `status` column of the orders table). */
export type OrderStatusName = 'completed' | 'cancelled' | 'refunded' | 'pending';

/** Calendar periods; weeks are ISO weeks starting on Monday. */
export type RetentionPeriod = 'day' | 'week' | 'month' | 'quarter';

/** Order columns a customer can be segmented by; a customer takes the value of their first activity order. */
export type SegmentColumn = 'channel' | 'region' | 'category';

/** Which orders are activity, and when the data ends; every analysis of this area takes these. */
export interface ActivityOptions {
  /** Order statuses that count as activity. Default ['completed']. */
  statuses?: OrderStatusName[];
  /** Evaluate as of this ISO date or date-time; later orders are ignored. Default: the last order of any status. */
  asOf?: string;
}

/** The inactivity rule of DOMAIN.md section 1, for analyses that judge churn. */
export interface ChurnRuleOptions extends ActivityOptions {
  /** Churned after more than this many days without activity. Default: P90 of repeat customers' gaps, rounded up. */
  windowDays?: number;
}

/** The churn rule actually applied. */
export interface ChurnRuleInfo {
  windowDays: number;
  /** 'user' when chosen, 'p90' when derived from the data's gaps between purchase days. */
  windowSource: 'user' | 'p90';
  /** ISO timestamp of the evaluation date. */
  asOf: string;
  statuses: OrderStatusName[];
  /** Repeat customers whose gaps gave the default window; null when the user chose it. */
  repeatCustomers: number | null;
}

/**
 * Fewer repeat customers than this make the derived window unsteady: a 90th percentile of a few
 * dozen gaps moves with every customer, and with two or three the churn rates and survival
 * medians mostly restate the window. Every surface that shows such a window says so with the fix.
 */
export const STEADY_WINDOW_REPEAT_CUSTOMERS = 30;

/** True when the window was derived from the gaps of fewer repeat customers than STEADY_WINDOW_REPEAT_CUSTOMERS. */
export function windowRestsOnFew(rule: Pick<ChurnRuleInfo, 'windowSource' | 'repeatCustomers'>): boolean {
  return rule.windowSource === 'p90' && (rule.repeatCustomers ?? 0) < STEADY_WINDOW_REPEAT_CUSTOMERS;
}

/** Every option filled in: what a result reports. */
export type Resolved<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/** Lets `cancel` interrupt a long call; progress events carry it. */
export interface TaskRequest {
  taskId?: string;
}

// ---------------------------------------------------------------- cohort retention

/** `on`: active in period k. `on-or-after`: active in period k or any later one ("unbounded"). */
export type RetentionMode = 'on' | 'on-or-after';
/** What a cell counts: distinct active customers, their orders, or their revenue. */
export type RetentionMetric = 'customers' | 'orders' | 'revenue';
/** What a rate divides by: the cohort's period-0 value, or the same cohort's value one period earlier. */
export type RetentionBase = 'first' | 'previous';

export interface CohortRetentionOptions extends ActivityOptions {
  /** Cohort and column period. Default 'month'. */
  period?: RetentionPeriod;
  /** Default 'on'. With orders or revenue, `on-or-after` sums periods k and later. */
  mode?: RetentionMode;
  /** Default 'customers'. */
  metric?: RetentionMetric;
  /** Default 'first'. At k = 0 the rate is 1 either way. */
  relativeTo?: RetentionBase;
  /** Breaks the matrix down by the customers' first-order value of this column: one matrix per value. Default null. */
  segment?: SegmentColumn | null;
  /** The period whose rate `trend` follows across cohorts. Default 1. */
  trendK?: number;
}

export interface CohortRetentionRequest extends CohortRetentionOptions, TaskRequest, ScopedRequest {}

/** One cohort's row of the matrix; arrays are indexed by k = 0 .. periods - 1. */
export interface CohortRow {
  /** ISO date (YYYY-MM-DD) of the cohort period's first day. */
  cohort: string;
  /** Customers whose first activity falls in the cohort period. */
  size: number;
  /** Customers, orders or revenue in period k (or k and later); null where the period starts after the data's end. */
  values: (number | null)[];
  /** value / base (see `relativeTo`); null where unobservable or the base is 0. */
  rates: (number | null)[];
  /** k of the period that holds the data's last day but does not end with it (its value is incomplete); null if none. */
  partialK: number | null;
}

/** One point of a mean curve: complete cells only (partial and unobservable cells are left out). */
export interface CurvePoint {
  k: number;
  /** Null when no cohort has a complete cell at this k. */
  rate: number | null;
  /** Cohorts that contributed. */
  cohorts: number;
  /** Their customers (the weights of the weighted mean). */
  customers: number;
}

/** The rate at one k (`trendK`) for each cohort, oldest first. */
export interface TrendPoint {
  cohort: string;
  size: number;
  rate: number | null;
  partial: boolean;
}

export interface CohortMatrix {
  /** The segment's value; null for the whole base, or for customers without a value when segmented. */
  segment: string | null;
  customers: number;
  cohorts: CohortRow[];
  /** Σ size × rate / Σ size over the cohorts with a complete cell at each k. */
  weightedMean: CurvePoint[];
  /** Plain mean of those cohorts' rates. */
  simpleMean: CurvePoint[];
  trend: TrendPoint[];
}

export interface CohortRetentionResult {
  options: Resolved<CohortRetentionOptions>;
  /** Number of k columns: from the first cohort's period to the data's last period. */
  periods: number;
  /** The whole base, or one matrix per segment value (largest first) when `segment` is set. */
  matrices: CohortMatrix[];
}

/** The customers behind one cell of a cohort matrix. */
export interface CohortMembersRequest extends ActivityOptions, TaskRequest, ScopedRequest {
  /** ISO date of the cohort period's first day (as in `CohortRow.cohort`). */
  cohort: string;
  k: number;
  /** Default 'month'. */
  period?: RetentionPeriod;
  /** Default 'on'. */
  mode?: RetentionMode;
  /** With `segmentValue`: only customers whose first activity order had this value (null: no value). */
  segment?: SegmentColumn | null;
  segmentValue?: string | null;
  /** Paging over customers ordered by revenue in the cell, largest first. Default 0 and 10000. */
  offset?: number;
  limit?: number;
}

// ---------------------------------------------------------------- sBG forecast

export interface RetentionForecastOptions extends ChurnRuleOptions {
  /** Cohort period, also the model's period. Default 'month'. */
  period?: RetentionPeriod;
  /** Periods to project: survival for k = 0 .. horizon. Default 24. */
  horizon?: number;
  /** Fit on periods 1 .. fitPeriods only (a holdout check); null: every observed period. Default null. */
  fitPeriods?: number | null;
  /** One set of fits per segment value. Default null. */
  segment?: SegmentColumn | null;
}

export interface RetentionForecastRequest extends RetentionForecastOptions, TaskRequest, ScopedRequest {}

/**
 * A shifted-beta-geometric fit (Fader & Hardie 2007): each customer churns at the end of a period
 * with probability θ, θ ~ Beta(alpha, beta) across customers. A customer alive in period k (active
 * then or later) survived k renewals; churned customers (inactivity rule) churned after their last
 * active period; the others are censored there.
 */
export interface SbgFit {
  /** Null when the data do not identify the model (no churn observed, or fewer than 2 periods). */
  alpha: number | null;
  beta: number | null;
  logLikelihood: number | null;
  converged: boolean;
  /** Kaplan-Meier survival of the data the model was fitted to, k = 0 .. last observed period. */
  observed: number[];
  /** Model survival S(k) = B(alpha, beta + k) / B(alpha, beta), k = 0 .. horizon; empty when not fitted. */
  projected: number[];
  /** Expected share of customers alive at the start of k who renew, k = 1 .. horizon; empty when not fitted. */
  retentionRates: number[];
}

export interface CohortForecast extends SbgFit {
  /** ISO date of the cohort period's first day; null for the pooled fit of all cohorts. */
  cohort: string | null;
  size: number;
  /** Periods 1 .. observedPeriods entered the fit. */
  observedPeriods: number;
  /**
   * With `fitPeriods`: the complete periods the data holds after the fitted ones, each with the
   * Kaplan-Meier survival of all the data and the model's projection; null without a holdout.
   */
  holdout: ForecastHoldout | null;
}

export interface ForecastHoldout {
  periods: { k: number; observed: number; projected: number }[];
  /** Mean of |projected - observed| over those periods, in survival points (0.02 = 2 percentage points). */
  meanAbsoluteError: number;
}

export interface SegmentForecast {
  segment: string | null;
  /** One fit on all cohorts together: the weighted curve's forecast. */
  pooled: CohortForecast;
  cohorts: CohortForecast[];
}

export interface RetentionForecastResult {
  options: Resolved<Omit<RetentionForecastOptions, 'windowDays'>>;
  rule: ChurnRuleInfo;
  segments: SegmentForecast[];
}

// ---------------------------------------------------------------- churn summary

export interface ChurnSummaryOptions extends ChurnRuleOptions {
  /** Period of the lifecycle rows. Default 'month'. */
  period?: RetentionPeriod;
}

export interface ChurnSummaryRequest extends ChurnSummaryOptions, TaskRequest, ScopedRequest {}

/** One period of the lifecycle view. active = new + returning + resurrected. */
export interface ChurnPeriodRow {
  /** ISO date of the period's first day. */
  period: string;
  /** The period holds the data's last day but does not end with it. */
  partial: boolean;
  active: number;
  /** First activity in this period. */
  new: number;
  /** Active in this period and the one before. */
  returning: number;
  /** Active in this period, not in the one before, but earlier. */
  resurrected: number;
  /** Customers whose churn date (last activity + window) falls in this period. */
  churned: number;
  /** Active customers whose last activity is in this period and who are churned by the rule. */
  churnedAfter: number;
  /** Active customers whose last activity is in this period but too recent to judge. */
  censored: number;
  /** churnedAfter / active; null while any of the period's customers is censored. */
  churnRate: number | null;
}

export interface ChurnSummaryResult {
  options: Resolved<Omit<ChurnSummaryOptions, 'windowDays'>>;
  rule: ChurnRuleInfo;
  /** Customers with activity, and how the rule judges them at the evaluation date. */
  customers: number;
  churned: number;
  censored: number;
  periods: ChurnPeriodRow[];
}

// ---------------------------------------------------------------- survival

/** Survival on any table of the workspace: one row per subject. */
export interface SurvivalSource {
  table: string;
  /** Numeric column: time to the event or to censoring (rows with null or negative values are left out). */
  durationColumn: string;
  /** 1/0, true/false, yes/no, churned/stayed: whether the event happened (other values are left out). */
  eventColumn: string;
  /** Optional column whose values give one curve each. */
  groupColumn?: string | null;
}

export interface SurvivalOptions extends ChurnRuleOptions {
  /**
   * Default null: customer lifetimes in days, from the first activity to the churn date (last
   * activity + window), censored at the evaluation date. When set, the activity and rule options
   * and `segment` do not apply.
   */
  source?: SurvivalSource | null;
  /** Customer lifetimes: one curve per first-order value of this column. Default null. */
  segment?: SegmentColumn | null;
  /** Level of the pointwise confidence bands (log-log, Greenwood variance). Default 0.95. */
  confidence?: number;
}

export interface SurvivalRequest extends SurvivalOptions, TaskRequest, ScopedRequest {}

/** The curve at one time where something happened. */
export interface SurvivalPoint {
  time: number;
  /** Subjects still under observation just before `time`. */
  atRisk: number;
  events: number;
  censored: number;
  survival: number;
  /** Null where the band is undefined (survival 0, or no events yet). */
  lower: number | null;
  upper: number | null;
}

export interface SurvivalCurve {
  /** Group value; null for the single curve or subjects without a value. */
  group: string | null;
  subjects: number;
  events: number;
  /** First time the survival is at or below 0.5; null if it never is. */
  median: number | null;
  /** Confidence limits of the median from the bands (first times the upper and lower bands reach 0.5). */
  medianLower: number | null;
  medianUpper: number | null;
  points: SurvivalPoint[];
}

export interface LogRankGroup {
  group: string | null;
  observed: number;
  expected: number;
}

/** Log-rank test of equal survival across the groups (chi-square with groups - 1 degrees of freedom). */
export interface LogRankTest {
  statistic: number;
  df: number;
  pValue: number;
  groups: LogRankGroup[];
}

export interface SurvivalResult {
  options: {
    source: SurvivalSource | null;
    segment: SegmentColumn | null;
    confidence: number;
    /** Null with a `source`. */
    statuses: OrderStatusName[] | null;
    asOf: string | null;
  };
  /** The churn rule for customer lifetimes; null with a `source`. */
  rule: ChurnRuleInfo | null;
  /** 'day' for customer lifetimes, else the duration column's name. */
  timeUnit: string;
  /** Rows of a `source` left out for an unusable duration or event. */
  excludedRows: number;
  curves: SurvivalCurve[];
  /** Null with fewer than two groups, or fewer than two with anyone at risk when an event happens. */
  logRank: LogRankTest | null;
}

// ---------------------------------------------------------------- KPIs

export interface KpisOptions extends ChurnRuleOptions {
  /** Period of the retention rate (last complete period vs the one before). Default 'month'. */
  period?: RetentionPeriod;
  /** Share of customers at the top of the Pareto view. Default 0.2. */
  paretoShare?: number;
  /** Ratings at or below this count as low. Default 2 (of 5). */
  lowRatingAtMost?: number;
  /** Points of the Lorenz curve besides (0, 0). Default 100. */
  lorenzPoints?: number;
}

export interface KpisRequest extends KpisOptions, TaskRequest, ScopedRequest {}

export type KpiKey =
  | 'customers'
  | 'repeatPurchaseRate'
  | 'retentionRate'
  | 'churnRate'
  | 'orderCompletionRate'
  | 'refundRateOrders'
  | 'refundRateAmount'
  | 'complaintRate'
  | 'averageRating'
  | 'lowRatingShare'
  | 'revenuePerCustomer'
  | 'averageOrderValue'
  | 'topRevenueShare'
  | 'gini';

export interface Kpi {
  key: KpiKey;
  /** Null when the data cannot give it (no ratings, no tickets, a zero denominator). */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** How the value is computed, in English words, with the periods and thresholds used (kpiFormula of the result's formulaTerms). */
  formula: string;
}

/** A point of the Lorenz curve: the poorest `customers` share of customers holds `revenue` share of revenue. */
export interface LorenzPoint {
  customers: number;
  revenue: number;
}

export interface KpisResult {
  options: Resolved<Omit<KpisOptions, 'windowDays'>>;
  /** Null when no window was given and none can be derived (no customer bought on two different days): the churn rate is then unknown, every other KPI stands. */
  rule: ChurnRuleInfo | null;
  kpis: Kpi[];
  /** The terms every KPI formula names, so each language words them from one place (`kpiFormula`). */
  formulaTerms: KpiFormulaTerms;
  /** From (0, 0) to (1, 1), customers ordered by revenue ascending. */
  lorenz: LorenzPoint[];
}

// ---------------------------------------------------------------- the verbs

export interface RetentionApi {
  /** Cohort retention matrices (one per segment value), mean curves and the trend of one period across cohorts. */
  cohortRetention(request: CohortRetentionRequest): Promise<CohortRetentionResult>;
  /**
   * The customers behind one cohort cell as an Arrow table: customer_id, first_at, last_at,
   * cell_orders, cell_revenue (in period k, or k and later), orders, revenue (all activity).
   */
  cohortMembers(request: CohortMembersRequest): Promise<Uint8Array>;
  /** Shifted-beta-geometric fits per cohort and pooled, projected to a horizon. */
  retentionForecast(request: RetentionForecastRequest): Promise<RetentionForecastResult>;
  /** The inactivity rule's verdicts, churn rate and lifecycle counts per period. */
  churnSummary(request: ChurnSummaryRequest): Promise<ChurnSummaryResult>;
  /** Kaplan-Meier curves with confidence bands, medians and the log-rank test. */
  survival(request: SurvivalRequest): Promise<SurvivalResult>;
  /** Headline KPIs, each with its formula, and the Lorenz curve. */
  kpis(request: KpisRequest): Promise<KpisResult>;
}

export const RETENTION_METHODS = [
  'cohortRetention',
  'cohortMembers',
  'retentionForecast',
  'churnSummary',
  'survival',
  'kpis',
] as const satisfies readonly (keyof RetentionApi)[];
