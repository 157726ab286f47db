// The DuckDB workspace: one database file, its engine settings, and connections per task.
import { mkdirSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { ensureSchema } from './schema.ts';
import { removeStaleImportFolders } from './temporaries.ts';

export interface WorkspaceSettings {
  /** DuckDB memory_limit, e.g. '4GB'. Default: a third of this machine's memory, at least 1GB. */
  memoryLimit?: string;
  /** Worker threads. Default: all cores. */
  threads?: number;
  /** Where large sorts and joins spill. Default: `<workspace>.tmp/` beside the file. */
  tempDirectory?: string;
}

export const IN_MEMORY = ':memory:';

function defaultMemoryLimit(totalBytes: number): string {
  const gigabytes = Math.max(1, Math.floor(totalBytes / 3 / 1024 ** 3));
  return `${gigabytes}GB`;
}

export class Workspace {
  readonly path: string;
  readonly settings: Required<WorkspaceSettings>;
  private readonly instance: DuckDBInstance;
  private readonly connections = new Set<DuckDBConnection>();
  private closed = false;

  private constructor(path: string, instance: DuckDBInstance, settings: Required<WorkspaceSettings>) {
    this.path = path;
    this.instance = instance;
    this.settings = settings;
  }

  /** Opens a workspace file, creating it and the canonical tables when absent. */
  static async open(path: string, settings: WorkspaceSettings = {}): Promise<Workspace> {
    const absolute = path === IN_MEMORY ? IN_MEMORY : resolve(path);
    const tempDirectory =
      settings.tempDirectory ?? (absolute === IN_MEMORY ? join(tmpdir(), 'churnwb-spill') : `${absolute}.tmp`);
    const full: Required<WorkspaceSettings> = {
      memoryLimit: settings.memoryLimit ?? defaultMemoryLimit(totalmem()),
      threads: settings.threads ?? availableParallelism(),
      tempDirectory,
    };
    let instance: DuckDBInstance;
    try {
      if (absolute !== IN_MEMORY) mkdirSync(dirname(absolute), { recursive: true });
      instance = await DuckDBInstance.create(absolute, {
        memory_limit: full.memoryLimit,
        threads: String(full.threads),
        temp_directory: full.tempDirectory,
        preserve_insertion_order: 'false',
      });
    } catch (error) {
      throw new CoreError('E_WORKSPACE', `cannot open workspace ${absolute}: ${(error as Error).message}`, { path: absolute });
    }
    // A file workspace is this process's alone now (DuckDB's lock): what a killed import left is stale.
    if (absolute !== IN_MEMORY) await removeStaleImportFolders(full.tempDirectory);
    const workspace = new Workspace(absolute, instance, full);
    await workspace.withConnection((connection) => ensureSchema(connection));
    return workspace;
  }

  /** A new connection; DuckDB connections are cheap and each can be interrupted on its own. */
  async connect(): Promise<DuckDBConnection> {
    if (this.closed) throw new CoreError('E_WORKSPACE', `workspace ${this.path} is closed`);
    const connection = await this.instance.connect();
    this.connections.add(connection);
    return connection;
  }

  release(connection: DuckDBConnection): void {
    this.connections.delete(connection);
    connection.closeSync();
  }

  /** Runs `work` on a fresh connection and closes it afterwards, whatever happens. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await work(connection);
    } finally {
      this.release(connection);
    }
  }

  /** Writes a checkpoint so the .duckdb file alone holds everything (before copying or sending it). */
  async checkpoint(): Promise<void> {
    await this.withConnection((connection) => connection.run('CHECKPOINT'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections) connection.closeSync();
    this.connections.clear();
    this.instance.closeSync();
  }
}
