// Agreement of the classifier with labelled texts: per-reason precision, recall and F1, top-reason accuracy, a confusion table.
//
// The project's evaluation set (resources/taxonomy/evaluation/) keys its labels by dataset and row
// and reads the texts from the public datasets folder, so no dataset text is copied into the
// repository; GUIDELINE.md there says how the texts were drawn and labelled. Any other labels file
// with `row,primary,others` columns evaluates a column of a file the same way.
//
// Gold `none` and the classifier's `unknown` are the same answer: no reason. A text counts toward a
// reason's precision and recall by the set of reasons (primary and others) on each side; top-reason
// accuracy compares the primary alone. Praise-only texts are texts the dataset rates positive that
// the label gives no reason: the classifier should give none either.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { CoreError } from '../api/errors.ts';
import { agreementOf, UNKNOWN_REASON, type Classification, type LabelAgreement, type Taxonomy } from '../api/reasons.ts';
import { classifyFields, compileTaxonomy } from './reasonClassify.ts';
import { normalizeText } from '../text/normalize.ts';
import {
  blendWithModel,
  BUNDLED_MIN_TEXTS,
  chineseGrams,
  crossValidated,
  judges,
  loadedModel,
  praiseOf,
  predictLabels,
  rulesHash,
  storedModel,
  textFeatures,
  trainReasonModel,
  withCommonFeatures,
  type ModelExample,
  type StoredReasonModel,
} from './reasonModel.ts';
import { COMPLAINT_LABEL, PRAISE_LABEL, PRAISE_MIN_TEXTS, praiseFeatures, praiseModelOf, type PraiseModel } from './reasonPolarity.ts';

export const NO_REASON = 'none';

export interface GoldLabel {
  primary: string;
  others: string[];
}

export interface LabelRow extends GoldLabel {
  dataset: string;
  row: string;
  part: 'train' | 'test';
}

export interface LabelledText extends LabelRow {
  text: string;
  language: 'zh' | 'en';
  /** The dataset rates the text positive and the label gives no reason. */
  praiseOnly: boolean;
}

/** A reason's agreement with the labels, and the harmonic mean of its precision and recall. */
export interface ReasonScore extends LabelAgreement {
  f1: number | null;
}

export interface EvaluationSummary {
  texts: number;
  /** Share of texts whose primary reason (or none) is the label's. */
  topAccuracy: number | null;
  /** Praise-only texts and the share given no reason. */
  praiseOnly: { texts: number; noReason: number; rate: number | null };
  perReason: ReasonScore[];
  /** Rows: the label's primary; columns: the classifier's; `reasons` orders both. */
  confusion: { reasons: string[]; counts: number[][] };
}

export interface Evaluation extends EvaluationSummary {
  byLanguage: { zh: EvaluationSummary; en: EvaluationSummary };
}

export interface ScoredText {
  gold: GoldLabel;
  classification: Classification;
  language: 'zh' | 'en';
  praiseOnly: boolean;
}

const CJK = /[\u3400-\u9fff]/;

const noReason = (reason: string) => (reason === UNKNOWN_REASON ? NO_REASON : reason);

function predictedSet(classification: Classification): Set<string> {
  return new Set(classification.reasons.map((match) => noReason(match.reason)).filter((reason) => reason !== NO_REASON));
}

function goldSet(gold: GoldLabel): Set<string> {
  return new Set([gold.primary, ...gold.others].filter((reason) => reason !== NO_REASON));
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

function summarise(texts: ScoredText[]): EvaluationSummary {
  const scores = new Map<string, { labelled: number; predicted: number; both: number }>();
  const score = (reason: string) => {
    const entry = scores.get(reason) ?? { labelled: 0, predicted: 0, both: 0 };
    scores.set(reason, entry);
    return entry;
  };
  let correct = 0;
  let praiseTexts = 0;
  let praiseClean = 0;
  const confusion = new Map<string, Map<string, number>>();
  for (const text of texts) {
    const gold = goldSet(text.gold);
    const predicted = predictedSet(text.classification);
    for (const reason of gold) score(reason).labelled++;
    for (const reason of predicted) {
      score(reason).predicted++;
      if (gold.has(reason)) score(reason).both++;
    }
    const primary = noReason(text.classification.primary);
    if (primary === text.gold.primary) correct++;
    const row = confusion.get(text.gold.primary) ?? new Map<string, number>();
    row.set(primary, (row.get(primary) ?? 0) + 1);
    confusion.set(text.gold.primary, row);
    if (text.praiseOnly) {
      praiseTexts++;
      if (predicted.size === 0) praiseClean++;
    }
  }
  const perReason = [...scores]
    .map(([reason, counts]) => {
      const { precision, recall, ...rest } = agreementOf(reason, counts);
      const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
      return { ...rest, precision, recall, f1 };
    })
    .sort((a, b) => b.labelled - a.labelled || a.reason.localeCompare(b.reason));
  const reasons = [...new Set([...perReason.map((entry) => entry.reason), NO_REASON])];
  for (const row of confusion.values()) for (const column of row.keys()) if (!reasons.includes(column)) reasons.push(column);
  return {
    texts: texts.length,
    topAccuracy: ratio(correct, texts.length),
    praiseOnly: { texts: praiseTexts, noReason: praiseClean, rate: ratio(praiseClean, praiseTexts) },
    perReason,
    confusion: { reasons, counts: reasons.map((gold) => reasons.map((predicted) => confusion.get(gold)?.get(predicted) ?? 0)) },
  };
}

/** Scores classifications against labels, overall and per language. */
export function evaluateClassifications(texts: ScoredText[]): Evaluation {
  return {
    ...summarise(texts),
    byLanguage: { zh: summarise(texts.filter((text) => text.language === 'zh')), en: summarise(texts.filter((text) => text.language === 'en')) },
  };
}

export function languageOf(text: string): 'zh' | 'en' {
  return CJK.test(text) ? 'zh' : 'en';
}

/** A CSV/TSV file (optionally gzipped) with a header line: its rows as records, and its header names. */
export function readCsvFile(path: string): { rows: Record<string, string>[]; fields: string[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CoreError('E_NOT_FOUND', `cannot read ${path}: ${(error as Error).message}`, { file: path });
  }
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  return { rows: parsed.data, fields: parsed.meta.fields ?? [] };
}

function readCsv(path: string): Record<string, string>[] {
  return readCsvFile(path).rows;
}

/** A labels file: `primary` (a reason key or none) and `others` (keys separated by |), keyed by `row` and, in the project's set, `dataset`. */
export function readLabels(path: string): LabelRow[] {
  return readCsv(path).map((record, index) => {
    const where = `${path} line ${index + 2}`;
    if (!record.row || !record.primary) throw new CoreError('E_ARGS', `${where}: needs row and primary`, { file: path, line: index + 2 });
    return {
      dataset: record.dataset ?? '',
      row: record.row,
      part: record.part === 'test' ? 'test' : 'train',
      primary: record.primary.trim(),
      others: (record.others ?? '').split('|').map((reason) => reason.trim()).filter((reason) => reason !== ''),
    };
  });
}

const cleanText = (value: string | undefined) => (value ?? '').replace(/^\uFEFF/, '').trim();

interface DatasetText {
  text: string;
  positive: boolean;
}

/** The texts of one dataset of the evaluation set by row id; see GUIDELINE.md for what a row's text is. */
async function datasetTexts(dataDir: string, dataset: string): Promise<Map<string, DatasetText>> {
  const texts = new Map<string, DatasetText>();
  const reviews = (rows: Record<string, string>[]) => rows.forEach((row, index) => texts.set(String(index + 1), { text: cleanText(row.review), positive: row.label === '1' }));
  switch (dataset) {
    case 'online_shopping_10_cats':
      reviews(['part1', 'part2'].flatMap((part) => readCsv(join(dataDir, 'chinese_ecommerce_reviews', `online_shopping_10_cats_${part}.csv.gz`))));
      break;
    case 'waimai_10k':
      reviews(readCsv(join(dataDir, 'chinese_ecommerce_reviews', 'waimai_10k.csv')));
      break;
    case 'support_tickets_kaggle_suraj520':
      for (const row of readCsv(join(dataDir, 'support_tickets_kaggle_suraj520', 'customer_support_tickets.csv'))) {
        texts.set(String(row['Ticket ID']), { text: `${cleanText(row['Ticket Subject'])}. ${cleanText(row['Ticket Description'])}`, positive: false });
      }
      break;
    case 'ibm_telco_churn': {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(join(dataDir, 'ibm_telco_churn', 'Telco_customer_churn.xlsx'));
      const sheet = workbook.worksheets[0]!;
      const header = (sheet.getRow(1).values as unknown[]).map(String);
      const [idColumn, reasonColumn] = [header.indexOf('CustomerID'), header.indexOf('Churn Reason')];
      sheet.eachRow((row, number) => {
        const values = row.values as unknown[];
        if (number > 1 && values[reasonColumn]) texts.set(String(values[idColumn]), { text: String(values[reasonColumn]), positive: false });
      });
      break;
    }
    default:
      throw new CoreError('E_ARGS', `unknown dataset ${JSON.stringify(dataset)} in the labels; known: online_shopping_10_cats, waimai_10k, support_tickets_kaggle_suraj520, ibm_telco_churn`);
  }
  return texts;
}

/** The labelled texts of the project's evaluation set, read from `dataDir` (the public datasets folder). */
export async function readEvaluationSet(labelsPath: string, dataDir: string): Promise<LabelledText[]> {
  const labels = readLabels(labelsPath);
  const byDataset = new Map<string, Map<string, DatasetText>>();
  for (const dataset of new Set(labels.map((label) => label.dataset))) byDataset.set(dataset, await datasetTexts(dataDir, dataset));
  return labels.map((label) => {
    const found = byDataset.get(label.dataset)?.get(label.row);
    if (!found) throw new CoreError('E_NOT_FOUND', `${label.dataset} has no row ${label.row}`, { file: labelsPath });
    return { ...label, text: found.text, language: languageOf(found.text), praiseOnly: found.positive && label.primary === NO_REASON };
  });
}

/** The bundled evaluation set's labels: resources/taxonomy/evaluation/labels.csv (CHURNWB_RESOURCES_DIR overrides the folder). */
export function bundledLabelsPath(): string {
  return join(process.env.CHURNWB_RESOURCES_DIR ?? join(import.meta.dirname, '..', '..', '..', 'resources'), 'taxonomy', 'evaluation', 'labels.csv');
}

export interface EvaluationRun {
  part: 'train' | 'test' | 'all';
  /** The taxonomy's rules alone. */
  rules: Evaluation;
  /**
   * The rules blended with the model learned from the train part's labels, as the app ships it; on
   * the train part itself by 5-fold cross-validation (each text judged by a model that did not learn it).
   */
  withModel: Evaluation | null;
  /** Labelled texts the model learned from. */
  trainTexts: number;
}

/** A labelled text read by the rules, as the model learns from it. */
type ReadText = ModelExample & { text: LabelledText; rules: Classification; body: string };

function readLabelled(taxonomy: Taxonomy, texts: LabelledText[], polarity: ReadonlyMap<string, number>): ReadText[] {
  const matcher = compileTaxonomy(taxonomy);
  return texts.map((text) => {
    const rules = classifyFields(matcher, { body: text.text });
    return { text, rules, features: textFeatures(text.text, matcher.known, rules, polarity), label: text.primary, body: text.text };
  });
}

/** Reviews a Chinese character or pair must occur in to get a polarity: rarer ones say more about their reviews than about praise. */
const POLARITY_MIN_REVIEWS = 30;

/** A review the dataset rates positive or negative. */
export interface RatedReview {
  text: string;
  positive: boolean;
}

/**
 * The sentiment-rated reviews of `online_shopping_10_cats` and `waimai_10k` (about 74,000), leaving out every
 * labelled row of the evaluation set (either part), so that what is learned from them learns nothing of the labels'
 * texts and the train part's cross-validation stays fair.
 */
export function ratedReviews(dataDir: string, labelled: LabelRow[]): RatedReview[] {
  const leftOut = new Set(labelled.map((label) => `${label.dataset}:${label.row}`));
  const folder = join(dataDir, 'chinese_ecommerce_reviews');
  const reviews: RatedReview[] = [];
  const keep = (dataset: string, rows: Record<string, string>[]) =>
    rows.forEach((row, index) => {
      if (!leftOut.has(`${dataset}:${index + 1}`)) reviews.push({ text: cleanText(row.review), positive: row.label === '1' });
    });
  keep('online_shopping_10_cats', ['part1', 'part2'].flatMap((part) => readCsv(join(folder, `online_shopping_10_cats_${part}.csv.gz`))));
  keep('waimai_10k', readCsv(join(folder, 'waimai_10k.csv')));
  return reviews;
}

/** Log odds that a review is positive, by Chinese character and character pair (add-one smoothed), from rated reviews. */
export function reviewPolarity(reviews: RatedReview[]): Map<string, number> {
  const counts = new Map<string, [number, number]>();
  const totals = [0, 0];
  for (const review of reviews) {
    const side = review.positive ? 1 : 0;
    totals[side]!++;
    for (const gram of chineseGrams(normalizeText(review.text))) {
      const entry = counts.get(gram) ?? [0, 0];
      entry[side]++;
      counts.set(gram, entry);
    }
  }
  const polarity = new Map<string, number>();
  for (const [gram, [negative, positive]] of counts) {
    if (negative + positive >= POLARITY_MIN_REVIEWS) polarity.set(gram, Math.log((positive + 1) / (totals[1]! + 2)) - Math.log((negative + 1) / (totals[0]! + 2)));
  }
  return polarity;
}

/**
 * The praise model (reasonPolarity.ts) learned from rated reviews, each read by the taxonomy's rules into the
 * reason model's features, as classification reads a text; features seen in fewer than PRAISE_MIN_TEXTS reviews
 * are left out.
 */
export function trainPraiseModel(taxonomy: Taxonomy, reviews: RatedReview[], polarity: ReadonlyMap<string, number>): PraiseModel | null {
  const matcher = compileTaxonomy(taxonomy);
  const examples = reviews
    .filter((review) => review.text !== '')
    .map((review) => ({
      features: praiseFeatures(textFeatures(review.text, matcher.known, classifyFields(matcher, { body: review.text }), polarity)),
      label: review.positive ? PRAISE_LABEL : COMPLAINT_LABEL,
    }));
  const model = trainReasonModel(withCommonFeatures(examples, PRAISE_MIN_TEXTS));
  return model && praiseModelOf(model);
}

/**
 * The model the app ships (`npm run build:reason-model` writes it): learned from the train part of
 * labelled texts, with the polarity and the praise model of the datasets' reviews; null with too few texts.
 */
export function trainShippedModel(taxonomy: Taxonomy, texts: LabelledText[], polarity: ReadonlyMap<string, number>, praise: PraiseModel | null): StoredReasonModel | null {
  return shippedModelOf(readLabelled(taxonomy, texts.filter((text) => text.part === 'train'), polarity), polarity, praise, taxonomy);
}

function shippedModelOf(train: ReadText[], polarity: ReadonlyMap<string, number>, praise: PraiseModel | null, taxonomy: Taxonomy): StoredReasonModel | null {
  const model = trainReasonModel(withCommonFeatures(train, BUNDLED_MIN_TEXTS));
  return model && storedModel({ ...model, polarity, praise, judges: 'chinese', taxonomy: rulesHash(taxonomy) });
}

/**
 * Evaluates a taxonomy on a part of a labelled set: its rules alone, and blended with the model
 * learned from the train part (features with `polarity`, see reviewPolarity, and the praise model `praise`, see
 * trainPraiseModel: both learned from reviews that leave out every labelled row).
 */
export function evaluateLabelledSet(
  taxonomy: Taxonomy,
  texts: LabelledText[],
  part: EvaluationRun['part'],
  polarity: ReadonlyMap<string, number>,
  praise: PraiseModel | null,
): EvaluationRun {
  const read = readLabelled(taxonomy, texts, polarity);
  const train = read.filter((entry) => entry.text.part === 'train');
  const judged = read.filter((entry) => part === 'all' || entry.text.part === part);
  const scored = (entries: { text: LabelledText; classification: Classification }[]) =>
    evaluateClassifications(entries.map(({ text, classification }) => ({ gold: text, classification, language: text.language, praiseOnly: text.praiseOnly })));
  const rules = scored(judged.map((entry) => ({ text: entry.text, classification: entry.rules })));
  if (part === 'train') {
    const validated = crossValidated(train, 5, null, 'chinese', BUNDLED_MIN_TEXTS, praise);
    return { part, rules, withModel: scored(validated.map(({ example, classification }) => ({ text: example.text, classification }))), trainTexts: train.length };
  }
  const stored = shippedModelOf(train, polarity, praise, taxonomy);
  const model = stored && loadedModel(stored);
  const blended = (entry: ReadText) =>
    model && judges(model, entry.body) ? blendWithModel(entry.rules, predictLabels(model, entry.features), entry.body, praiseOf(model, entry.features)) : entry.rules;
  return {
    part,
    rules,
    withModel: model ? scored(judged.map((entry) => ({ text: entry.text, classification: blended(entry) }))) : null,
    trainTexts: model ? train.length : 0,
  };
}
