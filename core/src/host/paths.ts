// Where the product keeps its files on each operating system.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user data folder: XDG on Linux, Application Support on macOS, APPDATA on Windows. */
export function userDataDirectory(): string {
  if (process.env.CHURNWB_DATA_DIR) return process.env.CHURNWB_DATA_DIR;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Churn Workbench');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Churn Workbench');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'churn-workbench');
}

export function defaultWorkspacePath(): string {
  return join(userDataDirectory(), 'workspace.duckdb');
}
