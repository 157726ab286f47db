// Writes the shipped reason model, resources/taxonomy/reason-model.json: learned from the train part of
// the evaluation set (resources/taxonomy/evaluation/labels.csv) under the bundled taxonomy, its texts read
// from the public datasets folder, with the polarity and the praise model of the datasets' other reviews.
// Deterministic: the same labels, taxonomy and data write the same file.
//   npm run build:reason-model [-- DATA_DIR]     (DATA_DIR defaults to ../shared/data)
import { writeFileSync } from 'node:fs';
import { bundledLabelsPath, ratedReviews, readEvaluationSet, reviewPolarity, trainPraiseModel, trainShippedModel } from '../src/analysis/reasonEvaluation.ts';
import { bundledModelPath } from '../src/analysis/reasonModel.ts';
import { bundledTaxonomy } from '../src/analysis/reasonTaxonomy.ts';

const dataDir = process.argv[2] ?? '../shared/data';
const texts = await readEvaluationSet(bundledLabelsPath(), dataDir);
const reviews = ratedReviews(dataDir, texts);
const polarity = reviewPolarity(reviews);
const model = trainShippedModel(bundledTaxonomy(), texts, polarity, trainPraiseModel(bundledTaxonomy(), reviews, polarity));
if (!model) throw new Error('the train part teaches no model');
// One feature a line, so a change of the labels shows as a readable diff
const lines = (weights: Record<string, unknown>, indent: string) => Object.entries(weights).map(([feature, weight]) => `${indent}${JSON.stringify(feature)}: ${JSON.stringify(weight)}`);
const features = lines(model.features, '    ');
const praise = model.praise && `{\n    "bias": ${model.praise.bias},\n    "features": {\n${lines(model.praise.features, '      ').join(',\n')}\n    }\n  }`;
const text = `{\n  "labels": ${JSON.stringify(model.labels)},\n  "bias": ${JSON.stringify(model.bias)},\n  "examples": ${model.examples},\n  "judges": ${JSON.stringify(model.judges)},\n  "taxonomy": ${JSON.stringify(model.taxonomy)},\n  "polarity": ${JSON.stringify(model.polarity)},\n  "praise": ${praise},\n  "features": {\n${features.join(',\n')}\n  }\n}\n`;
writeFileSync(bundledModelPath(), text);
process.stdout.write(
  `${bundledModelPath()}: ${model.examples} texts, ${features.length} features, ${model.labels.length} labels; praise part from ${reviews.length} rated reviews, ${Object.keys(model.praise?.features ?? {}).length} features\n`,
);
