// Stage 6 of an import (probe -> decode -> read -> map -> load -> record): every file of the import
// written to `sources`, inside the load's transaction, so a workspace lists exactly the files
// whose rows it holds.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportRequestKind } from '../api/workspace.ts';
import type { ReadFile } from './read.ts';
import type { FileCounts, LoadedImport, LoadInput } from './staging.ts';

/** The record stage: each file of a loaded import in `sources`, auxiliary files (a recipe's) with no counts of their own. */
export async function recordSources(connection: DuckDBConnection, input: LoadInput, loaded: Pick<LoadedImport, 'base' | 'perFile'>): Promise<void> {
  for (const [position, file] of input.files.entries()) {
    await recordSource(connection, file, {
      sourceId: loaded.base + position,
      kind: input.kind,
      counts: loaded.perFile[position] as FileCounts,
      mapping: input.auxiliary.has(position) ? { role: 'auxiliary' } : input.mapping,
    });
  }
}

/** Records one imported file in `sources`: what it was, what came of its rows, and the mapping (JSON) that read it. */
export async function recordSource(
  connection: DuckDBConnection,
  file: ReadFile,
  entry: { sourceId: number; kind: ImportRequestKind; counts: FileCounts; mapping: Record<string, string> },
): Promise<void> {
  const digest = await file.digest();
  await connection.run(
    `INSERT INTO sources (source_id, file, kind, format, encoding, sha256, size_bytes, rows_read, rows_loaded, rows_rejected, mapping, imported_at)
     VALUES ($id, $file, $kind, $format, $encoding, $sha256, $size, $read, $loaded, $rejected, $mapping, now()::TIMESTAMP)`,
    {
      id: entry.sourceId,
      file: file.path,
      kind: entry.kind,
      format: file.format,
      encoding: file.encoding,
      sha256: digest.sha256,
      size: file.sizeBytes,
      read: entry.counts.rowsRead,
      loaded: entry.counts.rowsLoaded,
      rejected: entry.counts.rowsRejected,
      mapping: JSON.stringify(entry.mapping),
    },
  );
}

