// `churnwb report`: builds the default report (or reads a saved model) and writes it in the format of --out.
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { decodeMessage, encodeMessage } from '../../api/codec.ts';
import { CoreError } from '../../api/errors.ts';
import { REPORT_AREAS, REPORT_FORMATS, type PaperSize, type ReportArea, type ReportBranding, type ReportFormat, type ReportLang, type ReportModel } from '../../api/report.ts';
import { loadDeferred, withCore } from './common.ts';

interface ReportCommandOptions {
  out: string;
  lang: string;
  sections?: string;
  paper: string;
  from?: string;
  title?: string;
  client?: string;
  logo?: string;
  accent?: string;
  hideWorkspaceName?: boolean;
  currency?: string;
  saveBranding?: boolean;
}

/** Branding named on the command line, over the workspace's for this report only. */
async function brandingOptions(options: ReportCommandOptions): Promise<Partial<ReportBranding>> {
  const branding: Partial<ReportBranding> = {};
  if (options.title !== undefined) branding.title = options.title;
  if (options.client !== undefined) branding.clientName = options.client;
  if (options.accent !== undefined) branding.accentColor = options.accent;
  if (options.hideWorkspaceName) branding.hideWorkspaceName = true;
  if (options.logo !== undefined) {
    const extension = extname(options.logo).toLowerCase();
    const mimeType = extension === '.png' ? 'image/png' : extension === '.jpg' || extension === '.jpeg' ? 'image/jpeg' : null;
    if (!mimeType) throw new CoreError('E_ARGS', `--logo must be a .png, .jpg or .jpeg file; got "${options.logo}"`);
    let bytes: Buffer;
    try {
      bytes = await readFile(options.logo);
    } catch (error) {
      throw new CoreError('E_FILE', `--logo: cannot read ${options.logo} (${(error as Error).message})`, { file: options.logo });
    }
    branding.logo = { mimeType, base64: bytes.toString('base64') };
  }
  return branding;
}

/** The CLI also writes and reads the model itself as .json, so a report can be edited and re-exported. */
type CliFormat = ReportFormat | 'json';

function formatOf(out: string): CliFormat {
  const extension = extname(out).slice(1).toLowerCase();
  if (extension === 'json' || (REPORT_FORMATS as readonly string[]).includes(extension)) return extension as CliFormat;
  throw new CoreError('E_ARGS', `--out must end in .${[...REPORT_FORMATS, 'json'].join(', .')}; got "${out}"`);
}

function parseSections(value: string | undefined): ReportArea[] | undefined {
  if (value === undefined) return undefined;
  const areas = value.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = areas.filter((area) => !(REPORT_AREAS as readonly string[]).includes(area));
  if (unknown.length || areas.length === 0) throw new CoreError('E_ARGS', `--sections takes a comma list of ${REPORT_AREAS.join(', ')}; got "${value}"`);
  return areas as ReportArea[];
}

/** For formats with one file per table or chart: report.csv → report-<section>.csv when there are several. */
function numberedPath(out: string, name: string, count: number): string {
  if (count === 1) return out;
  const extension = extname(out);
  return `${out.slice(0, out.length - extension.length)}-${name}${extension}`;
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('build the default report of the workspace and write it as .html, .pdf, .pptx, .xlsx, .csv, .png, .svg or .json (the model)')
    .requiredOption('-o, --out <file>', 'output file; the format comes from its extension')
    .option('--lang <lang>', 'zh-CN or en', 'zh-CN')
    .option('--sections <list>', `comma list of ${REPORT_AREAS.join(',')} (default: all with data)`)
    .option('--paper <size>', 'PDF paper: A4 or Letter', 'A4')
    .option('--from <model.json>', 'export a saved report model (written with --out x.json) instead of building one')
    .option('--title <text>', "report title (default: the workspace's branding, else the standard title)")
    .option('--client <name>', "client the report is prepared for (default: the workspace's branding)")
    .option('--logo <file>', "logo image, .png or .jpg (default: the workspace's branding)")
    .option('--accent <#RRGGBB>', "accent colour (default: the workspace's branding)")
    .option('--hide-workspace-name', 'leave the workspace file name out of the subtitle')
    .option('--currency <code>', "ISO 4217 code of money figures, e.g. CNY, USD; 'none' for plain numbers (default: the workspace's)")
    .option('--save-branding', 'also keep the branding and currency given here in the workspace, for the app and later reports')
    .action(async (options: ReportCommandOptions, command: Command) => {
      const format = formatOf(options.out);
      if (options.lang !== 'zh-CN' && options.lang !== 'en') throw new CoreError('E_ARGS', `--lang must be zh-CN or en, got "${options.lang}"`);
      if (options.paper !== 'A4' && options.paper !== 'Letter') throw new CoreError('E_ARGS', `--paper must be A4 or Letter, got "${options.paper}"`);
      const sections = parseSections(options.sections);
      const branding = await brandingOptions(options);
      const currency = options.currency === undefined ? undefined : options.currency.toLowerCase() === 'none' ? null : options.currency;
      await withCore(command, async (core) => {
        const started = performance.now();
        if (options.saveBranding) await core.saveDisplaySettings({ branding, ...(currency !== undefined ? { currency } : {}) });
        const report = options.from
          ? await withOverrides(await readModel(options.from), branding, currency)
          : await core.defaultReport({ lang: options.lang as ReportLang, ...(sections ? { sections } : {}), branding, ...(currency !== undefined ? { currency } : {}) });
        const written: string[] = [];
        if (format === 'json') {
          await writeFile(options.out, encodeMessage(report));
          written.push(options.out);
        } else if (format === 'csv' || format === 'png' || format === 'svg') {
          const targets = report.sections.filter((section) => (format === 'csv' ? section.table : section.chart));
          if (targets.length === 0) throw new CoreError('E_NO_DATA', `the report has no ${format === 'csv' ? 'table' : 'chart'} to write as ${format}`);
          for (const section of targets) {
            const file = await core.exportReport({ report, format, sectionId: section.id });
            const path = numberedPath(options.out, section.id, targets.length);
            await writeFile(path, file.bytes);
            written.push(path);
          }
        } else {
          const file = await core.exportReport({ report, format, paper: options.paper as PaperSize });
          await writeFile(options.out, file.bytes);
          written.push(options.out);
        }
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(`${written.join('\n')}\n`);
        process.stderr.write(`${report.sections.length} section(s): ${report.sections.map((section) => section.id).join(', ')}; ${seconds} s\n`);
      });
    });
}

/** A saved model with the command line's branding and currency over its own (its subtitle was written when it was built). */
async function withOverrides(report: ReportModel, branding: Partial<ReportBranding>, currency: string | null | undefined): Promise<ReportModel> {
  const { checkBranding, checkCurrency } = await loadDeferred();
  const merged = checkBranding({ ...report.branding, ...branding });
  return {
    ...report,
    branding: merged,
    ...(branding.title?.trim() ? { title: branding.title.trim() } : {}),
    ...(currency !== undefined ? { currency: currency === null ? null : checkCurrency(currency) } : {}),
  };
}

async function readModel(path: string): Promise<ReportModel> {
  let model: unknown;
  try {
    model = decodeMessage(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CoreError('E_FORMAT', `${path}: not a report model (${(error as Error).message})`, { file: path });
  }
  // typed by name: TypeScript applies an assertion only through a declared type
  const deferred: typeof import('./deferred.ts') = await loadDeferred();
  deferred.assertReportModel(model, path);
  return model;
}
