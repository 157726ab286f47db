// Contract of the cohorts, churn, survival and KPIs area.

export interface RetentionApi {}

export const RETENTION_METHODS = [] as const satisfies readonly (keyof RetentionApi)[];
