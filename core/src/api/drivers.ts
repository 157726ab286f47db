// Contract of the drivers area: why customers leave, measured. A Cox model of customer lifetime on
// covariates the analyst picks (drivers), satisfaction surveys (CSAT, NPS) joined to churn, and
// what fixing one driver would keep (what-if).
import type { ChurnRuleInfo, ChurnRuleOptions, LogRankTest, OrderStatusName, RetentionPeriod, SurvivalCurve, TaskRequest } from './retention.ts';
import type { ScopedRequest } from './views.ts';
import type { Taxonomy } from './reasons.ts';

// ---------------------------------------------------------------- drivers

/**
 * Covariates of the order workspace, one value per customer:
 * - reason: the churn reason of most of the customer's tickets (taxonomy keys; `none` without tickets)
 * - shopperType: the customer's primary shopper type; rfmSegment: their RFM segment (built from
 *   recency, which also decides churn, so its ratios are partly circular; not in the default set)
 * - channel, region, category: of the customer's first activity order (as survival's segments)
 * - discountShare: share of activity orders with a discount; refundShare: share of orders refunded
 * - deliveryDays: mean days from order to receipt (or shipping, or payment: the latest stage the orders carry)
 * - rating: mean ticket rating; surveyScore: mean NPS answer (CSAT where no NPS)
 */
export const ORDER_DRIVERS = [
  'reason',
  'shopperType',
  'rfmSegment',
  'channel',
  'region',
  'category',
  'discountShare',
  'refundShare',
  'deliveryDays',
  'rating',
  'surveyScore',
] as const;
export type OrderDriver = (typeof ORDER_DRIVERS)[number];

/** A Cox model on any workspace table: one row per subject. */
export interface DriversSource {
  table: string;
  /** Numeric: time to the event or to censoring (rows with null or negative values are left out). */
  durationColumn: string;
  /** 1/0, true/false, yes/no, churned/stayed (other values are left out). */
  eventColumn: string;
}

export interface DriversOptions extends ChurnRuleOptions {
  /** Default null: customer lifetimes in days as `survival` defines them (first activity to churn, censored at the evaluation date). */
  source?: DriversSource | null;
  /**
   * Order drivers (ORDER_DRIVERS) or, with `source`, column names of the table. Default for the order
   * workspace: every driver the data carries for at least 80% of customers, except rfmSegment;
   * with `source` the covariates must be named.
   */
  covariates?: string[];
  /** Reference level per categorical covariate. Default its most frequent level. */
  reference?: Record<string, string>;
  /** Numeric covariates per standard deviation (sample SD) instead of per unit. Default false. */
  standardize?: boolean;
  /** Level of the hazard-ratio intervals. Default 0.95. */
  confidence?: number;
  /** Reason covariate: an unsaved taxonomy; default the workspace's. */
  taxonomy?: Taxonomy;
}

export interface DriversRequest extends DriversOptions, TaskRequest, ScopedRequest {}

export interface ChiSquareTest {
  statistic: number;
  df: number;
  pValue: number;
}

export interface DriverLevel {
  level: string;
  subjects: number;
  events: number;
  /** Display names of reason keys; null for plain values. */
  names: { zh: string; en: string } | null;
}

export interface DriverTerm {
  /** The covariate as requested (an order driver or a column). */
  term: string;
  kind: 'categorical' | 'numeric';
  /** Categorical: the level every hazard ratio compares with. */
  reference: string | null;
  /** Categorical: levels with their counts, most subjects first; levels with fewer than 10 subjects, and any beyond the 15 largest, are pooled as "(other)". */
  levels: DriverLevel[];
  /** Numeric: mean and sample SD over the modelled subjects (the unit of a standardised ratio). */
  mean: number | null;
  sd: number | null;
  standardized: boolean;
  /** Proportional-hazards test of the term (cox.zph), null when every column of the term was left out. */
  proportionalHazards: ChiSquareTest | null;
}

export interface DriverCoefficient {
  term: string;
  /** The level compared with the reference; null for a numeric term. */
  level: string | null;
  /** null when the column is a linear combination of others (R reports NA). */
  coefficient: number | null;
  /** True when nobody (or everybody) in the level churned: the ratio runs to 0 (or infinity); error, interval and p are null. */
  infinite: boolean;
  hazardRatio: number | null;
  standardError: number | null;
  lower: number | null;
  upper: number | null;
  z: number | null;
  pValue: number | null;
}

/** The strongest driver in words: "customers with <term> = <level> leave <factor> times as fast as those with <term> = <than>". */
export interface DriverHeadline {
  term: string;
  kind: 'categorical' | 'numeric';
  /** Categorical: the faster-leaving level and the slower one (one of them the reference). */
  level: string | null;
  than: string | null;
  /** >= 1: how many times as fast; for a numeric term, per unit or per SD of increase (`direction` says which way). */
  factor: number;
  /** Numeric: 'more' when more of it speeds churn, 'less' when less of it does. */
  direction: 'more' | 'less' | null;
  pValue: number;
  sentence: { zh: string; en: string };
}

export type DriverWarning =
  | { kind: 'proportionalHazards'; term: string; pValue: number; sentence: { zh: string; en: string } }
  | { kind: 'proportionalHazardsGlobal'; pValue: number; sentence: { zh: string; en: string } }
  | { kind: 'excluded'; rows: number; sentence: { zh: string; en: string } }
  /** The customers were more than the model's bound: it was fitted on a fixed random draw of `subjects` of them. */
  | { kind: 'sampled'; subjects: number; of: number; sentence: { zh: string; en: string } }
  | { kind: 'aliased'; term: string; level: string | null; sentence: { zh: string; en: string } }
  | { kind: 'infinite'; term: string; level: string | null; sentence: { zh: string; en: string } }
  | { kind: 'circular'; term: string; sentence: { zh: string; en: string } };

export interface DriversResult {
  options: {
    source: DriversSource | null;
    covariates: string[];
    reference: Record<string, string>;
    standardize: boolean;
    confidence: number;
    /** Null with a `source`. */
    statuses: OrderStatusName[] | null;
    asOf: string | null;
  };
  rule: ChurnRuleInfo | null;
  /** 'day' for customer lifetimes, else the duration column's name. */
  timeUnit: string;
  subjects: number;
  events: number;
  /** Subjects left out: no usable duration or event, or a missing numeric covariate. */
  excludedRows: number;
  terms: DriverTerm[];
  coefficients: DriverCoefficient[];
  logLikelihood: { null: number; model: number };
  likelihoodRatio: ChiSquareTest;
  wald: ChiSquareTest;
  score: ChiSquareTest;
  concordance: { value: number; concordant: number; discordant: number; tiedRisk: number };
  proportionalHazardsGlobal: ChiSquareTest;
  iterations: number;
  converged: boolean;
  /** The largest significant contrast between two named groups (or per unit of a number); null when there is none. */
  headline: DriverHeadline | null;
  /** The model's finding in one sentence: the headline's, or what the fit shows without one (only unnamed levels significant, the factors only jointly, or nothing at 5%). */
  finding: { zh: string; en: string };
  warnings: DriverWarning[];
}

// ---------------------------------------------------------------- surveys

export interface SurveysOptions extends ChurnRuleOptions {
  /** Periods of the satisfaction trend. Default 'month'. */
  period?: RetentionPeriod;
  /** Comments: an unsaved taxonomy; default the workspace's. */
  taxonomy?: Taxonomy;
}

export interface SurveysRequest extends SurveysOptions, TaskRequest, ScopedRequest {}

export type NpsGroup = 'promoter' | 'passive' | 'detractor';

export interface CsatSummary {
  responses: number;
  /** Answers 4 or 5. */
  satisfied: number;
  /** satisfied / responses. */
  score: number;
  mean: number;
}

export interface NpsSummary {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters (9-10) minus % detractors (0-6), from -100 to 100. */
  score: number;
}

export interface SurveyPeriodRow {
  period: string;
  responses: number;
  csatResponses: number;
  csat: number | null;
  npsResponses: number;
  nps: number | null;
}

export interface NpsGroupRow {
  group: NpsGroup;
  /** Customers whose latest NPS answer puts them in the group. */
  customers: number;
  /** Of them, customers with orders (so with a churn verdict). */
  judged: number;
  churned: number;
  churnRate: number | null;
}

export interface SurveyReasonRow {
  key: string;
  zh: string;
  en: string;
  comments: number;
  /** Of the comments with text. */
  share: number;
}

export interface SurveysResult {
  options: { period: RetentionPeriod; statuses: OrderStatusName[] | null; asOf: string | null };
  /** Null when the workspace has no orders (no churn verdicts). */
  rule: ChurnRuleInfo | null;
  responses: number;
  respondents: number;
  csat: CsatSummary | null;
  nps: NpsSummary | null;
  overTime: SurveyPeriodRow[];
  byNpsGroup: NpsGroupRow[];
  /** Customer lifetimes (days) per NPS group, as `survival` computes them. */
  survival: SurvivalCurve[];
  logRank: LogRankTest | null;
  comments: number;
  reasons: SurveyReasonRow[];
}

// ---------------------------------------------------------------- what-if

export interface WhatIfOptions extends ChurnRuleOptions {
  /** The group: a categorical driver and one of its levels, e.g. reason = logistics. */
  term: string;
  level: string;
  /** Cut in the group's churn rate, 0 < reduction <= 1. Default 0.2. */
  reduction?: number;
  /** Months ahead. Default 12. */
  horizonMonths?: number;
  /** As for drivers: the covariates fitted alongside (the model's ratio of this level is reported). */
  drivers?: DriversOptions;
}

export interface WhatIfRequest extends WhatIfOptions, TaskRequest, ScopedRequest {}

export interface WhatIfScenario {
  reduction: number;
  /** Active customers of the group expected to churn within the horizon at the current and at the reduced rate. */
  churnersNow: number;
  churnersAfter: number;
  customersKept: number;
  /** Trailing 12-month revenue per month of the group's active customers, times the months kept; null without orders. */
  revenueKept: number | null;
  /** Customers kept times the mean CLV of the group's active customers (the last customer-value run); null where no CLV was fitted. */
  clvKept: number | null;
}

export interface WhatIfResult {
  options: { term: string; level: string; reduction: number; horizonMonths: number };
  /** Customers of the group still active (not churned) at the evaluation date. */
  activeCustomers: number;
  groupCustomers: number;
  groupEvents: number;
  /** Churn per month of the group: events / months of observed lifetime (constant-rate assumption). */
  monthlyChurnRate: number;
  /** Trailing 12-month revenue of the group's active customers; null without orders. */
  trailingRevenue: number | null;
  scenario: WhatIfScenario;
  /** The model's hazard ratio of the level against the reference, and the scenario of cutting the group's rate to the reference's (1 - 1/HR), when HR > 1. */
  model: { hazardRatio: number; reference: string; scenario: WhatIfScenario | null } | null;
  /** The assumptions behind the numbers, printed next to them. */
  assumptions: { zh: string[]; en: string[] };
}

// ---------------------------------------------------------------- the verbs

export interface DriversApi {
  /** Cox proportional-hazards model of customer lifetime on the chosen covariates. */
  churnDrivers(request: DriversRequest): Promise<DriversResult>;
  /** CSAT, NPS, their trend, churn and survival by NPS group, and the reasons in the comments. */
  surveys(request: SurveysRequest): Promise<SurveysResult>;
  /** Customers and revenue kept if churn in one group fell by a share. */
  whatIf(request: WhatIfRequest): Promise<WhatIfResult>;
}

export const DRIVERS_METHODS = ['churnDrivers', 'surveys', 'whatIf'] as const satisfies readonly (keyof DriversApi)[];
