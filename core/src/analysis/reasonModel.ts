// A model learned from analysts' corrections, whose votes are blended with the taxonomy's rules.
//
// Multinomial logistic regression (softmax, L2, Adagrad, a fixed number of passes in a seeded
// order, so training is deterministic) over binary features of a text: its words as the classifier
// reads them (jieba words, English lemmas), Chinese character pairs (which carry a meaning jieba
// splits or a typo breaks), and what the rules found (each reason complained of, the rules'
// primary, each aspect praised). With the rules' findings as features the model learns when to
// trust them, and a reason added in the taxonomy editor is learned like any other once corrections
// name it. Classes are the reason keys and `none`.
//
// The model's weight in the blend grows with the corrections it learned from,
// n / (n + BLEND_HALF): a handful of corrections nudges, hundreds decide. Thousands of
// corrections train in well under a second.
import { UNKNOWN_REASON, type Classification, type ReasonMatch } from '../api/reasons.ts';
import { normalizeText } from '../text/normalize.ts';
import { round } from './reasonClassify.ts';
import { segment } from './reasonTokens.ts';

/** The label of a text with no reason. */
export const NONE_LABEL = 'none';

export interface ModelExample {
  features: string[];
  /** A reason key or `none`. */
  label: string;
}

export interface ReasonModel {
  labels: string[];
  featureIndex: Map<string, number>;
  /** Feature-major: weight of feature f for label l at f * labels.length + l. */
  weights: Float64Array;
  bias: Float64Array;
  /** How many examples it learned from. */
  examples: number;
}

export interface ModelScore {
  label: string;
  /** Texts with this label among the examples. */
  labelled: number;
  /** Held-out texts the model gave this label. */
  predicted: number;
  both: number;
  precision: number | null;
  recall: number | null;
}

const PASSES = 25;
const LEARNING_RATE = 0.5;
const L2 = 1e-4;
/** Corrections at which the model's vote weighs as much as the rules'. */
export const BLEND_HALF = 30;
/** The rules' vote for no reason when they found none. */
const RULES_NONE_SCORE = 0.45;
/** Fewer examples than this (or a single label) teach nothing general: no model. */
export const MIN_EXAMPLES = 6;
const CJK_RUN = /[\u3400-\u9fff]+/g;

/** The features of one text: words, Chinese character pairs, and the rules' findings. */
export function textFeatures(text: string, known: ReadonlySet<string>, rules: Classification): string[] {
  const normalised = normalizeText(text);
  const features = new Set<string>();
  for (const unit of segment(normalised, known)) features.add(`w:${unit.key}`);
  for (const match of normalised.matchAll(CJK_RUN)) {
    for (let at = 0; at + 1 < match[0].length; at++) features.add(`c:${match[0].slice(at, at + 2)}`);
  }
  for (const reason of rules.reasons) features.add(`r:${reason.reason}`);
  features.add(`p:${rules.primary}`);
  for (const praise of rules.praised) for (const term of praise.terms) features.add(`g:${term}`);
  if (rules.praised.length > 0) features.add('praised');
  return [...features];
}

/** A deterministic order of 0..n-1 (a seeded linear congruential shuffle). */
function shuffled(count: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  let state = seed >>> 0;
  for (let index = count - 1; index > 0; index--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const other = state % (index + 1);
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order;
}

/** Trains the model; null with fewer than MIN_EXAMPLES examples or a single label. */
export function trainReasonModel(examples: ModelExample[]): ReasonModel | null {
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  if (examples.length < MIN_EXAMPLES || labels.length < 2) return null;
  const featureIndex = new Map<string, number>();
  const rows = examples.map((example) =>
    Int32Array.from(new Set(example.features), (feature) => {
      let index = featureIndex.get(feature);
      if (index === undefined) featureIndex.set(feature, (index = featureIndex.size));
      return index;
    }),
  );
  const targets = examples.map((example) => labels.indexOf(example.label));
  const classes = labels.length;
  const weights = new Float64Array(featureIndex.size * classes);
  const squares = new Float64Array(weights.length);
  const bias = new Float64Array(classes);
  const biasSquares = new Float64Array(classes);
  const probabilities = new Float64Array(classes);
  for (let pass = 0; pass < PASSES; pass++) {
    for (const row of shuffled(rows.length, pass + 1)) {
      const features = rows[row]!;
      const value = 1 / Math.sqrt(Math.max(1, features.length));
      scores(weights, bias, features, value, probabilities);
      for (let label = 0; label < classes; label++) {
        const error = probabilities[label]! - (label === targets[row] ? 1 : 0);
        biasSquares[label]! += error * error;
        bias[label]! -= (LEARNING_RATE * error) / Math.sqrt(biasSquares[label]! + 1e-8);
        for (const feature of features) {
          const at = feature * classes + label;
          const gradient = error * value + L2 * weights[at]!;
          squares[at]! += gradient * gradient;
          weights[at]! -= (LEARNING_RATE * gradient) / Math.sqrt(squares[at]! + 1e-8);
        }
      }
    }
  }
  return { labels, featureIndex, weights, bias, examples: examples.length };
}

/** Softmax of the label scores into `out`. */
function scores(weights: Float64Array, bias: Float64Array, features: ArrayLike<number>, value: number, out: Float64Array): void {
  const classes = bias.length;
  let top = Number.NEGATIVE_INFINITY;
  for (let label = 0; label < classes; label++) {
    let sum = bias[label]!;
    for (let index = 0; index < features.length; index++) sum += weights[features[index]! * classes + label]! * value;
    out[label] = sum;
    top = Math.max(top, sum);
  }
  let total = 0;
  for (let label = 0; label < classes; label++) total += out[label] = Math.exp(out[label]! - top);
  for (let label = 0; label < classes; label++) out[label]! /= total;
}

/** Probability of each label for a text's features (features the model never saw are ignored). */
export function predictLabels(model: ReasonModel, features: string[]): Map<string, number> {
  const known = features.flatMap((feature) => {
    const index = model.featureIndex.get(feature);
    return index === undefined ? [] : [index];
  });
  const out = new Float64Array(model.labels.length);
  scores(model.weights, model.bias, known, 1 / Math.sqrt(Math.max(1, features.length)), out);
  return new Map(model.labels.map((label, index) => [label, out[index]!]));
}

/** The model's weight against the rules': grows with what it learned from. */
export function modelWeight(model: ReasonModel): number {
  return model.examples / (model.examples + BLEND_HALF);
}

/**
 * Blends the rules' classification with the model's probabilities. Each label scores
 * (1 - w) * rules + w * model, where the rules give a found reason its confidence and `none`
 * RULES_NONE_SCORE when they found nothing; the best label is the primary. Reasons the rules
 * found stay (their confidence blended), unless the primary is `none`; a primary only the model
 * found is added with source `model`.
 */
export function blendWithModel(rules: Classification, probabilities: Map<string, number>, weight: number): Classification {
  const found = rules.reasons.filter((match) => match.reason !== UNKNOWN_REASON);
  // Finding nothing is weaker evidence than finding a complaint, so the rules' `none` weighs less than a found reason
  const ruleScore = (label: string) =>
    label === NONE_LABEL ? (found.length === 0 ? RULES_NONE_SCORE : 0) : (found.find((match) => match.reason === label)?.confidence ?? 0);
  const labels = new Set([...probabilities.keys(), ...found.map((match) => match.reason), NONE_LABEL]);
  const blended = new Map([...labels].map((label) => [label, (1 - weight) * ruleScore(label) + weight * (probabilities.get(label) ?? 0)]));
  let primary = NONE_LABEL;
  for (const [label, score] of blended) if (score > blended.get(primary)! || (score === blended.get(primary)! && label === rules.primary)) primary = label;
  if (primary === NONE_LABEL) {
    const confidence = round(probabilities.get(NONE_LABEL) ?? 0);
    const evidence = rules.reasons.find((match) => match.reason === UNKNOWN_REASON)?.evidence ?? [];
    return { ...rules, primary: UNKNOWN_REASON, reasons: [{ reason: UNKNOWN_REASON, confidence, evidence, source: found.length > 0 ? 'model' : 'rules' }] };
  }
  const reasons: ReasonMatch[] = found.map((match) => ({ ...match, confidence: round(blended.get(match.reason)!) }));
  if (!found.some((match) => match.reason === primary)) reasons.push({ reason: primary, confidence: round(blended.get(primary)!), evidence: [], source: 'model' });
  reasons.sort((a, b) => Number(b.reason === primary) - Number(a.reason === primary) || b.confidence - a.confidence);
  return { ...rules, primary, reasons };
}

/**
 * Per-label precision and recall of the model on held-out examples: k folds by position (example
 * i is held out in fold i mod k), each predicted by a model trained on the others, blended with
 * the rules as classification does.
 */
export function crossValidate(examples: (ModelExample & { rules: Classification })[], folds = 5): ModelScore[] {
  const counts = new Map<string, { labelled: number; predicted: number; both: number }>();
  const count = (label: string) => {
    const entry = counts.get(label) ?? { labelled: 0, predicted: 0, both: 0 };
    counts.set(label, entry);
    return entry;
  };
  for (const example of examples) count(example.label).labelled++;
  for (let fold = 0; fold < folds; fold++) {
    const model = trainReasonModel(examples.filter((_, index) => index % folds !== fold));
    examples.forEach((example, index) => {
      if (index % folds !== fold) return;
      const classification = model ? blendWithModel(example.rules, predictLabels(model, example.features), modelWeight(model)) : example.rules;
      const predicted = classification.primary === UNKNOWN_REASON ? NONE_LABEL : classification.primary;
      count(predicted).predicted++;
      if (predicted === example.label) count(predicted).both++;
    });
  }
  return [...counts]
    .map(([label, { labelled, predicted, both }]) => ({
      label,
      labelled,
      predicted,
      both,
      precision: predicted > 0 ? both / predicted : null,
      recall: labelled > 0 ? both / labelled : null,
    }))
    .sort((a, b) => b.labelled - a.labelled || a.label.localeCompare(b.label));
}
