import { describe, expect, it, vi } from 'vitest';
import { CORE_METHODS } from '../../core/src/api/index.ts';
import { exposed, FakeBrowserWindow, FakeWebContents, handlers, ipcRendererListeners, permissionHandlers } from './fakeElectron.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).fakeElectronModule());

const { createMainWindow, denyPermissions, hardenContents, isTrustedSender } = await import('../main/window.ts');
const { registerShellHandlers } = await import('../main/shellHandlers.ts');
const { menuTemplate } = await import('../main/menu.ts');
const { resolveAppFile } = await import('../main/appProtocol.ts');
await import('../preload/preload.ts');

interface Bridge {
  invoke(method: string, request: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
}
const bridge = exposed.get('churnwb') as Bridge;

describe('main window', () => {
  it('is isolated, sandboxed and without node, loading the app from its own protocol', () => {
    const window = createMainWindow('/dist/preload.cjs') as unknown as FakeBrowserWindow;
    expect(window.options.webPreferences).toMatchObject({
      preload: '/dist/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(window.loadURL).toHaveBeenCalledWith('app://workbench/index.html');
    expect(window.options).toMatchObject({ minWidth: 1024, minHeight: 680 });
  });

  it('denies navigation, redirects and new windows', () => {
    const contents = new FakeWebContents();
    hardenContents(contents as never);
    const navigation = { preventDefault: vi.fn() };
    contents.emit('will-navigate', navigation, 'https://example.com/');
    const redirect = { preventDefault: vi.fn() };
    contents.emit('will-redirect', redirect, 'https://example.com/');
    expect(navigation.preventDefault).toHaveBeenCalled();
    expect(redirect.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.()).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    denyPermissions();
    const callback = vi.fn();
    permissionHandlers.request?.({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(permissionHandlers.check?.()).toBe(false);
  });

  it('serves only files inside the renderer folder', () => {
    expect(resolveAppFile('/app/renderer/dist', 'app://workbench/assets/index.js')).toBe('/app/renderer/dist/assets/index.js');
    expect(resolveAppFile('/app/renderer/dist', 'app://workbench/..%2F..%2Fsecret.txt')).toBeNull();
  });
});

describe('shell IPC handlers', () => {
  const dialog = { showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/data/orders.csv'] })) };
  registerShellHandlers({ handle: (channel, handler) => handlers.set(channel, handler as never) }, dialog as never, () => null);

  it('registers the file picker and answers our own page', async () => {
    const handler = handlers.get('shell:pickFiles')!;
    const reply = await handler({ senderFrame: { url: 'app://workbench/index.html', parent: null } }, { kind: 'orders' });
    expect(reply).toEqual({ ok: true, value: ['/data/orders.csv'] });
  });

  it('refuses frames that are not our top-level page', async () => {
    const handler = handlers.get('shell:pickFiles')!;
    expect(await handler({ senderFrame: { url: 'https://evil.example/', parent: null } }, {})).toMatchObject({ ok: false, error: { code: 'E_AUTH' } });
    expect(isTrustedSender({ url: 'app://workbench/index.html', parent: {} })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(dialog.showOpenDialog).toHaveBeenCalledTimes(1);
  });
});

describe('preload bridge', () => {
  it('exposes only invoke and on', () => {
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
  });

  it('refuses methods that are not core verbs or shell verbs', async () => {
    expect(await bridge.invoke('require', {})).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_METHOD' } });
    expect(await bridge.invoke('__proto__', {})).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_METHOD' } });
    expect(await bridge.invoke(CORE_METHODS[0]!, 'not an object')).toMatchObject({ ok: false, error: { code: 'E_ARGS' } });
    expect(() => bridge.on('ipc-anything', () => undefined)).toThrow(/unknown channel/);
  });

  it('sends core verbs over the MessagePort main hands it, and relays replies and events', async () => {
    const { port1, port2 } = new MessageChannel();
    const pending = bridge.invoke('describeWorkspace', {});
    ipcRendererListeners.get('core-port')?.({ ports: [port2] });
    const events: unknown[] = [];
    bridge.on('core-event', (event) => events.push(event));
    port1.onmessage = ({ data }: MessageEvent<{ id: number; method: string }>) => {
      expect(data.method).toBe('describeWorkspace');
      port1.postMessage({ kind: 'event', event: { type: 'log', level: 'info', message: 'hi' } });
      port1.postMessage({ kind: 'reply', id: data.id, envelope: { ok: true, value: { orders: 5 } } });
    };
    await expect(pending).resolves.toEqual({ ok: true, value: { orders: 5 } });
    expect(events).toEqual([{ type: 'log', level: 'info', message: 'hi' }]);
    port1.close();
  });

  it('routes shell verbs to main', async () => {
    await expect(bridge.invoke('shell:pickFiles', { kind: 'orders' })).resolves.toEqual({ ok: true, value: ['picked by shell:pickFiles'] });
  });
});

describe('native menu', () => {
  const actions = {
    newWorkspace: vi.fn(),
    openWorkspace: vi.fn(),
    openRecent: vi.fn(),
    saveWorkspaceAs: vi.fn(),
    importFiles: vi.fn(),
    exportReport: vi.fn(),
    setLanguage: vi.fn(),
    about: vi.fn(),
  };
  type Item = { id?: string; label?: string; role?: string; click?: () => void; submenu?: Item[] };
  const flatten = (items: Item[]): Item[] => items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);

  it('has File, Edit, View and Help with the workspace, import and report commands', () => {
    const template = menuTemplate(actions, 'en', ['/w/a.duckdb'], false) as Item[];
    expect(template.map((item) => item.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    const byId = new Map(flatten(template).filter((item) => item.id).map((item) => [item.id, item]));
    for (const id of ['new-workspace', 'open-workspace', 'open-recent', 'save-workspace-as', 'import-orders', 'import-tickets', 'export-report', 'language', 'about']) {
      expect(byId.has(id), id).toBe(true);
    }
    byId.get('import-tickets')?.click?.();
    expect(actions.importFiles).toHaveBeenCalledWith('tickets');
    const recent = byId.get('open-recent')?.submenu?.[0];
    recent?.click?.();
    expect(actions.openRecent).toHaveBeenCalledWith('/w/a.duckdb');
    expect(flatten(template).filter((item) => item.role).map((item) => item.role)).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom']));
  });

  it('speaks Chinese and switches language', () => {
    const template = menuTemplate(actions, 'zh-CN', [], true) as Item[];
    expect(template.map((item) => item.label ?? item.role)).toEqual(['appMenu', '文件', '编辑', '视图', '帮助']);
    const english = flatten(template).find((item) => item.label === 'English');
    english?.click?.();
    expect(actions.setLanguage).toHaveBeenCalledWith('en');
  });
});

describe('workspace at start', () => {
  it('opens --workspace FILE, else the sample with --sample, else the default workspace', async () => {
    const { workspaceChoice } = await import('../main/coreProcess.ts');
    expect(workspaceChoice(['electron', '.', '--workspace', '/w/shop.duckdb', '--sample'], '/res/sample')).toEqual({ kind: 'file', path: '/w/shop.duckdb' });
    expect(workspaceChoice(['electron', '.', '--sample'], '/res/sample')).toEqual({ kind: 'sample', dir: '/res/sample' });
    expect(workspaceChoice(['electron', '.'], '/res/sample')).toEqual({ kind: 'default' });
  });
});
