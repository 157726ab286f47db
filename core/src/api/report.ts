// Contract of the reports and exports area: the report model and the verbs that build and export it.
//
// A report is data, not a document: an ordered list of sections, each with a title, a one-sentence
// headline computed from the data, a Plotly figure (the same JSON renders in the app, the HTML
// export and as images), an optional table, the options the analysis used and the analyst's note.
// The app edits the model (reorders sections, edits notes, adds sections) and hands it back to
// `exportReport`, which writes every format from it.
import type { ScopedRequest } from './views.ts';

/** Languages a report is written in (headlines, titles, labels, number formats). */
export type ReportLang = 'zh-CN' | 'en';

/** The analyses the default report can draw sections from, in the order they appear. */
export type ReportArea = 'kpis' | 'retention' | 'churn' | 'reasons' | 'customers' | 'drivers' | 'satisfaction';

export const REPORT_AREAS: readonly ReportArea[] = ['kpis', 'retention', 'churn', 'reasons', 'customers', 'drivers', 'satisfaction'];

export type ReportFormat = 'html' | 'pdf' | 'pptx' | 'xlsx' | 'csv' | 'png' | 'svg';

export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'pdf', 'pptx', 'xlsx', 'csv', 'png', 'svg'];

export type PaperSize = 'A4' | 'Letter';

/** Any JSON value; Plotly traces and layouts are JSON, so a figure crosses every wire as is. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A Plotly figure: `Plotly.newPlot(div, data, layout)` draws it; writers add the house theme. */
export interface ReportChart {
  /** Plotly traces. */
  data: JsonObject[];
  /** Plotly layout, without size and theme (the writer sets those). */
  layout: JsonObject;
  /** Height in CSS pixels at which the chart reads well. Default 380. */
  height?: number;
}

/** How a table column's values are shown; exports keep the raw numbers and apply this as the cell format. */
export type ReportColumnFormat = 'text' | 'integer' | 'number' | 'percent' | 'money' | 'date';

export interface ReportColumn {
  /** Field name in the Arrow table. */
  key: string;
  /** Header shown in the report's language. */
  label: string;
  format: ReportColumnFormat;
  /** Field holding each row's own format (a ReportColumnFormat name), for columns that mix units such as KPI values. */
  formatKey?: string;
  /**
   * Field holding the p-value a text column states ("0.728", "< 0.001"): files people calculate
   * with (XLSX, CSV) store that number instead of the words, so it sorts and computes.
   */
  pValueKey?: string;
}

export interface ReportTable {
  /** Short name of the table (sheet name in XLSX, file name part in CSV). */
  name: string;
  /** Columns to show, in order; fields of `arrow` not listed here are not exported. */
  columns: ReportColumn[];
  /** The rows as Arrow IPC stream bytes. */
  arrow: Uint8Array;
  /** Rows in the analysis when the table holds only its first rows (e.g. the top of the at-risk list). */
  totalRows?: number;
}

/** One option the analysis used, as the report states it. */
export interface ReportOption {
  label: string;
  value: string;
}

export interface ReportSection {
  /** Unique within the report; keys `images` in `exportReport`. E.g. 'retention.cohorts'. */
  id: string;
  /** The analysis the section comes from; 'custom' for sections the analyst composed. */
  area: ReportArea | 'custom';
  title: string;
  /** One sentence stating the finding, computed from the data, in the report's language. */
  headline: string;
  chart?: ReportChart;
  table?: ReportTable;
  /** The options the analysis used. */
  options: ReportOption[];
  /** The analyst's own note (plain text; blank lines separate paragraphs). */
  note: string;
}

/** A logo image kept in the workspace and placed on report covers and pages. */
export interface ReportLogo {
  mimeType: 'image/png' | 'image/jpeg';
  /** The image file's bytes, base64 (a JSON string, so it crosses every wire and sits in a settings row). */
  base64: string;
}

/** How a client's reports look; set once on the Report screen and kept in the workspace. */
export interface ReportBranding {
  /** Replaces the default report title when not blank. */
  title: string;
  /** Shown on the cover ("Prepared for ..."); blank: no line. */
  clientName: string;
  logo: ReportLogo | null;
  /** "#RRGGBB": section titles, the cover bar, summary rules. */
  accentColor: string;
  /** Leaves the workspace file name out of the report's subtitle. */
  hideWorkspaceName: boolean;
}

/**
 * Presentation settings of the workspace: the report branding and the currency every money
 * figure (screens and reports) is shown in.
 */
export interface DisplaySettings {
  branding: ReportBranding;
  /** ISO 4217 code (e.g. "CNY", "USD"); null: money is shown as a plain number. */
  currency: string | null;
}

export interface ReportModel {
  /** Format version of the model, so a saved report can be read back by a later release. */
  version: 1;
  lang: ReportLang;
  /** Client name, logo and accent colour the writers apply; absent: the house look. */
  branding?: ReportBranding;
  /** ISO 4217 code money columns and figures carry; absent or null: plain numbers. */
  currency?: string | null;
  title: string;
  /** What the report covers: workspace, date range, counts. */
  subtitle: string;
  /** ISO timestamp of when the model was built. */
  createdAt: string;
  /** The executive summary on the cover: three to five findings with their numbers, in the report's language. */
  summary?: string[];
  sections: ReportSection[];
}

export interface DefaultReportRequest extends ScopedRequest {
  lang: ReportLang;
  /** A saved view whose scope the report's analyses take (instead of `scope`). */
  view?: string;
  /** Overrides of the workspace's branding for this report only (the CLI's --title, --client, ...). */
  branding?: Partial<ReportBranding>;
  /** Overrides the workspace's currency for this report only. */
  currency?: string | null;
  /** Areas to include, in any order (the report keeps REPORT_AREAS order). Default: all with data. */
  sections?: ReportArea[];
  /** Lets `cancel` interrupt the analyses; progress events carry it. */
  taskId?: string;
}

/** Chart images the app rendered with Plotly.toImage, so the core need not render them itself. */
export interface ChartImages {
  /** PNG bytes, rendered at scale 2. */
  png?: Uint8Array;
  /** SVG document text. */
  svg?: string;
}

export interface ExportReportRequest {
  report: ReportModel;
  format: ReportFormat;
  /** PDF page size. Default A4. */
  paper?: PaperSize;
  /** Chart images keyed by section id; missing ones are rendered by headless Chromium where needed. */
  images?: Record<string, ChartImages>;
  /**
   * csv, png, svg: export only this section's table or chart. Without it those formats export
   * every table or chart, as one file when there is one and as a .zip when there are several.
   */
  sectionId?: string;
}

/** A written export, ready for a browser download or Electron's save dialog. */
export interface ExportedFile {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface ReportApi {
  /** Builds the default report from the open workspace: one or more sections per area with data. */
  defaultReport(request: DefaultReportRequest): Promise<ReportModel>;
  /** Writes a report model as HTML, PDF, PPTX, XLSX, CSV or chart images (PNG at 2x, SVG). */
  exportReport(request: ExportReportRequest): Promise<ExportedFile>;
  /** The workspace's branding and currency (defaults when none were saved). */
  displaySettings(request: Record<string, never>): Promise<DisplaySettings>;
  /** Saves the fields given over the workspace's current settings and answers the result. */
  saveDisplaySettings(request: SaveDisplaySettingsRequest): Promise<DisplaySettings>;
}

export interface SaveDisplaySettingsRequest {
  branding?: Partial<ReportBranding>;
  currency?: string | null;
}

export const REPORT_METHODS = ['defaultReport', 'exportReport', 'displaySettings', 'saveDisplaySettings'] as const satisfies readonly (keyof ReportApi)[];
