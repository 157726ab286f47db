// The Drivers screen: a Cox model of customer lifetime on the factors the analyst ticks, its strongest
// driver in words, hazard ratios as a forest plot, the proportional-hazards checks, and a what-if.
import { useMemo } from 'react';
import { ORDER_DRIVERS, type DriverCoefficient, type DriversResult, type OrderDriver } from '../../../../core/src/api/index.ts';
import { useCall } from '../../client/hooks.ts';
import { useViewSetting } from '../../client/viewSettings.ts';
import { PlotlyChart } from '../../components/charts/PlotlyChart.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useMoney } from '../../components/money.ts';
import { OptionSelect } from '../../components/OptionSelect.tsx';
import { Panel, Screen } from '../../components/Screen.tsx';
import { StatTile } from '../../components/StatTile.tsx';
import { NumberField, positiveWhole } from '../../components/NumberField.tsx';
import { WindowCaution } from '../../components/WindowCaution.tsx';
import { useI18n, type I18n } from '../../i18n/I18nProvider.tsx';
import { forestLayout, forestRows, forestTrace } from './driverCharts.ts';

const isOrderDriver = (term: string): term is OrderDriver => (ORDER_DRIVERS as readonly string[]).includes(term);
const pText = (p: number | null, number: I18n['number']) => (p === null ? '—' : p < 0.001 ? '< 0.001' : number(p, 3));

/** Names of terms and levels in the current language (reason keys carry their taxonomy names). */
function useNames(result: DriversResult | undefined) {
  const { t, label } = useI18n();
  return useMemo(() => {
    const term = (name: string) => (isOrderDriver(name) ? t(`driver.${name}`) : name);
    const level = (termName: string, value: string) => {
      const names = result?.terms.find((entry) => entry.term === termName)?.levels.find((entry) => entry.level === value)?.names;
      return names ? label(names) : value;
    };
    const coefficient = (c: DriverCoefficient) => {
      if (c.level !== null) return `${term(c.term)}: ${level(c.term, c.level)}`;
      return result?.terms.find((entry) => entry.term === c.term)?.standardized ? `${term(c.term)} ${t('drivers.perSd')}` : term(c.term);
    };
    return { term, level, coefficient };
  }, [result, t, label]);
}

export function DriversScreen() {
  const { t, number, label, language } = useI18n();
  // null: the core's default factors. A kept list is read through the known drivers (a view may predate one).
  const [keptDrivers, setChosen] = useViewSetting<OrderDriver[] | null>('drivers', 'covariates', null);
  const chosen = keptDrivers?.filter(isOrderDriver) ?? null;
  const [standardize, setStandardize] = useViewSetting<boolean>('drivers', 'standardize', false);
  // The model's event is churn by the window: the window caution's fix is typed here, as on Churn and Reasons
  const [windowText, setWindowText] = useViewSetting<string>('drivers', 'window', '');
  const windowDays = positiveWhole(windowText);
  const drivers = useCall('churnDrivers', { ...(chosen ? { covariates: chosen } : {}), standardize, ...(windowDays ? { windowDays } : {}) });
  const result = drivers.value;
  const names = useNames(result);
  const inModel = chosen ?? (result?.options.covariates.filter(isOrderDriver) ?? []);
  const toggle = (driver: OrderDriver) => setChosen(inModel.includes(driver) ? inModel.filter((d) => d !== driver) : [...inModel, driver]);

  const rows = useMemo(() => (result ? forestRows(result.coefficients) : []), [result]);
  const trace = useMemo(() => forestTrace(rows, rows.map(names.coefficient)), [rows, names]);
  const warnings = result?.warnings ?? [];

  return (
    <Screen title={t('drivers.title')} subtitle={t('drivers.subtitle')}>
      <section className="panel option-bar" aria-label={t('common.options')}>
        <fieldset className="option-field statuses">
          <legend className="field-label">{t('drivers.covariates')}</legend>
          <div className="check-choices">
            {ORDER_DRIVERS.map((driver) => (
              <label key={driver}>
                <input type="checkbox" checked={inModel.includes(driver)} onChange={() => toggle(driver)} data-testid={`driver-${driver}`} /> {t(`driver.${driver}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <NumberField label={t('churn.window')} value={windowText} placeholder={result?.rule ? t('churn.windowAuto', { days: result.rule.windowDays }) : ''} onChange={setWindowText} testId="drivers-window" />
        <label className="check">
          <input type="checkbox" checked={standardize} onChange={(event) => setStandardize(event.target.checked)} /> {t('drivers.standardize')}
        </label>
      </section>
      {drivers.error && <ErrorBanner error={drivers.error} />}
      {drivers.loading && !result && (
        <p className="muted" role="status">
          {t('drivers.fitting')}
        </p>
      )}
      {result && (
        <>
          {/* churn is the model's event: a window from a handful of gaps makes every lifetime alike */}
          {result.rule && <WindowCaution rule={result.rule} />}
          <section className="panel" aria-labelledby="drivers-headline">
            <h2 id="drivers-headline">{t('drivers.headline')}</h2>
            <p className="headline" data-testid="drivers-headline">
              {label(result.finding)}
            </p>
          </section>
          <div className="stats">
            <StatTile label={t('drivers.subjects')} value={number(result.subjects)} />
            <StatTile label={t('drivers.events')} value={number(result.events)} />
            <StatTile label={t('drivers.concordance')} value={number(result.concordance.value, 3)} hint={t('drivers.concordanceHint', { pairs: number(result.concordance.concordant + result.concordance.discordant + result.concordance.tiedRisk) })} />
            <StatTile
              label={t('drivers.likelihoodRatio')}
              value={`p ${pText(result.likelihoodRatio.pValue, number)}`}
              hint={t('drivers.lrHint', { statistic: number(result.likelihoodRatio.statistic, 1), df: result.likelihoodRatio.df })}
            />
          </div>
          <Panel id="drivers-forest" title={t('drivers.forest')}>
            <p className="chart-note">{t('drivers.forestNote')}</p>
            <PlotlyChart data={[trace]} layout={forestLayout(rows, t('drivers.forestAxis'), language)} height={Math.max(320, 60 + 26 * rows.length)} title={t('drivers.forest')} fileName="churn-drivers" />
          </Panel>
          <Panel id="drivers-table" title={t('drivers.table')}>
              <div className="table-wrap">
                <table className="simple-table">
                  <thead>
                    <tr>
                      <th>{t('drivers.term')}</th>
                      <th>{t('drivers.reference')}</th>
                      <th className="number">{t('drivers.hazardRatio')}</th>
                      <th className="number">{t('drivers.interval')}</th>
                      <th className="number">{t('drivers.p')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.coefficients.map((c) => {
                      const reference = result.terms.find((term) => term.term === c.term)?.reference ?? null;
                      return (
                        <tr key={`${c.term}:${c.level ?? ''}`}>
                          <td>{names.coefficient(c)}</td>
                          <td>{reference === null ? '—' : names.level(c.term, reference)}</td>
                          <td className="number">{c.infinite ? t('drivers.infinite') : number(c.hazardRatio, 2)}</td>
                          <td className="number">{c.lower === null ? '—' : `${number(c.lower, 2)} – ${number(c.upper, 2)}`}</td>
                          <td className="number">{pText(c.pValue, number)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
          </Panel>
          <Panel id="drivers-checks" title={t('drivers.warnings')}>
              {warnings.some((w) => w.kind === 'proportionalHazards' || w.kind === 'proportionalHazardsGlobal') ? null : <p>{t('drivers.phHolds')}</p>}
              <ul className="warning-list" data-testid="drivers-warnings">
                {warnings.map((warning, index) => (
                  <li key={index}>{label(warning.sentence)}</li>
                ))}
              </ul>
          </Panel>
          <WhatIfPanel result={result} names={names} windowDays={windowDays} />
        </>
      )}
    </Screen>
  );
}

/** The what-if as typed: the group (term and level joined by NUL; null for the headline's), the reduction in percent and the horizon in months. */
const WHAT_IF_DEFAULTS: { group: string | null; reduction: string; months: string } = { group: null, reduction: '20', months: '12' };

/** `windowDays`: the window the model was fitted with (undefined: derived), so the what-if restates that model. */
function WhatIfPanel({ result, names, windowDays }: { result: DriversResult; names: ReturnType<typeof useNames>; windowDays: number | undefined }) {
  const { t, number, percent, language } = useI18n();
  const money = useMoney();
  const groups = useMemo(
    () =>
      result.terms
        .filter((term) => term.kind === 'categorical')
        .flatMap((term) => term.levels.map((level) => ({ value: `${term.term}\u0000${level.level}`, label: `${names.term(term.term)}: ${names.level(term.term, level.level)}` }))),
    [result, names],
  );
  // Default group: the level the headline names as leaving fastest
  const headline = result.headline?.kind === 'categorical' ? `${result.headline.term}\u0000${result.headline.level}` : null;
  const [scenario, setScenario] = useViewSetting('drivers', 'whatIf', WHAT_IF_DEFAULTS);
  const { reduction: reductionText, months: monthsText } = scenario;
  const setGroup = (group: string) => setScenario({ ...scenario, group });
  const setReductionText = (reduction: string) => setScenario({ ...scenario, reduction });
  const setMonthsText = (months: string) => setScenario({ ...scenario, months });
  // A kept group the model no longer has (other factors, other data) gives way to the default.
  const group = groups.some((choice) => choice.value === scenario.group) ? scenario.group : null;
  const picked = group ?? headline ?? groups[0]?.value ?? null;
  const [term, level] = picked ? picked.split('\u0000') : [];
  const reduction = Math.min(100, Math.max(1, Number.parseInt(reductionText, 10) || 20)) / 100;
  const months = Math.min(120, Math.max(1, Number.parseInt(monthsText, 10) || 12));
  const whatIf = useCall('whatIf', term && level ? { term, level, reduction, horizonMonths: months, ...(windowDays === undefined ? {} : { windowDays }), drivers: { covariates: result.options.covariates } } : null);
  if (groups.length === 0) return null;
  const value = whatIf.value;
  // Customers are whole people: "about 12", not 11.7; below one the fraction is the only honest answer.
  const keptCount = (customers: number) => number(customers, customers < 1 ? 1 : 0);
  const groupName = !term || !level ? '' : language === 'en' ? `${names.term(term)} "${names.level(term, level)}"` : `${names.term(term)}「${names.level(term, level)}」`;
  return (
    <Panel id="drivers-what-if" title={t('drivers.whatIf')}>
      <div className="option-bar">
        <OptionSelect label={t('drivers.whatIfGroup')} value={picked ?? ''} onChange={setGroup} choices={groups} testId="what-if-group" />
        <label className="option-field">
          <span className="field-label">{t('drivers.whatIfReduction')}</span>
          <input className="number-input" inputMode="numeric" value={reductionText} onChange={(event) => setReductionText(event.target.value.replace(/\D/g, ''))} />
        </label>
        <label className="option-field">
          <span className="field-label">{t('drivers.whatIfMonths')}</span>
          <input className="number-input" inputMode="numeric" value={monthsText} onChange={(event) => setMonthsText(event.target.value.replace(/\D/g, ''))} />
        </label>
      </div>
      {whatIf.error && <ErrorBanner error={whatIf.error} />}
      {value && (
        <>
          <p className="headline" data-testid="what-if-result">
            {value.scenario.revenueKept === null
              ? t('drivers.whatIfNoRevenue', { group: groupName, reduction: percent(value.options.reduction, 0), customers: keptCount(value.scenario.customersKept), months: value.options.horizonMonths })
              : t('drivers.whatIfResult', {
                  group: groupName,
                  reduction: percent(value.options.reduction, 0),
                  customers: keptCount(value.scenario.customersKept),
                  revenue: money(value.scenario.revenueKept),
                  months: value.options.horizonMonths,
                })}
          </p>
          {value.scenario.clvKept !== null && <p>{t('drivers.whatIfClv', { clv: money(value.scenario.clvKept) })}</p>}
          {value.model?.scenario && (
            <p>
              {t('drivers.whatIfModel', {
                group: groupName,
                ratio: number(value.model.hazardRatio, 2),
                reference: names.level(value.options.term, value.model.reference),
                customers: keptCount(value.model.scenario.customersKept),
              })}
            </p>
          )}
          <h3>{t('drivers.assumptions')}</h3>
          <ul className="assumption-list">
            {(language === 'en' ? value.assumptions.en : value.assumptions.zh).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
