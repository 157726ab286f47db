// The one Plotly wrapper: Plotly.react on every update, Plotly.purge on unmount, PNG/SVG download
// buttons, and "Add to report" inside the app.
import { use, useEffect, useRef, useState } from 'react';
import { chartSection } from '../../features/report/addedSections.ts';
import { AddToReportButton } from '../../features/report/AddToReportButton.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { PlotlyContext, type ChartLayout, type ChartTrace, type ImageFormat, type PlotlyBundle, type PlotlyElement, type PlotlyPoint } from './plotlyBundle.ts';
import { CHART_COLORS } from '../../../../core/src/api/palette.ts';
import { DATE_TICK_FORMATS } from '../../../../core/src/api/periodLabel.ts';

export interface PlotlyChartProps {
  data: readonly ChartTrace[];
  layout?: ChartLayout;
  /** Base name of downloaded images, without extension. */
  fileName: string;
  /** Accessible name of the chart. */
  title: string;
  height?: number;
  onPointClick?: (point: PlotlyPoint) => void;
  /** Receives a handle once the chart is drawn (null when it goes away), e.g. to export its image. */
  onHandle?: (handle: ChartHandle | null) => void;
  /** Offer "Add to report" (default true; the Report screen's own charts are already in it). */
  addToReport?: boolean;
}

/** What a drawn chart offers its owner. */
export interface ChartHandle {
  /** PNG (at 2x) as bytes, or SVG as document text, at the given CSS size. */
  image(format: 'png', width: number, height: number): Promise<Uint8Array>;
  image(format: 'svg', width: number, height: number): Promise<string>;
}

/** Decodes the data URL Plotly.toImage returns: base64 PNG or URL-encoded SVG. */
export function dataUrlContent(url: string): Uint8Array | string {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const body = url.slice(comma + 1);
  if (!header.endsWith(';base64')) return decodeURIComponent(body);
  const binary = atob(body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return header.startsWith('data:image/svg') ? new TextDecoder().decode(bytes) : bytes;
}

const FONT_FAMILY = '"Inter", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif';
/** The report's palette, from one source (core/src/api/palette.ts): colour-blind-safe, 13 colours before any repeat. */
export { CHART_COLORS, ROLE_COLORS } from '../../../../core/src/api/palette.ts';

const AXIS_THEME = { gridcolor: '#eef0f3', zerolinecolor: '#d9dde3', automargin: true };

/** The house style every chart shares; a chart's own layout is laid over it. */
export function themedLayout(layout: ChartLayout, height: number): ChartLayout {
  return {
    height,
    autosize: true,
    margin: { l: 64, r: 24, t: 40, b: 56 },
    font: { family: FONT_FAMILY, size: 12, color: '#1f2430' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    colorway: CHART_COLORS,
    hoverlabel: { font: { family: FONT_FAMILY } },
    // Above the plot: below it, a legend ran into the x axis title.
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom' },
    ...layout,
    // Laid over per axis: a chart's own xaxis/yaxis (titles, formats) must not drop the theme's automargin,
    // without which a long tick label runs into the axis title.
    xaxis: { ...AXIS_THEME, ...(layout.xaxis as object | undefined) },
    yaxis: { ...AXIS_THEME, ...(layout.yaxis as object | undefined) },
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** Whether the traces put dates on the x axis (ISO strings that Plotly reads as a date axis). */
function hasDateX(data: readonly ChartTrace[]): boolean {
  return data.some((trace) => Array.isArray(trace.x) && typeof trace.x[0] === 'string' && ISO_DATE.test(trace.x[0]));
}

/**
 * A date x axis that sets no format of its own writes dates as the report and the cohort labels do
 * (2011-01 for a month, in every language): Plotly's own ticks ("Jan 2011", or "一 2011" in its zh-CN
 * locale) made a third style beside them.
 */
export function datedLayout(data: readonly ChartTrace[], layout: ChartLayout): ChartLayout {
  if (!hasDateX(data)) return layout;
  const xaxis = (layout.xaxis ?? {}) as Record<string, unknown>;
  if (xaxis.type === 'category' || xaxis.tickformat !== undefined) return layout;
  return { ...layout, xaxis: { tickformatstops: DATE_TICK_FORMATS, hoverformat: '%Y-%m-%d', ...xaxis } };
}

const NO_LAYOUT: ChartLayout = {};

export function PlotlyChart({ data, layout = NO_LAYOUT, fileName, title, height = 360, onPointClick, onHandle, addToReport = true }: PlotlyChartProps) {
  const load = use(PlotlyContext);
  const { t, language } = useI18n();
  const root = useRef<PlotlyElement>(null);
  const [plotly, setPlotly] = useState<PlotlyBundle | null>(null);
  const clickHandler = useRef(onPointClick);
  clickHandler.current = onPointClick;
  const handleReceiver = useRef(onHandle);
  handleReceiver.current = onHandle;
  /** The draw in flight: purging under it left Plotly's half-built figure without its methods ("emit is not a function"). */
  const drawing = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    let current = true;
    void load().then((bundle) => current && setPlotly(() => bundle));
    return () => {
      current = false;
    };
  }, [load]);

  useEffect(() => {
    const element = root.current;
    if (!plotly || !element) return;
    let current = true;
    const config = { displaylogo: false, responsive: true, locale: language, modeBarButtonsToRemove: ['toImage', 'sendDataToCloud', 'lasso2d', 'select2d'] };
    drawing.current = plotly.react(element, data, themedLayout(datedLayout(data, layout), height), config).then(() => {
      // A draw that ends after a newer one started, or after the chart went away, hands out no handle.
      if (!current) return;
      element.removeAllListeners?.('plotly_click');
      element.on?.('plotly_click', (event) => {
        const point = event.points[0];
        if (point) clickHandler.current?.(point);
      });
      handleReceiver.current?.({
        image: (async (format: 'png' | 'svg', width: number, imageHeight: number) =>
          dataUrlContent(await plotly.toImage(element, { format, width, height: imageHeight, ...(format === 'png' ? { scale: 2 } : {}) }))) as ChartHandle['image'],
      });
    });
    return () => {
      current = false;
    };
  }, [plotly, data, layout, height, language]);

  useEffect(() => {
    const element = root.current;
    if (!plotly || !element) return;
    const observer = new ResizeObserver(() => plotly.Plots.resize(element));
    observer.observe(element);
    return () => {
      observer.disconnect();
      handleReceiver.current?.(null);
      void drawing.current.catch(() => undefined).then(() => plotly.purge(element));
    };
  }, [plotly]);

  const download = (format: ImageFormat) => {
    const element = root.current;
    if (!plotly || !element) return;
    void plotly.downloadImage(element, { format, filename: fileName, width: Math.max(element.clientWidth, 800), height });
  };

  return (
    <figure className="chart" aria-label={title}>
      <div className="chart-tools">
        {addToReport && <AddToReportButton makeSection={() => chartSection(title, data, layout, height)} />}
        {(['png', 'svg'] as const).map((format) => (
          <button
            key={format}
            type="button"
            className="button button-small"
            disabled={!plotly}
            onClick={() => download(format)}
            title={t('chart.download', { format: format.toUpperCase() })}
            aria-label={t('chart.download', { format: format.toUpperCase() })}
          >
            {t(format === 'png' ? 'chart.downloadPng' : 'chart.downloadSvg')}
          </button>
        ))}
      </div>
      {!plotly && <div className="chart-loading">{t('chart.loading')}</div>}
      <div ref={root} className="chart-plot" style={{ minHeight: height }} />
    </figure>
  );
}
