// The slice of Plotly the app uses, and its default loader: a dynamic import (Plotly gets its own
// chunk) started once, early, in the background, with Plotly's own zh-CN locale registered.
import { createContext } from 'react';

/** One trace; Plotly's schema is too large to type here, and the charts build their traces in one place each. */
export type ChartTrace = Record<string, unknown>;
export type ChartLayout = Record<string, unknown>;
export type ImageFormat = 'png' | 'svg';

/** A Plotly-managed element: Plotly adds an event emitter to the div it draws in. */
export interface PlotlyElement extends HTMLDivElement {
  on?(event: 'plotly_click', handler: (data: { points: PlotlyPoint[] }) => void): void;
  removeAllListeners?(event: string): void;
}

export interface PlotlyPoint {
  x: unknown;
  y: unknown;
  z?: unknown;
  curveNumber: number;
  pointIndex?: number | number[];
  pointNumber?: number | number[];
  customdata?: unknown;
}

export interface ImageOptions {
  format: ImageFormat;
  width: number;
  height: number;
  scale?: number;
}

export interface PlotlyBundle {
  react(root: HTMLElement, data: readonly ChartTrace[], layout: ChartLayout, config: Record<string, unknown>): Promise<unknown>;
  purge(root: HTMLElement): void;
  downloadImage(root: HTMLElement, options: ImageOptions & { filename: string }): Promise<unknown>;
  toImage(root: HTMLElement, options: ImageOptions): Promise<string>;
  Plots: { resize(root: HTMLElement): void };
}

export type PlotlyLoader = () => Promise<PlotlyBundle>;

let loading: Promise<PlotlyBundle> | null = null;

/**
 * Loads Plotly once per page; every chart shares the same promise. Evaluating the bundle blocks the
 * page for seconds on a slow machine, so the app calls this while the user is still on a screen
 * without charts (see preloadPlotly), not when the first chart needs it.
 */
export const loadPlotly: PlotlyLoader = () =>
  (loading ??= Promise.all([import('plotly.js-dist-min'), import('plotly.js-locales/zh-cn')]).then(([plotly, zhCN]) => {
    const bundle = plotly.default as PlotlyBundle & { register(module: object): void };
    bundle.register(zhCN.default);
    return bundle;
  }));

/** Starts loading Plotly once the browser is idle after the first screen has painted; `done` runs when it has loaded. Returns a canceller of the callback. */
export function preloadPlotly(load: PlotlyLoader, done: () => void): () => void {
  let wanted = true;
  const start = () => void load().then(() => wanted && done(), () => undefined);
  if ('requestIdleCallback' in window) window.requestIdleCallback(start, { timeout: 1000 });
  else setTimeout(start, 200);
  return () => {
    wanted = false;
  };
}

/** Tests provide a fake bundle here; the app uses the real one. */
export const PlotlyContext = createContext<PlotlyLoader>(loadPlotly);
