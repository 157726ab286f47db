// The filter bar of the app shell: the date range, column filters, readable segments (top N +
// Other, a minimum group size) and saved views. What it applies is the scope every analysis call
// takes (client/CoreProvider.tsx), so every screen honours it without knowing about it. A saved view
// also keeps the options of the screen it was saved on (client/viewSettings.ts).
import { useEffect, useState, type FormEvent } from 'react';
import { isCalendarDay, SCOPE_COLUMNS, type AnalysisScope, type CoreError, type SavedView, type ScopeColumn, type ScopeFilter } from '../../../core/src/api/index.ts';
import { isScopeActive } from '../client/CoreProvider.tsx';
import { asCoreError, useCall, useCoreContext } from '../client/hooks.ts';
import { settingsOfScreen, withScreenSettings } from '../client/viewSettings.ts';
import { useI18n, type I18n } from '../i18n/I18nProvider.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';

/** The bar's fields as typed (numbers as text), before they become a scope. */
interface Draft {
  from: string;
  to: string;
  where: Record<ScopeColumn, string[]>;
  top: string;
  minGroup: string;
}

function draftOf(scope: AnalysisScope): Draft {
  const where = { channel: [], region: [], category: [] } as Record<ScopeColumn, string[]>;
  for (const filter of scope.where ?? []) where[filter.column] = filter.values;
  return { from: scope.from ?? '', to: scope.to ?? '', where, top: scope.segmentTop?.toString() ?? '', minGroup: scope.minGroupSize?.toString() ?? '' };
}

function wholeNumber(text: string): number | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

/** The scope a draft describes; the merged group takes its name in the UI language. */
function scopeOf(draft: Draft, otherLabel: string): AnalysisScope {
  const where: ScopeFilter[] = SCOPE_COLUMNS.filter((column) => draft.where[column].length > 0).map((column) => ({ column, values: draft.where[column] }));
  const top = wholeNumber(draft.top);
  const minGroup = wholeNumber(draft.minGroup);
  return {
    ...(draft.from ? { from: draft.from } : {}),
    ...(draft.to ? { to: draft.to } : {}),
    ...(where.length > 0 ? { where } : {}),
    ...(top === undefined ? {} : { segmentTop: top }),
    ...(minGroup === undefined ? {} : { minGroupSize: minGroup }),
    ...(top === undefined && minGroup === undefined ? {} : { otherLabel }),
  };
}

/** Columns `text` takes in a text field: a CJK character is about two (a `size` from length alone cuts a Chinese placeholder). */
export function textWidth(text: string): number {
  return [...text].reduce((width, char) => width + (/[\u2e80-\u9fff\uff00-\uffef]/.test(char) ? 2 : 1), 0);
}

/** The active scope in words, as every screen shows it above its content. */
export function describeScope(scope: AnalysisScope, t: I18n['t']): string {
  if (!isScopeActive(scope)) return t('scope.whole');
  const parts: string[] = [];
  if (scope.from !== undefined || scope.to !== undefined) parts.push(t('scope.range', { from: scope.from ?? '…', to: scope.to ?? '…' }));
  for (const filter of scope.where ?? []) parts.push(t('scope.columnValues', { column: t(`field.${filter.column}`), values: filter.values.join(', ') }));
  if (scope.segmentTop !== undefined) parts.push(t('scope.topSummary', { count: scope.segmentTop }));
  if (scope.minGroupSize !== undefined) parts.push(t('scope.minGroupSummary', { count: scope.minGroupSize }));
  return parts.join(' · ');
}

export interface FilterBarProps {
  /** The screen showing now: a saved view keeps it, and picking the view opens it again. */
  screenId: string;
  onOpenScreen(screenId: string): void;
}

export function FilterBar({ screenId, onOpenScreen }: FilterBarProps) {
  const { core, scope, setScope, viewSettings, setViewSettings } = useCoreContext();
  const { t, language, number } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => draftOf(scope));
  const [viewName, setViewName] = useState('');
  const [chosenView, setChosenView] = useState('');
  const [error, setError] = useState<CoreError | null>(null);
  const choices = useCall('scopeChoices', {});
  const views = useCall('listViews', {});
  const otherLabel = t('scope.other');

  // The fields follow the applied scope (a picked view, Clear); typing changes only the draft.
  useEffect(() => setDraft(draftOf(scope)), [scope]);
  // The merged group is named in the UI language: a language switch renames it.
  useEffect(() => {
    if (scope.otherLabel !== undefined && scope.otherLabel !== otherLabel) setScope({ ...scope, otherLabel });
  }, [language, otherLabel, scope, setScope]);

  // Days are typed as YYYY-MM-DD whatever the browser's locale (a native date field shows the US order in Chromium)
  const badDay = [draft.from, draft.to].some((day) => day !== '' && !isCalendarDay(day));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (!badDay) setScope(scopeOf(draft, otherLabel));
  };
  const toggleValue = (column: ScopeColumn, value: string, on: boolean) => {
    const values = draft.where[column].filter((kept) => kept !== value);
    setDraft({ ...draft, where: { ...draft.where, [column]: on ? [...values, value] : values } });
  };
  const pickView = (name: string) => {
    setChosenView(name);
    const view = views.value?.find((candidate) => candidate.name === name);
    if (!view) return;
    setScope(view.scope.segmentTop !== undefined || view.scope.minGroupSize !== undefined ? { ...view.scope, otherLabel } : view.scope);
    const viewScreen = view.settings.screen;
    if (typeof viewScreen === 'string') {
      setViewSettings((current) => withScreenSettings(current, viewScreen, view.settings));
      onOpenScreen(viewScreen);
    }
  };
  const changeViews = (work: Promise<SavedView[]>, chosen: string) =>
    work.then(
      () => {
        setChosenView(chosen);
        views.reload();
      },
      (failure: unknown) => setError(asCoreError(failure)),
    );
  const saveView = () => {
    const name = viewName.trim();
    if (!name) return;
    // the merged group's name is the UI's, not the view's: a view opened in the other language names it in that one
    const { otherLabel: _label, ...kept } = scopeOf(draft, otherLabel);
    void changeViews(core.saveView({ name, scope: kept, settings: { ...settingsOfScreen(viewSettings, screenId), screen: screenId } }), name).then(() => setViewName(''));
  };
  const deleteView = () => {
    if (chosenView) void changeViews(core.deleteView({ name: chosenView }), '');
  };

  const filtered = SCOPE_COLUMNS.reduce((count, column) => count + draft.where[column].length, 0);
  const dayField = (key: 'from' | 'to', example: string | null | undefined) => (
    <label className="filter-field">
      <span className="field-label">{t(`scope.${key}`)}</span>
      <input
        type="text"
        inputMode="numeric"
        className="number-input filter-day"
        value={draft[key]}
        placeholder={example ?? 'YYYY-MM-DD'}
        aria-invalid={draft[key] !== '' && !isCalendarDay(draft[key])}
        onChange={(event) => setDraft({ ...draft, [key]: event.target.value.trim() })}
        data-testid={`filter-${key}`}
      />
    </label>
  );
  return (
    <section className="filter-bar" aria-label={t('scope.title')} data-testid="filter-bar">
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      <form className="filter-row" onSubmit={apply}>
        {dayField('from', choices.value?.firstDay)}
        {dayField('to', choices.value?.lastDay)}
        <details className="filter-menu">
          <summary>{filtered > 0 ? t('scope.filtersCount', { count: filtered }) : t('scope.filters')}</summary>
          <div className="filter-menu-body">
            {SCOPE_COLUMNS.filter((column) => (choices.value?.columns[column].length ?? 0) > 0).map((column) => (
              <fieldset key={column} className="filter-values" data-testid={`filter-column-${column}`}>
                <legend className="field-label">{t(`field.${column}`)}</legend>
                {choices.value!.columns[column].map(({ value, customers }) => (
                  <label key={value} className="filter-value">
                    <input type="checkbox" checked={draft.where[column].includes(value)} onChange={(event) => toggleValue(column, value, event.target.checked)} />
                    {t('scope.valueWithCustomers', { value, customers: number(customers) })}
                  </label>
                ))}
              </fieldset>
            ))}
          </div>
        </details>
        <label className="filter-field">
          <span className="field-label">{t('scope.top')}</span>
          <input type="number" min={1} step={1} className="number-input filter-number" value={draft.top} onChange={(event) => setDraft({ ...draft, top: event.target.value })} data-testid="filter-top" />
        </label>
        <label className="filter-field">
          <span className="field-label">{t('scope.minGroup')}</span>
          <input
            type="number"
            min={1}
            step={1}
            className="number-input filter-number"
            value={draft.minGroup}
            onChange={(event) => setDraft({ ...draft, minGroup: event.target.value })}
            data-testid="filter-min-group"
          />
        </label>
        <button type="submit" className="button button-primary button-small" disabled={badDay} data-testid="filter-apply">
          {t('scope.apply')}
        </button>
        <button type="button" className="button button-small" onClick={() => setScope({})} disabled={!isScopeActive(scope)} data-testid="filter-clear">
          {t('scope.clear')}
        </button>
        <span className="filter-views">
          <label className="filter-field">
            <span className="field-label">{t('scope.views')}</span>
            <select value={chosenView} onChange={(event) => pickView(event.target.value)} data-testid="view-select">
              <option value="">{t('scope.viewNone')}</option>
              {(views.value ?? []).map((view) => (
                <option key={view.name} value={view.name}>
                  {view.name}
                </option>
              ))}
            </select>
          </label>
          <details className="filter-menu">
            <summary data-testid="view-menu" title={t('scope.manageViews')} aria-label={t('scope.manageViews')}>
              ⋯
            </summary>
            <div className="filter-menu-body filter-view-actions">
              <input
                type="text"
                className="number-input filter-view-name"
                value={viewName}
                placeholder={t('scope.viewName')}
                size={textWidth(t('scope.viewName')) + 2}
                aria-label={t('scope.viewName')}
                onChange={(event) => setViewName(event.target.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') {
                    event.preventDefault();
                    saveView();
                  }
                }}
                data-testid="view-name"
              />
              <button type="button" className="button button-small" onClick={saveView} disabled={!viewName.trim()} data-testid="view-save">
                {t('scope.saveView')}
              </button>
              <button type="button" className="button button-small button-danger" onClick={deleteView} disabled={!chosenView} data-testid="view-delete">
                {t('scope.deleteView')}
              </button>
            </div>
          </details>
        </span>
      </form>
      {badDay && (
        <p className="filter-summary filter-bad-day" role="alert" data-testid="filter-bad-day">
          {t('scope.badDay')}
        </p>
      )}
      <p className="filter-summary" data-testid="filter-summary" title={t('scope.definition')}>
        <strong>{t('scope.showing')}</strong> {describeScope(scope, t)}
        {(scope.from !== undefined || scope.to !== undefined) && <span className="muted"> — {t('scope.definition')}</span>}
      </p>
    </section>
  );
}
