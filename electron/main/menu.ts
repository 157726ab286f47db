// The native menu: File (workspaces, imports, report), Edit, View (language, zoom), Help.
import type { MenuItemConstructorOptions } from 'electron';

export type MenuLanguage = 'zh-CN' | 'en';

export interface MenuActions {
  /** The dialog-backed actions may be async; the menu lets them run (`void`), as a click has no caller to answer. */
  newWorkspace(): void | Promise<void>;
  openWorkspace(): void | Promise<void>;
  openRecent(path: string): void;
  saveWorkspaceAs(): void | Promise<void>;
  importFiles(kind: 'orders' | 'tickets'): void;
  exportReport(): void;
  setLanguage(language: MenuLanguage): void;
  about(): void;
}

const LABELS = {
  en: {
    file: 'File', newWorkspace: 'New Workspace…', openWorkspace: 'Open Workspace…', recent: 'Open Recent', noRecent: 'No recent workspaces',
    saveAs: 'Save Workspace As…', importOrders: 'Import Orders…', importTickets: 'Import Tickets…', exportReport: 'Export Report…',
    edit: 'Edit', view: 'View', language: 'Language', help: 'Help', about: 'About Churn Workbench',
  },
  'zh-CN': {
    file: '文件', newWorkspace: '新建工作区…', openWorkspace: '打开工作区…', recent: '最近打开', noRecent: '没有最近的工作区',
    saveAs: '工作区另存为…', importOrders: '导入订单…', importTickets: '导入工单…', exportReport: '导出报告…',
    edit: '编辑', view: '视图', language: '语言', help: '帮助', about: '关于流失分析工作台',
  },
} as const satisfies Record<MenuLanguage, Record<string, string>>;

export function menuTemplate(actions: MenuActions, language: MenuLanguage, recent: readonly string[], isMac: boolean): MenuItemConstructorOptions[] {
  const label = LABELS[language];
  const file: MenuItemConstructorOptions = {
    label: label.file,
    submenu: [
      { id: 'new-workspace', label: label.newWorkspace, accelerator: 'CmdOrCtrl+N', click: () => void actions.newWorkspace() },
      { id: 'open-workspace', label: label.openWorkspace, accelerator: 'CmdOrCtrl+O', click: () => void actions.openWorkspace() },
      {
        id: 'open-recent',
        label: label.recent,
        submenu: recent.length
          ? recent.map((path) => ({ label: path, click: () => actions.openRecent(path) }))
          : [{ label: label.noRecent, enabled: false }],
      },
      { id: 'save-workspace-as', label: label.saveAs, accelerator: 'CmdOrCtrl+Shift+S', click: () => void actions.saveWorkspaceAs() },
      { type: 'separator' },
      { id: 'import-orders', label: label.importOrders, accelerator: 'CmdOrCtrl+I', click: () => actions.importFiles('orders') },
      { id: 'import-tickets', label: label.importTickets, click: () => actions.importFiles('tickets') },
      { id: 'export-report', label: label.exportReport, accelerator: 'CmdOrCtrl+E', click: () => actions.exportReport() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: label.view,
    submenu: [
      {
        id: 'language',
        label: label.language,
        submenu: (['zh-CN', 'en'] as const).map((option) => ({
          label: option === 'zh-CN' ? '简体中文' : 'English',
          type: 'radio' as const,
          checked: option === language,
          click: () => actions.setLanguage(option),
        })),
      },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = { label: label.help, role: 'help', submenu: [{ id: 'about', label: label.about, click: () => actions.about() }] };
  return [...(isMac ? [{ role: 'appMenu' as const }] : []), file, { label: label.edit, role: 'editMenu' }, view, help];
}
