// Drivers sections: the Cox model's hazard ratios as a forest plot with the strongest driver in words,
// and the proportional-hazards check per term with plain-language warnings.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DriverCoefficient, DriversResult, OrderDriver } from '../../api/drivers.ts';
import { logAxisTicks } from '../../api/logAxis.ts';
import type { ReportLang, ReportOption, ReportSection } from '../../api/report.ts';
import { churnDrivers, levelName, ORDER_DRIVER_NAMES } from '../../analysis/drivers.ts';
import { workspaceTaxonomy } from '../../analysis/reasonTaxonomy.ts';
import { makeTable } from '../table.ts';
import { formatCount, formatDecimal } from '../text.ts';
import { ruleOptions, type Bilingual } from './common.ts';
import { ROLE_COLORS } from '../theme.ts';

const TEXT = {
  modelTitle: { 'zh-CN': '流失驱动因素（Cox 比例风险模型）', en: 'Churn drivers (Cox proportional-hazards model)' },
  // The model table's name (a spreadsheet's sheet, a CSV file), within Excel's 31 characters
  modelTableName: { 'zh-CN': '流失驱动因素', en: 'Churn drivers' },
  checkTitle: { 'zh-CN': '比例风险假设检验', en: 'Proportional-hazards check' },
  checkPassed: { 'zh-CN': '所有因素的影响在客户生命周期内大致恒定，风险比可以直接解读。', en: 'Every factor acts about evenly over the customer lifetime: the hazard ratios read as they are.' },
  term: { 'zh-CN': '因素', en: 'Factor' },
  level: { 'zh-CN': '取值', en: 'Level' },
  reference: { 'zh-CN': '对照组', en: 'Reference' },
  hazardRatio: { 'zh-CN': '风险比', en: 'Hazard ratio' },
  lower: { 'zh-CN': '下限', en: 'Lower' },
  upper: { 'zh-CN': '上限', en: 'Upper' },
  pValue: { 'zh-CN': 'p 值', en: 'p' },
  coefficient: { 'zh-CN': '系数', en: 'Coefficient' },
  standardError: { 'zh-CN': '标准误', en: 'SE' },
  z: { 'zh-CN': 'z', en: 'z' },
  chiSquare: { 'zh-CN': '卡方', en: 'Chi-square' },
  df: { 'zh-CN': '自由度', en: 'df' },
  verdict: { 'zh-CN': '结论', en: 'Verdict' },
  holds: { 'zh-CN': '成立', en: 'holds' },
  fails: { 'zh-CN': '不成立：风险比随时间变化', en: 'fails: the ratio changes over time' },
  global: { 'zh-CN': '整体', en: 'Global' },
  axis: { 'zh-CN': '风险比（对数刻度，1 = 与对照组相同）', en: 'Hazard ratio (log scale; 1 = same as the reference)' },
  subjects: { 'zh-CN': '客户（事件）', en: 'Subjects (events)' },
  fit: { 'zh-CN': '模型拟合', en: 'Model fit' },
  covariates: { 'zh-CN': '协变量', en: 'Covariates' },
  ties: { 'zh-CN': '同时发生的事件', en: 'Tied events' },
  efron: { 'zh-CN': 'Efron 法（与 R survival 默认一致）', en: "Efron's method (R survival's default)" },
  perSd: { 'zh-CN': '（每个标准差）', en: ' (per SD)' },
  warnings: { 'zh-CN': '提示', en: 'Warnings' },
  infinite: { 'zh-CN': '（无法估计）', en: ' (cannot be measured)' },
} satisfies Record<string, Bilingual>;

const language = (lang: ReportLang) => (lang === 'en' ? 'en' : 'zh');

/** A term's name in the report's language: order drivers by their names, table columns as they are. */
export function driverTermName(term: string, lang: ReportLang): string {
  return term in ORDER_DRIVER_NAMES ? ORDER_DRIVER_NAMES[term as OrderDriver][language(lang)] : term;
}

/** A level's display name ("no ticket", "Routine"), as the finding names it; the level itself when its term names none. */
export function driverLevelName(result: DriversResult, term: string, level: string, lang: ReportLang): string {
  const coded = result.terms.find((t) => t.term === term);
  return coded ? levelName(coded, level, language(lang)) : level;
}

/** "contract: Two year" as the forest plot and the table label a coefficient. */
function coefficientLabel(result: DriversResult, c: DriverCoefficient, lang: ReportLang): string {
  const term = result.terms.find((t) => t.term === c.term);
  const name = driverTermName(c.term, lang);
  if (c.level === null) return `${name}${term?.standardized ? TEXT.perSd[lang] : ''}`;
  return `${name}: ${driverLevelName(result, c.term, c.level, lang)}`;
}

// p as papers print it: two decimals round a p of 0.0004 to 0, which reads as certainty
const pText = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

export async function buildDriversSections(connection: DuckDBConnection, lang: ReportLang): Promise<ReportSection[]> {
  const { taxonomy } = await workspaceTaxonomy(connection);
  return driversSections(await churnDrivers(connection, taxonomy, {}), lang);
}

export function driversSections(result: DriversResult, lang: ReportLang): ReportSection[] {
  const estimated = result.coefficients.filter((c) => c.hazardRatio !== null && !c.infinite);
  // Forest plot: strongest ratios at the top (Plotly draws the first category at the bottom)
  const ordered = [...estimated].sort((a, b) => Math.abs(Math.log(a.hazardRatio!)) - Math.abs(Math.log(b.hazardRatio!)));
  const labels = ordered.map((c) => coefficientLabel(result, c, lang));
  const ticks = logAxisTicks(ordered.flatMap((c) => [c.hazardRatio!, c.lower!, c.upper!]), lang);
  const options: ReportOption[] = [
    ...(result.rule ? ruleOptions(result.rule, lang) : []),
    { label: TEXT.covariates[lang], value: result.options.covariates.map((term) => driverTermName(term, lang)).join(lang === 'en' ? ', ' : '、') },
    {
      label: TEXT.reference[lang],
      value: Object.entries(result.options.reference)
        .map(([term, level]) => `${driverTermName(term, lang)} = ${driverLevelName(result, term, level, lang)}`)
        .join(lang === 'en' ? '; ' : '；'),
    },
    { label: TEXT.subjects[lang], value: `${formatCount(result.subjects, lang)} (${formatCount(result.events, lang)})` },
    {
      label: TEXT.fit[lang],
      value: `C = ${formatDecimal(result.concordance.value, lang, 3)}; LR χ² = ${formatDecimal(result.likelihoodRatio.statistic, lang, 1)} (${lang === 'en' ? `${result.likelihoodRatio.df} df` : `${TEXT.df[lang]} ${result.likelihoodRatio.df}`}), p ${pText(result.likelihoodRatio.pValue)}`,
    },
    { label: TEXT.ties[lang], value: TEXT.efron[lang] },
  ];
  const model: ReportSection = {
    id: 'drivers.model',
    area: 'drivers',
    title: TEXT.modelTitle[lang],
    headline: result.finding[language(lang)],
    chart: {
      data: [
        {
          type: 'scatter',
          mode: 'markers',
          x: ordered.map((c) => c.hazardRatio!),
          y: labels,
          marker: { color: ordered.map((c) => (c.pValue! < 0.05 ? (c.hazardRatio! > 1 ? ROLE_COLORS.bad : ROLE_COLORS.good) : ROLE_COLORS.unclear)), size: 9 },
          error_x: {
            type: 'data',
            symmetric: false,
            array: ordered.map((c) => c.upper! - c.hazardRatio!),
            arrayminus: ordered.map((c) => c.hazardRatio! - c.lower!),
            color: '#555',
          },
          hovertemplate: '%{y}: %{x:.2f}<extra></extra>',
        },
      ],
      layout: {
        xaxis: { type: 'log', title: { text: TEXT.axis[lang] }, tickmode: 'array', tickvals: ticks.tickvals, ticktext: ticks.ticktext, range: ticks.range },
        yaxis: { type: 'category', automargin: true },
        shapes: [{ type: 'line', x0: 1, x1: 1, yref: 'paper', y0: 0, y1: 1, line: { color: '#333', dash: 'dot', width: 1 } }],
        showlegend: false,
      },
      height: Math.max(320, 60 + 28 * ordered.length),
    },
    table: makeTable(
      TEXT.modelTableName[lang],
      [
        { key: 'term', label: TEXT.term[lang], format: 'text' },
        { key: 'level', label: TEXT.level[lang], format: 'text' },
        { key: 'reference', label: TEXT.reference[lang], format: 'text' },
        { key: 'hazardRatio', label: TEXT.hazardRatio[lang], format: 'number' },
        { key: 'lower', label: TEXT.lower[lang], format: 'number' },
        { key: 'upper', label: TEXT.upper[lang], format: 'number' },
        { key: 'pValue', label: TEXT.pValue[lang], format: 'text', pValueKey: 'pValueExact' },
        { key: 'coefficient', label: TEXT.coefficient[lang], format: 'number' },
        { key: 'standardError', label: TEXT.standardError[lang], format: 'number' },
        { key: 'z', label: TEXT.z[lang], format: 'number' },
      ],
      result.coefficients.map((c) => {
        const reference = result.terms.find((t) => t.term === c.term)?.reference ?? null;
        // A coefficient that runs to infinity has no number worth printing, only the note
        const measured = !c.infinite;
        return {
          term: driverTermName(c.term, lang),
          level: c.level === null && measured ? null : `${c.level === null ? '' : driverLevelName(result, c.term, c.level, lang)}${measured ? '' : TEXT.infinite[lang]}`,
          reference: reference === null ? null : driverLevelName(result, c.term, reference, lang),
          hazardRatio: measured ? c.hazardRatio : null,
          lower: c.lower,
          upper: c.upper,
          pValue: c.pValue === null ? null : pText(c.pValue),
          pValueExact: c.pValue,
          coefficient: measured ? c.coefficient : null,
          standardError: c.standardError,
          z: c.z,
        };
      }),
    ),
    options,
    note: '',
  };
  const warnings = result.warnings.filter((w) => w.kind === 'proportionalHazards' || w.kind === 'proportionalHazardsGlobal');
  const check: ReportSection = {
    id: 'drivers.proportionalHazards',
    area: 'drivers',
    title: TEXT.checkTitle[lang],
    headline: warnings.length === 0 ? TEXT.checkPassed[lang] : warnings.map((w) => w.sentence[language(lang)]).join(' '),
    table: makeTable(
      TEXT.checkTitle[lang],
      [
        { key: 'term', label: TEXT.term[lang], format: 'text' },
        { key: 'chiSquare', label: TEXT.chiSquare[lang], format: 'number' },
        { key: 'df', label: TEXT.df[lang], format: 'integer' },
        { key: 'pValue', label: TEXT.pValue[lang], format: 'text', pValueKey: 'pValueExact' },
        { key: 'verdict', label: TEXT.verdict[lang], format: 'text' },
      ],
      [
        ...result.terms.flatMap((term) => (term.proportionalHazards ? [{ name: driverTermName(term.term, lang), test: term.proportionalHazards }] : [])),
        { name: TEXT.global[lang], test: result.proportionalHazardsGlobal },
      ].map(({ name, test }) => ({
        term: name,
        chiSquare: test.statistic,
        df: test.df,
        pValue: pText(test.pValue),
        pValueExact: test.pValue,
        verdict: test.pValue < 0.05 ? TEXT.fails[lang] : TEXT.holds[lang],
      })),
    ),
    options: result.warnings
      .filter((w) => w.kind !== 'proportionalHazards' && w.kind !== 'proportionalHazardsGlobal')
      .map((w) => ({ label: TEXT.warnings[lang], value: w.sentence[language(lang)] })),
    note: '',
  };
  return [model, check];
}
