// Leftovers of a process that was killed mid-import, removed when the workspace next opens.
//
// An import converts files (transcoded text, xlsx sheets) into a folder of its own under the
// workspace's temporary folder and removes it when it ends; a SIGKILL or power cut leaves it,
// as large as the file imported. Only what the app names that way is touched: folders named
// `import-` plus mkdtemp's six characters (importFiles' naming), and only when this process holds the
// workspace file (DuckDB's lock keeps any other process out), so no running import owns them.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const IMPORT_FOLDER = /^import-[A-Za-z0-9]{6}$/;

/** Removes stale import folders from a workspace's temporary folder; returns their names. */
export async function removeStaleImportFolders(tempDirectory: string): Promise<string[]> {
  const entries = await readdir(tempDirectory, { withFileTypes: true }).catch(() => []);
  const stale = entries.filter((entry) => entry.isDirectory() && !entry.isSymbolicLink() && IMPORT_FOLDER.test(entry.name)).map((entry) => entry.name);
  await Promise.all(stale.map((name) => rm(join(tempDirectory, name), { recursive: true, force: true })));
  return stale;
}
