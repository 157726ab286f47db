// Contract of the reports and exports area.

export interface ReportApi {}

export const REPORT_METHODS = [] as const satisfies readonly (keyof ReportApi)[];
