// The DuckDB workspace: one database file, its engine settings, and connections per task.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CoreError } from '../api/errors.ts';
import { ensureSchema } from './schema.ts';
import { queryOne, quoteIdent } from './sql.ts';
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

/** DuckDB's lock message: `Conflicting lock is held in /usr/bin/node (PID 14565)`. */
const HELD_LOCK = /Could not set lock on file.*Conflicting lock is held in (.*?) \(PID (\d+)\)/s;

/**
 * Why a workspace file did not open, in words with the fix: a file is one process's at a time, so the
 * usual cause is the same workspace open in the app, `churnwb serve` or another command.
 */
function openFailure(path: string, message: string): CoreError {
  const held = HELD_LOCK.exec(message);
  if (!held) return new CoreError('E_WORKSPACE', `cannot open workspace ${path}: ${message}`, { path });
  return new CoreError(
    'E_WORKSPACE',
    `cannot open workspace ${path}: another process has it open (${held[1]}, PID ${held[2]}: the app, \`churnwb serve\` or another command). A workspace is one process's at a time: close that one, or work on a copy of the file`,
    { path, reason: 'locked', pid: Number(held[2]) },
  );
}

export class Workspace {
  readonly path: string;
  readonly settings: Required<WorkspaceSettings>;
  private readonly instance: DuckDBInstance;
  private readonly connections = new Set<DuckDBConnection>();
  /** Connections open or being opened: the database closes when this falls to 0. */
  private inUse = 0;
  private whenUnused: (() => void) | null = null;
  private closing: Promise<void> | null = null;

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
      throw openFailure(absolute, (error as Error).message);
    }
    // A file workspace is this process's alone now (DuckDB's lock): what a killed import left is stale.
    if (absolute !== IN_MEMORY) await removeStaleImportFolders(full.tempDirectory);
    const workspace = new Workspace(absolute, instance, full);
    await workspace.withConnection((connection) => ensureSchema(connection));
    return workspace;
  }

  /** A new connection; DuckDB connections are cheap and each can be interrupted on its own. Give it back with `release`. */
  async connect(): Promise<DuckDBConnection> {
    if (this.closing) throw new CoreError('E_WORKSPACE', `workspace ${this.path} is closed`);
    this.inUse += 1;
    let connection: DuckDBConnection;
    try {
      connection = await this.instance.connect();
    } catch (error) {
      this.unuse();
      throw error;
    }
    this.connections.add(connection);
    return connection;
  }

  release(connection: DuckDBConnection): void {
    if (!this.connections.delete(connection)) return;
    connection.closeSync();
    this.unuse();
  }

  private unuse(): void {
    this.inUse -= 1;
    if (this.inUse === 0) this.whenUnused?.();
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

  /**
   * Refuses new connections, interrupts the statements still running and closes the database once
   * every connection is given back. A connection is never closed under a running statement: that
   * leaves the statement's promise pending for good.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.inUse > 0) {
        const unused = new Promise<void>((resolve) => (this.whenUnused = resolve));
        for (const connection of this.connections) connection.interrupt();
        await unused;
      }
      this.instance.closeSync();
    })();
    return this.closing;
  }
}

/**
 * Writes a copy of the database `connection` belongs to at `target`, replacing any file there.
 * DuckDB copies from one snapshot of the open database, so writes running meanwhile are wholly in
 * the copy or wholly not, which copying the live file cannot promise (its WAL, a checkpoint half
 * written). The copy is written beside `target` and renamed over it, so a failure leaves `target` as it was.
 */
export async function saveCopy(connection: DuckDBConnection, target: string): Promise<void> {
  const absolute = resolve(target);
  const partial = `${absolute}.partial-${randomUUID()}`;
  // ATTACH is visible to every connection of the instance: a name of its own keeps two copies apart.
  const alias = quoteIdent(`copy_${randomUUID().replaceAll('-', '')}`);
  const { name, path } = await queryOne<{ name: string; path: string | null }>(
    connection,
    'SELECT database_name AS name, path FROM duckdb_databases() WHERE database_name = current_database()',
  );
  if (path !== null && resolve(path) === absolute) throw new CoreError('E_ARGS', `${absolute} is the open workspace itself; choose another file`, { path: absolute });
  try {
    mkdirSync(dirname(absolute), { recursive: true });
    await connection.run(`ATTACH ${sqlString(partial)} AS ${alias}`);
    try {
      await connection.run(`COPY FROM DATABASE ${quoteIdent(name)} TO ${alias}`);
      await connection.run(`CHECKPOINT ${alias}`);
    } finally {
      await connection.run(`DETACH ${alias}`);
    }
    // A WAL left beside the target belongs to the file being replaced: replayed on the copy, it would corrupt it.
    await rm(`${absolute}.wal`, { force: true });
    await rename(partial, absolute);
  } catch (error) {
    await Promise.all([rm(partial, { force: true }), rm(`${partial}.wal`, { force: true })]);
    if (error instanceof CoreError) throw error;
    throw new CoreError('E_WORKSPACE', `cannot save the workspace as ${absolute}: ${(error as Error).message}`, { path: absolute });
  }
}

/** ATTACH takes a literal path, not a parameter; quote it as a SQL string. */
function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
