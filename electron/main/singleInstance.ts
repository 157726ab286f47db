// One app instance per user: a second launch (another window, or a workspace file opened from the
// desktop) hands its command line to the first, which comes to the front and opens the file.
import type { App, BrowserWindow } from 'electron';

/**
 * Takes the single-instance lock. False means another instance holds it: this one quits. Command
 * lines of later launches go to `onSecondInstance`.
 */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, onSecondInstance: (argv: string[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv) => onSecondInstance(argv));
  return true;
}

/** Brings the window to the front, restoring it when minimised. */
export function bringToFront(window: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
