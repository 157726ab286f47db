// CLI commands of the retention area: retention, members, forecast, churn, survival and kpis.
//
// Every command prints a short readable summary by default, the whole result with --json, and a
// tidy long table with --csv (one row per observation, one column per variable).
import type { Command } from 'commander';
import type {
  ChurnRuleInfo,
  ChurnRuleOptions,
  ChurnSummaryResult,
  CohortRetentionResult,
  Kpi,
  KpiKey,
  KpisResult,
  OrderStatusName,
  RetentionBase,
  RetentionForecastResult,
  RetentionMetric,
  RetentionMode,
  RetentionPeriod,
  SegmentColumn,
  SurvivalResult,
} from '../../api/retention.ts';
import { readableTimestamp } from '../../api/kpiFormula.ts';
import type { Core } from '../core.ts';
import { loadDeferred, numberOption, printCsv, printJson, windowCaution, withCore } from './common.ts';

interface OutputFlags {
  json?: boolean;
  csv?: boolean;
}

interface RuleFlags extends OutputFlags {
  statuses?: string;
  asOf?: string;
  windowDays?: string;
}

/** The options every command of the area shares. */
function ruleOptions(command: Command, withWindow: boolean): Command {
  command
    .option('--statuses <list>', 'order statuses that count as activity, comma-separated (default: completed)')
    .option('--as-of <date>', 'evaluate as of this ISO date or date-time (default: the last order)')
    .option('--json', 'print the whole result as JSON')
    .option('--csv', 'print the result as a tidy CSV table');
  if (withWindow) command.option('--window-days <n>', 'churned after more than n days without activity (default: P90 of repeat gaps)');
  return command;
}

function ruleRequest(flags: RuleFlags): ChurnRuleOptions {
  return {
    ...(flags.statuses ? { statuses: flags.statuses.split(',').map((status) => status.trim() as OrderStatusName) } : {}),
    ...(flags.asOf ? { asOf: flags.asOf } : {}),
    ...(flags.windowDays ? { windowDays: numberOption('window-days', flags.windowDays) } : {}),
  };
}

/** Adds a key only when the flag was given, so the analysis applies its own default otherwise. */
function given<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

const percent = (share: number | null | undefined) => (share === null || share === undefined ? '' : `${(share * 100).toFixed(1)}%`);
const number = (value: number | null, digits = 4) => (value === null ? 'n/a' : String(Number(value.toPrecision(digits))));

function ruleLine(rule: ChurnRuleInfo): string {
  const source = rule.windowSource === 'p90' ? `P90 of the gaps of ${rule.repeatCustomers} repeat customers` : 'chosen';
  const caution = windowCaution(rule);
  return `churn rule: no activity for more than ${rule.windowDays} calendar days after the day of the last activity (${source}), as of ${readableTimestamp(rule.asOf)}, statuses ${rule.statuses.join(', ')}${caution ? `\n${caution}` : ''}`;
}

function printRetention(result: CohortRetentionResult, segmented: boolean, csv: boolean): void {
  if (csv) {
    const rows = result.matrices.flatMap((matrix) =>
      matrix.cohorts.flatMap((row) =>
        row.values.map((value, k) => ({
          segment: matrix.segment ?? '',
          cohort: row.cohort,
          k,
          cohort_size: row.size,
          value: value ?? '',
          rate: row.rates[k] ?? '',
          // the cell's period holds the data's last day but does not end with it: its rate will still grow
          partial: row.partialK === k,
        })),
      ),
    );
    const columns = ['cohort', 'k', 'cohort_size', 'value', 'rate', 'partial'];
    printCsv(rows, segmented ? ['segment', ...columns] : columns);
    return;
  }
  const { options } = result;
  const base = options.relativeTo === 'first' ? 'period 0' : 'the previous period';
  // on-or-after sums k and later: its period 0 is everything the cohort did, so rates read as "share still to come"
  const relative = options.mode === 'on-or-after' && options.metric !== 'customers' ? `${base} or later (the cohort's ${options.metric} to date)` : base;
  process.stdout.write(`${options.metric} ${options.mode} period k, per ${options.period}, relative to ${relative}; * = partial period\n`);
  for (const matrix of result.matrices) {
    if (segmented) process.stdout.write(`\n${options.segment} = ${matrix.segment ?? '(none)'}: ${matrix.customers} customers\n`);
    const header = ['cohort', 'size', ...Array.from({ length: result.periods }, (_, k) => `k${k}`)];
    const lines = matrix.cohorts.map((row) => [row.cohort, String(row.size), ...row.rates.map((rate, k) => (row.values[k] === null ? '' : `${percent(rate)}${row.partialK === k ? '*' : ''}`))]);
    lines.push(['weighted', String(matrix.customers), ...matrix.weightedMean.map((point) => percent(point.rate))]);
    lines.push(['mean', '', ...matrix.simpleMean.map((point) => percent(point.rate))]);
    const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
    for (const line of [header, ...lines]) process.stdout.write(`${line.map((cell, column) => cell.padStart(widths[column]!)).join(' ')}\n`);
  }
}

function printForecast(result: RetentionForecastResult, segmented: boolean, csv: boolean): void {
  if (csv) {
    const rows = result.segments.flatMap((segment) =>
      [segment.pooled, ...segment.cohorts].flatMap((fit) =>
        Array.from({ length: Math.max(fit.observed.length, fit.projected.length) }, (_, k) => ({
          segment: segment.segment ?? '',
          cohort: fit.cohort ?? '',
          cohort_size: fit.size,
          k,
          observed: fit.observed[k] ?? '',
          projected: fit.projected[k] ?? '',
          // after --fit-periods: what all the data showed in the periods the fit did not see
          holdout_observed: fit.holdout?.periods.find((period) => period.k === k)?.observed ?? '',
        })),
      ),
    );
    printCsv(rows, [...(segmented ? ['segment'] : []), 'cohort', 'cohort_size', 'k', 'observed', 'projected', ...(result.options.fitPeriods ? ['holdout_observed'] : [])]);
    return;
  }
  const { options } = result;
  process.stdout.write(`${ruleLine(result.rule)}\nshifted-beta-geometric fits per ${options.period}, projected ${options.horizon} ${options.period}s${options.fitPeriods ? `, fitted on periods 1-${options.fitPeriods}` : ''}\n`);
  for (const segment of result.segments) {
    if (segmented) process.stdout.write(`\n${options.segment} = ${segment.segment ?? '(none)'}\n`);
    printCsv(
      [segment.pooled, ...segment.cohorts].map((fit) => ({
        cohort: fit.cohort ?? 'all (pooled)',
        size: fit.size,
        periods: fit.observedPeriods,
        alpha: number(fit.alpha),
        beta: number(fit.beta),
        log_likelihood: fit.logLikelihood === null ? 'n/a' : fit.logLikelihood.toFixed(2),
        // a parameter on its bound: alpha and beta huge means one churn probability for everyone (geometric)
        converged: fit.alpha === null ? 'not fitted' : fit.converged ? 'yes' : 'no',
        [`survival_${options.horizon}`]: percent(fit.projected[options.horizon]),
        holdout_error: fit.holdout ? percent(fit.holdout.meanAbsoluteError) : '',
      })),
      ['cohort', 'size', 'periods', 'alpha', 'beta', 'log_likelihood', 'converged', `survival_${options.horizon}`, ...(options.fitPeriods ? ['holdout_error'] : [])],
    );
    const holdout = segment.pooled.holdout;
    if (holdout) {
      process.stdout.write(`pooled fit against the periods after ${options.fitPeriods} (Kaplan-Meier of all the data), mean absolute error ${percent(holdout.meanAbsoluteError)}\n`);
      printCsv(
        holdout.periods.map((period) => ({ k: period.k, observed: percent(period.observed), projected: percent(period.projected), error: percent(period.projected - period.observed) })),
        ['k', 'observed', 'projected', 'error'],
      );
    }
  }
}

function printSurvival(result: SurvivalResult, csv: boolean): void {
  const grouped = result.curves.length > 1 || result.curves.some((curve) => curve.group !== null);
  if (csv) {
    const rows = result.curves.flatMap((curve) =>
      curve.points.map((point) => ({
        group: curve.group ?? '',
        time: point.time,
        at_risk: point.atRisk,
        events: point.events,
        censored: point.censored,
        survival: point.survival,
        lower: point.lower ?? '',
        upper: point.upper ?? '',
      })),
    );
    printCsv(rows, [...(grouped ? ['group'] : []), 'time', 'at_risk', 'events', 'censored', 'survival', 'lower', 'upper']);
    return;
  }
  if (result.rule) process.stdout.write(`${ruleLine(result.rule)}\n`);
  if (result.excludedRows > 0) process.stdout.write(`${result.excludedRows} rows left out (no usable duration or event)\n`);
  // timeUnit is 'day' for customer lifetimes, else a column's name, which takes no plural
  const time = result.options.source === null ? `time in ${result.timeUnit}s` : `time from column "${result.timeUnit}"`;
  process.stdout.write(`Kaplan-Meier, ${time}, ${Math.round(result.options.confidence * 100)}% log-log bands\n`);
  printCsv(
    result.curves.map((curve) => ({
      group: curve.group ?? (grouped ? '(none)' : 'all'),
      subjects: curve.subjects,
      events: curve.events,
      median: curve.median ?? 'not reached',
      median_ci: `${curve.medianLower ?? 'NA'} .. ${curve.medianUpper ?? 'NA'}`,
    })),
    ['group', 'subjects', 'events', 'median', 'median_ci'],
  );
  if (result.logRank) {
    process.stdout.write(`log-rank: chi2 = ${result.logRank.statistic.toFixed(3)}, df = ${result.logRank.df}, p = ${number(result.logRank.pValue, 3)}\n`);
  }
}

/** KPIs that are amounts or means, not shares: the readable summary prints them as numbers, the rest as percentages. */
const KPI_AMOUNTS: ReadonlySet<KpiKey> = new Set(['customers', 'averageRating', 'revenuePerCustomer', 'averageOrderValue', 'gini']);

function printKpis(result: KpisResult, csv: boolean): void {
  // --csv keeps full precision for a spreadsheet; the readable summary rounds as a report would.
  const shown = (kpi: Kpi): string | number =>
    kpi.value === null ? '' : csv ? kpi.value : KPI_AMOUNTS.has(kpi.key) ? Number(kpi.value.toFixed(kpi.key === 'gini' ? 3 : 2)) : percent(kpi.value);
  const rounded = (value: number | null) => (value === null ? '' : csv ? value : Number(value.toFixed(2)));
  const rows = result.kpis.map((kpi) => ({ key: kpi.key, value: shown(kpi), numerator: rounded(kpi.numerator), denominator: rounded(kpi.denominator), formula: kpi.formula }));
  if (!csv) {
    process.stdout.write(
      result.rule ? `${ruleLine(result.rule)}\n` : 'churn rule: none (no customer bought on two different days, so no window can be derived): the churn rate is unknown; choose a window with --window-days N\n',
    );
  }
  printCsv(rows, ['key', 'value', 'numerator', 'denominator', 'formula']);
}

/** Said under the readable table: the columns' definitions (the API's ChurnPeriodRow), so the figures can be repeated with them. */
const CHURN_COLUMNS =
  'columns: active = new (first activity in the period) + returning (also active in the period before) + resurrected (back after a gap); ' +
  'churned: customers whose churn date (last activity + window) falls in the period; churned_after: customers whose last activity is in the period and who churned since; ' +
  'censored: last activity in the period, too recent to judge; churn_rate = churned_after / active, blank while any of them is censored';

function printChurn(result: ChurnSummaryResult, csv: boolean): void {
  if (!csv) {
    const share = result.customers > 0 ? ` (${percent(result.churned / result.customers)} of customers, over all time: not the churn rate, which is per ${result.options.period})` : '';
    process.stdout.write(`${ruleLine(result.rule)}\n${result.customers} customers: ${result.churned} churned${share}, ${result.censored} censored (too recent to judge)\n`);
  }
  printCsv(
    result.periods.map((row) => ({ ...row, churned_after: row.churnedAfter, churn_rate: row.churnRate === null ? '' : csv ? row.churnRate : percent(row.churnRate) })),
    ['period', 'partial', 'active', 'new', 'returning', 'resurrected', 'churned', 'churned_after', 'censored', 'churn_rate'],
  );
  if (!csv) process.stdout.write(`${CHURN_COLUMNS}\n`);
}

/**
 * Registers one analysis command: the shared rule options plus its own, then `call` on a core and
 * the whole result as JSON (--json) or `print`ed (summary, or CSV with --csv).
 */
function analysisCommand<Flags extends RuleFlags, Result>(
  program: Command,
  spec: { name: string; description: string; window: boolean; options: (command: Command) => Command },
  call: (core: Core, flags: Flags) => Promise<Result>,
  print: (result: Result, flags: Flags) => void,
): void {
  const command = spec.options(program.command(spec.name).description(spec.description));
  ruleOptions(command, spec.window).action(async (flags: Flags, self: Command) => {
    await withCore(self, async (core) => {
      const result = await call(core, flags);
      if (flags.json) printJson(result);
      else print(result, flags);
    });
  });
}

const segmentFlag = (flags: { segment?: string }) => (flags.segment ?? null) as SegmentColumn | null;

export function registerRetentionCommands(program: Command): void {
  analysisCommand(
    program,
    {
      name: 'retention',
      description: 'cohort retention matrix: one row per cohort (period of the first order), one column per period since',
      window: false,
      options: (command) =>
        command
          .option('--period <p>', 'day, week (ISO, Monday), month or quarter', 'month')
          .option('--mode <m>', 'on (active in period k) or on-or-after (active in k or later)', 'on')
          .option('--metric <m>', 'customers, orders or revenue', 'customers')
          .option('--relative-to <base>', 'first (period 0) or previous (period k - 1)', 'first')
          .option('--segment <column>', 'one matrix per first-order value of channel, region or category')
          .option('--trend-k <k>', 'the period whose rate the trend follows across cohorts', '1'),
    },
    (core, flags: RuleFlags & { period: string; mode: string; metric: string; relativeTo: string; segment?: string; trendK: string }) =>
      core.cohortRetention({
        ...ruleRequest(flags),
        period: flags.period as RetentionPeriod,
        mode: flags.mode as RetentionMode,
        metric: flags.metric as RetentionMetric,
        relativeTo: flags.relativeTo as RetentionBase,
        segment: segmentFlag(flags),
        ...given('trendK', numberOption('trend-k', flags.trendK)),
      }),
    (result, flags) => printRetention(result, flags.segment !== undefined, flags.csv === true),
  );

  analysisCommand(
    program,
    {
      name: 'members',
      description: 'the customers behind one cohort cell, as CSV (or JSON), largest cell revenue first',
      window: false,
      options: (command) =>
        command
          .requiredOption('--cohort <date>', 'first day of the cohort period, e.g. 2024-01-01')
          .requiredOption('--k <k>', 'periods since the cohort period')
          .option('--period <p>', 'day, week, month or quarter', 'month')
          .option('--mode <m>', 'on or on-or-after', 'on')
          .option('--segment <column>', 'with --segment-value: channel, region or category')
          .option('--segment-value <value>', 'only customers whose first order had this value')
          .option('--limit <n>', 'at most n customers', '10000')
          .option('--offset <n>', 'skip the first n customers', '0'),
    },
    async (core, flags: RuleFlags & { cohort: string; k: string; period: string; mode: string; segment?: string; segmentValue?: string; limit: string; offset: string }) => {
      const { arrowFromBytes, arrowCsvRows } = await loadDeferred();
      const table = arrowFromBytes(
        await core.cohortMembers({
          ...ruleRequest(flags),
          cohort: flags.cohort,
          k: numberOption('k', flags.k) ?? 0,
          period: flags.period as RetentionPeriod,
          mode: flags.mode as RetentionMode,
          segment: segmentFlag(flags),
          ...given('segmentValue', flags.segmentValue),
          ...given('limit', numberOption('limit', flags.limit)),
          ...given('offset', numberOption('offset', flags.offset)),
        }),
      );
      const columns = table.schema.fields.map((field) => field.name);
      const rows = arrowCsvRows(table, columns).map((cells) => Object.fromEntries(columns.map((column, index) => [column, cells[index]])));
      return { columns, rows };
    },
    (result) => printCsv(result.rows, result.columns),
  );

  analysisCommand(
    program,
    {
      name: 'forecast',
      description: 'shifted-beta-geometric retention forecast per cohort and pooled (Fader & Hardie 2007)',
      window: true,
      options: (command) =>
        command
          .option('--period <p>', 'day, week, month or quarter', 'month')
          .option('--horizon <n>', 'periods to project', '24')
          .option('--fit-periods <n>', 'fit on periods 1..n only (holdout check)')
          .option('--segment <column>', 'one set of fits per first-order value of channel, region or category'),
    },
    (core, flags: RuleFlags & { period: string; horizon: string; fitPeriods?: string; segment?: string }) =>
      core.retentionForecast({
        ...ruleRequest(flags),
        period: flags.period as RetentionPeriod,
        ...given('horizon', numberOption('horizon', flags.horizon)),
        ...given('fitPeriods', numberOption('fit-periods', flags.fitPeriods)),
        segment: segmentFlag(flags),
      }),
    (result, flags) => printForecast(result, flags.segment !== undefined, flags.csv === true),
  );

  analysisCommand(
    program,
    {
      name: 'churn',
      description: 'churn by the inactivity rule: verdicts, churn rate and lifecycle counts per period',
      window: true,
      options: (command) => command.option('--period <p>', 'day, week, month or quarter', 'month'),
    },
    (core, flags: RuleFlags & { period: string }) => core.churnSummary({ ...ruleRequest(flags), period: flags.period as RetentionPeriod }),
    (result, flags) => printChurn(result, flags.csv === true),
  );

  analysisCommand(
    program,
    {
      name: 'survival',
      description: 'Kaplan-Meier of customer lifetimes (or of any table with --table/--duration/--event) with bands, medians and the log-rank test',
      window: true,
      options: (command) =>
        command
          .option('--segment <column>', 'customer lifetimes: one curve per first-order value of channel, region or category')
          .option('--table <name>', 'survival on this workspace table instead of customer lifetimes')
          .option('--duration <column>', 'with --table: the duration column')
          .option('--event <column>', 'with --table: the event column (1/0, yes/no, true/false)')
          .option('--group <column>', 'with --table: one curve per value of this column')
          .option('--confidence <level>', 'level of the confidence bands', '0.95'),
    },
    (core, flags: RuleFlags & { segment?: string; table?: string; duration?: string; event?: string; group?: string; confidence: string }) =>
      core.survival({
        ...ruleRequest(flags),
        segment: segmentFlag(flags),
        source: flags.table ? { table: flags.table, durationColumn: flags.duration ?? '', eventColumn: flags.event ?? '', groupColumn: flags.group ?? null } : null,
        ...given('confidence', numberOption('confidence', flags.confidence)),
      }),
    (result, flags) => printSurvival(result, flags.csv === true),
  );

  analysisCommand(
    program,
    {
      name: 'kpis',
      description: 'headline KPIs with their formulas: repeat, retention, churn, completion, refund, complaint, ratings, revenue, Pareto',
      window: true,
      options: (command) =>
        command
          .option('--period <p>', 'period of the retention rate', 'month')
          .option('--pareto-share <share>', 'top share of customers for the Pareto KPI', '0.2')
          .option('--low-rating <n>', 'ratings at or below n count as low', '2'),
    },
    (core, flags: RuleFlags & { period: string; paretoShare: string; lowRating: string }) =>
      core.kpis({
        ...ruleRequest(flags),
        period: flags.period as RetentionPeriod,
        ...given('paretoShare', numberOption('pareto-share', flags.paretoShare)),
        ...given('lowRatingAtMost', numberOption('low-rating', flags.lowRating)),
      }),
    (result, flags) => printKpis(result, flags.csv === true),
  );
}
