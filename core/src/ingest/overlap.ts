// Files of one import that copy another: a cut of an export beside the export (UCI's first 1,000
// lines beside the full file), or the same export saved twice. Their rows would be counted twice
// (line-level orders sum the lines of an id across files), so the map stage leaves such a file out
// and the import says so.
//
// A file is a copy when at least COPY_SHARE of its distinct ids (order, ticket or survey ids, as
// the import normalises them) are also in one other file of the import holding at least as many;
// of two files with as many ids the smaller file is the copy, and of two of one size the later.
// Files that merely overlap (monthly exports sharing a few orders at their edges) are not copies:
// they load, and the import says how many ids they share and what became of them.
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportAlert, ImportKind } from '../api/workspace.ts';
import { queryRows } from '../db/sql.ts';
import type { ReadFile } from './read.ts';
import { readerSql, type ReadLimits } from './reader.ts';
import { headerKey } from './vocabulary.ts';

/** Share of a file's ids another file must hold for the file to be a copy of it. */
const COPY_SHARE = 0.9;

/** A file left out as a copy of another, with the ids they share. */
export interface CopiedFile {
  file: ReadFile;
  of: ReadFile;
  /** Distinct ids of `file`, and how many of them `of` holds as well. */
  ids: number;
  shared: number;
}

/** The canonical field that identifies a row of each kind. */
export const ID_FIELD: Record<ImportKind, 'order_id' | 'ticket_id' | 'survey_id'> = { orders: 'order_id', tickets: 'ticket_id', surveys: 'survey_id' };

/** Two files of the import, neither a copy, that share ids. */
export interface SharedIds {
  file: ReadFile;
  other: ReadFile;
  shared: number;
}

/**
 * The files that copy another file of the import, and the ids shared by files that do not, judged
 * by the ids in the column `header` (the mapped id; null when the ids are derived, which says
 * nothing of copies). One read of that column per file, and only when the import has several files.
 */
export async function sharedIds(
  connection: DuckDBConnection,
  files: readonly ReadFile[],
  header: string | null,
  limits: ReadLimits,
): Promise<{ copies: CopiedFile[]; overlaps: SharedIds[] }> {
  const none = { copies: [], overlaps: [] };
  if (files.length < 2 || header === null) return none;
  const pieces = files.flatMap((file, position) => {
    const index = file.headers.findIndex((candidate) => candidate === header || headerKey(candidate) === headerKey(header));
    return index < 0 ? [] : [readerSql(file, position, [{ name: 'id', index }], { ...limits, rejectsTables: null })];
  });
  if (pieces.length < 2) return none;
  const pairs = await queryRows<{ file: number; of: number; ids: number; of_ids: number; shared: number }>(
    connection,
    `WITH ids AS (SELECT DISTINCT __src, cw_id(id) AS id FROM (${pieces.map((piece) => `(${piece.sql})`).join(' UNION ALL ')}) WHERE cw_id(id) IS NOT NULL),
          sizes AS (SELECT __src, count(*) AS n FROM ids GROUP BY __src)
     SELECT a.__src AS file, b.__src AS "of", any_value(sa.n) AS ids, any_value(sb.n) AS of_ids, count(*) AS shared
     FROM ids a JOIN ids b ON b.id = a.id AND b.__src <> a.__src
     JOIN sizes sa ON sa.__src = a.__src JOIN sizes sb ON sb.__src = b.__src
     GROUP BY a.__src, b.__src
     ORDER BY ids, file, shared DESC`,
    Object.assign({}, ...pieces.map((piece) => piece.params)),
  );
  // Of two files with as many ids, the smaller file is the copy (a preview reads the same first
  // rows of a workbook and of a cut of it), then the later one.
  const copyOf = (pair: (typeof pairs)[number], file: ReadFile, of: ReadFile) =>
    Number(pair.shared) >= COPY_SHARE * Number(pair.ids) &&
    (Number(pair.ids) < Number(pair.of_ids) ||
      (Number(pair.ids) === Number(pair.of_ids) && (file.sizeBytes < of.sizeBytes || (file.sizeBytes === of.sizeBytes && Number(pair.file) > Number(pair.of)))));
  // Smallest first; each file is left out once, and never as the copy of a file already left out.
  const copies: CopiedFile[] = [];
  for (const pair of pairs) {
    const file = files[Number(pair.file)] as ReadFile;
    const of = files[Number(pair.of)] as ReadFile;
    if (!copyOf(pair, file, of) || copies.some((copy) => copy.file === file || copy.file === of)) continue;
    copies.push({ file, of, ids: Number(pair.ids), shared: Number(pair.shared) });
  }
  const kept = (file: ReadFile) => !copies.some((copy) => copy.file === file);
  const overlaps = pairs
    .filter((pair) => Number(pair.file) < Number(pair.of))
    .map((pair) => ({ file: files[Number(pair.file)] as ReadFile, other: files[Number(pair.of)] as ReadFile, shared: Number(pair.shared) }))
    .filter((overlap) => kept(overlap.file) && kept(overlap.other));
  return { copies, overlaps };
}

/** What the import tells the user of a file it left out. */
export function copyAlert(copy: CopiedFile, kind: ImportKind): ImportAlert {
  const ids = `${ID_FIELD[kind].replace('_', ' ')}s`;
  const share = copy.shared / copy.ids;
  return {
    code: 'duplicate_file',
    count: copy.shared,
    share,
    files: [basename(copy.file.path), basename(copy.of.path)],
    message:
      `${copy.file.path} was skipped: ${copy.shared.toLocaleString('en-US')} of its ${copy.ids.toLocaleString('en-US')} ${ids} (${(share * 100).toFixed(1)}%) are also in ${copy.of.path}, ` +
      `so it repeats that file and its rows would be counted twice; import it on its own if it is not a copy`,
  };
}

/** What the import tells the user of ids that files it loads share: what became of those rows. */
export function overlapAlert(overlaps: readonly SharedIds[], kind: ImportKind, lineLevel: boolean): ImportAlert | null {
  if (overlaps.length === 0) return null;
  const shared = overlaps.reduce((sum, overlap) => sum + overlap.shared, 0);
  const ids = `${ID_FIELD[kind].replace('_', ' ')}s`;
  const pairs = overlaps.slice(0, 3).map((overlap) => `${overlap.file.path} and ${overlap.other.path}: ${overlap.shared.toLocaleString('en-US')}`);
  const outcome =
    kind !== 'orders'
      ? `the rows of each such id are folded into one ${kind === 'tickets' ? 'ticket' : 'answer'}`
      : lineLevel
        ? 'each such order gets the lines of every file that has it, so lines exported in two files count twice'
        : 'each such order is read from the last file that has it';
  return {
    code: 'shared_ids',
    count: shared,
    files: [...new Set(overlaps.slice(0, 3).flatMap((overlap) => [basename(overlap.file.path), basename(overlap.other.path)]))],
    message: `${shared.toLocaleString('en-US')} ${ids} are in more than one file of this import (${pairs.join('; ')}${overlaps.length > 3 ? '; ...' : ''}): ${outcome}`,
  };
}
