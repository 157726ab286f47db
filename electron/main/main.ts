// Electron main process: lifecycle, window, menu, dialogs and recent workspaces. It runs no analysis:
// the core lives in a utility process and the page talks to it over a MessagePort.
import { app, dialog, ipcMain, Menu } from 'electron';
import { join } from 'node:path';
import { MENU_CHANNEL } from '../protocol.ts';
import { registerAppScheme, serveRenderer } from './appProtocol.ts';
import { connectPage, startCoreProcess, workspaceChoice } from './coreProcess.ts';
import { menuTemplate, type MenuActions, type MenuLanguage } from './menu.ts';
import { RecentWorkspaces } from './recent.ts';
import { registerShellHandlers } from './shellHandlers.ts';
import { createMainWindow, denyPermissions, hardenContents } from './window.ts';

// This file is bundled to electron/dist/main.cjs (CommonJS), where __dirname is that folder.
const DIST = __dirname;
const WORKSPACE_FILTERS = [{ name: 'Churn Workbench workspace', extensions: ['duckdb'] }];

registerAppScheme();
app.on('web-contents-created', (_event, contents) => hardenContents(contents));

async function main(): Promise<void> {
  await app.whenReady();
  denyPermissions();
  serveRenderer(join(DIST, '..', '..', 'renderer', 'dist'));
  const recent = new RecentWorkspaces(app.getPath('userData'));
  // Packaged, electron-builder copies resources/{sample,segments,taxonomy} next to the app (extraResources).
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(DIST, '..', '..', 'resources');
  const startWith = workspaceChoice(process.argv, join(resourcesDir, 'sample'));
  const core = startCoreProcess(join(DIST, 'worker.mjs'), startWith, app.getPath('userData'), resourcesDir);
  const window = createMainWindow(join(DIST, 'preload.cjs'));
  window.webContents.on('did-finish-load', () => connectPage(core, window.webContents));
  registerShellHandlers(ipcMain, dialog, () => window);
  let language: MenuLanguage = app.getLocale().startsWith('zh') ? 'zh-CN' : 'en';

  const send = (command: unknown) => window.webContents.send(MENU_CHANNEL, command);
  const open = (path: string, action: 'openWorkspace' | 'saveWorkspaceAs') => {
    recent.add(path);
    app.addRecentDocument(path);
    send({ action, path });
    rebuildMenu();
  };
  const actions: MenuActions = {
    async newWorkspace() {
      const result = await dialog.showSaveDialog(window, { filters: WORKSPACE_FILTERS, defaultPath: 'workspace.duckdb' });
      if (!result.canceled && result.filePath) open(result.filePath, 'openWorkspace');
    },
    async openWorkspace() {
      const result = await dialog.showOpenDialog(window, { filters: WORKSPACE_FILTERS, properties: ['openFile'] });
      const [path] = result.filePaths;
      if (!result.canceled && path) open(path, 'openWorkspace');
    },
    openRecent: (path) => open(path, 'openWorkspace'),
    async saveWorkspaceAs() {
      const result = await dialog.showSaveDialog(window, { filters: WORKSPACE_FILTERS });
      if (!result.canceled && result.filePath) open(result.filePath, 'saveWorkspaceAs');
    },
    importFiles: (kind) => send({ action: 'import', kind }),
    exportReport: () => send({ action: 'exportReport' }),
    setLanguage(next) {
      language = next;
      send({ action: 'language', language: next });
      rebuildMenu();
    },
    about: () =>
      void dialog.showMessageBox(window, {
        type: 'info',
        title: 'Churn Workbench',
        message: `Churn Workbench ${app.getVersion()}`,
        detail: `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
      }),
  };
  function rebuildMenu(): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, language, recent.list(), process.platform === 'darwin')));
  }
  rebuildMenu();

  app.on('window-all-closed', () => {
    core.kill();
    app.quit();
  });
}

void main();
