// Contract of the RFM, shopper types and customer value area.

export interface CustomersApi {}

export const CUSTOMERS_METHODS = [] as const satisfies readonly (keyof CustomersApi)[];
