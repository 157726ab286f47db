// What the commands run beyond commander and their own definitions: the core (DuckDB, Arrow, the
// schemas), the report's sections, the classifier and the evaluation. The command files import
// these values through `loadDeferred()` inside their actions, never at the top, so a start
// (--help, --version, an argument error) parses none of it; the bundle (core/bin/buildCli.ts) puts
// them behind this one import, so a command loads them as one file, not as dozens of small ones.
export { createCore } from '../core.ts';
export { notBuiltMessage, startHttpHost } from '../http.ts';
export { ensureSampleWorkspace } from '../sample.ts';
export { arrowCsvRows } from '../../api/arrowCsv.ts';
export { arrowFromBytes } from '../../db/arrow.ts';
export { checkKeywords, checkRfmRules, checkShopperRules, readRulesFile } from '../../analysis/customerRules.ts';
export { bundledLabelsPath, evaluateClassifications, evaluateLabelledSet, languageOf, ratedReviews, readCsvFile, readEvaluationSet, readLabels, reviewPolarity } from '../../analysis/reasonEvaluation.ts';
export { shippedModelFor } from '../../analysis/reasonModel.ts';
export { readTaxonomyFile } from '../../analysis/reasonTaxonomy.ts';
export { tableCsv } from '../../report/csv.ts';
export { checkBranding, checkCurrency } from '../../report/displaySettings.ts';
export { driverLevelName, driversSections, driverTermName } from '../../report/sections/drivers.ts';
export { NPS_GROUP_NAMES, surveySections } from '../../report/sections/surveys.ts';
export { assertReportModel } from '../../report/validate.ts';
