// Everything a UI, a host or a script needs to talk to a core; nothing here touches DuckDB.
export * from './contract.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './rpc.ts';
export * from './codec.ts';
export type * from './workspace.ts';
export type * from './retention.ts';
export { STEADY_WINDOW_REPEAT_CUSTOMERS, windowRestsOnFew } from './retention.ts';
export * from './kpiFormula.ts';
export type * from './reasons.ts';
export type * from './customers.ts';
export type * from './report.ts';
export type * from './drivers.ts';
export { ORDER_DRIVERS } from './drivers.ts';
export type * from './inPlace.ts';
export type * from './views.ts';
export { isCalendarDay, SCOPE_CHOICES_LIMIT, SCOPE_COLUMNS } from './views.ts';
