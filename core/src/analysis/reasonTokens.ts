// Words of a normalised text for the reason classifier: Chinese through jieba, English through wink-lemmatizer.
//
// Matching whole words, not substrings, is what keeps 快 (fast) out of 快递 (courier), 好 out of
// 好评 and "late" out of "chocolate"; lemmas let one entry cover its inflections ("crashed",
// "problems"). jieba's words are split once more where they glue a negation or degree word to an
// opinion (不太好 is 不 + 太 + 好, 偏小 is 偏 + 小) and the whole word is no entry of the
// taxonomy, so negation and polarity can be read word by word.
/// <reference path="../types/wink-lemmatizer.d.ts" />
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import lemmatizer from 'wink-lemmatizer';

/** One word of a text: where it lies and how it is compared (Chinese: as written; English: its lemma). */
export interface Unit {
  start: number;
  end: number;
  key: string;
  latin: boolean;
  /** A negation or degree word split off the front of a longer word: read as that, never as an opinion (好 in 好贵). */
  prefix: boolean;
}

/** Function words jieba may glue to the front of an opinion, longest first so 不是 is tried before 不. */
export const PREFIXES = ['真是太', '不怎么', '这么', '那么', '这样', '如此', '非常', '特别', '比较', '有点', '有些', '真是', '没有', '不是', '不太', '超级', '相当', '过于', '稍微', '不', '没', '无', '未', '太', '很', '真', '超', '好', '挺', '蛮', '偏', '巨', '贼', '极', '奇', '忒', '稍', '略', '最', '较', '更', '还', '也', '都', '就', '又', '才', '老', '总'];
/** A number written in digits or Chinese numerals: 3, 两, 十几. */
export const NUMBER_WORD = /^[\d一二两三四五六七八九十几半多]+$/;
const PARTICLES = new Set(['了', '的', '啊', '呢', '吧', '啦', '呀', '哦', '么', '嘛']);
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN_WORD = /[a-z]+n't|[a-z0-9]+(?:'[a-z]+)?/g;
/** Irregular stems of "n't" contractions. */
const CONTRACTED: Record<string, string> = { ca: 'can', wo: 'will', sha: 'shall' };

let jieba: Jieba | null = null;
const lemmas = new Map<string, string>();
const LEMMAS_KEPT = 50_000;

/**
 * The lemma of an English word: as a verb if that changes it, else as a noun ("crashed" crash,
 * "problems" problem). Adjectives keep their degree: their lemmas merge words of another meaning
 * ("latest" would read as "late").
 */
export function lemma(word: string): string {
  const known = lemmas.get(word);
  if (known !== undefined) return known;
  let result = word;
  if (!/\d/.test(word)) {
    const verb = lemmatizer.verb(word);
    if (verb !== word) result = verb;
    else result = lemmatizer.noun(word);
  }
  if (lemmas.size >= LEMMAS_KEPT) lemmas.clear();
  lemmas.set(word, result);
  return result;
}

function pushLatin(units: Unit[], text: string, offset: number): void {
  for (const match of text.matchAll(LATIN_WORD)) {
    const word = match[0];
    const start = offset + match.index;
    if (word.endsWith("n't") && word.length > 3) {
      const stem = word.slice(0, -3);
      units.push({ start, end: start + stem.length, key: lemma(CONTRACTED[stem] ?? stem), latin: true, prefix: false });
      units.push({ start: start + stem.length, end: start + word.length, key: 'not', latin: true, prefix: false });
    } else {
      units.push({ start, end: start + word.length, key: lemma(word.replace(/'s$/, '')), latin: true, prefix: false });
    }
  }
}

/** Whether a word reads as function words before a known word: 太好, 不太好, 很慢了 (not 无敌, whose 敌 is no known word). */
function splitsIntoKnown(word: string, known: ReadonlySet<string>): boolean {
  if (known.has(word)) return true;
  if (word.length > 1 && PARTICLES.has(word[word.length - 1]!)) return splitsIntoKnown(word.slice(0, -1), known);
  return PREFIXES.some((candidate) => word.length > candidate.length && word.startsWith(candidate) && splitsIntoKnown(word.slice(candidate.length), known));
}

/** A unit of a Chinese word, at its offset in the word. */
type Piece = Omit<Unit, 'latin'>;

/**
 * How splitChinese splits the words it has to try splitting, for the taxonomy entries it split by
 * last: words repeat across texts far more than they differ, and trying every prefix on each word
 * cost more than looking the answer up.
 */
let splits: { known: ReadonlySet<string>; byWord: Map<string, Piece[]> } | null = null;
const SPLITS_KEPT = 100_000;

/** Pushes a Chinese word's units as splitChinese splits it. */
function pushChinese(units: Unit[], word: string, offset: number, known: ReadonlySet<string>): void {
  // A known word or a character is never split: no look-up
  if (known.has(word) || word.length === 1) {
    units.push({ start: offset, end: offset + word.length, key: word, latin: false, prefix: false });
    return;
  }
  if (splits?.known !== known) splits = { known, byWord: new Map() };
  let pieces = splits.byWord.get(word);
  if (!pieces) {
    if (splits.byWord.size >= SPLITS_KEPT) splits.byWord.clear();
    pieces = [];
    splitChinese(pieces, word, 0, known);
    splits.byWord.set(word, pieces);
  }
  for (const piece of pieces) units.push({ start: offset + piece.start, end: offset + piece.end, key: piece.key, latin: false, prefix: piece.prefix });
}

/** Splits a Chinese word into function words and the rest where the whole word is not known: 不太好 → 不 太 好. */
function splitChinese(units: Piece[], word: string, offset: number, known: ReadonlySet<string>, prefix = false): void {
  if (!known.has(word) && word.length > 1) {
    const head = PREFIXES.find((candidate) => word.length > candidate.length && word.startsWith(candidate) && splitsIntoKnown(word.slice(candidate.length), known));
    if (head) {
      splitChinese(units, head, offset, known, true);
      splitChinese(units, word.slice(head.length), offset + head.length, known);
      return;
    }
    const last = word[word.length - 1]!;
    // Only before a known word: 什么 and 为什么 are words of their own, not 什 + 么
    if (PARTICLES.has(last) && splitsIntoKnown(word.slice(0, -1), known)) {
      splitChinese(units, word.slice(0, -1), offset, known);
      splitChinese(units, last, offset + word.length - 1, known);
      return;
    }
    // An idiom or compound jieba keeps whole that starts with a known word: 陈旧不堪 is 陈旧 + 不堪
    for (let cut = word.length - 1; cut >= 2; cut--) {
      if (known.has(word.slice(0, cut))) {
        splitChinese(units, word.slice(0, cut), offset, known);
        splitChinese(units, word.slice(cut), offset + cut, known);
        return;
      }
    }
  }
  units.push({ start: offset, end: offset + word.length, key: word, prefix });
}

/**
 * The words of a normalised text, in order. Punctuation and spaces are not words (clauses are
 * found from the text itself). `known` holds the taxonomy's entries, which are never split.
 */
export function segment(text: string, known: ReadonlySet<string>): Unit[] {
  const units: Unit[] = [];
  if (!CJK.test(text)) {
    pushLatin(units, text, 0);
    return units;
  }
  jieba ??= Jieba.withDict(dict);
  let offset = 0;
  for (const word of jieba.cut(text, false)) {
    // jieba's words cover the text in order; a word it altered would break every later offset
    if (!text.startsWith(word, offset)) return segmentByCharacter(text, known);
    // After a number, 天才 is a time and 才 (3天才到), not a genius
    if (word === '天才' && units.length > 0 && NUMBER_WORD.test(units.at(-1)!.key)) {
      pushChinese(units, '天', offset, known);
      pushChinese(units, '才', offset + 1, known);
    } else if (CJK.test(word)) pushChinese(units, word, offset, known);
    else if (/[a-z0-9]/.test(word)) pushLatin(units, word, offset);
    offset += word.length;
  }
  return units;
}

/** Joins clauses for one call of jieba: a full stop is a word of its own to jieba, so no word crosses it. */
const CLAUSE_JOINER = '。';

/**
 * The words of several clauses (no clause holds the joiner), as `segment` gives them for each: one
 * call of jieba for all of them, since a call costs about as much as segmenting a short clause.
 */
export function segmentClauses(clauses: readonly string[], known: ReadonlySet<string>): Unit[][] {
  const chinese = clauses.filter((clause) => CJK.test(clause));
  if (chinese.length <= 1) return clauses.map((clause) => segment(clause, known));
  const joined = segment(chinese.join(CLAUSE_JOINER), known);
  const byClause = new Map<string, Unit[]>();
  let start = 0;
  let next = 0;
  for (const clause of chinese) {
    const end = start + clause.length;
    const units: Unit[] = [];
    for (; next < joined.length && joined[next]!.start < end; next++) {
      const unit = joined[next]!;
      if (unit.start >= start) units.push({ ...unit, start: unit.start - start, end: unit.end - start });
    }
    byClause.set(clause, units);
    start = end + CLAUSE_JOINER.length;
  }
  return clauses.map((clause) => byClause.get(clause) ?? segment(clause, known));
}

function segmentByCharacter(text: string, known: ReadonlySet<string>): Unit[] {
  const units: Unit[] = [];
  for (const match of text.matchAll(/[\u3400-\u9fff\uf900-\ufaff]|[^\u3400-\u9fff\uf900-\ufaff]+/g)) {
    if (CJK.test(match[0])) pushChinese(units, match[0], match.index, known);
    else pushLatin(units, match[0], match.index);
  }
  return units;
}
