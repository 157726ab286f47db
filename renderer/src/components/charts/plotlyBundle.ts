// The slice of Plotly the app uses, and its default loader (a dynamic import: Plotly gets its own chunk).
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

export const loadPlotly: PlotlyLoader = async () => (await import('plotly.js-dist-min')).default as PlotlyBundle;

/** Tests provide a fake bundle here; the app uses the real one. */
export const PlotlyContext = createContext<PlotlyLoader>(loadPlotly);
