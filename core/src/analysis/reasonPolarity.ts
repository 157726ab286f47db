// Whether a text praises: a logistic model of praise against complaint over the reason model's own features.
//
// The evaluation set labels a few hundred reviews, but the datasets rate tens of thousands of reviews positive
// or negative. A model learned from those ratings reads praise in words the labelled texts never had
// (苹果不错,新鲜, 手工花卷真的是不错), and the blend gives no reason to a Chinese text it reads as praise
// from BLEND.praise (reasonModel.ts). It reads the feature vector the reason model reads, so it costs one
// more weighted sum per text, no second pass over the text.
//
// The shipped model learns it at build time (`npm run build:reason-model`, reasonEvaluation.ts) from the
// reviews of `online_shopping_10_cats` and `waimai_10k`, every row of the evaluation set left out.
import type { ReasonModel } from './reasonModel.ts';

/** Features seen in fewer reviews than this are left out: rarer ones describe their reviews, not praise, and would make the file large. */
export const PRAISE_MIN_TEXTS = 100;
/** The label of a positive review among the two the praise model is trained with (the other: `complaint`). */
export const PRAISE_LABEL = 'praise';
export const COMPLAINT_LABEL = 'complaint';
/** Stored weights are whole hundredths, as the reason model's. */
const STORED_SCALE = 100;

export interface PraiseModel {
  bias: number;
  /** Log-odds weight of each feature toward praise. */
  weights: ReadonlyMap<string, number>;
}

/** The praise model as a JSON file stores it: bias and weights in whole hundredths. */
export interface StoredPraiseModel {
  bias: number;
  features: Record<string, number>;
}

/**
 * The features the praise model reads: the reason model's, without the polarity cuts (`s>…`), which sum log odds
 * learned from the same reviews the praise model learns from and would stand in for everything else.
 */
export function praiseFeatures(features: readonly string[]): string[] {
  return features.filter((feature) => !feature.startsWith('s>') && !feature.startsWith('s<='));
}

/** The praise model of a reason model trained on the two labels PRAISE_LABEL and COMPLAINT_LABEL: the difference of their weights. */
export function praiseModelOf(model: Pick<ReasonModel, 'labels' | 'featureIndex' | 'weights' | 'bias'>): PraiseModel {
  const [praise, complaint] = [model.labels.indexOf(PRAISE_LABEL), model.labels.indexOf(COMPLAINT_LABEL)];
  if (praise < 0 || complaint < 0 || model.labels.length !== 2) throw new Error(`a praise model needs the labels ${PRAISE_LABEL} and ${COMPLAINT_LABEL}, got ${model.labels.join(', ')}`);
  const weights = new Map<string, number>();
  for (const [feature, index] of model.featureIndex) weights.set(feature, model.weights[index * 2 + praise]! - model.weights[index * 2 + complaint]!);
  return { bias: model.bias[praise]! - model.bias[complaint]!, weights };
}

/**
 * Probability that a text is praise, from the reason model's features of it. The sum is scaled as in training
 * (by one over the square root of how many of the text's features the model knows), so a text the model learned
 * from is read as it was learned.
 */
export function praiseProbability(model: PraiseModel, features: readonly string[]): number {
  let sum = 0;
  let known = 0;
  for (const feature of features) {
    const weight = model.weights.get(feature);
    if (weight === undefined) continue;
    sum += weight;
    known++;
  }
  return praiseLogistic(model, sum, known);
}

/** Probability of praise from the sum of the praise weights of a text's features and how many of them the model knows. */
export function praiseLogistic(model: PraiseModel, sum: number, known: number): number {
  return 1 / (1 + Math.exp(-(model.bias + sum / Math.sqrt(Math.max(1, known)))));
}

// `|| 0`: JSON writes -0 as 0, so a rounded -0 would not read back as itself
const inHundredths = (value: number) => Math.round(value * STORED_SCALE) || 0;

/** The praise model as stored, features in code-point order; every learned feature stays, so the scaling reads back the same. */
export function storedPraiseModel(model: PraiseModel): StoredPraiseModel {
  const features = [...model.weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { bias: inHundredths(model.bias), features: Object.fromEntries(features.map(([feature, weight]) => [feature, inHundredths(weight)])) };
}

export function loadedPraiseModel(stored: StoredPraiseModel): PraiseModel {
  return { bias: stored.bias / STORED_SCALE, weights: new Map(Object.entries(stored.features).map(([feature, weight]) => [feature, weight / STORED_SCALE])) };
}
