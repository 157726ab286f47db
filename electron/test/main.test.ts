// The main process end to end against the fake electron module: one instance (a second launch
// focuses the first and opens its file), a core process with a minimal environment, supervised
// (restarted on the last opened workspace, given up after repeated exits, an open failure shown),
// and PDF printing through webContents.printToPDF on an offline session.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CORE_PORT_CHANNEL, MENU_CHANNEL, type PrintJob } from '../protocol.ts';
import { dialogCalls, fakeApp, FakeBrowserWindow, FakeUtilityProcess, FakeWebContents, printSessions } from './fakeElectron.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).fakeElectronModule());

const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, SECRET: process.env.CHURNWB_TEST_SECRET };

const startMessage = (child: FakeUtilityProcess) => child.posted.find((entry) => (entry.message as { type: string }).type === 'start')?.message;
const connects = (child: FakeUtilityProcess) => child.posted.filter((entry) => (entry.message as { type: string }).type === 'connect');

let window: FakeBrowserWindow;

beforeAll(async () => {
  process.env.NODE_OPTIONS = '--require /tmp/evil.js';
  process.env.CHURNWB_TEST_SECRET = 'token-from-the-shell';
  await import('../main/main.ts');
  await vi.waitFor(() => expect(FakeUtilityProcess.forked).toHaveLength(1));
  window = FakeBrowserWindow.created.at(-1)!;
});
afterAll(() => {
  rmSync(fakeApp.userData, { recursive: true, force: true });
  for (const [name, value] of Object.entries({ NODE_OPTIONS: saved.NODE_OPTIONS, CHURNWB_TEST_SECRET: saved.SECRET })) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('main process', () => {
  it('takes the single-instance lock before anything else', () => {
    expect(fakeApp.requestSingleInstanceLock).toHaveBeenCalledTimes(1);
    expect(fakeApp.quit).not.toHaveBeenCalled();
  });

  it('starts the core with a minimal environment: no NODE_OPTIONS, no unrelated variables', () => {
    const [child] = FakeUtilityProcess.forked;
    const env = child!.options.env!;
    expect(env.CHURNWB_RESOURCES_DIR).toMatch(/resources$/);
    expect(env).not.toHaveProperty('NODE_OPTIONS');
    expect(env).not.toHaveProperty('CHURNWB_TEST_SECRET');
    expect(Object.keys(env).every((name) => ['PATH', 'HOME', 'USER', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LANGUAGE', 'TZ', 'CHURNWB_RESOURCES_DIR', 'CHURNWB_DATA_DIR', 'CHROMIUM_PATH'].includes(name) || /^(LC_|XDG_)/.test(name))).toBe(true);
    expect(startMessage(child!)).toMatchObject({ type: 'start', open: { kind: 'default' }, dataDir: fakeApp.userData });
  });

  it('connects the page to the core on every load', () => {
    window.webContents.emit('did-finish-load');
    const [child] = FakeUtilityProcess.forked;
    expect(connects(child!)).toHaveLength(1);
    expect(window.webContents.postMessage).toHaveBeenLastCalledWith(CORE_PORT_CHANNEL, null, [{ name: 'port2' }]);
  });

  it('a second launch brings the window to the front and opens the workspace file it names', () => {
    window.minimized = true;
    fakeApp.emit('second-instance', {}, ['/opt/churn-workbench/churn-workbench', '/work/shop.duckdb'], '/home/analyst');
    expect(window.restore).toHaveBeenCalled();
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith(MENU_CHANNEL, { action: 'openWorkspace', path: '/work/shop.duckdb' });
    // A second launch without a file only focuses.
    window.webContents.send.mockClear();
    fakeApp.emit('second-instance', {}, ['/opt/churn-workbench/churn-workbench'], '/home/analyst');
    expect(window.webContents.send).not.toHaveBeenCalledWith(MENU_CHANNEL, expect.anything());
  });

  it('opens a workspace file macOS hands over with open-file', () => {
    const event = { preventDefault: vi.fn() };
    fakeApp.emit('open-file', event, '/Users/analyst/q3.duckdb');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith(MENU_CHANNEL, { action: 'openWorkspace', path: '/Users/analyst/q3.duckdb' });
    // The restart below reopens the file opened last.
    fakeApp.emit('second-instance', {}, ['/opt/churn-workbench/churn-workbench', '--workspace', '/work/shop.duckdb'], '/home/analyst');
  });

  it('restarts a core that exits on the workspace opened last, reconnects the page, and tells the user', () => {
    const [first] = FakeUtilityProcess.forked;
    dialogCalls.length = 0;
    first!.emit('exit', 137);
    // The page is told first, so its calls in flight fail instead of waiting (the preload's CORE_LOST).
    expect(window.webContents.send).toHaveBeenCalledWith(CORE_PORT_CHANNEL);
    expect(FakeUtilityProcess.forked).toHaveLength(2);
    const second = FakeUtilityProcess.forked[1]!;
    expect(startMessage(second)).toMatchObject({ type: 'start', open: { kind: 'file', path: '/work/shop.duckdb' } });
    expect(connects(second)).toHaveLength(1);
    expect(dialogCalls).toHaveLength(1);
    expect(JSON.stringify(dialogCalls[0]!.args)).toContain('exit code 137');
  });

  it('shows an error when the core cannot open the workspace', () => {
    dialogCalls.length = 0;
    FakeUtilityProcess.forked[1]!.emit('message', { type: 'open-failed', error: { code: 'E_WORKSPACE', message: '/work/shop.duckdb is locked by another process' } });
    expect(dialogCalls).toHaveLength(1);
    expect(JSON.stringify(dialogCalls[0]!.args)).toContain('E_WORKSPACE: /work/shop.duckdb is locked by another process');
  });

  it('prints a PDF the core asks for with printToPDF, in a hidden window whose session lets nothing out', async () => {
    const child = FakeUtilityProcess.forked[1]!;
    const job: PrintJob = {
      html: '<!doctype html><html data-charts-ready><body>report</body></html>',
      pageSize: 'Letter',
      width: 702,
      margins: { top: 0.59, right: 0.59, bottom: 0.71, left: 0.59 },
      footerTemplate: '<span class="pageNumber"></span>',
      readyTimeoutMs: 1000,
    };
    const before = FakeBrowserWindow.created.length;
    child.emit('message', { type: 'print', id: 7, job });
    await vi.waitFor(() => expect(child.posted.some((entry) => (entry.message as { type: string }).type === 'printed')).toBe(true));
    const printWindow = FakeBrowserWindow.created[before]!;
    expect(printWindow.options).toMatchObject({ show: false, width: 702, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(printWindow.webContents.debugger.sendCommand).toHaveBeenCalledWith('Emulation.setEmulatedMedia', { media: 'print' });
    expect(printWindow.webContents.printToPDF).toHaveBeenCalledWith(expect.objectContaining({ pageSize: 'Letter', margins: job.margins, printBackground: true, displayHeaderFooter: true, footerTemplate: job.footerTemplate }));
    expect(printWindow.destroy).toHaveBeenCalled();
    const reply = child.posted.find((entry) => (entry.message as { type: string }).type === 'printed')!.message as { id: number; pdf: Uint8Array };
    expect(reply.id).toBe(7);
    expect(Buffer.from(reply.pdf).toString()).toBe('%PDF-1.4 fake');

    const pageFile = printWindow.loadFile.mock.calls[0]![0];
    const filter = [...printSessions.values()][0]!.filter!;
    const verdict = (url: string) => new Promise<boolean>((resolve) => filter({ url }, ({ cancel }) => resolve(cancel)));
    expect(await verdict(`file://${pageFile}`)).toBe(false);
    expect(await verdict('data:image/png;base64,AAAA')).toBe(false);
    expect(await verdict('http://127.0.0.1:9/leak.png')).toBe(true);
    expect(await verdict('file:///etc/passwd')).toBe(true);
  });

  it('answers print-failed when printing fails, so the export call ends with an error', async () => {
    const child = FakeUtilityProcess.forked[1]!;
    const before = FakeBrowserWindow.created.length;
    FakeWebContents.printFailure = new Error('printing failed: out of memory');
    child.emit('message', { type: 'print', id: 8, job: { html: '<p>', pageSize: 'A4', width: 680, margins: { top: 0, right: 0, bottom: 0, left: 0 }, footerTemplate: '', readyTimeoutMs: 10 } });
    await vi.waitFor(() => expect(child.posted.some((entry) => (entry.message as { type: string; id?: number }).type === 'print-failed')).toBe(true));
    expect(child.posted.at(-1)!.message).toMatchObject({ type: 'print-failed', id: 8, error: { code: 'E_INTERNAL', message: 'printing failed: out of memory' } });
    // The hidden window is gone even though printing failed.
    expect(FakeBrowserWindow.created[before]!.destroy).toHaveBeenCalled();
  });

  it('gives up after repeated exits and says so, instead of restarting forever', () => {
    dialogCalls.length = 0;
    for (let exit = 0; exit < 3; exit++) FakeUtilityProcess.forked.at(-1)!.emit('exit', 1);
    expect(FakeUtilityProcess.forked).toHaveLength(4);
    expect(dialogCalls.filter((call) => call.kind === 'errorBox')).toHaveLength(1);
    expect(JSON.stringify(dialogCalls.find((call) => call.kind === 'errorBox')!.args)).toContain('not restarted again');
  });

  it('a second instance that finds the lock held quits without a window or a core', async () => {
    vi.resetModules();
    fakeApp.lockHeld = false;
    const windows = FakeBrowserWindow.created.length;
    const forks = FakeUtilityProcess.forked.length;
    await import('../main/main.ts');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fakeApp.quit).toHaveBeenCalledTimes(1);
    expect(FakeBrowserWindow.created.length).toBe(windows);
    expect(FakeUtilityProcess.forked.length).toBe(forks);
  });
});
