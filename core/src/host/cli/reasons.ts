// CLI commands of the reasons area: classify (a text or a file's column), reasons (segmentation) and taxonomy.
//
// Every command prints a short readable summary by default, the whole result with --json, and a
// tidy long table with --csv (one row per observation, one column per variable). --taxonomy FILE
// uses an edited taxonomy for one run without saving it in the workspace.
import type { Command } from 'commander';
import { CoreError } from '../../api/errors.ts';
import type { ChurnReasonsResult, Classification, ReasonRow, Taxonomy, TaxonomyInfo } from '../../api/reasons.ts';
import type { OrderStatusName } from '../../api/retention.ts';
import type { Evaluation, EvaluationSummary } from '../../analysis/reasonEvaluation.ts';
import { readableTimestamp } from '../../api/kpiFormula.ts';
import type { Core } from '../core.ts';
import { loadDeferred, numberOption, printCsv, printJson, windowCaution, withCore } from './common.ts';

interface OutputFlags {
  json?: boolean;
  csv?: boolean;
  taxonomy?: string;
}

async function readTaxonomyFile(path: string): Promise<Taxonomy> {
  return (await loadDeferred()).readTaxonomyFile(path);
}

/** `--taxonomy FILE` as a request field; absent without the flag, so the workspace's taxonomy applies. */
async function taxonomyChoice(flags: OutputFlags): Promise<{ taxonomy?: Taxonomy }> {
  return flags.taxonomy ? { taxonomy: await readTaxonomyFile(flags.taxonomy) } : {};
}

const percent = (share: number | null) => (share === null ? '' : `${(share * 100).toFixed(1)}%`);
const decimal = (value: number | null, digits = 3) => (value === null ? '' : String(Number(value.toPrecision(digits))));

function describeClassification(classification: Classification): string {
  const lines = classification.reasons.map((match) => {
    const evidence = match.evidence.map((item) => `${item.field}: ${item.terms.join(', ')}`).join('; ');
    return `${match.reason} (${match.confidence})${evidence ? `  ${evidence}` : ''}`;
  });
  for (const item of classification.negated) lines.push(`negated in ${item.field}: ${item.terms.join(', ')}`);
  return lines.join('\n');
}

/** The classification as tidy rows: one per reason and evidence field (a reason without evidence keeps one row). */
function classificationRows(classification: Classification): { reason: string; confidence: number; field: string; terms: string }[] {
  return classification.reasons.flatMap((match) =>
    (match.evidence.length > 0 ? match.evidence : [{ field: '', terms: [] as string[] }]).map((item) => ({
      reason: match.reason,
      confidence: match.confidence,
      field: item.field,
      terms: item.terms.join('|'),
    })),
  );
}

/** The values of one column of a CSV/TSV file (optionally gzipped), in file order. */
async function readColumn(path: string, column: string): Promise<string[]> {
  const { rows, fields: headers } = (await loadDeferred()).readCsvFile(path);
  if (!headers.includes(column)) throw new CoreError('E_ARGS', `${path} has no column ${JSON.stringify(column)}; columns: ${headers.join(', ')}`);
  return rows.map((row) => row[column] ?? '');
}

const share = (value: number | null) => (value === null ? '' : `${(value * 100).toFixed(1)}%`);

function summaryLine(name: string, summary: EvaluationSummary): string {
  const praise = summary.praiseOnly.texts > 0 ? `; praise-only texts given no reason ${summary.praiseOnly.noReason}/${summary.praiseOnly.texts} (${share(summary.praiseOnly.rate)})` : '';
  return `${name}: ${summary.texts} texts, top-reason accuracy ${share(summary.topAccuracy)}${praise}`;
}

/** Per-reason precision, recall and F1, then the confusion table of primary reasons, both languages apart. */
function printEvaluation(title: string, evaluation: Evaluation): void {
  process.stdout.write(`${title}\n${summaryLine('all', evaluation)}\n${summaryLine('zh', evaluation.byLanguage.zh)}\n${summaryLine('en', evaluation.byLanguage.en)}\n`);
  printCsv(
    evaluation.perReason.map((entry) => ({ ...entry, precision: share(entry.precision), recall: share(entry.recall), f1: entry.f1 === null ? '' : entry.f1.toFixed(3) })),
    ['reason', 'labelled', 'predicted', 'both', 'precision', 'recall', 'f1'],
  );
  const { reasons, counts } = evaluation.confusion;
  process.stdout.write('confusion of primary reasons (rows: label, columns: classifier):\n');
  printCsv(
    reasons.map((label, row) => Object.fromEntries([['label', label], ...reasons.map((predicted, column) => [predicted, counts[row]![column]!])])),
    ['label', ...reasons],
  );
}

async function classifyFile(core: Core, path: string, flags: OutputFlags & { column?: string; labels?: string }): Promise<void> {
  if (!flags.column) throw new CoreError('E_ARGS', 'classify FILE needs --column COL (the column holding the texts)');
  const choice = await taxonomyChoice(flags);
  const texts = await readColumn(path, flags.column);
  const classifications = await core.classifyTexts({ texts, ...choice });
  const results = texts.map((text, index) => ({ row: index + 1, text, classification: classifications[index] as Classification }));
  if (flags.labels) {
    const { evaluateClassifications, languageOf, readLabels } = await loadDeferred();
    // Labels name data rows of FILE (1 = the first row under the header)
    const byRow = new Map(results.map((result) => [String(result.row), result]));
    const scored = readLabels(flags.labels).map((label) => {
      const result = byRow.get(label.row);
      if (!result) throw new CoreError('E_ARGS', `${flags.labels}: row ${label.row} is not a data row of ${path} (it has ${results.length})`);
      return { gold: label, classification: result.classification, language: languageOf(result.text), praiseOnly: false };
    });
    const evaluation = evaluateClassifications(scored);
    if (flags.json) return printJson(evaluation);
    return printEvaluation(`${scored.length} labelled texts of column ${flags.column}`, evaluation);
  }
  if (flags.json) return printJson(results);
  if (flags.csv) {
    printCsv(
      results.flatMap(({ row, classification }) => classificationRows(classification).map((entry) => ({ row, ...entry }))),
      ['row', 'reason', 'confidence', 'field', 'terms'],
    );
    return;
  }
  const counts = new Map<string, number>();
  for (const { classification } of results) for (const match of classification.reasons) counts.set(match.reason, (counts.get(match.reason) ?? 0) + 1);
  process.stdout.write(`${results.length} texts of column ${flags.column}; texts per reason (a text can have several):\n`);
  printCsv(
    [...counts].sort((a, b) => b[1] - a[1]).map(([reason, texts]) => ({ reason, texts, share: percent(texts / Math.max(1, results.length)) })),
    ['reason', 'texts', 'share'],
  );
}

const REASON_COLUMNS = [
  'level', 'key', 'zh', 'en', 'churn_type', 'tickets', 'customers', 'churned_customers', 'share_of_churned', 'churn_rate_with', 'churn_rate_without',
  'lift', 'lift_low', 'lift_high', 'revenue_at_stake', 'median_days_ticket_to_last_order',
] as const;

function reasonCsvRow(level: 'reason' | 'churn_type', row: ReasonRow): Record<(typeof REASON_COLUMNS)[number], unknown> {
  return {
    level,
    key: row.key,
    zh: row.zh,
    en: row.en,
    churn_type: row.churnType ?? '',
    tickets: row.tickets,
    customers: row.customers,
    churned_customers: row.churnedCustomers,
    share_of_churned: row.shareOfChurned ?? '',
    churn_rate_with: row.churnRateWith ?? '',
    churn_rate_without: row.churnRateWithout ?? '',
    lift: row.lift ?? '',
    lift_low: row.liftLow ?? '',
    lift_high: row.liftHigh ?? '',
    revenue_at_stake: row.revenueAtStake ?? '',
    median_days_ticket_to_last_order: row.medianDaysTicketToLastOrder ?? '',
  };
}

/** Said under the readable tables: the columns' definitions (the API's ReasonRow). */
const REASON_SUMMARY_COLUMNS =
  'columns: customers with the reason in their tickets, churned of them; share = churned / all churned customers (a customer can carry several reasons); ' +
  'rate_with / rate_without: churn rate of the customers with / without the reason; lift = rate_with / rate_without (95% interval); ' +
  'revenue_at_stake: 12 months of revenue up to the last order of the churned customers with the reason; median_days: median days from their tickets to their last order (negative: the ticket came after it)';

function printReasons(result: ChurnReasonsResult, csv: boolean): void {
  if (csv) {
    printCsv([...result.reasons.map((row) => reasonCsvRow('reason', row)), ...result.churnTypes.map((row) => reasonCsvRow('churn_type', row))], REASON_COLUMNS);
    return;
  }
  const { rule, options } = result;
  const source = options.churnFlag
    ? `churn from ${options.churnFlag.table}.${options.churnFlag.eventColumn} (every ticket of a customer counts)`
    : `churn rule: no activity for more than ${rule?.windowDays} days (${rule?.windowSource === 'p90' ? 'P90 of repeat gaps' : 'chosen'}), as of ${rule ? readableTimestamp(rule.asOf) : ''}; tickets from ${options.daysBeforeLastOrder} days before the last order to the churn date`;
  const windowLine = rule ? windowCaution(rule) : null;
  process.stdout.write(
    `${source}\ntaxonomy version ${result.taxonomyVersion}: ${result.churnedCustomers} of ${result.judgedCustomers} customers churned, ${result.churnedWithTickets} of them with tickets in their window\n` +
      (windowLine ? `${windowLine}\n` : '') +
      (result.mostlyUnknown ? `caution: ${result.mostlyUnknown.sentence.en}\n` : ''),
  );
  const table = (rows: ReasonRow[]) =>
    printCsv(
      rows.map((row) => ({
        key: row.key,
        name: row.en,
        tickets: row.tickets,
        customers: row.customers,
        churned: row.churnedCustomers,
        share: percent(row.shareOfChurned),
        rate_with: percent(row.churnRateWith),
        rate_without: percent(row.churnRateWithout),
        lift: row.lift === null ? 'n/a' : `${decimal(row.lift)} (${decimal(row.liftLow)}-${decimal(row.liftHigh)})`,
        revenue_at_stake: row.revenueAtStake === null ? 'n/a' : row.revenueAtStake.toFixed(2),
        median_days: row.medianDaysTicketToLastOrder ?? 'n/a',
      })),
      ['key', 'name', 'tickets', 'customers', 'churned', 'share', 'rate_with', 'rate_without', 'lift', 'revenue_at_stake', 'median_days'],
    );
  table(result.reasons);
  process.stdout.write('\nby churn type:\n');
  table(result.churnTypes);
  process.stdout.write(`${REASON_SUMMARY_COLUMNS}\n`);
}

function printTaxonomy(info: TaxonomyInfo, origin: string): void {
  const { taxonomy } = info;
  process.stdout.write(`taxonomy version ${taxonomy.version} (${origin}), low rating at most ${taxonomy.lowRating}\n`);
  printCsv(
    taxonomy.reasons.map((reason) => ({
      key: reason.key,
      zh: reason.zh,
      en: reason.en,
      churn_type: reason.churnType,
      keywords_zh: reason.keywords.zh.length,
      keywords_en: reason.keywords.en.length,
      patterns: reason.patterns?.length ?? 0,
      categories: reason.categories?.length ?? 0,
    })),
    ['key', 'zh', 'en', 'churn_type', 'keywords_zh', 'keywords_en', 'patterns', 'categories'],
  );
}

export function registerReasonsCommands(program: Command): void {
  program
    .command('classify [file]')
    .description('classify one text (--text) or a column of a CSV/TSV file into churn reasons, with the matched words')
    .option('--text <text>', 'the text to classify')
    .option('--column <name>', 'with FILE: the column holding the texts')
    .option('--labels <file>', 'with FILE: a CSV of row,primary,others labels; print per-reason precision, recall, F1 and a confusion table')
    .option('--taxonomy <file>', 'use this taxonomy JSON instead of the workspace\'s')
    .option('--json', 'print the whole result as JSON')
    .option('--csv', 'print a tidy CSV: one row per reason and evidence field')
    .action(async (file: string | undefined, flags: OutputFlags & { text?: string; column?: string; labels?: string }, self: Command) => {
      if ((file === undefined) === (flags.text === undefined)) throw new CoreError('E_ARGS', 'give either --text "..." or FILE --column COL');
      await withCore(self, async (core) => {
        if (file !== undefined) return classifyFile(core, file, flags);
        const classification = await core.classifyText({ text: flags.text ?? '', ...(await taxonomyChoice(flags)) });
        if (flags.json) printJson(classification);
        else if (flags.csv) printCsv(classificationRows(classification), ['reason', 'confidence', 'field', 'terms']);
        else process.stdout.write(`${describeClassification(classification)}\n`);
        // without a workspace, the bundled taxonomy and model
      }, { workspaceOptional: true });
    });

  program
    .command('reasons')
    .description('churned customers segmented by the reasons of their tickets: per reason and per churn type, with lift and revenue at stake')
    .option('--window-days <n>', 'churned after more than n days without activity (default: P90 of repeat gaps)')
    .option('--days-before <n>', 'tickets count from n days before the last order to the churn date', '90')
    .option('--statuses <list>', 'order statuses that count as activity, comma-separated (default: completed)')
    .option('--as-of <date>', 'evaluate as of this ISO date or date-time (default: the last order)')
    .option('--churn-flag <table.customer.event>', 'churn from a yes/no column instead of the orders, e.g. tickets.customer_id.label')
    .option('--taxonomy <file>', 'use this taxonomy JSON instead of the workspace\'s')
    .option('--json', 'print the whole result as JSON')
    .option('--csv', 'print a tidy CSV: one row per reason and per churn type')
    .action(async (flags: OutputFlags & { windowDays?: string; daysBefore: string; statuses?: string; asOf?: string; churnFlag?: string }, self: Command) => {
      const flag = flags.churnFlag?.split('.');
      if (flag && flag.length !== 3) throw new CoreError('E_ARGS', `--churn-flag must be table.customer_column.event_column, got "${flags.churnFlag}"`);
      await withCore(self, async (core) => {
        const result = await core.churnReasons({
          ...(flags.windowDays ? { windowDays: numberOption('window-days', flags.windowDays) } : {}),
          ...(flags.statuses ? { statuses: flags.statuses.split(',').map((status) => status.trim() as OrderStatusName) } : {}),
          ...(flags.asOf ? { asOf: flags.asOf } : {}),
          daysBeforeLastOrder: numberOption('days-before', flags.daysBefore) ?? 90,
          churnFlag: flag ? { table: flag[0]!, customerColumn: flag[1]!, eventColumn: flag[2]! } : null,
          ...(await taxonomyChoice(flags)),
        });
        if (flags.json) printJson(result);
        else printReasons(result, flags.csv === true);
      });
    });

  program
    .command('evaluate')
    .description('agreement of the classifier with the labelled evaluation set (resources/taxonomy/evaluation): per-reason precision, recall, F1 and a confusion table, Chinese and English apart')
    .option('--labels <file>', 'labels keyed by dataset and row (default: the bundled evaluation set)')
    .option('--data <dir>', 'the public datasets folder the texts are read from', '../shared/data')
    .option('--part <part>', 'test, train or all', 'test')
    .option('--taxonomy <file>', 'use this taxonomy JSON instead of the workspace\'s')
    .option('--json', 'print the whole result as JSON')
    .action(async (flags: OutputFlags & { labels?: string; data: string; part: string }, self: Command) => {
      if (!['test', 'train', 'all'].includes(flags.part)) throw new CoreError('E_ARGS', `--part must be test, train or all, got "${flags.part}"`);
      const part = flags.part as 'test' | 'train' | 'all';
      const { bundledLabelsPath, evaluateLabelledSet, ratedReviews, readEvaluationSet, reviewPolarity, shippedModelFor } = await loadDeferred();
      const texts = await readEvaluationSet(flags.labels ?? bundledLabelsPath(), flags.data);
      const taxonomy = flags.taxonomy ? await readTaxonomyFile(flags.taxonomy) : await withCore(self, async (core) => (await core.getTaxonomy({})).taxonomy, { workspaceOptional: true });
      // The praise part as shipped: learning it again would take a minute, and it learned no row of the bundled labels
      const run = evaluateLabelledSet(taxonomy, texts, part, reviewPolarity(ratedReviews(flags.data, texts)), shippedModelFor(taxonomy)?.model.praise ?? null);
      if (flags.json) return printJson(run);
      printEvaluation(`${part} part, the taxonomy's rules alone`, run.rules);
      if (run.withModel) {
        process.stdout.write('\n');
        const learned = part === 'train' ? 'by 5-fold cross-validation over' : 'learned from';
        printEvaluation(`${part} part, rules and a model ${learned} the ${run.trainTexts} labelled texts of the train part (the shipped classifier)`, run.withModel);
      }
    });

  program
    .command('taxonomy')
    .description('print the churn-reason taxonomy in force, check a taxonomy file (--check), or save one in the workspace (--set / --reset)')
    .option('--check <file>', 'only check this taxonomy JSON and print it; errors name the bad entry')
    .option('--set <file>', 'check this taxonomy JSON and save it in the workspace (its version is raised)')
    .option('--reset', 'drop the workspace\'s taxonomy: back to the bundled one')
    .option('--json', 'print the whole taxonomy as JSON')
    .action(async (flags: { check?: string; set?: string; reset?: boolean; json?: boolean }, self: Command) => {
      if (flags.check) {
        const info: TaxonomyInfo = { taxonomy: await readTaxonomyFile(flags.check), source: 'workspace' };
        if (flags.json) printJson(info.taxonomy);
        else printTaxonomy(info, `${flags.check}, valid`);
        return;
      }
      await withCore(self, async (core) => {
        const info = flags.set
          ? await core.setTaxonomy({ taxonomy: await readTaxonomyFile(flags.set) })
          : flags.reset
            ? await core.setTaxonomy({ taxonomy: null })
            : await core.getTaxonomy({});
        if (flags.json) printJson(info.taxonomy);
        else printTaxonomy(info, info.source === 'bundled' ? 'bundled' : 'saved in the workspace');
        // printing the taxonomy in force needs no workspace (the bundled one then); saving one does
      }, { workspaceOptional: !flags.set && !flags.reset });
    });
}
