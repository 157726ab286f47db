// Contract of the churn reasons from tickets area.

export interface ReasonsApi {}

export const REASONS_METHODS = [] as const satisfies readonly (keyof ReasonsApi)[];
