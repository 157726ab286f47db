// CLI commands of the customers area: customers (RFM / shopper types), customer (explain) and clv.
import type { Command } from 'commander';
import { csvLines, csvText } from '../../api/csv.ts';
import type { CustomerExplanation, CustomerTable, CustomerValueResult, RfmSegmentsResult, ShopperSegmentsResult, TimeUnit } from '../../api/customers.ts';
import { CoreError } from '../../api/errors.ts';
import { readableTimestamp } from '../../api/kpiFormula.ts';
import type { Core } from '../core.ts';
import { loadDeferred, numberOption, printCsv, printJson, withCore } from './common.ts';

const PAGE = 10_000;

/** Prints a whole result table (or its first `limit` rows) as CSV, reading it page by page. */
async function printTable(core: Core, table: CustomerTable, resultId: string, limit = Number.POSITIVE_INFINITY): Promise<void> {
  const { arrowCsvRows, arrowFromBytes } = await loadDeferred();
  let offset = 0;
  for (;;) {
    const page = await core.customerRows({ table, resultId, offset, limit: Math.min(PAGE, limit - offset) });
    const rows = arrowCsvRows(arrowFromBytes(page.rows), page.columns);
    process.stdout.write(offset === 0 ? csvText(page.columns, rows) : csvLines(rows));
    offset += rows.length;
    if (rows.length === 0 || offset >= page.total || offset >= limit) return;
  }
}

const percent = (share: number | null) => (share === null ? '' : `${(share * 100).toFixed(1)}%`);
const round = (value: number | null, digits = 4) => (value === null ? 'n/a' : Number(value.toPrecision(digits)).toString());
const money = (value: number | null) => (value === null ? 'n/a' : value.toFixed(2));

function printRfm(result: RfmSegmentsResult): void {
  process.stdout.write(`RFM as of ${readableTimestamp(result.options.asOf)}: ${result.customers} customers, revenue ${round(result.revenue, 10)}\n`);
  printCsv(
    result.segments.map((s) => ({ segment: s.key, label: s.label.en, customers: s.customers, share: percent(s.customerShare), revenue: round(s.revenue, 10), revenue_share: percent(s.revenueShare) })),
    ['segment', 'label', 'customers', 'share', 'revenue', 'revenue_share'],
  );
}

function printShopper(result: ShopperSegmentsResult): void {
  process.stdout.write(`Shopper types as of ${readableTimestamp(result.options.asOf)}: ${result.customers} customers (undetermined: ${result.undetermined.insufficientData} too little data, ${result.undetermined.noRuleMatched} no rule matched)\n`);
  printCsv(
    result.types.map((t) => ({ type: t.key, label: t.label.en, customers: t.customers, share: percent(t.customerShare), secondary: t.secondaryCustomers, revenue_share: percent(t.revenueShare) })),
    ['type', 'label', 'customers', 'share', 'secondary', 'revenue_share'],
  );
  for (const judgement of result.judgements.filter((j) => j.judged !== 'full')) {
    const why = judgement.missing.map((m) => `${m.feature} (${m.reason})`).join('; ');
    process.stdout.write(`${judgement.type}: ${judgement.judged === 'none' ? 'cannot be judged' : 'judged without some conditions'}: ${why}\n`);
  }
  if (result.groups) process.stdout.write(`groups (${result.groups.basis.join(', ')}): ${result.groups.sizes.map((g) => `${g.group} ${g.customers}`).join(', ')}\n`);
  else if (result.groupsUnavailableReason) process.stdout.write(`groups: ${result.groupsUnavailableReason}\n`);
}

function printValue(result: CustomerValueResult): void {
  const { bgnbd, gammaGamma, summary } = result;
  const lines = [
    `BG/NBD (${result.options.unit}s, ${bgnbd.customers} customers): r=${round(bgnbd.r)} alpha=${round(bgnbd.alpha)} a=${round(bgnbd.a)} b=${round(bgnbd.b)} LL=${bgnbd.logLikelihood.toFixed(2)} converged in ${bgnbd.iterations} iterations`,
    gammaGamma
      ? `Gamma-Gamma (${gammaGamma.customers} repeat customers): p=${round(gammaGamma.p)} q=${round(gammaGamma.q)} v=${round(gammaGamma.v)} LL=${gammaGamma.logLikelihood.toFixed(2)}`
      : `Gamma-Gamma: not fitted (${result.gammaGammaSkipped})`,
    // expected counts are sums of probabilities: whole customers and tenths of purchases say all they can; money to the cent
    `expected alive about ${Math.round(summary.expectedAlive)} of ${summary.customers} customers (mean P(alive) ${round(summary.meanPAlive)}); expected purchases in ${result.options.horizonMonths} months ${summary.expectedPurchases.toFixed(1)}`,
    `CLV total ${money(summary.totalClv)}, value at risk ${money(summary.totalValueAtRisk)} (monthly discount ${result.options.monthlyDiscountRate})`,
    ...result.warnings.map((warning) => `warning: ${warning}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (result.holdout) {
    process.stdout.write(`holdout ${result.holdout.from} .. ${result.holdout.to}: predicted ${round(result.holdout.totalPredicted, 6)}, actual ${result.holdout.totalActual}\n`);
    printCsv(
      result.holdout.buckets.map((b) => ({ frequency: b.frequency, customers: b.customers, predicted: round(b.predicted), actual: round(b.actual) })),
      ['frequency', 'customers', 'predicted', 'actual'],
    );
  }
}

/** The command that computes each result `churnwb customer` reads, for the line saying it is missing. */
const COMPUTED_BY: Record<CustomerTable, string> = {
  rfm: 'churnwb customers --scheme rfm',
  shopper: 'churnwb customers --scheme shopper',
  value: 'churnwb clv',
};

/** A rank among values at risk under a cent (a fit on its bound gives every customer P(alive) 1) says nothing. */
const HALF_CENT = 0.005;

/** One customer's explanation in words: each score or type with the rule and figures that decided it. */
function printCustomer(explanation: CustomerExplanation): void {
  const lines = [`customer ${explanation.customerId}`];
  const { rfm, shopper, value } = explanation;
  if (rfm) {
    const range = ([low, high]: readonly [number, number]) => (low === high ? String(low) : `${low}-${high}`);
    lines.push(
      `RFM as of ${readableTimestamp(rfm.asOf)}: ${rfm.rule.label.en} (R ${rfm.r}, F ${rfm.f}, M ${rfm.m}): last purchase ${rfm.recencyDays} days before, ${rfm.frequency} orders, revenue ${money(rfm.monetary)}`,
      `  rule ${rfm.rule.key}: R ${range(rfm.rule.r)}, F ${range(rfm.rule.f)}, M ${range(rfm.rule.m ?? [1, 5])}${rfm.rule.description ? ` ("${rfm.rule.description.en}")` : ''}; scores are quintiles 1-5 among all customers`,
    );
  }
  if (shopper) {
    const label = (type: string) => shopper.types.find((entry) => entry.type === type)?.label.en ?? type;
    const undetermined = shopper.undeterminedReason === 'insufficient_data' ? ' (too little data to judge)' : shopper.undeterminedReason === 'no_rule_matched' ? ' (no rule matched)' : '';
    const also = shopper.secondary.length > 0 ? `; also ${shopper.secondary.map(label).join(', ')}` : '';
    lines.push(`shopper type: ${label(shopper.primary)}${undetermined}${also}`);
    for (const type of shopper.types) {
      const judged = type.judged === 'none' ? 'not judged' : type.matched ? 'matched' : 'not matched';
      const condition = (check: (typeof type.conditions)[number]) =>
        `${check.feature} ${check.op} ${check.threshold} (${check.value === null ? 'no value' : round(check.value)}: ${check.passed === null ? 'n/a' : check.passed ? 'yes' : 'no'})`;
      // every condition must hold, and one of the alternatives (an "any" group) when there are some
      const required = type.conditions.filter((check) => !check.alternative).map(condition);
      const alternatives = type.conditions.filter((check) => check.alternative).map(condition);
      const conditions = [...required, ...(alternatives.length > 0 ? [`one of (${alternatives.join(' or ')})`] : [])];
      lines.push(`  ${type.label.en}: ${judged}${type.judged === 'partial' ? ' (some conditions could not be judged)' : ''}${conditions.length > 0 ? `: ${conditions.join(', ')}` : ''}`);
    }
  }
  if (value) {
    lines.push(
      `value: P(alive) ${round(value.pAlive, 3)}, expected purchases ${round(value.expectedPurchases, 3)}, expected spend ${money(value.expectedSpend)}, CLV ${money(value.clv)}, value at risk ${money(value.valueAtRisk)}${value.atRiskRank === null || !((value.valueAtRisk ?? 0) >= HALF_CENT) ? '' : ` (rank ${value.atRiskRank} at risk)`}`,
      `  from ${value.frequency} repeat purchases, the last ${round(value.recency)} after the first, the first ${round(value.T)} before the end of the data (in the run's time unit); \`churnwb clv\` warns when its fit cannot rank risk`,
    );
  }
  for (const table of explanation.missing) lines.push(`${table === 'rfm' ? 'RFM' : table === 'shopper' ? 'shopper type' : 'value'}: not computed yet (run \`${COMPUTED_BY[table]}\`)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The --json shape: the fits' headline fields first, everything else after; Arrow bytes left out. */
function valueJson(result: CustomerValueResult): Record<string, unknown> {
  const { atRisk: _atRisk, bgnbd, gammaGamma, ...rest } = result;
  return {
    bgnbd: { r: bgnbd.r, alpha: bgnbd.alpha, a: bgnbd.a, b: bgnbd.b, logLikelihood: bgnbd.logLikelihood, converged: bgnbd.converged, iterations: bgnbd.iterations, atBound: bgnbd.atBound, customers: bgnbd.customers },
    gammaGamma: gammaGamma && { p: gammaGamma.p, q: gammaGamma.q, v: gammaGamma.v, logLikelihood: gammaGamma.logLikelihood, converged: gammaGamma.converged, iterations: gammaGamma.iterations, atBound: gammaGamma.atBound, customers: gammaGamma.customers },
    ...rest,
  };
}

function statusesOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((status) => status.trim());
}

export function registerCustomersCommands(program: Command): void {
  program
    .command('customers')
    .description('segment customers: RFM scores and named segments, or the six shopper types')
    .option('--scheme <scheme>', 'rfm or shopper', 'rfm')
    .option('--as-of <date>', 'judge as of this date (default: the data end)')
    .option('--statuses <list>', 'order statuses that count as purchases, comma-separated (default: completed)')
    .option('--rules <file>', 'a rules JSON to use instead of resources/segments/rfm.json or shopper-types.json')
    .option('--keywords <file>', 'shopper scheme: a keywords JSON to use instead of resources/segments/keywords.json')
    .option('--csv', 'print every customer as CSV instead of the summary')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { scheme: string; asOf?: string; statuses?: string; rules?: string; keywords?: string; csv?: boolean; json?: boolean }, command: Command) => {
      const { checkKeywords, checkRfmRules, checkShopperRules, readRulesFile } = await loadDeferred();
      const common = { ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.statuses ? { statuses: statusesOption(options.statuses) } : {}) };
      const request =
        options.scheme === 'rfm'
          ? { scheme: 'rfm' as const, ...common, ...(options.rules ? { rules: readRulesFile(options.rules, checkRfmRules) } : {}) }
          : options.scheme === 'shopper'
            ? {
                scheme: 'shopper' as const,
                ...common,
                ...(options.rules ? { rules: readRulesFile(options.rules, checkShopperRules) } : {}),
                ...(options.keywords ? { keywords: readRulesFile(options.keywords, checkKeywords) } : {}),
              }
            : null;
      if (!request) throw new CoreError('E_ARGS', `--scheme must be rfm or shopper, got "${options.scheme}"`);
      await withCore(command, async (core) => {
        const result = await core.customerSegments(request);
        if (options.csv) await printTable(core, result.scheme, result.resultId);
        else if (options.json) printJson(result);
        else if (result.scheme === 'rfm') printRfm(result);
        else printShopper(result);
      });
    });

  program
    .command('customer')
    .description('explain one customer: RFM scores and segment rule, shopper-type checks, value (from the last runs)')
    .argument('<id>', 'customer id')
    .option('--json', 'print the whole explanation as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withCore(command, async (core) => {
        const explanation = await core.explainCustomer({ customerId: id });
        if (options.json) printJson(explanation);
        else printCustomer(explanation);
      });
    });

  program
    .command('clv')
    .description('customer value: BG/NBD + Gamma-Gamma fits, P(alive), expected purchases, CLV, at-risk list, holdout check')
    .option('--unit <unit>', 'time unit, day or week', 'week')
    .option('--until <date>', 'calibration cut-off: fit on purchases up to this day, check against those after it')
    .option('--horizon-months <n>', 'horizon of expected purchases and CLV in 30-day months', '12')
    .option('--discount-rate <rate>', 'monthly discount rate of CLV', '0.01')
    .option('--statuses <list>', 'order statuses that count as purchases, comma-separated (default: completed)')
    .option('--summary <file>', 'fit a per-customer CSV (frequency|x, recency|t_x, T, monetary_value|zbar) instead of the orders')
    .option('--at-risk <n>', 'print the n customers with the highest value at risk as CSV')
    .option('--csv', 'print every customer as CSV')
    .option('--json', 'print the fits and summary as JSON')
    .action(
      async (
        options: { unit: string; until?: string; horizonMonths: string; discountRate: string; statuses?: string; summary?: string; atRisk?: string; csv?: boolean; json?: boolean },
        command: Command,
      ) => {
        if (options.unit !== 'day' && options.unit !== 'week') throw new CoreError('E_ARGS', `--unit must be day or week, got "${options.unit}"`);
        const atRisk = numberOption('at-risk', options.atRisk);
        await withCore(command, async (core) => {
          const result = await core.customerValue({
            unit: options.unit as TimeUnit,
            horizonMonths: numberOption('horizon-months', options.horizonMonths)!,
            monthlyDiscountRate: numberOption('discount-rate', options.discountRate)!,
            ...(options.until ? { until: options.until } : {}),
            ...(options.statuses ? { statuses: statusesOption(options.statuses) } : {}),
            ...(options.summary ? { summaryFile: options.summary } : {}),
          });
          if (atRisk !== undefined) await printTable(core, 'value', result.resultId, atRisk);
          else if (options.csv) await printTable(core, 'value', result.resultId);
          else if (options.json) printJson(valueJson(result));
          else printValue(result);
        }, { workspaceOptional: options.summary !== undefined });
      },
    );
}
