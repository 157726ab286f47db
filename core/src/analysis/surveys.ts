// Satisfaction surveys (DOMAIN.md section 2): CSAT and NPS, their trend, churn and survival by NPS
// group, and the churn reasons in the free-text comments.
//
// CSAT is the share of 1-5 answers that are 4 or 5; NPS is the share of 0-10 answers that are 9 or 10
// (promoters) minus the share that are 0 to 6 (detractors), in points from -100 to 100. A customer's
// NPS group is that of their latest answer. Churn and lifetimes follow the shared inactivity rule
// (activity.ts) when the workspace has orders. Comments go through the ticket classifier.
import type { DuckDBConnection } from '@duckdb/node-api';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { NpsGroup, NpsGroupRow, SurveyPeriodRow, SurveyReasonRow, SurveysOptions, SurveysResult } from '../api/drivers.ts';
import { CoreError } from '../api/errors.ts';
import { UNKNOWN_REASON, type Taxonomy } from '../api/reasons.ts';
import type { RetentionPeriod } from '../api/retention.ts';
import { queryOne, queryRows } from '../db/sql.ts';
import { activityRelations, customerStatusParams, customerStatusSql, resolveChurnRule } from './activity.ts';
import { choice } from './periods.ts';
import { classifyFields, compileTaxonomy } from './reasonClassify.ts';
import { kaplanMeier, logRank, type TimeCounts } from './survival.ts';

export type { SurveysOptions, SurveysResult } from '../api/drivers.ts';

export const SURVEYS_DEFAULTS = { period: 'month' } as const;

const PERIODS: readonly RetentionPeriod[] = ['day', 'week', 'month', 'quarter'];
const NPS_GROUPS: readonly NpsGroup[] = ['promoter', 'passive', 'detractor'];
/** Answers outside the scales are not answers (a 0-100 slider, a typo): they are left out. */
const VALID = { csat: 'csat BETWEEN 1 AND 5', nps: 'nps BETWEEN 0 AND 10' } as const;

export async function surveys(connection: DuckDBConnection, taxonomy: Taxonomy, options: SurveysOptions = {}): Promise<SurveysResult> {
  const period = choice('period', options.period, PERIODS, SURVEYS_DEFAULTS.period);
  const totals = await queryOne<{ responses: number; respondents: number; orders: number }>(
    connection,
    `SELECT count(*) AS responses, count(DISTINCT customer_id) AS respondents, (SELECT count(*) FROM orders) AS orders FROM surveys`,
  );
  if (totals.responses === 0) throw new CoreError('E_NO_DATA', 'the workspace has no survey answers; import a survey export with kind surveys');
  const scores = await queryOne<{ csat_n: number; satisfied: number; csat_mean: number | null; nps_n: number; promoters: number; passives: number; detractors: number }>(
    connection,
    `SELECT count(*) FILTER (WHERE ${VALID.csat}) AS csat_n, count(*) FILTER (WHERE ${VALID.csat} AND csat >= 4) AS satisfied,
            avg(csat) FILTER (WHERE ${VALID.csat}) AS csat_mean,
            count(*) FILTER (WHERE ${VALID.nps}) AS nps_n, count(*) FILTER (WHERE ${VALID.nps} AND nps >= 9) AS promoters,
            count(*) FILTER (WHERE ${VALID.nps} AND nps >= 7 AND nps < 9) AS passives, count(*) FILTER (WHERE ${VALID.nps} AND nps <= 6) AS detractors
     FROM surveys`,
  );
  const npsScore = (promoters: number, detractors: number, n: number) => (100 * (promoters - detractors)) / n;
  const trend = await queryRows<{ period: string; responses: number; csat_n: number; satisfied: number; nps_n: number; promoters: number; detractors: number }>(
    connection,
    `SELECT strftime(date_trunc($period, responded_at), '%Y-%m-%d') AS period, count(*) AS responses,
            count(*) FILTER (WHERE ${VALID.csat}) AS csat_n, count(*) FILTER (WHERE ${VALID.csat} AND csat >= 4) AS satisfied,
            count(*) FILTER (WHERE ${VALID.nps}) AS nps_n, count(*) FILTER (WHERE ${VALID.nps} AND nps >= 9) AS promoters,
            count(*) FILTER (WHERE ${VALID.nps} AND nps <= 6) AS detractors
     FROM surveys WHERE responded_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    { period },
  );
  const overTime: SurveyPeriodRow[] = trend.map((row) => ({
    period: row.period,
    responses: row.responses,
    csatResponses: row.csat_n,
    csat: row.csat_n > 0 ? row.satisfied / row.csat_n : null,
    npsResponses: row.nps_n,
    nps: row.nps_n > 0 ? npsScore(row.promoters, row.detractors, row.nps_n) : null,
  }));

  // Each customer's latest NPS answer (undated answers count as the oldest)
  const latestGroup = `SELECT customer_id, CASE WHEN latest >= 9 THEN 'promoter' WHEN latest >= 7 THEN 'passive' ELSE 'detractor' END AS nps_group
                       FROM (SELECT customer_id, arg_max(nps, coalesce(responded_at, TIMESTAMP '1970-01-01')) AS latest
                             FROM surveys WHERE customer_id IS NOT NULL AND ${VALID.nps} GROUP BY customer_id)`;
  let rule: SurveysResult['rule'] = null;
  let byNpsGroup: NpsGroupRow[];
  let survival: SurveysResult['survival'] = [];
  if (totals.orders > 0) {
    rule = await resolveChurnRule(connection, options);
    const params = customerStatusParams(rule);
    // one row per customer, from the import's summaries when they hold the rule's activity
    const status = customerStatusSql((await activityRelations(connection, rule.statuses, options.asOf ?? null)).customers);
    const groups = await queryRows<{ nps_group: NpsGroup; customers: number; judged: number; churned: number }>(
      connection,
      `WITH status AS (${status})
       SELECT g.nps_group, count(*) AS customers, count(s.customer_id) AS judged, count(*) FILTER (WHERE s.churned) AS churned
       FROM (${latestGroup}) g LEFT JOIN status s USING (customer_id) GROUP BY 1`,
      params,
    );
    byNpsGroup = NPS_GROUPS.map((group) => {
      const row = groups.find((g) => g.nps_group === group);
      return { group, customers: row?.customers ?? 0, judged: row?.judged ?? 0, churned: row?.churned ?? 0, churnRate: row && row.judged > 0 ? row.churned / row.judged : null };
    });
    const counts = await queryRows<TimeCounts>(
      connection,
      `WITH status AS (${status})
       SELECT g.nps_group AS "group",
              date_diff('day', CAST(s.first_at AS DATE), CASE WHEN s.churned THEN CAST(s.churn_at AS DATE) ELSE CAST($activity_as_of AS DATE) END) AS time,
              count(*) FILTER (WHERE s.churned) AS events, count(*) FILTER (WHERE NOT s.churned) AS censored
       FROM (${latestGroup}) g JOIN status s USING (customer_id) GROUP BY ALL ORDER BY time`,
      params,
    );
    const z = normalQuantile(0.975, 0, 1);
    survival = NPS_GROUPS.map((group) => counts.filter((row) => row.group === group))
      .filter((rows) => rows.length > 0)
      .map((rows) => kaplanMeier(rows[0]!.group, rows, z));
  } else {
    const groups = await queryRows<{ nps_group: NpsGroup; customers: number }>(connection, `SELECT nps_group, count(*) AS customers FROM (${latestGroup}) GROUP BY 1`);
    byNpsGroup = NPS_GROUPS.map((group) => ({ group, customers: groups.find((g) => g.nps_group === group)?.customers ?? 0, judged: 0, churned: 0, churnRate: null }));
  }

  const texts = await queryRows<{ comment: string }>(connection, `SELECT comment FROM surveys WHERE trim(coalesce(comment, '')) <> ''`);
  const matcher = compileTaxonomy(taxonomy);
  const counts = new Map<string, number>();
  for (const { comment } of texts) {
    // A comment no reason matches classifies as unknown, which is counted like any reason
    for (const { reason } of classifyFields(matcher, { body: comment }).reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const reasons: SurveyReasonRow[] = [
    ...taxonomy.reasons.map((reason) => ({ key: reason.key, zh: reason.zh, en: reason.en })),
    { key: UNKNOWN_REASON, zh: '未知原因', en: 'Unknown reason' },
  ]
    .map((reason) => ({ ...reason, comments: counts.get(reason.key) ?? 0, share: texts.length > 0 ? (counts.get(reason.key) ?? 0) / texts.length : 0 }))
    .filter((row) => row.comments > 0)
    .sort((a, b) => b.comments - a.comments || a.key.localeCompare(b.key));

  return {
    options: { period, statuses: rule?.statuses ?? null, asOf: rule?.asOf ?? null },
    rule,
    responses: totals.responses,
    respondents: totals.respondents,
    csat: scores.csat_n > 0 ? { responses: scores.csat_n, satisfied: scores.satisfied, score: scores.satisfied / scores.csat_n, mean: scores.csat_mean! } : null,
    nps:
      scores.nps_n > 0
        ? { responses: scores.nps_n, promoters: scores.promoters, passives: scores.passives, detractors: scores.detractors, score: npsScore(scores.promoters, scores.detractors, scores.nps_n) }
        : null,
    overTime,
    byNpsGroup,
    survival,
    logRank: survival.length >= 2 ? logRank(survival) : null,
    comments: texts.length,
    reasons,
  };
}
