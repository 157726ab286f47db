import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, Record<string, unknown> & unknown[]>;
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };

describe('electron-builder.yml', () => {
  it('builds AppImage and deb, nsis, and dmg', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
  });

  it('keeps the DuckDB native binding out of the asar archive', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/@duckdb/node-bindings-*/**');
  });

  it('packs the built main, preload, worker and renderer, and package.json main points into them', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'electron/dist/**', 'renderer/dist/**']));
    expect(packageJson.main).toBe('electron/dist/main.cjs');
  });

  it('ships the sample and the rules files the core reads at run time', () => {
    const shipped = (config.extraResources as unknown as { from: string; to: string }[]).map((entry) => entry.to);
    expect(shipped).toEqual(expect.arrayContaining(['sample', 'segments', 'taxonomy']));
  });

  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or inspect, app only from an integrity-checked asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('has an icon that exists', () => {
    const icon = String(config.linux?.icon);
    expect(readFileSync(join(ROOT, icon)).subarray(1, 4).toString()).toBe('PNG');
  });
});
