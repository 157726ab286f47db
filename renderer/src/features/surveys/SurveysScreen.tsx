// The Satisfaction screen: NPS and CSAT from the workspace's survey answers, their trend, churn and
// survival by NPS group, and the churn reasons in the comments.
import { useMemo } from 'react';
import type { NpsGroup, RetentionPeriod } from '../../../../core/src/api/index.ts';
import { periodLabel } from '../../../../core/src/api/periodLabel.ts';
import { useCall } from '../../client/hooks.ts';
import { useViewSetting } from '../../client/viewSettings.ts';
import { PlotlyChart, ROLE_COLORS } from '../../components/charts/PlotlyChart.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { OptionSelect } from '../../components/OptionSelect.tsx';
import { Panel, Screen } from '../../components/Screen.tsx';
import { StatTile } from '../../components/StatTile.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { SURVIVAL_LAYOUT, survivalTraces } from '../churn/churnCharts.ts';
import { PERIODS } from '../retention/retentionCharts.ts';

const GROUP_COLORS: Record<NpsGroup, string> = { promoter: ROLE_COLORS.good, passive: ROLE_COLORS.middling, detractor: ROLE_COLORS.bad };

export function SurveysScreen() {
  const { t, number, percent, label, language } = useI18n();
  const [period, setPeriod] = useViewSetting<RetentionPeriod>('satisfaction', 'period', 'month');
  const workspace = useCall('describeWorkspace', {});
  // Asked only once a survey export has rows in the workspace: before that the analysis can only
  // answer E_NO_DATA, which reached the browser's console as a failed request on every visit.
  const hasAnswers = workspace.value?.sources.some((source) => source.kind === 'surveys' && source.rowsLoaded > 0);
  const surveys = useCall('surveys', hasAnswers ? { period } : null);
  // (a workspace opened since then may have none: its answers are not these)
  const result = hasAnswers ? surveys.value : undefined;
  // No answers imported, or none in the scope (the core's E_NO_DATA): either way the import is what is missing
  const noAnswers = hasAnswers === false || surveys.error?.code === 'E_NO_DATA';
  const groupName = (group: NpsGroup) => t(`surveys.${group}`);

  const trend = useMemo(() => {
    if (!result) return [];
    // Periods as the other screens write them (2024-01, 2024 Q1), one category each
    const x = result.overTime.map((row) => periodLabel(result.options.period, row.period, language));
    return [
      { type: 'scatter', mode: 'lines+markers', name: t('surveys.nps'), x, y: result.overTime.map((row) => row.nps), line: { color: ROLE_COLORS.main } },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: t('surveys.csat'),
        x,
        y: result.overTime.map((row) => (row.csat === null ? null : row.csat * 100)),
        yaxis: 'y2',
        line: { color: ROLE_COLORS.second },
      },
    ];
  }, [result, t, language]);
  const curves = useMemo(
    () =>
      result
        ? survivalTraces(
            result.survival.map((curve) => ({ ...curve, group: t(`surveys.${curve.group as NpsGroup}`) })),
            '',
            undefined,
            (index) => GROUP_COLORS[result.survival[index]!.group as NpsGroup] ?? ROLE_COLORS.unclear,
          )
        : [],
    [result, t],
  );
  const logRank = result?.logRank;

  return (
    <Screen title={t('surveys.title')} subtitle={t('surveys.subtitle')}>
      <section className="panel option-bar" aria-label={t('common.options')}>
        <OptionSelect label={t('surveys.period')} value={period} onChange={setPeriod} choices={PERIODS.map((p) => ({ value: p, label: t(`period.${p}`) }))} />
      </section>
      {workspace.error && <ErrorBanner error={workspace.error} onRetry={workspace.reload} />}
      {noAnswers && (
        // Orders without surveys is the common case: say which import is missing
        <div className="banner banner-info" role="status" data-testid="no-data">
          {t('surveys.noData')} <a href="#/data">{t('nav.data')}</a>
        </div>
      )}
      {surveys.error && !noAnswers && <ErrorBanner error={surveys.error} onRetry={surveys.reload} />}
      {(workspace.loading || surveys.loading) && !result && !noAnswers && (
        <p className="muted" role="status">
          {t('surveys.loading')}
        </p>
      )}
      {result && (
        <>
          <div className="stats">
            <StatTile
              label={t('surveys.nps')}
              value={result.nps ? `${result.nps.score > 0 ? '+' : ''}${number(result.nps.score, 1)}` : '—'}
              {...(result.nps ? { hint: t('surveys.npsHint', { promoters: number(result.nps.promoters), passives: number(result.nps.passives), detractors: number(result.nps.detractors) }) } : {})}
            />
            <StatTile
              label={t('surveys.csat')}
              value={percent(result.csat?.score ?? null)}
              {...(result.csat ? { hint: t('surveys.csatHint', { satisfied: number(result.csat.satisfied), responses: number(result.csat.responses) }) } : {})}
            />
            <StatTile label={t('surveys.responses')} value={number(result.responses)} hint={t('surveys.respondents', { count: number(result.respondents) })} />
          </div>
          <Panel id="surveys-trend" title={t('surveys.trend')}>
            <p className="chart-note">{t('surveys.trendNote')}</p>
            <PlotlyChart
              data={trend}
              layout={{
                xaxis: { type: 'category' },
                yaxis: { title: { text: t('surveys.nps') }, range: [-100, 100] },
                yaxis2: { title: { text: t('surveys.csatAxis'), standoff: 12 }, automargin: true, overlaying: 'y', side: 'right', range: [0, 100] },
                // Above the plot: below it the legend ran into the slanted period labels
                legend: { orientation: 'h', yanchor: 'bottom', y: 1.02 },
              }}
              title={t('surveys.trend')}
              fileName="satisfaction-trend"
            />
          </Panel>
          <div className="chart-pair">
            <Panel id="surveys-groups" title={t('surveys.byGroup')}>
              <p className="chart-note">{t('surveys.byGroupNote')}</p>
              <PlotlyChart
                data={[
                  {
                    type: 'bar',
                    x: result.byNpsGroup.map((row) => groupName(row.group)),
                    y: result.byNpsGroup.map((row) => row.churnRate),
                    text: result.byNpsGroup.map((row) => `${number(row.churned)} / ${number(row.judged)}`),
                    marker: { color: result.byNpsGroup.map((row) => GROUP_COLORS[row.group]) },
                  },
                ]}
                layout={{ yaxis: { title: { text: t('surveys.churnRate') }, tickformat: '.0%' }, xaxis: { type: 'category' } }}
                title={t('surveys.byGroup')}
                fileName="churn-by-nps-group"
              />
            </Panel>
            <Panel id="surveys-survival" title={t('surveys.survival')}>
              {logRank && (
                <p className="chart-note">{t('surveys.logRank', { statistic: number(logRank.statistic, 1), df: logRank.df, p: logRank.pValue < 0.001 ? '< 0.001' : number(logRank.pValue, 3) })}</p>
              )}
              <PlotlyChart data={curves} layout={{ ...SURVIVAL_LAYOUT, xaxis: { title: { text: t('surveys.survivalAxis') } } }} title={t('surveys.survival')} fileName="survival-by-nps-group" />
            </Panel>
          </div>
          {result.reasons.length > 0 && (
            <Panel id="surveys-reasons" title={t('surveys.reasons')}>
              <p className="chart-note">{t('surveys.reasonsNote', { count: number(result.comments) })}</p>
              <div className="table-wrap">
                <table className="simple-table">
                  <thead>
                    <tr>
                      <th>{t('surveys.reason')}</th>
                      <th className="number">{t('surveys.comments')}</th>
                      <th className="number">{t('surveys.share')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.reasons.map((row) => (
                      <tr key={row.key}>
                        <td>{label(row)}</td>
                        <td className="number">{number(row.comments)}</td>
                        <td className="number">{percent(row.share)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Panel>
          )}
        </>
      )}
    </Screen>
  );
}
