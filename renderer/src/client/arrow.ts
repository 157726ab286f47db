// Arrow bytes from the core to tables the grid and charts read column by column.
import { tableFromIPC, type Table } from 'apache-arrow';
import { useMemo } from 'react';

export function useArrowTable(bytes: Uint8Array | undefined): Table | undefined {
  return useMemo(() => (bytes ? tableFromIPC(bytes) : undefined), [bytes]);
}

/** One column as a plain array, for chart traces (charts get aggregates: small tables). */
export function columnValues(table: Table, name: string): ArrayLike<unknown> {
  return table.getChild(name)?.toArray() ?? [];
}
