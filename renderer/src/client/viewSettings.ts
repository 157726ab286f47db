// Screen options a saved view keeps. A screen holds them with `useViewSetting` instead of useState;
// their values live in the CoreProvider next to the scope, keyed `screen.option` and written as JSON
// (a view's settings are string-valued), so saving a view can take the current screen's options and
// picking one can put them back.
import { useCallback, useMemo, useState } from 'react';
import type { ViewSettings } from '../../../core/src/api/index.ts';
import { useCoreContext } from './hooks.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function settingKey(screenId: string, option: string): string {
  return `${screenId}.${option}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The kept value, else `fallback`. An object is read over the fallback, so a view saved before an
 * option existed still gives that option its default.
 */
function readSetting<T extends JsonValue>(saved: ViewSettings[string] | undefined, fallback: T): T {
  if (typeof saved !== 'string') return fallback;
  try {
    const value: unknown = JSON.parse(saved);
    const defaults: unknown = fallback;
    return (isRecord(defaults) && isRecord(value) ? { ...defaults, ...value } : value) as T;
  } catch {
    return fallback;
  }
}

/** Like useState for an option of `screenId` that saved views keep; `initial` is read on the first render only. */
export function useViewSetting<T extends JsonValue>(screenId: string, option: string, initial: T): [T, (value: T) => void] {
  const { viewSettings, setViewSettings } = useCoreContext();
  const [fallback] = useState(initial);
  const key = settingKey(screenId, option);
  const saved = viewSettings[key];
  const value = useMemo(() => readSetting(saved, fallback), [saved, fallback]);
  const setValue = useCallback((next: T) => setViewSettings((settings) => ({ ...settings, [key]: JSON.stringify(next) })), [key, setViewSettings]);
  return [value, setValue];
}

/** The kept options of `screenId`, as a view saves them. */
export function settingsOfScreen(settings: ViewSettings, screenId: string): ViewSettings {
  return Object.fromEntries(Object.entries(settings).filter(([key]) => key.startsWith(settingKey(screenId, ''))));
}

/** `settings` with the options of `screenId` replaced by a view's: those the view does not name go back to their defaults. */
export function withScreenSettings(settings: ViewSettings, screenId: string, view: ViewSettings): ViewSettings {
  const others = Object.entries(settings).filter(([key]) => !key.startsWith(settingKey(screenId, '')));
  return Object.fromEntries([...others, ...Object.entries(settingsOfScreen(view, screenId))]);
}
