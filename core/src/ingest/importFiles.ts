// Import entry points (previewImport, importFiles): sniff, transcode, map, stage, swap.
import type { ImportPreview, ImportRequest, ImportResult, PreviewImportRequest } from '../api/workspace.ts';
import { CoreError } from '../api/errors.ts';
import type { Workspace } from '../db/workspace.ts';
import type { TaskScope } from '../host/context.ts';

export async function previewImport(_workspace: Workspace, _request: PreviewImportRequest): Promise<ImportPreview> {
  throw new CoreError('E_INTERNAL', 'previewImport is being built');
}

export async function importFiles(_workspace: Workspace, _scope: TaskScope, _request: ImportRequest): Promise<ImportResult> {
  throw new CoreError('E_INTERNAL', 'importFiles is being built');
}
