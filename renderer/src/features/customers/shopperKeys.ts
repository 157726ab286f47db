// Keys the shopper-types result uses besides the rules' own types (core/src/analysis/shopperTypes.ts).

/** The type of customers without a primary type. */
export const UNDETERMINED = 'undetermined';
