// A ten-customer shop whose report headlines are computed by hand below.
//
// Orders (all completed, amount 10 unless given), cohort = month of the first order:
//   2024-01 cohort: A Jan 5, Feb 3, Apr 2 (k 0, 1, 3) · B Jan 10, Apr 20 (k 0, 3) · C Jan 15 · D Jan 20, Mar 1 (k 0, 2)
//   2024-02 cohort: E Feb 2, May 5 (k 0, 3) · F Feb 9 · G Feb 10, Mar 10 (k 0, 1)
//   2024-06 cohort: H Jun 15 (500) · I Jun 1 (300) · J Jun 10
// The data ends on Jun 15, so June is partial and every cell up to May is complete.
//
// Month 3: 2024-01 has A, B of 4 = 50%; 2024-02 has E of 3 = 33.3%, the worst. The weighted mean
// at month 3 is (2 + 1) / (4 + 3) = 42.857%, so the worst is 9.5 points below it.
// Month 1: A and G of 4 + 3 = 28.6%. Only two cohorts reach month 1 or later; the last month both
// reach completely is month 3 (42.9%): at month 4 the February cohort's cell (June) is partial.
//
// Churn window: repeat gaps in days are A 29, 59 · B 101 · D 41 · E 93 · G 29; sorted 29 29 41 59 93 101,
// P90 = 93 + 0.5 × (101 − 93) = 97 days (quantile_cont, position 0.9 × 5 = 4.5).
// Churned (more than 97 days since the last order on Jun 15): C (152 days), D (106), F (127) = 3 of 10
// = 30.0%; the other 7 are censored (G's 97 days is not more than 97).
//
// Lifetimes (first order to churn date = last + 97, else censored at Jun 15): C 97 and F 97 (events),
// D Jan 20 → Jun 6 = 138 (event); censored H 0, J 5, I 14, G 126, E 134, B 157, A 162. Kaplan-Meier:
// at 97 days 7 at risk, 2 events: S = 5/7; at 138 days 3 at risk (G, E censored before), 1 event:
// S = 5/7 × 2/3 = 0.476 ≤ 0.5, so the median lifetime is 138 days.
//
// Revenue: A 30 · B 20 · C 10 · D 20 · E 20 · F 10 · G 20 · H 500 · I 300 · J 10 = 940. The top 20%
// (2 customers) bring 800 / 940 = 85.1%. Gini = Σ (2i − n − 1) x_i / (n Σ x) over x ascending
// 10 10 10 20 20 20 20 30 300 500 with weights −9 −7 −5 −3 −1 1 3 5 7 9: 6540 / 9400 = 0.70.
import type { OrderRow } from '../helpers/fixtures.ts';

const PURCHASES: [customer: string, day: string, amount?: number][] = [
  ['A', '2024-01-05'],
  ['A', '2024-02-03'],
  ['A', '2024-04-02'],
  ['B', '2024-01-10'],
  ['B', '2024-04-20'],
  ['C', '2024-01-15'],
  ['D', '2024-01-20'],
  ['D', '2024-03-01'],
  ['E', '2024-02-02'],
  ['E', '2024-05-05'],
  ['F', '2024-02-09'],
  ['G', '2024-02-10'],
  ['G', '2024-03-10'],
  ['H', '2024-06-15', 500],
  ['I', '2024-06-01', 300],
  ['J', '2024-06-10'],
];

export const SHOP_ORDERS: OrderRow[] = PURCHASES.map(([customer, day, amount], index) => ({
  order_id: `O${index + 1}`,
  customer_id: customer,
  ordered_at: `${day} 12:00:00`,
  ...(amount === undefined ? {} : { amount }),
}));

export const SHOP_HEADLINES = {
  en: {
    kpis: 'The top 20% of customers bring 85.1% of revenue (Gini 0.70).',
    // every cohort of the shop is under the 30 customers a worst-cohort finding needs
    cohorts: 'On average 42.9% of customers bought in month 3; no cohort followed that far has 30 customers (the largest has 4), too few to name the worst.',
    curve: 'On average 28.6% of customers buy again in month 1 and 42.9% in month 3 (the 2 cohorts that reach it).',
    // 5 repeat customers: the window is flagged before the finding
    churn: 'Caution: the 97-day window rests on the gaps of only 5 repeat customers, too few to trust; choose a window that fits the purchase cycle. 30.0% of customers have churned: 3 of 10 went more than 97 days without buying; 7 bought within the window and are too recent to judge.',
    survival: 'Half of customers have churned 138 days after their first order',
  },
  'zh-CN': {
    kpis: '前 20% 的客户贡献了 85.1% 的收入（基尼系数 0.70）。',
    cohorts: '平均 42.9% 的客户在第 3 个月有购买；能观察到该期的同期群都不足 30 位客户（最大的有 4 位），人数太少，不指出哪个最差。',
    curve: '平均 28.6% 的客户在第 1 个月再次购买，第 3 个月为 42.9%（可观察到该期的 2 个同期群）。',
    churn: '注意：97 天的窗口仅由 5 位复购客户的购买间隔得出，样本太少，不宜采信；请按业务的购买周期手动设定窗口。30.0% 的客户已流失：10 位客户中 3 位超过 97 天未再购买；7 位在窗口期内有购买，尚无法判断。',
    survival: '一半客户在首单后 138 天内流失',
  },
} as const;
