// The reason model: learned from labelled texts, whose votes are blended with the taxonomy's rules.
//
// Multinomial logistic regression (softmax, L2, Adagrad, a fixed number of passes in a seeded
// order, so training is deterministic) over binary features of a text: its words as the classifier
// reads them (jieba words, English lemmas), Chinese character pairs (which carry a meaning jieba
// splits or a typo breaks), and what the rules found (each reason complained of, the rules'
// primary, each aspect praised). With the rules' findings as features the model learns when to
// trust them. Classes are the reason keys and `none`.
//
// The app ships a model learned from the train part of the evaluation set
// (resources/taxonomy/reason-model.json, written by `npm run build:reason-model`); an analyst's
// corrections train on from its weights, so a reason added in the taxonomy editor is learned like
// any other once corrections name it. Thousands of corrections train in well under a second.
//
// The blend lets the model overrule the rules only where it is sure (see BLEND): the rules read
// negation and sarcasm the model cannot, the model knows words the taxonomy does not.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNKNOWN_REASON, type Classification, type ReasonMatch, type Taxonomy } from '../api/reasons.ts';
import { normalizeText } from '../text/normalize.ts';
import { round, zeroDigits, type TextWords } from './reasonClassify.ts';
import { loadedPraiseModel, praiseLogistic, praiseProbability, storedPraiseModel, type PraiseModel, type StoredPraiseModel } from './reasonPolarity.ts';
import { taxonomyHash } from './reasonTaxonomy.ts';
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
  /** How many examples it learned from (with those of the model it trained on from). */
  examples: number;
  /** Log odds that a review is positive, by Chinese character and character pair (see polarityFeatures); empty for none. */
  polarity: ReadonlyMap<string, number>;
  /** Whether a Chinese text is praise (reasonPolarity.ts), learned from the datasets' rated reviews; null for none. */
  praise: PraiseModel | null;
  /** Which texts the blend lets it judge: the shipped model learned from Chinese reviews and judges only Chinese texts. */
  judges: 'chinese' | 'all';
  /** rulesHash of the taxonomy whose findings it learned from ('' when that does not matter). */
  taxonomy: string;
}

/** The model as stored in a JSON file: weights per feature in the order of `labels`, bias and log odds, all in whole hundredths. */
export interface StoredReasonModel {
  labels: string[];
  bias: number[];
  features: Record<string, number[]>;
  examples: number;
  polarity: Record<string, number>;
  praise: StoredPraiseModel | null;
  judges: ReasonModel['judges'];
  taxonomy: string;
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
/** Stored weights and log odds are whole hundredths: a file a third the size of three decimals, the same figures on the evaluation set. */
const STORED_SCALE = 100;
/**
 * Probabilities at which the model overrules the rules, chosen by 5-fold cross-validation on the
 * evaluation set's train part (`churnwb evaluate --part train` prints the figures):
 * - `override`: the model's label replaces whatever the rules found;
 * - `fill`: the model's label for a text the rules found no complaint in (0: the model decides);
 * - `fillContradicted`: the same where the rules read praise or a negated complaint (没有质量问题), or the text
 *   asks a question (请问), which the model, reading words without their scope, too often takes for a complaint;
 * - `gate`: no reason for a text the rules found one in (praise or a mention the rules misread);
 * - `praise`: no reason for a Chinese text the praise model (reasonPolarity.ts) reads as praise with this probability,
 *   unless the model puts `complaintOverPraise` on the reason (a model trained on from an analyst's corrections
 *   may know a complaint the reviews' ratings call praise). Of the pairs that keep at least 95% of the praise-only
 *   texts without a reason, the one with the best accuracy (0.93 and 0.95: 243 of 255 and 1,058 of 1,329 texts right;
 *   without the praise part 237 and 1,059; 0.9 and 0.95: 244 and 1,056; 0.95 and 0.95: 242 and 1,057; 0.99 and 0.95:
 *   240 and 1,061; 0.93 with no exception 244 and 1,058, but then no correction could overrule the praise part).
 */
export const BLEND = { override: 0.8, fill: 0, fillContradicted: 0.8, gate: 0.5, praise: 0.93, complaintOverPraise: 0.95 } as const;
/** Fewer examples than this (or a single label) teach nothing general: no model. */
export const MIN_EXAMPLES = 6;
/** The shipped model learns only features seen in at least this many texts: one text's words are its own, not a pattern. */
export const BUNDLED_MIN_TEXTS = 2;
const CJK = /[\u3400-\u9fff]/;
/** Cuts of a text's polarity (summed log odds) that become features: the model learns how positive is praise. */
const POLARITY_CUTS = [-12, -8, -5, -3, -1, 0, 1, 3, 5, 8, 12];

/**
 * The Chinese characters and character pairs of a normalised text, each as a number (see pairNumber), in
 * the order chineseGrams names them: numbers, not texts, because predicting looks up every gram of
 * every text, and making their texts cost more than the look-ups.
 */
function gramCodes(normalised: string): Set<number> {
  const grams = new Set<number>();
  for (let at = 0; at < normalised.length; at++) {
    const code = normalised.charCodeAt(at);
    if (!isCjkCode(code)) continue;
    grams.add(code);
    const next = at + 1 < normalised.length ? normalised.charCodeAt(at + 1) : 0;
    if (isCjkCode(next)) grams.add(pairNumber(code, next));
  }
  return grams;
}

/** Characters of the range CJK matches. */
const CJK_FIRST = 0x3400;
const CJK_CODES = 0x9fff - CJK_FIRST + 1;
const isCjkCode = (code: number) => code >= CJK_FIRST && code < CJK_FIRST + CJK_CODES;

/**
 * A character is its code (below 0x10000), a pair a number above: both small integers, which sets
 * and maps hash fastest (a pair as first × 0x10000 + second would not be).
 */
const pairNumber = (first: number, second: number) => 0x10000 + (first - CJK_FIRST) * CJK_CODES + (second - CJK_FIRST);

function gramText(gram: number): string {
  if (gram < 0x10000) return String.fromCharCode(gram);
  const pair = gram - 0x10000;
  return String.fromCharCode(CJK_FIRST + Math.floor(pair / CJK_CODES), CJK_FIRST + (pair % CJK_CODES));
}

/** The number gramCodes gives a character or character pair; undefined for any other text. */
function gramNumber(gram: string): number | undefined {
  const first = gram.charCodeAt(0);
  if (gram.length === 1 && isCjkCode(first)) return first;
  const second = gram.charCodeAt(1);
  return gram.length === 2 && isCjkCode(first) && isCjkCode(second) ? pairNumber(first, second) : undefined;
}

/** The Chinese characters and character pairs of a normalised text: what polarity is learned over. */
export function chineseGrams(normalised: string): Set<string> {
  return new Set(Array.from(gramCodes(normalised), gramText));
}

/**
 * The features of one text: words (digits zeroed), Chinese characters and character pairs, the rules' findings,
 * and where the text's polarity (the log odds of its characters and pairs, summed) lies among
 * POLARITY_CUTS. textScores reads the same features by kind, in this order.
 */
export function textFeatures(text: string, known: ReadonlySet<string>, rules: Classification, polarity: ReadonlyMap<string, number>): string[] {
  // Digits zeroed, as the rules read clauses: an order number or amount is no evidence of a reason
  const normalised = zeroDigits(normalizeText(text));
  const features = new Set<string>();
  for (const unit of segment(normalised, known)) features.add(`w:${unit.key}`);
  const grams = Array.from(gramCodes(normalised), gramText);
  for (const gram of grams) features.add(`c:${gram}`);
  for (const reason of rules.reasons) features.add(`r:${reason.reason}`);
  features.add(`p:${rules.primary}`);
  for (const praise of rules.praised) for (const term of praise.terms) features.add(`g:${term}`);
  if (rules.praised.length > 0) features.add('praised');
  if (polarity.size > 0 && grams.length > 0) {
    let sum = 0;
    for (const gram of grams) sum += polarity.get(gram) ?? 0;
    for (const cut of POLARITY_CUTS) features.add(sum > cut ? `s>${cut}` : `s<=${cut}`);
  }
  return [...features];
}

/** Examples keeping only the features seen in at least `minTexts` of them. */
export function withCommonFeatures(examples: ModelExample[], minTexts: number): ModelExample[] {
  const texts = new Map<string, number>();
  for (const example of examples) for (const feature of new Set(example.features)) texts.set(feature, (texts.get(feature) ?? 0) + 1);
  return examples.map((example) => ({ ...example, features: example.features.filter((feature) => texts.get(feature)! >= minTexts) }));
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

/** Whether examples are enough to learn from: MIN_EXAMPLES of them, naming two labels. */
export function teaches(examples: ModelExample[]): boolean {
  return examples.length >= MIN_EXAMPLES && new Set(examples.map((example) => example.label)).size >= 2;
}

/**
 * Trains a model on the examples, from the weights of `base` when given (its labels and features
 * kept, new ones added). When the examples teach nothing (`teaches`), the base (or null).
 */
export function trainReasonModel(examples: ModelExample[], base: ReasonModel | null = null): ReasonModel | null {
  if (!teaches(examples)) return base;
  const labels = [...new Set([...(base?.labels ?? []), ...examples.map((example) => example.label)])].sort();
  const featureIndex = new Map(base?.featureIndex);
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
  const bias = new Float64Array(classes);
  if (base) {
    base.labels.forEach((label, from) => {
      const to = labels.indexOf(label);
      bias[to] = base.bias[from]!;
      for (let feature = 0; feature < base.featureIndex.size; feature++) weights[feature * classes + to] = base.weights[feature * base.labels.length + from]!;
    });
  }
  const squares = new Float64Array(weights.length);
  const biasSquares = new Float64Array(classes);
  const probabilities = new Float64Array(classes);
  for (let pass = 0; pass < PASSES; pass++) {
    for (const row of shuffled(rows.length, pass + 1)) {
      const features = rows[row]!;
      const value = 1 / Math.sqrt(Math.max(1, features.length));
      scores(weights, bias, features, value, probabilities);
      for (let label = 0; label < classes; label++) {
        const error = probabilities[label]! - (label === targets[row] ? 1 : 0);
        // From a base the biases stay: they hold how common each label is among all the texts the base learned
        // from, which a few corrections (half of them one reason, say) would otherwise overwrite
        if (!base) {
          biasSquares[label]! += error * error;
          bias[label]! -= (LEARNING_RATE * error) / Math.sqrt(biasSquares[label]! + 1e-8);
        }
        for (const feature of features) {
          const at = feature * classes + label;
          const gradient = error * value + L2 * weights[at]!;
          squares[at]! += gradient * gradient;
          weights[at]! -= (LEARNING_RATE * gradient) / Math.sqrt(squares[at]! + 1e-8);
        }
      }
    }
  }
  return {
    labels,
    featureIndex,
    weights,
    bias,
    examples: examples.length + (base?.examples ?? 0),
    polarity: base?.polarity ?? new Map(),
    praise: base?.praise ?? null,
    judges: 'all',
    taxonomy: '',
  };
}

/**
 * Softmax of the label scores into `out`, over the first `count` of `features` (all of them by default).
 * Feature after feature, each adding its row of weights (stored feature-major): every label still sums
 * its features in their order, so the scores are the same to the last bit as label after label.
 */
function scores(weights: Float64Array, bias: Float64Array, features: ArrayLike<number>, value: number, out: Float64Array, count = features.length): void {
  const classes = bias.length;
  out.set(bias);
  for (let index = 0; index < count; index++) {
    const row = features[index]! * classes;
    for (let label = 0; label < classes; label++) out[label]! += weights[row + label]! * value;
  }
  let top = Number.NEGATIVE_INFINITY;
  for (let label = 0; label < classes; label++) top = Math.max(top, out[label]!);
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
  return labelProbabilities(model, known, features.length);
}

/** Probability of each label given the indices of a text's known features and how many features it has in all. */
function labelProbabilities(model: ReasonModel, known: ArrayLike<number>, features: number, knownCount = known.length): Map<string, number> {
  const out = new Float64Array(model.labels.length);
  scores(model.weights, model.bias, known, 1 / Math.sqrt(Math.max(1, features)), out, knownCount);
  return new Map(model.labels.map((label, index) => [label, out[index]!]));
}

/**
 * What the model makes of one feature: its index among the reason model's features, and its weight in
 * the praise part (which learned from other texts, so either may be missing). `seen`: the number of
 * the last text that noted it (textsScored), so that a feature counts once per text without a
 * set made for each text.
 */
interface KnownFeature {
  index: number | undefined;
  praise: number | undefined;
  seen: number;
}

/**
 * The characters and character pairs the model knows (as a reason feature, in the praise part or by
 * polarity), by gram number, in flat arrays: every text looks up each of its characters and pairs, and
 * a map of objects cost more than the rest of the scoring. Slot 0 of the values is "unknown"; a known
 * gram's slot is found from its number by open addressing in `keys` (0 for an empty place).
 */
interface GramTable {
  keys: Int32Array;
  slots: Int32Array;
  /** Per slot: the reason feature's index (-1 for none), praise weight (NaN for none), polarity (0 for none). */
  index: Int32Array;
  praise: Float64Array;
  polarity: Float64Array;
  /** Per slot: the number of the last text that noted it. */
  seen: Int32Array;
}

const GRAM_HASH = 0x9e3779b1;

/** The slot of a gram number, 0 when the table does not know it. */
function gramSlot(table: GramTable, gram: number): number {
  const mask = table.keys.length - 1;
  for (let place = Math.imul(gram, GRAM_HASH) >>> 0 & mask; ; place = (place + 1) & mask) {
    const key = table.keys[place]!;
    if (key === gram) return table.slots[place]!;
    if (key === 0) return 0;
  }
}

function gramTable(grams: Map<number, { index: number | undefined; praise: number | undefined; polarity: number | undefined }>): GramTable {
  let places = 1024;
  while (places < grams.size * 4) places *= 2;
  const slotsCount = grams.size + 1;
  const table: GramTable = {
    keys: new Int32Array(places),
    slots: new Int32Array(places),
    index: new Int32Array(slotsCount).fill(-1),
    praise: new Float64Array(slotsCount).fill(Number.NaN),
    polarity: new Float64Array(slotsCount),
    seen: new Int32Array(slotsCount),
  };
  let slot = 0;
  for (const [gram, entry] of grams) {
    slot++;
    let place = Math.imul(gram, GRAM_HASH) >>> 0 & (places - 1);
    while (table.keys[place] !== 0) place = (place + 1) & (places - 1);
    table.keys[place] = gram;
    table.slots[place] = slot;
    if (entry.index !== undefined) table.index[slot] = entry.index;
    if (entry.praise !== undefined) table.praise[slot] = entry.praise;
    if (entry.polarity !== undefined) table.polarity[slot] = entry.polarity;
  }
  return table;
}

/** A model's features by kind, keyed as textFeatures reads them before naming them (see textScores). */
interface FeatureLookup {
  words: Map<string, KnownFeature>;
  grams: GramTable;
  reasons: Map<string, KnownFeature>;
  primaries: Map<string, KnownFeature>;
  praises: Map<string, KnownFeature>;
  praised: KnownFeature | undefined;
  /** Per cut of POLARITY_CUTS, `s>cut` and `s<=cut`. */
  above: (KnownFeature | undefined)[];
  atOrBelow: (KnownFeature | undefined)[];
}

/**
 * Texts scored so far, by any model: the current text's number, for KnownFeature.seen, GramTable.seen
 * and the unknown grams' marks. One count for every model, because the unknown grams' buffer is shared:
 * a count per model would let one model's text take another's marks for its own.
 */
let textsScored = 0;

/** Built once per model: a model is trained or loaded once and then predicts for every text of a run. */
const lookups = new WeakMap<ReasonModel, FeatureLookup>();

function featureLookup(model: ReasonModel): FeatureLookup {
  const built = lookups.get(model);
  if (built) return built;
  const known = new Map<string, KnownFeature>();
  for (const [feature, index] of model.featureIndex) known.set(feature, { index, praise: undefined, seen: 0 });
  for (const [feature, weight] of model.praise?.weights ?? []) {
    const entry = known.get(feature);
    if (entry) entry.praise = weight;
    else known.set(feature, { index: undefined, praise: weight, seen: 0 });
  }
  const byPrefix = (prefix: string) => {
    const found = new Map<string, KnownFeature>();
    for (const [feature, entry] of known) if (feature.startsWith(prefix)) found.set(feature.slice(prefix.length), entry);
    return found;
  };
  const grams = new Map<number, { index: number | undefined; praise: number | undefined; polarity: number | undefined }>();
  const gramEntry = (gram: string) => {
    const code = gramNumber(gram);
    if (code === undefined) return undefined;
    let entry = grams.get(code);
    if (!entry) grams.set(code, (entry = { index: undefined, praise: undefined, polarity: undefined }));
    return entry;
  };
  for (const [gram, feature] of byPrefix('c:')) Object.assign(gramEntry(gram)!, { index: feature.index, praise: feature.praise });
  for (const [gram, odds] of model.polarity) {
    const entry = gramEntry(gram);
    if (entry) entry.polarity = odds;
  }
  const lookup: FeatureLookup = {
    words: byPrefix('w:'),
    grams: gramTable(grams),
    reasons: byPrefix('r:'),
    primaries: byPrefix('p:'),
    praises: byPrefix('g:'),
    praised: known.get('praised'),
    above: POLARITY_CUTS.map((cut) => known.get(`s>${cut}`)),
    atOrBelow: POLARITY_CUTS.map((cut) => known.get(`s<=${cut}`)),
  };
  lookups.set(model, lookup);
  return lookup;
}

/**
 * The gram numbers of the current text that the model does not know, met so far: open addressing over
 * a buffer reused from text to text, its places marked with the text's number instead of cleared.
 */
let unknownGrams = { keys: new Int32Array(4096), marks: new Int32Array(4096) };

/** Whether the text numbered `text` meets the unknown `gram` for the first time (then it is marked met). */
function firstUnknownGram(gram: number, text: number, length: number): boolean {
  // A text of n characters has at most 2n grams: at least twice as many places keeps the probes short
  if (unknownGrams.keys.length < length * 4) {
    const places = 2 ** Math.ceil(Math.log2(length * 4));
    unknownGrams = { keys: new Int32Array(places), marks: new Int32Array(places) };
  }
  const { keys, marks } = unknownGrams;
  const mask = keys.length - 1;
  for (let place = Math.imul(gram, GRAM_HASH) >>> 0 & mask; ; place = (place + 1) & mask) {
    if (marks[place] !== text) {
      marks[place] = text;
      keys[place] = gram;
      return true;
    }
    if (keys[place] === gram) return false;
  }
}

/**
 * The features of one text found so far: the indices of those the reason model knows, in textFeatures'
 * order (the first `known` of `indices`, a buffer reused from text to text), and how many features in
 * all; the praise part's sum of its weights over them, in the same order, and how many it knows.
 */
interface FoundFeatures {
  indices: Int32Array;
  known: number;
  count: number;
  praise: number;
  praiseKnown: number;
}

let indexBuffer = new Int32Array(1024);

function noteIndex(found: FoundFeatures, index: number): void {
  if (found.known === found.indices.length) {
    indexBuffer = new Int32Array(found.indices.length * 2);
    indexBuffer.set(found.indices);
    found.indices = indexBuffer;
  }
  found.indices[found.known++] = index;
}

function note(found: FoundFeatures, feature: KnownFeature | undefined): void {
  found.count++;
  if (feature?.index !== undefined) noteIndex(found, feature.index);
  if (feature?.praise !== undefined) {
    found.praise += feature.praise;
    found.praiseKnown++;
  }
}

/** Notes a feature of a kind the first time its key is seen, as textFeatures' set keeps the first of equal features. */
function noteKeyOnce(found: FoundFeatures, seen: Set<string>, key: string, feature: KnownFeature | undefined): void {
  if (seen.has(key)) return;
  seen.add(key);
  note(found, feature);
}

/** What the model makes of a text: each label's probability, and the probability of praise by the praise part (null without one). */
export interface TextScores {
  probabilities: Map<string, number>;
  praise: number | null;
}

/**
 * predictLabels and praiseOf of textFeatures(text, known, rules, model.polarity), to the last bit, without
 * naming the features: each kind is looked up in a table of the model's features of that kind (the
 * characters and pairs in flat arrays, GramTable), in textFeatures' order (the scores add up in it),
 * each counted once per text by marks instead of sets, and features the model never saw are only counted.
 * Naming every word, character and pair of every text and looking the names up took longer than the
 * rules' reading. `read`: the text's words as the rules read them (see readFields), used when their
 * text is this text normalised, so it is not segmented twice.
 */
export function textScores(model: ReasonModel, text: string, known: ReadonlySet<string>, rules: Classification, read: TextWords | null = null): TextScores {
  const lookup = featureLookup(model);
  const textNumber = ++textsScored;
  const normalised = zeroDigits(normalizeText(text));
  const found: FoundFeatures = { indices: indexBuffer, known: 0, count: 0, praise: 0, praiseKnown: 0 };
  // Known words are marked with the text's number; the few unknown ones need a set
  const unknownWords = new Set<string>();
  const noteWord = (word: string) => {
    const feature = lookup.words.get(word);
    if (feature === undefined) {
      if (unknownWords.has(word)) return;
      unknownWords.add(word);
    } else if (feature.seen === textNumber) return;
    else feature.seen = textNumber;
    note(found, feature);
  };
  if (read?.normalised === normalised) for (const word of read.words) noteWord(word);
  else for (const unit of segment(normalised, known)) noteWord(unit.key);
  // The characters and pairs in the order chineseGrams names them (each character, then the pair it
  // opens, the first time the text has it); the polarity adds up in that order, as textFeatures adds it
  const table = lookup.grams;
  let polarity = 0;
  let grams = 0;
  const noteGram = (gram: number) => {
    const slot = gramSlot(table, gram);
    if (slot === 0) {
      if (!firstUnknownGram(gram, textNumber, normalised.length)) return;
    } else if (table.seen[slot] === textNumber) return;
    else table.seen[slot] = textNumber;
    grams++;
    found.count++;
    const index = table.index[slot]!;
    if (index >= 0) noteIndex(found, index);
    const praise = table.praise[slot]!;
    if (!Number.isNaN(praise)) {
      found.praise += praise;
      found.praiseKnown++;
    }
    polarity += table.polarity[slot]!;
  };
  for (let at = 0; at < normalised.length; at++) {
    const code = normalised.charCodeAt(at);
    if (!isCjkCode(code)) continue;
    noteGram(code);
    const next = at + 1 < normalised.length ? normalised.charCodeAt(at + 1) : 0;
    if (isCjkCode(next)) noteGram(pairNumber(code, next));
  }
  const reasons = new Set<string>();
  for (const reason of rules.reasons) noteKeyOnce(found, reasons, reason.reason, lookup.reasons.get(reason.reason));
  note(found, lookup.primaries.get(rules.primary));
  const praises = new Set<string>();
  for (const praise of rules.praised) for (const term of praise.terms) noteKeyOnce(found, praises, term, lookup.praises.get(term));
  if (rules.praised.length > 0) note(found, lookup.praised);
  if (model.polarity.size > 0 && grams > 0) {
    for (let at = 0; at < POLARITY_CUTS.length; at++) note(found, polarity > POLARITY_CUTS[at]! ? lookup.above[at] : lookup.atOrBelow[at]);
  }
  return {
    probabilities: labelProbabilities(model, found.indices, found.count, found.known),
    praise: model.praise && praiseLogistic(model.praise, found.praise, found.praiseKnown),
  };
}

// `|| 0`: JSON writes -0 as 0, so a rounded -0 would not read back as itself
const inHundredths = (value: number) => Math.round(value * STORED_SCALE) || 0;

/** The model as a JSON file stores it; features whose weights all round to zero are left out. */
export function storedModel(model: ReasonModel): StoredReasonModel {
  const classes = model.labels.length;
  const features: Record<string, number[]> = {};
  for (const [feature, index] of [...model.featureIndex].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const weights = Array.from(model.weights.subarray(index * classes, (index + 1) * classes), inHundredths);
    if (weights.some((weight) => weight !== 0)) features[feature] = weights;
  }
  return {
    labels: model.labels,
    bias: Array.from(model.bias, inHundredths),
    features,
    examples: model.examples,
    polarity: Object.fromEntries([...model.polarity].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([gram, odds]) => [gram, inHundredths(odds)])),
    praise: model.praise && storedPraiseModel(model.praise),
    judges: model.judges,
    taxonomy: model.taxonomy,
  };
}

/** A stored model, ready to predict. */
export function loadedModel(stored: StoredReasonModel): ReasonModel {
  const classes = stored.labels.length;
  const entries = Object.entries(stored.features);
  const weights = new Float64Array(entries.length * classes);
  entries.forEach(([, values], index) => weights.set(values.map((value) => value / STORED_SCALE), index * classes));
  return {
    labels: stored.labels,
    featureIndex: new Map(entries.map(([feature], index) => [feature, index])),
    weights,
    bias: Float64Array.from(stored.bias, (value) => value / STORED_SCALE),
    examples: stored.examples,
    polarity: new Map(Object.entries(stored.polarity).map(([gram, odds]) => [gram, odds / STORED_SCALE])),
    praise: stored.praise ? loadedPraiseModel(stored.praise) : null,
    judges: stored.judges,
    taxonomy: stored.taxonomy,
  };
}

/** A taxonomy's hash with its version aside: a saved copy of the same rules has the same. */
export function rulesHash(taxonomy: Taxonomy): string {
  return taxonomyHash({ ...taxonomy, version: 0 });
}

/**
 * The shipped model for a taxonomy: only the one it learned under. Its features include the rules'
 * findings, so under an edited taxonomy its votes would undo the edit (a keyword added for a reason
 * would be voted down as the text it was never seen in); the analyst's corrections then train a model
 * of their own.
 */
export function shippedModelFor(taxonomy: Taxonomy): { model: ReasonModel; hash: string } | null {
  const shipped = bundledReasonModel();
  return shipped && shipped.model.taxonomy === rulesHash(taxonomy) ? shipped : null;
}

/** The shipped model's file; CHURNWB_RESOURCES_DIR overrides the folder, as for the taxonomy. */
export function bundledModelPath(): string {
  return join(process.env.CHURNWB_RESOURCES_DIR ?? join(import.meta.dirname, '..', '..', '..', 'resources'), 'taxonomy', 'reason-model.json');
}

let bundled: { path: string; model: ReasonModel; hash: string } | null = null;

/** The shipped model and a hash of its file (read once per path), or null when the file is absent. */
export function bundledReasonModel(): { model: ReasonModel; hash: string } | null {
  const path = bundledModelPath();
  if (bundled?.path !== path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return null;
    }
    bundled = { path, model: loadedModel(JSON.parse(text) as StoredReasonModel), hash: createHash('sha256').update(text).digest('hex').slice(0, 16) };
  }
  return { model: bundled.model, hash: bundled.hash };
}

/** Whether the model judges a text (see ReasonModel.judges). */
export function judges(model: Pick<ReasonModel, 'judges'>, text: string): boolean {
  return model.judges === 'all' || isChinese(text);
}

export const isChinese = (text: string) => CJK.test(text);

/** Words that open a question (请问可以开发票吗): by the guideline a question is no complaint. */
const ASKS = /请问|请教/;

/** Whether the rules' reading speaks against a complaint: praise, a negated complaint (没有质量问题), or a question. */
function contradicted(rules: Classification, text: string): boolean {
  return rules.praised.length > 0 || rules.negated.length > 0 || ASKS.test(text);
}

/** The probability that a text is praise by the model's praise part, from the text's features; null without one. */
export function praiseOf(model: Pick<ReasonModel, 'praise'>, features: readonly string[]): number | null {
  return model.praise && praiseProbability(model.praise, features);
}

/** The label the model gives most probability, and that probability. */
function topLabel(probabilities: Map<string, number>): [string, number] {
  let best: [string, number] = [NONE_LABEL, -1];
  for (const [label, probability] of probabilities) if (probability > best[1]) best = [label, probability];
  return best;
}

/**
 * Blends the rules' classification of `text` with the model's probabilities by the thresholds of BLEND. The
 * primary is the rules' unless the model is sure of another label; the rules' other reasons stay
 * (none of them when the primary is `none`), and a primary only the model found is added with
 * source `model` and its probability as confidence. `praise` is the probability that the text is praise
 * (praiseOf); from BLEND.praise a Chinese text gets no reason, unless the model is sure of its reason.
 */
export function blendWithModel(rules: Classification, probabilities: Map<string, number>, text: string, praise: number | null = null): Classification {
  const found = rules.reasons.filter((match) => match.reason !== UNKNOWN_REASON);
  const rulesLabel = found.length > 0 ? rules.primary : NONE_LABEL;
  const [top, certainty] = topLabel(probabilities);
  let primary = rulesLabel;
  let noneCertainty = certainty;
  if (top !== rulesLabel && certainty >= BLEND.override) primary = top;
  else if (rulesLabel === NONE_LABEL && certainty >= (contradicted(rules, text) ? BLEND.fillContradicted : BLEND.fill)) primary = top;
  else if (rulesLabel !== NONE_LABEL && (probabilities.get(NONE_LABEL) ?? 0) >= BLEND.gate) primary = NONE_LABEL;
  if (primary !== NONE_LABEL && praise !== null && praise >= BLEND.praise && (probabilities.get(primary) ?? 0) < BLEND.complaintOverPraise && isChinese(text)) {
    primary = NONE_LABEL;
    noneCertainty = praise;
  }
  if (primary === rulesLabel) return rules;
  if (primary === NONE_LABEL) {
    const evidence = rules.reasons.find((match) => match.reason === UNKNOWN_REASON)?.evidence ?? [];
    return { ...rules, primary: UNKNOWN_REASON, reasons: [{ reason: UNKNOWN_REASON, confidence: round(noneCertainty), evidence, source: 'model' }] };
  }
  const model: ReasonMatch = found.find((match) => match.reason === primary) ?? { reason: primary, confidence: round(probabilities.get(primary)!), evidence: [], source: 'model' };
  return { ...rules, primary, reasons: [model, ...found.filter((match) => match.reason !== primary)] };
}

/**
 * Per-label precision and recall on held-out examples: k folds by position (example i is held out
 * in fold i mod k), each predicted by a model trained on the others (from `base` when given),
 * blended with the rules as classification does.
 */
export function crossValidate(examples: (ModelExample & { rules: Classification; body: string })[], folds = 5, base: ReasonModel | null = null): ModelScore[] {
  const counts = new Map<string, { labelled: number; predicted: number; both: number }>();
  const count = (label: string) => {
    const entry = counts.get(label) ?? { labelled: 0, predicted: 0, both: 0 };
    counts.set(label, entry);
    return entry;
  };
  for (const example of examples) count(example.label).labelled++;
  for (const { example, classification } of crossValidated(examples, folds, base)) {
    const predicted = classification.primary === UNKNOWN_REASON ? NONE_LABEL : classification.primary;
    count(predicted).predicted++;
    if (predicted === example.label) count(predicted).both++;
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

/**
 * Each example classified by the rules blended with a model trained on the other folds (from
 * `base`; judging as `judging` says; with the praise part `praise`, or the base's), in example order; `body` is the
 * example's text.
 */
export function crossValidated<T extends ModelExample & { rules: Classification; body: string }>(
  examples: T[],
  folds = 5,
  base: ReasonModel | null = null,
  judging: ReasonModel['judges'] = 'all',
  minTexts = 1,
  praise: PraiseModel | null = base?.praise ?? null,
): { example: T; classification: Classification }[] {
  const result: { example: T; classification: Classification }[] = new Array(examples.length);
  for (let fold = 0; fold < folds; fold++) {
    const trained = trainReasonModel(withCommonFeatures(examples.filter((_, index) => index % folds !== fold), minTexts), base);
    const model = trained && trained !== base ? { ...trained, judges: judging, praise } : trained;
    examples.forEach((example, index) => {
      if (index % folds !== fold) return;
      const judged = model !== null && judges(model, example.body);
      result[index] = {
        example,
        classification: judged ? blendWithModel(example.rules, predictLabels(model, example.features), example.body, praiseOf(model, example.features)) : example.rules,
      };
    });
  }
  return result;
}
