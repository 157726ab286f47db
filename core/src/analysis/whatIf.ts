// What-if: customers and revenue kept if churn among one group of customers (a reason, a driver's
// level) fell by a share, over the next N months.
//
// The group's churn rate is its observed average: churn events over months of observed lifetime
// (constant hazard h per month). Of the group's A customers still active, A(1 - e^{-hN}) churn within
// N months at that rate and A(1 - e^{-h(1-x)N}) at the reduced one; the difference is kept. Revenue
// kept is the group's trailing 12-month revenue per month times the customer-months gained,
// (1 - e^{-h'N})/h' - (1 - e^{-hN})/h. Where the Cox model is fitted, it also says what cutting the
// group's hazard to its reference level's (a reduction of 1 - 1/HR) would keep. Where a customer-value
// run is stored, each customer kept is valued at the group's mean CLV.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { WhatIfOptions, WhatIfResult, WhatIfScenario } from '../api/drivers.ts';
import { CoreError } from '../api/errors.ts';
import type { Taxonomy } from '../api/reasons.ts';
import type { ReportLang } from '../api/report.ts';
import { queryOne, queryRows } from '../db/sql.ts';
import { workspaceDisplaySettings } from '../report/displaySettings.ts';
import { formatMoneyValue } from '../report/table.ts';
import { RESULT_TABLES } from './customerResults.ts';
import { driverSubjects, fitSubjects, levelName, MISSING_LEVEL } from './drivers.ts';
import { numberChoice } from './periods.ts';

export type { WhatIfOptions, WhatIfResult } from '../api/drivers.ts';

export const WHAT_IF_DEFAULTS = { reduction: 0.2, horizonMonths: 12 } as const;

const DAYS_PER_MONTH = 365.25 / 12;

/** Expected months alive within the horizon at a constant monthly hazard. */
function monthsAlive(hazard: number, horizon: number): number {
  return hazard > 0 ? (1 - Math.exp(-hazard * horizon)) / hazard : horizon;
}

function scenario(reduction: number, hazard: number, horizon: number, active: number, monthlyRevenue: number | null, meanClv: number | null): WhatIfScenario {
  const reduced = hazard * (1 - reduction);
  const churnersNow = active * (1 - Math.exp(-hazard * horizon));
  const churnersAfter = active * (1 - Math.exp(-reduced * horizon));
  return {
    reduction,
    churnersNow,
    churnersAfter,
    customersKept: churnersNow - churnersAfter,
    clvKept: meanClv === null ? null : meanClv * (churnersNow - churnersAfter),
    revenueKept: monthlyRevenue === null ? null : monthlyRevenue * (monthsAlive(reduced, horizon) - monthsAlive(hazard, horizon)),
  };
}

/**
 * Mean CLV of the chosen customers from the stored customer-value run (a member it does not hold
 * counts as 0); null without one, without ids, or when the run holds no CLV for any member (a run
 * whose spend model could not be fitted has none: "0 of CLV kept" would be a made-up figure).
 */
export async function groupMeanClv(connection: DuckDBConnection, ids: string[] | null, chosen: boolean[]): Promise<number | null> {
  if (!ids) return null;
  const [stored] = await queryRows(connection, `SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $table`, { table: RESULT_TABLES.value });
  if (!stored) return null;
  const members = ids.filter((_, i) => chosen[i]);
  if (members.length === 0) return null;
  const { clv } = await queryOne<{ clv: number | null }>(
    connection,
    `SELECT CASE WHEN count(v.clv) > 0 THEN avg(coalesce(v.clv, 0)) END AS clv FROM (SELECT unnest($ids) AS customer_id) m LEFT JOIN ${RESULT_TABLES.value} v USING (customer_id)`,
    { ids: listValue(members) },
  );
  return clv;
}

export async function whatIf(connection: DuckDBConnection, taxonomy: Taxonomy, options: WhatIfOptions): Promise<WhatIfResult> {
  if (typeof options.term !== 'string' || typeof options.level !== 'string') throw new CoreError('E_ARGS', 'term and level must name a categorical driver and one of its levels');
  const reduction = numberChoice('reduction', options.reduction, WHAT_IF_DEFAULTS.reduction, { min: 0.001, max: 1 });
  const horizonMonths = numberChoice('horizonMonths', options.horizonMonths, WHAT_IF_DEFAULTS.horizonMonths, { min: 1, max: 120, whole: true });
  const drivers = options.drivers ?? {};
  const covariates = drivers.covariates ? [...new Set([options.term, ...drivers.covariates])] : [options.term];
  const { term, level } = options;
  const subjects = await driverSubjects(connection, taxonomy, {
    ...drivers,
    covariates,
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.statuses === undefined ? {} : { statuses: options.statuses }),
    ...(options.windowDays === undefined ? {} : { windowDays: options.windowDays }),
  }, { revenue: true });
  const values = subjects.values.get(term);
  if (!values || values instanceof Float64Array) throw new CoreError('E_ARGS', `term: ${term} is not a categorical driver; a what-if needs a group of customers (a reason, a segment, a level of a column)`);
  const inGroup = values.map((value) => (value ?? MISSING_LEVEL) === level);
  // Table durations are read as months (IBM Telco's tenure); customer lifetimes are in days
  const monthsPerUnit = subjects.timeUnit === 'day' ? 1 / DAYS_PER_MONTH : 1;
  let groupCustomers = 0;
  let groupEvents = 0;
  let exposure = 0;
  let active = 0;
  let trailing = 0;
  inGroup.forEach((member, i) => {
    if (!member) return;
    groupCustomers++;
    groupEvents += subjects.event[i]!;
    exposure += subjects.time[i]! * monthsPerUnit;
    if (subjects.event[i]) return;
    active++;
    trailing += subjects.revenue?.[i] ?? 0;
  });
  if (groupCustomers === 0) throw new CoreError('E_NO_DATA', `no customer has ${term} = ${JSON.stringify(level)}`);
  const hazard = exposure > 0 ? groupEvents / exposure : 0;
  const trailingRevenue = subjects.revenue ? trailing : null;
  const meanClv = await groupMeanClv(connection, subjects.customerIds, inGroup.map((member, i) => member && !subjects.event[i]));
  const monthlyRevenue = trailingRevenue === null ? null : trailingRevenue / 12;

  const { fit, model } = fitSubjects(subjects, drivers.reference ?? {}, false, 0.95);
  const termInfo = model.terms.find((t) => t.term === term)!;
  const column = model.columnLevels.findIndex((l, index) => model.columnTerms[index] === term && l === level);
  const hazardRatio = level === termInfo.reference ? 1 : (fit.coefficients[column]?.hazardRatio ?? null);
  const modelPart =
    hazardRatio === null
      ? null
      : {
          hazardRatio,
          reference: termInfo.reference!,
          scenario: hazardRatio > 1 ? scenario(1 - 1 / hazardRatio, hazard, horizonMonths, active, monthlyRevenue, meanClv) : null,
        };

  // The reference level as the model's table names it (无工单 / no ticket for the reason term's `none`)
  const referenceName = (lang: 'zh' | 'en') => levelName(termInfo, termInfo.reference!, lang);
  // Amounts as every other money figure: grouped, with the workspace's currency symbol when one is set.
  const { currency } = await workspaceDisplaySettings(connection);
  const moneyIn = (lang: ReportLang) => (value: number) => formatMoneyValue(value, lang, currency, 2);
  const [enMoney, zhMoney] = [moneyIn('en'), moneyIn('zh-CN')];
  const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
  const rate = `${percent(hazard)}`;
  const assumptions = {
    en: [
      `The group's churn rate stays at its observed average, ${rate} of its customers a month (${groupEvents} churned over ${Math.round(exposure)} customer-months), for the next ${horizonMonths} months.`,
      `The ${percent(reduction)} cut applies to that rate from the evaluation date on; customers who already left are not won back, and no new customers join.`,
      trailingRevenue === null
        ? 'The table has no orders, so no revenue is attached to the customers kept.'
        : `Customers kept spend at the group's trailing 12-month rate (${enMoney(monthlyRevenue!)} a month for its ${active} active customers); no discounting.`,
      ...(meanClv === null ? [] : [`Each customer kept is worth the mean CLV of the group's active customers in the last customer-value run (${enMoney(meanClv)}).`]),
      ...(modelPart?.scenario
        ? [`The model's scenario cuts the group's rate to that of "${referenceName('en')}" (hazard ratio ${modelPart.hazardRatio.toFixed(2)}, other covariates held fixed).`]
        : []),
    ],
    zh: [
      `该组的流失率保持在观测到的平均水平，即每月流失 ${rate} 的客户（共 ${Math.round(exposure)} 个客户月中流失 ${groupEvents} 人），持续未来 ${horizonMonths} 个月。`,
      `流失率从评估日起下降 ${percent(reduction)}；已流失的客户不会回来，也不计入新客户。`,
      trailingRevenue === null
        ? '该表没有订单数据，因此留住的客户不计收入。'
        : `留住的客户按该组近 12 个月的平均月收入消费（${active} 名活跃客户每月共 ${zhMoney(monthlyRevenue!)}），不做折现。`,
      ...(meanClv === null ? [] : [`每位留住的客户按该组活跃客户在最近一次客户价值计算中的平均 CLV 计（${zhMoney(meanClv)}）。`]),
      ...(modelPart?.scenario ? [`模型情景：将该组的流失率降到「${referenceName('zh')}」的水平（风险比 ${modelPart.hazardRatio.toFixed(2)}，其他协变量不变）。`] : []),
    ],
  };
  return {
    options: { term, level, reduction, horizonMonths },
    activeCustomers: active,
    groupCustomers,
    groupEvents,
    monthlyChurnRate: hazard,
    trailingRevenue,
    scenario: scenario(reduction, hazard, horizonMonths, active, monthlyRevenue, meanClv),
    model: modelPart,
    assumptions,
  };
}
