// CLI commands of the drivers area: drivers (Cox model), surveys (CSAT/NPS) and what-if.
//
// Each prints a readable summary by default, the whole result with --json, and with --csv the table
// of its report section through the report's CSV writer (one file's worth on stdout).
import type { Command } from 'commander';
import type { DriversOptions, DriversResult, SurveysResult, WhatIfResult } from '../../api/drivers.ts';
import { CoreError } from '../../api/errors.ts';
import type { ChurnRuleOptions, OrderStatusName } from '../../api/retention.ts';
import { loadDeferred, numberOption, printCsv, printJson, windowCaution, withCore } from './common.ts';

interface RuleFlags {
  json?: boolean;
  csv?: boolean;
  statuses?: string;
  asOf?: string;
  windowDays?: string;
}

interface ModelFlags extends RuleFlags {
  table?: string;
  duration?: string;
  event?: string;
  covariates?: string;
  reference: string[];
  standardize?: boolean;
  confidence?: string;
}

function withRuleOptions(command: Command): Command {
  return command
    .option('--statuses <list>', 'order statuses that count as activity, comma-separated (default: completed)')
    .option('--as-of <date>', 'evaluate as of this ISO date or date-time (default: the last order)')
    .option('--window-days <n>', 'churned after more than n days without activity (default: P90 of repeat gaps)')
    .option('--json', 'print the whole result as JSON');
}

function withModelOptions(command: Command): Command {
  return command
    .option('--table <name>', 'model the rows of this workspace table instead of the customers of the orders')
    .option('--duration <column>', 'with --table: the time to the event or to censoring')
    .option('--event <column>', 'with --table: 1/0, yes/no, true/false: whether the event happened')
    .option('--covariates <list>', 'comma-separated: order drivers (reason, shopperType, rfmSegment, channel, region, category, discountShare, refundShare, deliveryDays, rating, surveyScore) or, with --table, its columns')
    .option('--reference <COL=LEVEL>', 'reference level of a categorical covariate (repeatable; default its most frequent level)', (value: string, all: string[]) => [...all, value], [])
    .option('--standardize', 'numeric covariates per standard deviation instead of per unit');
}

function ruleRequest(flags: RuleFlags): ChurnRuleOptions {
  return {
    ...(flags.statuses ? { statuses: flags.statuses.split(',').map((status) => status.trim() as OrderStatusName) } : {}),
    ...(flags.asOf ? { asOf: flags.asOf } : {}),
    ...(flags.windowDays ? { windowDays: numberOption('window-days', flags.windowDays) } : {}),
  };
}

function modelRequest(flags: ModelFlags): DriversOptions {
  if (flags.table && (!flags.duration || !flags.event)) throw new CoreError('E_ARGS', '--table needs --duration and --event');
  if (!flags.table && (flags.duration || flags.event)) throw new CoreError('E_ARGS', '--duration and --event go with --table');
  const reference = Object.fromEntries(
    flags.reference.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new CoreError('E_ARGS', `--reference takes COLUMN=LEVEL, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return {
    ...ruleRequest(flags),
    ...(flags.table ? { source: { table: flags.table, durationColumn: flags.duration!, eventColumn: flags.event! } } : {}),
    ...(flags.covariates ? { covariates: flags.covariates.split(',').map((name) => name.trim()) } : {}),
    ...(flags.reference.length > 0 ? { reference } : {}),
    ...(flags.standardize ? { standardize: true } : {}),
    ...(flags.confidence ? { confidence: numberOption('confidence', flags.confidence) } : {}),
  };
}

const fixed = (value: number | null, digits = 3) => (value === null ? 'NA' : value.toFixed(digits));
const pText = (p: number | null) => (p === null ? 'NA' : p < 0.001 ? '<0.001' : p.toFixed(3));

async function printDrivers(result: DriversResult): Promise<void> {
  const { driverLevelName, driverTermName } = await loadDeferred();
  const out: string[] = [];
  // churn is the model's event, so a window from a handful of gaps makes every lifetime alike
  const caution = result.rule ? windowCaution(result.rule) : null;
  if (caution) out.push(caution);
  out.push(result.finding.en);
  out.push(
    `Cox model (Efron ties): ${result.subjects} subjects, ${result.events} events; time in ${result.timeUnit === 'day' ? 'days' : result.timeUnit}. ` +
      `Log-likelihood ${result.logLikelihood.model.toFixed(3)} (null ${result.logLikelihood.null.toFixed(3)}); ` +
      `LR chi2 ${result.likelihoodRatio.statistic.toFixed(2)} on ${result.likelihoodRatio.df} df, p ${pText(result.likelihoodRatio.pValue)}; concordance ${result.concordance.value.toFixed(3)}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  const referenceName = (term: string) => {
    const reference = result.terms.find((t) => t.term === term)?.reference;
    return reference ? driverLevelName(result, term, reference, 'en') : '';
  };
  printCsv(
    result.coefficients.map((c) => ({
      term: driverTermName(c.term, 'en'),
      // the names the finding above uses ("no ticket", "Routine"), not the stored keys
      level: c.level === null ? '' : driverLevelName(result, c.term, c.level, 'en'),
      reference: referenceName(c.term),
      // a ratio that runs to infinity (nobody, or everybody, in the level churned) has no value to print
      hazard_ratio: c.infinite ? (c.hazardRatio! < 1 ? 'to 0' : 'to infinity') : fixed(c.hazardRatio),
      ci: c.lower === null ? 'NA' : `${fixed(c.lower)} .. ${fixed(c.upper)}`,
      p: pText(c.pValue),
    })),
    ['term', 'level', 'reference', 'hazard_ratio', 'ci', 'p'],
  );
  process.stdout.write(`proportional hazards (cox.zph): global chi2 ${result.proportionalHazardsGlobal.statistic.toFixed(2)} on ${result.proportionalHazardsGlobal.df} df, p ${pText(result.proportionalHazardsGlobal.pValue)}\n`);
  for (const warning of result.warnings) process.stdout.write(`warning: ${warning.sentence.en}\n`);
}

async function printSurveys(result: SurveysResult): Promise<void> {
  const { NPS_GROUP_NAMES } = await loadDeferred();
  const lines = [`${result.responses} responses from ${result.respondents} respondents`];
  if (result.csat) lines.push(`CSAT ${(result.csat.score * 100).toFixed(1)}% (${result.csat.satisfied} of ${result.csat.responses} answered 4 or 5; mean ${result.csat.mean.toFixed(2)})`);
  if (result.nps) {
    lines.push(`NPS ${result.nps.score.toFixed(1)} (${result.nps.promoters} promoters, ${result.nps.passives} passives, ${result.nps.detractors} detractors of ${result.nps.responses})`);
  }
  for (const row of result.byNpsGroup) {
    lines.push(`${NPS_GROUP_NAMES[row.group].en}: ${row.customers} customers, ${row.churned} of ${row.judged} with orders churned${row.churnRate === null ? '' : ` (${(row.churnRate * 100).toFixed(1)}%)`}`);
  }
  if (result.logRank) lines.push(`log-rank across NPS groups: chi2 ${result.logRank.statistic.toFixed(2)}, df ${result.logRank.df}, p ${pText(result.logRank.pValue)}`);
  if (result.comments > 0) lines.push(`comments: ${result.comments}; reasons: ${result.reasons.map((r) => `${r.en} ${r.comments}`).join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printWhatIf(result: WhatIfResult): void {
  const { options, scenario } = result;
  const money = (value: number | null) => (value === null ? 'n/a' : value.toFixed(0));
  const lines = [
    `If churn among customers with ${options.term} = ${options.level} fell by ${(options.reduction * 100).toFixed(0)}%, over the next ${options.horizonMonths} months:`,
    `  customers kept: ${scenario.customersKept.toFixed(1)} (of ${result.activeCustomers} active in the group; ${scenario.churnersNow.toFixed(1)} would leave at today's rate, ${scenario.churnersAfter.toFixed(1)} at the reduced one)`,
    `  trailing revenue kept: ${money(scenario.revenueKept)}`,
    ...(scenario.clvKept === null ? [] : [`  customer lifetime value kept: ${money(scenario.clvKept)}`]),
  ];
  if (result.model?.scenario) {
    lines.push(
      `  the model (hazard ratio ${result.model.hazardRatio.toFixed(2)} against ${result.model.reference}): churning like ${result.model.reference} keeps ${result.model.scenario.customersKept.toFixed(1)} customers and ${money(result.model.scenario.revenueKept)} revenue`,
    );
  }
  lines.push('Assumptions:', ...result.assumptions.en.map((line) => `  - ${line}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerDriversCommands(program: Command): void {
  withModelOptions(withRuleOptions(program.command('drivers')))
    .description('Cox proportional-hazards model of customer lifetime: hazard ratio per driver, likelihood-ratio test, concordance and the proportional-hazards check')
    .option('--confidence <level>', 'level of the hazard-ratio intervals', '0.95')
    .option('--csv', 'print the hazard-ratio table as CSV')
    .action(async (flags: ModelFlags, self: Command) => {
      const request = modelRequest(flags);
      await withCore(self, async (core) => {
        const result = await core.churnDrivers(request);
        if (flags.json) printJson(result);
        else if (flags.csv) {
          const { tableCsv, driversSections } = await loadDeferred();
          process.stdout.write(tableCsv(driversSections(result, 'en')[0]!.table!));
        } else await printDrivers(result);
      });
    });

  withRuleOptions(program.command('surveys'))
    .description('satisfaction surveys: CSAT, NPS, their trend, churn and survival by NPS group, reasons in the comments')
    .option('--period <period>', 'day, week, month or quarter for the trend', 'month')
    .option('--csv', 'print the trend table as CSV')
    .action(async (flags: RuleFlags & { period: string }, self: Command) => {
      await withCore(self, async (core) => {
        const result = await core.surveys({ ...ruleRequest(flags), period: flags.period as SurveysResult['options']['period'] });
        if (flags.json) printJson(result);
        else if (flags.csv) {
          const { tableCsv, surveySections } = await loadDeferred();
          process.stdout.write(tableCsv(surveySections(result, 'en')[0]!.table!));
        } else await printSurveys(result);
      });
    });

  withModelOptions(withRuleOptions(program.command('what-if')))
    .description('customers and trailing revenue kept if churn among one group (a reason, a driver level) fell by a share')
    .requiredOption('--driver <TERM=LEVEL>', 'the group, e.g. reason=logistics or Contract=Month-to-month')
    .option('--reduction <share>', 'cut in the group\'s churn rate, e.g. 0.2 for 20%', '0.2')
    .option('--months <n>', 'months ahead', '12')
    .action(async (flags: ModelFlags & { driver: string; reduction: string; months: string }, self: Command) => {
      const at = flags.driver.indexOf('=');
      if (at <= 0) throw new CoreError('E_ARGS', `--driver takes TERM=LEVEL, got "${flags.driver}"`);
      const drivers = modelRequest(flags);
      await withCore(self, async (core) => {
        const result = await core.whatIf({
          ...ruleRequest(flags),
          term: flags.driver.slice(0, at),
          level: flags.driver.slice(at + 1),
          reduction: numberOption('reduction', flags.reduction)!,
          horizonMonths: numberOption('months', flags.months)!,
          drivers,
        });
        if (flags.json) printJson(result);
        else printWhatIf(result);
      });
    });
}
