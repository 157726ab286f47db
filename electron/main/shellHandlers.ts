// The shell verbs the preload routes to main (native dialogs), answered only for our own page.
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Envelope } from '../../core/src/api/index.ts';
import { isTrustedSender } from './window.ts';

export const IMPORT_FILTERS = [
  { name: 'Exports', extensions: ['csv', 'tsv', 'txt', 'xlsx', 'parquet', 'json', 'jsonl', 'gz'] },
  { name: 'All files', extensions: ['*'] },
];

export function registerShellHandlers(ipcMain: Pick<IpcMain, 'handle'>, dialog: Pick<Dialog, 'showOpenDialog'>, window: () => BrowserWindow | null): void {
  ipcMain.handle('shell:pickFiles', async (event: IpcMainInvokeEvent): Promise<Envelope> => {
    if (!isTrustedSender(event.senderFrame)) return { ok: false, error: { code: 'E_AUTH', message: 'IPC from an untrusted frame' } };
    const owner = window();
    const options = { properties: ['openFile' as const, 'multiSelections' as const], filters: IMPORT_FILTERS };
    const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
    return { ok: true, value: result.canceled ? [] : result.filePaths };
  });
}
