// Satisfaction sections: CSAT and NPS with their trend, and churn by NPS group.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { NpsGroup, SurveysResult } from '../../api/drivers.ts';
import type { ReportLang, ReportSection } from '../../api/report.ts';
import { workspaceTaxonomy } from '../../analysis/reasonTaxonomy.ts';
import { surveys } from '../../analysis/surveys.ts';
import { makeTable } from '../table.ts';
import { formatCount, formatDecimal, formatPercent } from '../text.ts';
import { periodLabel, periodOption, ruleOptions, type Bilingual } from './common.ts';
import { ROLE_COLORS } from '../theme.ts';

const TEXT = {
  scoresTitle: { 'zh-CN': '客户满意度（CSAT 与 NPS）', en: 'Satisfaction (CSAT and NPS)' },
  churnTitle: { 'zh-CN': '按 NPS 分组的流失', en: 'Churn by NPS group' },
  period: { 'zh-CN': '周期', en: 'Period' },
  responses: { 'zh-CN': '答卷数', en: 'Responses' },
  csat: { 'zh-CN': 'CSAT（4-5 分占比）', en: 'CSAT (share 4-5)' },
  nps: { 'zh-CN': 'NPS', en: 'NPS' },
  group: { 'zh-CN': 'NPS 分组', en: 'NPS group' },
  customers: { 'zh-CN': '客户数', en: 'Customers' },
  judged: { 'zh-CN': '有订单的客户', en: 'With orders' },
  churned: { 'zh-CN': '流失客户', en: 'Churned' },
  churnRate: { 'zh-CN': '流失率', en: 'Churn rate' },
  noChurn: { 'zh-CN': '工作区没有订单，无法判断受访客户是否流失。', en: 'The workspace has no orders, so no respondent has a churn verdict.' },
} satisfies Record<string, Bilingual>;

export const NPS_GROUP_NAMES: Record<NpsGroup, Bilingual> = {
  promoter: { 'zh-CN': '推荐者（9-10）', en: 'Promoters (9-10)' },
  passive: { 'zh-CN': '中立者（7-8）', en: 'Passives (7-8)' },
  detractor: { 'zh-CN': '贬损者（0-6）', en: 'Detractors (0-6)' },
};

const signed = (value: number, lang: ReportLang) => `${value > 0 ? '+' : ''}${formatDecimal(value, lang, 0)}`;

export async function buildSurveySections(connection: DuckDBConnection, lang: ReportLang): Promise<ReportSection[]> {
  const { taxonomy } = await workspaceTaxonomy(connection);
  return surveySections(await surveys(connection, taxonomy, {}), lang);
}

function scoresHeadline(result: SurveysResult, lang: ReportLang): string {
  const parts: string[] = [];
  if (result.nps) {
    const share = (count: number) => formatPercent(count / result.nps!.responses, lang, 0);
    parts.push(
      lang === 'en'
        ? `NPS is ${signed(result.nps.score, 'en')} (${share(result.nps.promoters)} promoters, ${share(result.nps.detractors)} detractors, ${formatCount(result.nps.responses, lang)} answers)`
        : `NPS 为 ${signed(result.nps.score, lang)}（推荐者 ${share(result.nps.promoters)}，贬损者 ${share(result.nps.detractors)}，共 ${formatCount(result.nps.responses, lang)} 份答卷）`,
    );
  }
  if (result.csat) {
    parts.push(
      lang === 'en'
        ? `${formatPercent(result.csat.score, lang, 0)} of ${formatCount(result.csat.responses, lang)} CSAT answers are 4 or 5`
        : `${formatCount(result.csat.responses, lang)} 份 CSAT 答卷中 ${formatPercent(result.csat.score, lang, 0)} 为 4-5 分`,
    );
  }
  return `${parts.join(lang === 'en' ? '; ' : '；')}${lang === 'en' ? '.' : '。'}`;
}

function churnHeadline(result: SurveysResult, lang: ReportLang): string {
  const rate = (group: NpsGroup) => result.byNpsGroup.find((row) => row.group === group)?.churnRate ?? null;
  const detractors = rate('detractor');
  const promoters = rate('promoter');
  if (result.rule === null || detractors === null || promoters === null) return TEXT.noChurn[lang];
  return lang === 'en'
    ? `Detractors churned at ${formatPercent(detractors, lang)}, promoters at ${formatPercent(promoters, lang)}.`
    : `贬损者的流失率为 ${formatPercent(detractors, lang)}，推荐者为 ${formatPercent(promoters, lang)}。`;
}

export function surveySections(result: SurveysResult, lang: ReportLang): ReportSection[] {
  const { period } = result.options;
  const labels = result.overTime.map((row) => periodLabel(period, row.period, lang));
  const scores: ReportSection = {
    id: 'satisfaction.scores',
    area: 'satisfaction',
    title: TEXT.scoresTitle[lang],
    headline: scoresHeadline(result, lang),
    chart: {
      data: [
        { type: 'scatter', mode: 'lines+markers', name: TEXT.nps[lang], x: labels, y: result.overTime.map((row) => row.nps), line: { color: ROLE_COLORS.main } },
        { type: 'scatter', mode: 'lines+markers', name: TEXT.csat[lang], x: labels, y: result.overTime.map((row) => (row.csat === null ? null : row.csat * 100)), yaxis: 'y2', line: { color: ROLE_COLORS.second } },
      ],
      layout: {
        xaxis: { type: 'category' },
        yaxis: { title: { text: TEXT.nps[lang] }, range: [-100, 100] },
        yaxis2: { title: { text: TEXT.csat[lang] }, overlaying: 'y', side: 'right', range: [0, 100], ticksuffix: '%' },
        legend: { orientation: 'h' },
      },
    },
    table: makeTable(
      TEXT.scoresTitle[lang],
      [
        { key: 'period', label: TEXT.period[lang], format: 'text' },
        { key: 'responses', label: TEXT.responses[lang], format: 'integer' },
        { key: 'csat', label: TEXT.csat[lang], format: 'percent' },
        { key: 'nps', label: TEXT.nps[lang], format: 'number' },
      ],
      result.overTime.map((row, index) => ({ period: labels[index]!, responses: row.responses, csat: row.csat, nps: row.nps })),
    ),
    options: [periodOption(period, lang), { label: TEXT.responses[lang], value: formatCount(result.responses, lang) }],
    note: '',
  };
  const churn: ReportSection = {
    id: 'satisfaction.churn',
    area: 'satisfaction',
    title: TEXT.churnTitle[lang],
    headline: churnHeadline(result, lang),
    chart: {
      data: [
        {
          type: 'bar',
          x: result.byNpsGroup.map((row) => NPS_GROUP_NAMES[row.group][lang]),
          y: result.byNpsGroup.map((row) => row.churnRate),
          marker: { color: [ROLE_COLORS.good, ROLE_COLORS.middling, ROLE_COLORS.bad] },
        },
      ],
      layout: { yaxis: { title: { text: TEXT.churnRate[lang] }, tickformat: '.0%' }, xaxis: { type: 'category' } },
    },
    table: makeTable(
      TEXT.churnTitle[lang],
      [
        { key: 'group', label: TEXT.group[lang], format: 'text' },
        { key: 'customers', label: TEXT.customers[lang], format: 'integer' },
        { key: 'judged', label: TEXT.judged[lang], format: 'integer' },
        { key: 'churned', label: TEXT.churned[lang], format: 'integer' },
        { key: 'churnRate', label: TEXT.churnRate[lang], format: 'percent' },
      ],
      result.byNpsGroup.map((row) => ({ ...row, group: NPS_GROUP_NAMES[row.group][lang] })),
    ),
    options: result.rule ? ruleOptions(result.rule, lang) : [],
    note: '',
  };
  return [scores, churn];
}
