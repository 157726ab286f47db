// Data-in-place verbs of CoreApi: each runs as a cancellable task on a connection of its own.
import type { InPlaceApi } from '../../api/inPlace.ts';
import { exportParquet, readInPlace } from '../../ingest/inPlace.ts';
import type { CoreContext } from '../context.ts';

export function inPlaceHandlers(context: CoreContext): InPlaceApi {
  return {
    readInPlace: ({ taskId, ...request }) => context.task(taskId, ({ connection }) => readInPlace(connection, request)),
    exportParquet: ({ taskId, ...request }) => context.task(taskId, ({ connection }) => exportParquet(connection, request)),
  };
}
