// Electron main process: lifecycle, window, menu, dialogs and recent workspaces. It runs no analysis:
// the core lives in a utility process and the page talks to it over a MessagePort.
import { app, dialog, ipcMain, Menu } from 'electron';
import { join } from 'node:path';
import { MENU_CHANNEL } from '../protocol.ts';
import { registerAppScheme, serveRenderer } from './appProtocol.ts';
import { CoreSupervisor, startCoreProcess, workspaceChoice, workspaceFileArgument } from './coreProcess.ts';
import { menuTemplate, type MenuActions, type MenuLanguage } from './menu.ts';
import { printReportPdf } from './pdfPrinter.ts';
import { RecentWorkspaces } from './recent.ts';
import { registerShellHandlers } from './shellHandlers.ts';
import { bringToFront, claimSingleInstance } from './singleInstance.ts';
import { createMainWindow, denyPermissions, hardenContents } from './window.ts';

// This file is bundled to electron/dist/main.cjs (CommonJS), where __dirname is that folder.
const DIST = __dirname;
const WORKSPACE_FILTERS = [{ name: 'Churn Workbench workspace', extensions: ['duckdb'] }];

/** Command lines of later launches that arrive before the window exists, handled once it does. */
const earlyLaunches: string[][] = [];
let secondInstance = (argv: string[]) => void earlyLaunches.push(argv);

async function main(): Promise<void> {
  await app.whenReady();
  denyPermissions();
  serveRenderer(join(DIST, '..', '..', 'renderer', 'dist'));
  const recent = new RecentWorkspaces(app.getPath('userData'));
  // Packaged, electron-builder copies resources/{sample,segments,taxonomy} next to the app (extraResources).
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(DIST, '..', '..', 'resources');
  const startWith = workspaceChoice(process.argv, join(resourcesDir, 'sample'));
  const window = createMainWindow(join(DIST, 'preload.cjs'));
  let language: MenuLanguage = app.getLocale().startsWith('zh') ? 'zh-CN' : 'en';
  const core = new CoreSupervisor(startWith, {
    start: (open) => startCoreProcess(join(DIST, 'worker.mjs'), open, app.getPath('userData'), resourcesDir),
    page: () => (window.isDestroyed() ? null : window.webContents),
    restarted: (exitCode) =>
      void dialog.showMessageBox(window, {
        type: 'warning',
        title: 'Churn Workbench',
        message: language === 'zh-CN' ? '分析引擎意外停止，已重新启动。' : 'The analysis engine stopped unexpectedly and was restarted.',
        detail: language === 'zh-CN' ? `正在进行的操作已中断，请重试。（退出码 ${exitCode}）` : `The operation in progress was interrupted; please try it again. (exit code ${exitCode})`,
      }),
    gaveUp: (exitCode) =>
      dialog.showErrorBox(
        'Churn Workbench',
        language === 'zh-CN'
          ? `分析引擎反复停止（退出码 ${exitCode}），不再重启。请关闭并重新打开应用。`
          : `The analysis engine keeps stopping (exit code ${exitCode}) and is not restarted again. Close the app and open it again.`,
      ),
    openFailed: (error) =>
      void dialog.showMessageBox(window, {
        type: 'error',
        title: 'Churn Workbench',
        message: language === 'zh-CN' ? '无法打开工作区。' : 'The workspace could not be opened.',
        detail: `${error.code}: ${error.message}`,
      }),
    print: (request) => printReportPdf(request.job),
  });
  core.start();
  window.webContents.on('did-finish-load', () => core.connect(window.webContents));
  registerShellHandlers(ipcMain, dialog, () => window);

  const send = (command: unknown) => window.webContents.send(MENU_CHANNEL, command);
  const open = (path: string, action: 'openWorkspace' | 'saveWorkspaceAs') => {
    core.opened(path);
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
  secondInstance = (argv) => {
    bringToFront(window);
    const path = workspaceFileArgument(argv);
    if (path) open(path, 'openWorkspace');
  };
  for (const argv of earlyLaunches.splice(0)) secondInstance(argv);

  app.on('window-all-closed', () => {
    core.stop();
    app.quit();
  });
}

if (claimSingleInstance(app, (argv) => secondInstance(argv))) {
  // macOS hands a workspace file opened from Finder to the running app as an event, not a launch.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    secondInstance([process.execPath, path]);
  });
  registerAppScheme();
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  void main();
}
