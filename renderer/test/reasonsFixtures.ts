// The Reasons screen's fixtures: a churnReasons result, the taxonomy and a ticket's evidence, as a fake core answers them.
import type { WorkspaceInfo } from '../../core/src/api/index.ts';
import type { ChurnReasonsResult, CorrectionsInfo, ReasonRow, Taxonomy, TicketEvidence } from '../../core/src/api/reasons.ts';

const row = (key: string, en: string, churned: number, lift: [number, number, number] | null, churnType: ReasonRow['churnType'] = 'disappointment'): ReasonRow => ({
  key,
  zh: `${en}（中）`,
  en,
  churnType,
  tickets: churned * 2,
  customers: churned + 1,
  churnedCustomers: churned,
  shareOfChurned: churned / 10,
  churnRateWith: 0.5,
  churnRateWithout: 0.25,
  lift: lift?.[0] ?? null,
  liftLow: lift?.[1] ?? null,
  liftHigh: lift?.[2] ?? null,
  revenueAtStake: 1000,
  medianDaysTicketToLastOrder: 12,
});

// Contract order: by churned customers, largest first, unknown included where it falls.
export const REASONS: ReasonRow[] = [row('product_quality', 'Product quality', 6, [2, 1.2, 3.3]), row('unknown', 'Unknown', 4, null, null), row('logistics', 'Delivery', 3, [0.8, 0.4, 1.6], 'big_shop_neglect')];

export const RESULT: ChurnReasonsResult = {
  options: { statuses: ['completed'], asOf: '2024-06-30', windowDays: 90, daysBeforeLastOrder: 90, churnFlag: null },
  rule: { windowDays: 90, windowSource: 'p90', asOf: '2024-06-30', statuses: ['completed'], repeatCustomers: 40 },
  taxonomyVersion: 3,
  churnedCustomers: 10,
  judgedCustomers: 30,
  churnedWithTickets: 8,
  attributedTickets: 12,
  mostlyUnknown: null,
  reasons: REASONS,
  churnTypes: [{ ...row('disappointment', 'Disappointment churn', 6, [1.9, 1.1, 3.2]), churnType: null }],
  trend: [
    { month: '2024-01-01', reason: 'product_quality', tickets: 2, customers: 2 },
    { month: '2024-03-01', reason: 'product_quality', tickets: 5, customers: 4 },
    { month: '2024-02-01', reason: 'logistics', tickets: 1, customers: 1 },
  ],
};

/**
 * Tickets in which no known reason is found (Portuguese reviews against the bundled taxonomy): every
 * churned customer with tickets is Unknown, the known reasons have no customer, and only Unknown has
 * a monthly trend.
 */
export const ONLY_UNKNOWN: ChurnReasonsResult = {
  ...RESULT,
  // Olist's window: the P90 of 2 repeat customers' gaps
  rule: { ...RESULT.rule!, windowDays: 214, repeatCustomers: 2 },
  churnedCustomers: 2053,
  judgedCustomers: 3958,
  churnedWithTickets: 2036,
  attributedTickets: 3917,
  mostlyUnknown: { share: 1, sentence: { en: 'None of the 3,917 tickets in the churn windows names a reason the taxonomy knows.', zh: '流失窗口内的 3,917 条工单都未识别出分类体系中的任何原因。' } },
  reasons: [
    { ...row('unknown', 'Unknown', 2036, [1.69, 1.14, 2.51], null), tickets: 3917, customers: 3900, shareOfChurned: 0.992, churnRateWith: 0.522, churnRateWithout: 0.309, medianDaysTicketToLastOrder: -12 },
    ...[row('product_quality', 'Product quality', 0, null), row('logistics', 'Delivery', 0, null, 'big_shop_neglect')].map((known) => ({
      ...known,
      tickets: 0,
      customers: 0,
      shareOfChurned: 0,
      churnRateWith: null,
      churnRateWithout: 0.519,
      revenueAtStake: 0,
      medianDaysTicketToLastOrder: null,
    })),
  ],
  trend: [
    { month: '2018-01-01', reason: 'unknown', tickets: 310, customers: 300 },
    { month: '2018-02-01', reason: 'unknown', tickets: 280, customers: 270 },
  ],
};

export const TAXONOMY: Taxonomy = {
  version: 3,
  negations: { zh: ['没有'], en: ['no problem with'] },
  churnTypes: [
    { key: 'disappointment', zh: '失望流失', en: 'Disappointment churn' },
    { key: 'big_shop_neglect', zh: '店大欺客', en: 'Big shop neglect' },
  ],
  reasons: [
    { key: 'product_quality', zh: '产品质量', en: 'Product quality', churnType: 'disappointment', keywords: { zh: ['质量问题'], en: ['defective'] } },
    { key: 'logistics', zh: '物流配送', en: 'Delivery', churnType: 'big_shop_neglect', keywords: { zh: ['物流慢'], en: ['late delivery'] } },
  ],
};

export const EVIDENCE: TicketEvidence = {
  ticket: { ticketId: 'TK7', customerId: 'c-1', createdAt: '2024-02-03T10:00:00.000Z', category: '投诉', subject: null, body: '没有质量问题，但是物流慢得离谱', refundReason: null, rating: 1 },
  classification: {
    primary: 'logistics',
    reasons: [{ reason: 'logistics', confidence: 0.6, evidence: [{ field: 'body', terms: ['物流慢'] }] }],
    negated: [{ field: 'body', terms: ['质量问题'] }],
    praised: [],
  },
  correction: null,
};

/** Seven corrections, enough for a model, with its cross-validated scores. */
export const CORRECTIONS: CorrectionsInfo = {
  corrections: 7,
  perReason: [{ reason: 'logistics', corrections: 4 }, { reason: 'none', corrections: 3 }],
  modelTrained: true,
  scores: [
    { reason: 'logistics', corrected: 4, predicted: 4, both: 3, precision: 0.75, recall: 0.75 },
    { reason: 'none', corrected: 3, predicted: 3, both: 2, precision: 2 / 3, recall: 2 / 3 },
  ],
  recent: [{ ticketId: 'TK7', reason: 'logistics', correctedAt: '2024-03-01T10:00:00' }],
};

export const workspace = (tickets: number): WorkspaceInfo => ({ path: 'w', tables: [], orders: 50, customers: 30, tickets, dateRange: null, sources: [], filledColumns: { orders: [], tickets: [] }, userTables: [], alerts: [] });
