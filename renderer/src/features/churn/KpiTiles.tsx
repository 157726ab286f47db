// Headline KPIs with their formulas on hover: the first thing a consultant quotes.
import { kpiFormula, type Kpi, type KpiFormulaTerms, type KpiKey } from '../../../../core/src/api/index.ts';
import { useMoney, type MoneyFormat } from '../../components/money.ts';
import { StatTile } from '../../components/StatTile.tsx';
import { useI18n, type I18n } from '../../i18n/I18nProvider.tsx';

const RATES: readonly KpiKey[] = ['repeatPurchaseRate', 'retentionRate', 'churnRate', 'orderCompletionRate', 'refundRateOrders', 'refundRateAmount', 'complaintRate', 'lowRatingShare', 'topRevenueShare'];

const MONEY: readonly KpiKey[] = ['revenuePerCustomer', 'averageOrderValue'];

function formatKpi(kpi: Kpi, i18n: I18n, money: MoneyFormat): string {
  if (kpi.value === null) return '—';
  if (RATES.includes(kpi.key)) return i18n.percent(kpi.value);
  if (MONEY.includes(kpi.key)) return money(kpi.value, 2);
  if (kpi.key === 'customers') return i18n.number(kpi.value);
  if (kpi.key === 'gini') return i18n.number(kpi.value, 3);
  return i18n.number(kpi.value, 2);
}

/** The KPIs with their formulas on hover, worded in the UI language from the terms the analysis used. */
export function KpiTiles({ kpis, terms }: { kpis: readonly Kpi[]; terms: KpiFormulaTerms }) {
  const i18n = useI18n();
  const money = useMoney();
  return (
    <div className="stats kpis">
      {kpis.map((kpi) => (
        <div key={kpi.key} title={kpiFormula(kpi.key, terms, i18n.language)} data-kpi={kpi.key}>
          <StatTile label={i18n.t(`kpi.${kpi.key}`)} value={formatKpi(kpi, i18n, money)} />
        </div>
      ))}
    </div>
  );
}
