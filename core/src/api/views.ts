// Contract of analysis scopes and saved views.
//
// A scope narrows what an analysis sees: a date range, filters on order columns, and a readable
// segment grouping (top N values plus "Other"). Every analysis verb takes one (`ScopedRequest`);
// the task runner applies it once for all of them (core/src/task/analysisScope.ts), so an analysis
// sees the workspace as if its orders were only those in scope. A saved view is a named scope
// plus the screen settings worth keeping, stored in the workspace.
import type { SegmentColumn } from './retention.ts';

/** Order columns a scope can filter on and group: the segment columns. */
export type ScopeColumn = SegmentColumn;
export const SCOPE_COLUMNS: readonly ScopeColumn[] = ['channel', 'region', 'category'];

/** True for a calendar day as YYYY-MM-DD that exists: 2025-02-30 and month 13 do not (Date rolls the first over and cannot read the second). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(text);
}

/** Keeps the orders whose `column` is one of `values`. */
export interface ScopeFilter {
  column: ScopeColumn;
  values: string[];
}

export interface AnalysisScope {
  /** First day of the range (YYYY-MM-DD), inclusive: orders placed from its midnight on. */
  from?: string;
  /** Last day of the range (YYYY-MM-DD), inclusive: orders placed before the next day's midnight. */
  to?: string;
  /** Every filter must hold (AND); within one filter, any of its values (OR). */
  where?: ScopeFilter[];
  /** Keep the N segment values with the most customers; the rest become one group named `otherLabel`. */
  segmentTop?: number;
  /** Segment values with fewer customers than this become one group named `otherLabel`. */
  minGroupSize?: number;
  /** Name of the merged group. Default 'Other' (the app sends the name in its language, 其他 in zh-CN). */
  otherLabel?: string;
}

/** A request an analysis scope applies to. */
export interface ScopedRequest {
  scope?: AnalysisScope;
}

/** Screen settings a view keeps (period, segment, metric...), by name; values as the screens hold them. */
export type ViewSettings = Record<string, string | number | boolean | null>;

export interface SavedView {
  name: string;
  scope: AnalysisScope;
  settings: ViewSettings;
  /** ISO timestamp of the last save. */
  savedAt: string;
}

export interface SaveViewRequest {
  name: string;
  scope: AnalysisScope;
  settings?: ViewSettings;
}

export interface DeleteViewRequest {
  name: string;
}

/** What a filter bar can offer: the orders' date range and each filterable column's values by customers. */
export interface ScopeChoices {
  /** First and last order day (YYYY-MM-DD); null without orders. */
  firstDay: string | null;
  lastDay: string | null;
  /** Up to SCOPE_CHOICES_LIMIT values per column, most customers first. */
  columns: Record<ScopeColumn, { value: string; customers: number }[]>;
}

export const SCOPE_CHOICES_LIMIT = 200;

export interface ViewsApi {
  /** The workspace's saved views, by name. */
  listViews(request: Record<string, never>): Promise<SavedView[]>;
  /** Saves (or replaces) a view by name; returns every view. */
  saveView(request: SaveViewRequest): Promise<SavedView[]>;
  /** Deletes a view; returns the views left. E_NOT_FOUND when there is none by that name. */
  deleteView(request: DeleteViewRequest): Promise<SavedView[]>;
  /** Dates and column values a scope can choose from. */
  scopeChoices(request: Record<string, never>): Promise<ScopeChoices>;
}

export const VIEWS_METHODS = ['listViews', 'saveView', 'deleteView', 'scopeChoices'] as const satisfies readonly (keyof ViewsApi)[];
