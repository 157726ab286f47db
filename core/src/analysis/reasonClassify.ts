// Matching texts to churn reasons: a reason is given when the text complains about its aspect, not when it names it.
//
// Every field is normalised (NFKC, lower case, traditional to simplified), cut into clauses at
// punctuation, and each clause into words (reasonTokens.ts: jieba for Chinese, lemmas for
// English). The taxonomy's entries are matched on whole words, longest first, and each word read
// for its role:
// - a complaint (假货, 发错货, "wrong item") is its reason by itself;
// - an aspect (质量, 客服, "delivery") takes the polarity of an opinion word near it in the clause
//   (质量很差 complains of quality, 客服态度很好 praises service and gives no reason);
// - an opinion with no aspect near names its own where the taxonomy says so (慢 and "late" are
//   delivery, 贵 is price), else the aspect of the previous clause unless a contrast word (但是,
//   "but") opens this one, else nothing (垃圾 alone names no reason);
// - an action the shop owes (退款, 回复, 到, "reply") complains when negated (不给退款, 问三遍都不回,
//   "never replied"), or when a duration and 才 come before it (一个星期才到), which is what reads
//   the sarcasm of 物流真是太快了，一个星期才到 as the delay it is.
// Negation is by scope: a negation word governs the next opinion, complaint or action of its
// clause within four words, and reverses it (不是正品, 客服不太好 complain; 没有质量问题,
// "not late at all" do not), unless a blocker comes first (没想到质量这么差, "never had such poor
// quality" stay complaints); fixed phrases such as 没想到 and 没几天 negate nothing.
//
// Clause results are cached by their text (digits zeroed, so "#1234" or 3天 reuse 9天's
// result): reviews and tickets repeat clauses far more than whole texts.
//
// The primary reason is the one with the most complaints (a category or refund-reason value that
// names a reason outright counts above any text), ties going to the earliest.
import { UNKNOWN_REASON, type Classification, type Evidence, type ReasonField, type ReasonMatch, type Taxonomy, type TaxonomyLexicon, type TaxonomyTerms } from '../api/reasons.ts';
import { normalizeText } from '../text/normalize.ts';
import { bundledLexicon, DEFAULT_LOW_RATING, safePattern, taxonomyHash } from './reasonTaxonomy.ts';
import { NUMBER_WORD, PREFIXES, segment, segmentClauses, type Unit } from './reasonTokens.ts';

const FUNCTION_PREFIXES: ReadonlySet<string> = new Set(PREFIXES);

/** The fields of one ticket that classification reads. */
export interface TicketFields {
  category?: string | null;
  refund_reason?: string | null;
  subject?: string | null;
  body?: string | null;
  rating?: number | null;
}

const TEXT_FIELDS = ['category', 'refund_reason', 'subject', 'body'] as const satisfies readonly Exclude<ReasonField, 'rating'>[];
const STRUCTURED_FIELDS: ReadonlySet<ReasonField> = new Set(['category', 'refund_reason']);

export const CONFIDENCE = {
  /** A category or refund-reason value listed under the reason. */
  namedByField: 0.95,
  /** A complaint inside a category or refund-reason text. */
  structuredWord: 0.85,
  /** One complaint in subject or body; each further one adds `perExtraWord`, up to `textMax`. */
  textWord: 0.6,
  perExtraWord: 0.1,
  textMax: 0.85,
  /** Added when the ticket's rating is low. */
  lowRating: 0.1,
} as const;

/** How many words after a negation word it still governs. */
const NEGATION_REACH = 4;
/** A clause longer than this is cut for the taxonomy's patterns, which bounds what any pattern can cost. */
const PATTERN_CLAUSE_MAX = 300;
/** Ends of a clause; a space ends one only next to Chinese, where it separates phrases. */
const CLAUSE_BREAK = /[,.;:!?，。；：！？、\n()（）~～…【】「」"“”]+|(?<=[\u3400-\u9fff]) +| +(?=[\u3400-\u9fff])/g;
/** Units of time: a duration before 才 and an arrival is a delay (一个星期才到, 等了两个小时才送到). */
const DURATIONS = new Set(['小时', '钟头', '分钟', '天', '日', '周', '星期', '礼拜', '月', '个月', '年', 'hour', 'day', 'week', 'month', 'minute']);
const ONLY_THEN = '才';
/** 得 between a verb and how it went: 回复得很慢. */
const COMPLEMENT_MARK = '得';
/** Opinions of how long an action took, which after an action are about it (回复很慢 is service, not delivery). */
const SLOWNESS = /慢|迟/;
/** Negations of experience: a blocker right after them asserts (从来没有这么差), where after 没 it compares (没那么油腻). */
const EXPERIENTIAL_NEGATIONS = new Set(['从来没有', '从来没', '从没', '从未', '从没有', 'never']);
const DURATION_WORD = /^[\d一二两三四五六七八九十几半多]+(?:个)?多?(?:小时|钟头|分钟|天|周|星期|礼拜|月)$/;
const LATIN_TERM = /^[\x20-\x7e]+$/;
/** A year after an arrival is a date (保质期到2020年), not how long it took. */
const YEAR = '年';

/** 到 between two amounts or times is a range (4天到5天, 10月到现在), not an arrival. */
function isRange(words: Item[], at: number): boolean {
  const before = words[at - 1];
  return words[at]!.key === '到' && before !== undefined && (NUMBER_WORD.test(before.key) || DURATIONS.has(before.key) || DURATION_WORD.test(before.key));
}

/** Size words, which judge size only as a predicate, and the words that may follow them there. */
const SIZE_WORDS = new Set(['小', '大']);
const SIZE_COMPLEMENTS = new Set(['了', '点', '点儿', '一点', '一点儿', '一些', '些', '的', '啊', '呢', '吧', '啦', '呀', '得', '多', '很多', '太多', '不少', '许多']);

type Role =
  | { kind: 'aspect' | 'action' | 'complaint' | 'pattern'; reason: number }
  | { kind: 'negative' | 'positive'; reason: number | null }
  | { kind: 'negator' | 'fixed' | 'blocker' | 'contrast' | 'wish' };

interface Entry {
  text: string;
  roles: Role[];
  /** Each role's kind and its reason (null for none), looked up for every word read. */
  kinds: Map<Role['kind'], number | null>;
}

interface LatinEntry {
  lemmas: string[];
  entry: Entry;
}

/** One finding of a clause, with offsets inside the clause. */
interface Finding {
  reason: number;
  start: number;
  end: number;
  text: string;
}

interface ClauseAnalysis {
  complaints: Finding[];
  praises: Finding[];
  negated: Omit<Finding, 'reason'>[];
  /** Negative opinions that named no aspect: they take the aspect the previous clause complained of. */
  untargeted: Omit<Finding, 'reason'>[];
  opensWithContrast: boolean;
  /** The keys of its words, for the model (see TextWords). */
  words: string[];
}

export interface CompiledTaxonomy {
  taxonomy: Taxonomy;
  lowRating: number;
  /** Chinese entries by their first character, longest first. */
  cjkEntries: Map<string, Entry[]>;
  /** English entries by their first lemma, longest first. */
  latinEntries: Map<string, LatinEntry[]>;
  /** Every Chinese entry: words the segmenter must not split. */
  known: Set<string>;
  patterns: { reason: number; regex: RegExp }[];
  /** Normalised category and refund-reason values that name reasons. */
  categories: Map<string, number[]>;
  clauses: Map<string, ClauseAnalysis>;
  /** The reason of complaints about a thing no aspect names (the taxonomy's `unnamedAspect`). */
  unnamedAspect: number | null;
}

const CLAUSES_KEPT = 200_000;

function addTo<K>(map: Map<K, number[]>, key: K, reason: number): void {
  const reasons = map.get(key) ?? [];
  if (!reasons.includes(reason)) reasons.push(reason);
  map.set(key, reasons);
}

/** Compiled taxonomies by content hash: a workspace's taxonomy is parsed afresh per call, its compiled form need not be. */
const compiled = new Map<string, CompiledTaxonomy>();
const COMPILED_KEPT = 4;

/** Compiles a (checked) taxonomy; the last few are cached by content. */
export function compileTaxonomy(taxonomy: Taxonomy): CompiledTaxonomy {
  const hash = taxonomyHash(taxonomy);
  const cached = compiled.get(hash);
  if (cached) return cached;
  const entries = new Map<string, Entry>();
  const add = (terms: TaxonomyTerms | undefined, role: Role) => {
    for (const term of [...(terms?.zh ?? []), ...(terms?.en ?? [])]) {
      const text = normalizeText(term);
      if (text === '') continue;
      const entry = entries.get(text) ?? { text, roles: [], kinds: new Map<Role['kind'], number | null>() };
      if (!entry.roles.some((known) => JSON.stringify(known) === JSON.stringify(role))) entry.roles.push(role);
      // The first role of a kind names its reason, as entries were read before
      if (!entry.kinds.has(role.kind)) entry.kinds.set(role.kind, 'reason' in role ? role.reason : null);
      entries.set(text, entry);
    }
  };
  const lexicon: TaxonomyLexicon = taxonomy.lexicon ?? bundledLexicon();
  add(taxonomy.negations, { kind: 'negator' });
  add(lexicon.fixed, { kind: 'fixed' });
  add(lexicon.blockers, { kind: 'blocker' });
  add(lexicon.contrast, { kind: 'contrast' });
  add(lexicon.wishes, { kind: 'wish' });
  add(lexicon.positive, { kind: 'positive', reason: null });
  add(lexicon.negative, { kind: 'negative', reason: null });
  const categories = new Map<string, number[]>();
  const patterns: CompiledTaxonomy['patterns'] = [];
  taxonomy.reasons.forEach((reason, index) => {
    add(reason.keywords, { kind: 'complaint', reason: index });
    add(reason.aspects, { kind: 'aspect', reason: index });
    add(reason.actions, { kind: 'action', reason: index });
    add(reason.opinions?.negative, { kind: 'negative', reason: index });
    add(reason.opinions?.positive, { kind: 'positive', reason: index });
    for (const pattern of reason.patterns ?? []) patterns.push({ reason: index, regex: safePattern(pattern) });
    for (const category of reason.categories ?? []) addTo(categories, normalizeText(category), index);
  });
  const cjkEntries = new Map<string, Entry[]>();
  const latinEntries = new Map<string, LatinEntry[]>();
  const known = new Set<string>();
  for (const entry of entries.values()) {
    if (LATIN_TERM.test(entry.text)) {
      const lemmas = segment(entry.text, known).map((unit) => unit.key);
      if (lemmas.length === 0) continue;
      latinEntries.set(lemmas[0]!, [...(latinEntries.get(lemmas[0]!) ?? []), { lemmas, entry }]);
    } else {
      known.add(entry.text);
      cjkEntries.set(entry.text[0]!, [...(cjkEntries.get(entry.text[0]!) ?? []), entry]);
    }
  }
  for (const list of cjkEntries.values()) list.sort((a, b) => b.text.length - a.text.length);
  for (const list of latinEntries.values()) list.sort((a, b) => b.lemmas.length - a.lemmas.length);
  const result: CompiledTaxonomy = {
    taxonomy,
    lowRating: taxonomy.lowRating ?? DEFAULT_LOW_RATING,
    cjkEntries,
    latinEntries,
    known,
    patterns,
    categories,
    clauses: new Map(),
    unnamedAspect: taxonomy.unnamedAspect === undefined ? null : taxonomy.reasons.findIndex((reason) => reason.key === taxonomy.unnamedAspect),
  };
  compiled.set(hash, result);
  if (compiled.size > COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
  return result;
}

/** A matched stretch of words: an entry's roles, or none for a word the taxonomy does not know. */
interface Item {
  start: number;
  end: number;
  text: string;
  key: string;
  kinds: ReadonlyMap<Role['kind'], number | null>;
  /** A negation or degree word split off a longer word: only its negation counts. */
  prefix: boolean;
}

const NO_KINDS: ReadonlyMap<Role['kind'], number | null> = new Map();

/** The clause's words grouped into the longest taxonomy entries that start and end on word boundaries. */
function items(matcher: CompiledTaxonomy, clause: string, units: Unit[]): Item[] {
  const endsAt = new Map<number, number>();
  units.forEach((unit, index) => endsAt.set(unit.end, index));
  const result: Item[] = [];
  for (let index = 0; index < units.length; ) {
    const unit = units[index]!;
    let matched: { entry: Entry; last: number } | null = null;
    if (unit.latin) {
      for (const candidate of matcher.latinEntries.get(unit.key) ?? []) {
        const last = index + candidate.lemmas.length - 1;
        if (last < units.length && candidate.lemmas.every((key, offset) => units[index + offset]!.latin && units[index + offset]!.key === key)) {
          matched = { entry: candidate.entry, last };
          break;
        }
      }
    } else {
      for (const entry of matcher.cjkEntries.get(clause[unit.start]!) ?? []) {
        const last = endsAt.get(unit.start + entry.text.length);
        if (last !== undefined && last >= index && clause.startsWith(entry.text, unit.start)) {
          matched = { entry, last };
          break;
        }
      }
    }
    const last = matched?.last ?? index;
    const end = units[last]!.end;
    result.push({
      start: unit.start,
      end,
      text: clause.slice(unit.start, end),
      key: unit.key,
      kinds: matched?.entry.kinds ?? NO_KINDS,
      prefix: last === index && unit.prefix,
    });
    index = last + 1;
  }
  return result;
}

/** Two or more Chinese characters the taxonomy does not know and that are no function word: most likely the thing reviewed. */
const FUNCTION_WORDS = new Set(
  ('真的 感觉 觉得 实在 确实 简直 有点 有些 非常 特别 比较 一点 这个 那个 这次 我们 你们 他们 自己 大家 什么 怎么 为什么 时候 现在 已经 还是 一直 总是 每次 一次 ' +
    '以后 下次 以前 今天 昨天 一样 真是 其实 根本 完全 这里 那里 这家 那家 朋友 家人 孩子 之前 之后 然后 而且 所以 因为 如果 虽然 一下 一些 有点儿 感觉到 ' +
    '购买 买的 收到 知道 结果 居然 竟然 果然 起来 东东 评价 一个 两个 几个 这些 那些 哪些 所有 最后 当时 本来 原来 总体 整体 个人').split(' '),
);
const CHINESE_WORD = /^[\u3400-\u9fff]{2,}$/;
const isUnnamedThing = (item: Item) => item.kinds.size === 0 && CHINESE_WORD.test(item.key) && !FUNCTION_WORDS.has(item.key);

const has = (item: Item, kind: Role['kind']) => item.kinds.has(kind);
const reasonOf = (item: Item, kind: 'aspect' | 'action' | 'complaint' | 'negative' | 'positive') => item.kinds.get(kind) ?? null;

/**
 * Whether a blocker at `at` asserts what follows: when words stand between it and the negation (从来没有遇到这么差的) or the
 * negation is of experience (从来没有这么差, "never had such"); right after a plain negation it compares (没那么油腻 is no complaint).
 */
function blockerAsserts(words: Item[], negator: number | null, at: number): boolean {
  return negator !== null && (at > negator + 1 || EXPERIENTIAL_NEGATIONS.has(words[negator]!.key) || EXPERIENTIAL_NEGATIONS.has(words[negator]!.text));
}

function findingOf(clause: string, item: Item, reason: number, from = item.start): Finding {
  return { reason, start: from, end: item.end, text: clause.slice(from, item.end) };
}

/** The aspect an opinion at `at` is about, given the aspects (and actions) of its stretch so far. */
function aspectFor(words: Item[], aspects: { at: number; reason: number }[], at: number, implied: number | null): { reason: number; start: number } | null {
  const before = aspects.filter((aspect) => aspect.at < at).at(-1);
  // An opinion that names its own aspect keeps it unless another aspect is right before it (东西这里太贵了 is price); an
  // action is an aspect only for slowness right after it, which is how the action went (客服回复慢, 回复得很慢, 退款太慢; not
  // 送来的都是坏的, 收到都坏了)
  // Degree and negation words count as nothing between them, whether jieba split them off (很慢) or not (超级 慢)
  const between = before === undefined ? [] : words.slice(before.at + 1, at).filter((word) => !word.prefix && !FUNCTION_PREFIXES.has(word.key));
  const actionOnly = before !== undefined && reasonOf(words[before.at]!, 'aspect') === null;
  const aboutTheAction = SLOWNESS.test(words[at]!.text) && between.every((word) => word.key === COMPLEMENT_MARK);
  const overridden = implied !== null && before !== undefined && implied !== before.reason && (actionOnly ? !aboutTheAction : between.some((word) => word.text.length > 1));
  if (before && !overridden) return { reason: before.reason, start: words[before.at]!.start };
  // An aspect after the opinion in the same stretch: 好的售后, 很差的物流
  for (let next = at + 1; next < words.length && !has(words[next]!, 'contrast'); next++) {
    const reason = reasonOf(words[next]!, 'aspect');
    if (reason !== null) return { reason, start: words[at]!.start };
  }
  return null;
}

/** Reads one clause (no punctuation inside) from its words; see the top of this file. */
function analyseClause(matcher: CompiledTaxonomy, clause: string, units: Unit[]): ClauseAnalysis {
  const analysis: ClauseAnalysis = { complaints: [], praises: [], negated: [], untargeted: [], opensWithContrast: false, words: units.map((unit) => unit.key) };
  const words = items(matcher, clause, units);
  // A wish states a lack: 要是能再快一点就更好了 complains of delivery
  const wishing = words.some((item) => has(item, 'wish'));
  let negator: number | null = null;
  /** A blocker after the negation: what follows is asserted (从来没有这么差), though a praise stays negated (没那么新鲜). */
  let blocked = false;
  let sawDuration = false;
  /** Aspects (and actions, which are aspects too: 退款太慢) of the current stretch since a contrast word. */
  let aspects: { at: number; reason: number }[] = [];
  let stretchStart = 0;
  for (let at = 0; at < words.length; at++) {
    const item = words[at]!;
    if (item.prefix) {
      if (has(item, 'negator')) {
        negator = at;
        blocked = false;
      } else if (has(item, 'blocker') && blockerAsserts(words, negator, at)) blocked = true;
      continue;
    }
    if (DURATIONS.has(item.key) || DURATION_WORD.test(item.key)) sawDuration = true;
    if (has(item, 'fixed') || has(item, 'wish')) continue;
    if (has(item, 'contrast')) {
      if (at === 0) analysis.opensWithContrast = true;
      negator = null;
      aspects = [];
      stretchStart = at + 1;
      continue;
    }
    // Right after the negation a blocker is compared, not asserted: 没那么油腻 is no complaint
    if (has(item, 'blocker')) {
      if (blockerAsserts(words, negator, at)) blocked = true;
      continue;
    }
    const inReach = negator !== null && at - negator <= NEGATION_REACH;
    const negated = inReach && !blocked;
    const complaint = reasonOf(item, 'complaint');
    const action = reasonOf(item, 'action');
    const aspect = reasonOf(item, 'aspect');
    if (aspect !== null || action !== null) aspects.push({ at, reason: (aspect ?? action)! });
    if (complaint !== null) {
      negator = null;
      if (negated) analysis.negated.push({ start: item.start, end: item.end, text: item.text });
      else analysis.complaints.push(findingOf(clause, item, complaint));
      continue;
    }
    if (action !== null) {
      // A duration and 才 before the action, or (in Chinese) a duration within four words after it: 一个星期才到, 送了两个多小时;
      // "replied within a day" is no delay
      const delayed =
        (sawDuration && at > stretchStart && words[at - 1]!.key === ONLY_THEN) ||
        (!LATIN_TERM.test(item.text) && !isRange(words, at) && words.slice(at + 1, at + 5).some((next) => next.key !== YEAR && (DURATIONS.has(next.key) || DURATION_WORD.test(next.key))));
      if (negated || delayed) {
        negator = null;
        analysis.complaints.push(findingOf(clause, item, action, negated ? words[Math.max(stretchStart, at - 1)]!.start : item.start));
      }
      continue;
    }
    const negative = has(item, 'negative');
    const positive = has(item, 'positive');
    if (!negative && !positive) {
      if (has(item, 'negator')) negator = at;
      continue;
    }
    // 小 and 大 before a word other than a particle or an amount describe that word (小礼物, 小县城, 有点小贵, 没什么大问题): they
    // judge size only as the predicate (内存小了点, 屏幕太小); a negation before them governs what follows
    const next = words[at + 1];
    if (SIZE_WORDS.has(item.key) && next !== undefined && !SIZE_COMPLEMENTS.has(next.key)) continue;
    negator = null;
    // A negated complaint-word is no complaint (不慢, "not late"); a negated praise is one (不是正品, 不太好, 没那么新鲜)
    const complains = negative ? !negated : inReach || wishing;
    if (negative && negated) {
      analysis.negated.push({ start: item.start, end: item.end, text: item.text });
      continue;
    }
    const implied = reasonOf(item, negative ? 'negative' : 'positive');
    const target = aspectFor(words, aspects, at, implied);
    // A thing the taxonomy does not name, complained of: 米线一般, 牛柳越来越少
    const unnamed = complains && matcher.unnamedAspect !== null && words.slice(stretchStart, at).some(isUnnamedThing) ? matcher.unnamedAspect : null;
    const reason = target?.reason ?? implied ?? unnamed;
    if (complains) {
      if (reason === null) analysis.untargeted.push({ start: item.start, end: item.end, text: item.text });
      else analysis.complaints.push(findingOf(clause, item, reason, Math.min(target?.start ?? item.start, item.start)));
    } else if (reason !== null) {
      analysis.praises.push(findingOf(clause, item, reason, Math.min(target?.start ?? item.start, item.start)));
    }
  }
  const bounded = clause.length > PATTERN_CLAUSE_MAX ? clause.slice(0, PATTERN_CLAUSE_MAX) : clause;
  for (const { reason, regex } of matcher.patterns) {
    for (const match of bounded.matchAll(regex)) {
      if (match[0] !== '') analysis.complaints.push({ reason, start: match.index, end: match.index + match[0].length, text: match[0] });
    }
  }
  return analysis;
}

/**
 * A text with its ASCII digits zeroed: how the rules and the model read it, since digits do not
 * change what a text complains of, and zeroing keeps offsets. reasonTickets.ts shares one
 * classification among tickets that differ only in digits on the strength of this.
 */
export function zeroDigits(text: string): string {
  return text.replace(/[1-9]/g, '0');
}

/** The clauses' readings, from the cache or read now (the words of all new clauses found in one call of the segmenter). */
function analyseClauses(matcher: CompiledTaxonomy, clauses: readonly string[]): ClauseAnalysis[] {
  const keys = clauses.map(zeroDigits);
  if (matcher.clauses.size + keys.length > CLAUSES_KEPT) matcher.clauses.clear();
  const fresh = [...new Set(keys.filter((key) => !matcher.clauses.has(key)))];
  if (fresh.length > 0) {
    const words = segmentClauses(fresh, matcher.known);
    fresh.forEach((key, index) => matcher.clauses.set(key, analyseClause(matcher, key, words[index]!)));
  }
  return keys.map((key) => matcher.clauses.get(key)!);
}

/** What one normalised text complains of and praises, with offsets in that text. */
export interface TextReading {
  complaints: Finding[];
  praises: Finding[];
  negated: Omit<Finding, 'reason'>[];
  /** Its clauses' texts. */
  clauses: string[];
  /** The keys of its words, clause after clause: the words of the whole text where clauseWordsAreTextWords says so. */
  words: string[];
}

/** Reads a normalised text clause by clause. */
export function readText(matcher: CompiledTaxonomy, text: string): TextReading {
  const reading: TextReading = { complaints: [], praises: [], negated: [], clauses: [], words: [] };
  let previousAspect: number | null = null;
  let from = 0;
  const clauses: { start: number; text: string }[] = [];
  for (const match of text.matchAll(CLAUSE_BREAK)) {
    if (match.index > from) clauses.push({ start: from, text: text.slice(from, match.index) });
    from = match.index + match[0].length;
  }
  if (from < text.length) clauses.push({ start: from, text: text.slice(from) });
  reading.clauses = clauses.map((clause) => clause.text);
  const analyses = analyseClauses(matcher, reading.clauses);
  for (let index = 0; index < clauses.length; index++) {
    const clause = clauses[index]!;
    const analysis = analyses[index]!;
    for (const found of analysis.complaints) reading.complaints.push(inText(clause, found));
    for (const found of analysis.praises) reading.praises.push(inText(clause, found));
    for (const found of analysis.negated) reading.negated.push(inText(clause, found));
    for (const word of analysis.words) reading.words.push(word);
    if (previousAspect !== null && !analysis.opensWithContrast) {
      for (const opinion of analysis.untargeted) reading.complaints.push(inText(clause, { ...opinion, reason: previousAspect }));
    }
    // Only a complained-of aspect carries on (客服态度差，很敷衍); after praise (快递很快，米线一般) the next opinion is about something else
    previousAspect = analysis.complaints.length > 0 ? analysis.complaints.at(-1)!.reason : null;
  }
  return reading;
}

/** A finding of a clause placed in its text; offsets are the clause's own (its digits were zeroed for the cache), so the words are read from it. */
function inText<T extends { start: number; end: number; text: string }>(clause: { start: number; text: string }, found: T): T {
  return { ...found, start: found.start + clause.start, end: found.end + clause.start, text: clause.text.slice(found.start, found.end) };
}

interface ReasonEvidence {
  /** Category or refund-reason value naming it: above any text. */
  named: boolean;
  confidence: number;
  complaints: number;
  /** Field order, then offset, of the first complaint: ties of the primary go to the earliest. */
  first: number;
  evidence: FieldEvidence;
}

function evidenceList(map: FieldEvidence): Evidence[] {
  return [...map].map(([field, { terms, spans }]) => (spans.length > 0 ? { field, terms: [...terms], spans } : { field, terms: [...terms] }));
}

/** Evidence terms and spans by field. */
type FieldEvidence = Map<ReasonField, { terms: Set<string>; spans: { start: number; end: number }[] }>;

function collect(map: FieldEvidence, field: ReasonField, term: string, span?: { start: number; end: number }): void {
  const entry = map.get(field) ?? { terms: new Set<string>(), spans: [] };
  entry.terms.add(term);
  if (span) entry.spans.push(span);
  map.set(field, entry);
}

/** Counts a complaint of a reason found in a field (the field's place in TEXT_FIELDS orders ties of the primary). */
function noteComplaint(
  found: Map<number, ReasonEvidence>,
  field: ReasonField,
  fieldIndex: number,
  complaint: { reason: number; term: string; confidence: number; order: number; span?: { start: number; end: number }; named?: boolean },
): void {
  const entry = found.get(complaint.reason) ?? { named: false, confidence: 0, complaints: 0, first: Number.POSITIVE_INFINITY, evidence: new Map() };
  entry.named ||= complaint.named === true;
  entry.confidence = Math.max(entry.confidence, complaint.confidence);
  entry.complaints++;
  entry.first = Math.min(entry.first, fieldIndex * 1e6 + complaint.order);
  found.set(complaint.reason, entry);
  collect(entry.evidence, field, complaint.term, complaint.span);
}

/** Joins a ticket's fields into the one text the model reads (reasonCorrections.ts ticketText). */
export const MODEL_FIELD_JOINER = '. ';

/**
 * A text's words as the model reads them (reasonModel.ts: the whole normalised text segmented, digits
 * zeroed), taken from the rules' reading of its clauses, and that text: the fields, each normalised,
 * joined by MODEL_FIELD_JOINER (the model uses the words only when its own normalised text is this).
 */
export interface TextWords {
  normalised: string;
  words: readonly string[];
}

const CJK_CHARACTER = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN_CHARACTER = /[a-z0-9]/;
/** Surrogates: jieba would alter them, and segment reads such a text character by character. */
const SURROGATE = /[\ud800-\udfff]/;
/** A word read by the word before it, which may end the previous clause (3，天才到 is 3天 + 才 to the whole text). */
const READ_AFTER_A_NUMBER = '天才';

/**
 * Whether the words of a normalised text's clauses, one after another, are the words of the whole
 * text, so the model need not segment it again. They are for a text without Chinese (its clauses end
 * at punctuation, which no English word holds). A Chinese text is segmented whole by jieba, which
 * cuts at every mark that ends a clause (a full stop too: no word of its dictionary holds one, so a
 * word never spans it; a test checks), except that a clause without Chinese is no jieba text to the
 * rules, a clause opening with 天才 may read otherwise, and surrogates.
 */
function clauseWordsAreTextWords(text: string, clauses: readonly string[]): boolean {
  if (!CJK_CHARACTER.test(text)) return true;
  if (SURROGATE.test(text)) return false;
  for (const clause of clauses) {
    if (clause.startsWith(READ_AFTER_A_NUMBER) || (!CJK_CHARACTER.test(clause) && LATIN_CHARACTER.test(clause))) return false;
  }
  return true;
}

/** The model's words of the fields read as text, when their clauses' words are its words. */
function modelWords(modelText: { fields: string[]; clauses: string[]; words: string[] } | null): TextWords | null {
  if (modelText === null || modelText.fields.length === 0) return null;
  const text = modelText.fields.join(MODEL_FIELD_JOINER);
  return clauseWordsAreTextWords(text, modelText.clauses) ? { normalised: zeroDigits(text), words: modelText.words } : null;
}

/** Classifies one ticket's fields. */
export function classifyFields(matcher: CompiledTaxonomy, fields: TicketFields): Classification {
  return readFields(matcher, fields).rules;
}

/**
 * Classifies one ticket's fields, and gives the model's words of its text (reasonCorrections.ts
 * ticketText) when every field was read as text and its clauses' words are the text's words (else
 * null: the model segments the text itself).
 */
export function readFields(matcher: CompiledTaxonomy, fields: TicketFields): { rules: Classification; words: TextWords | null } {
  // The model's text, field by field as the rules read them: the normalised fields, their clauses and words; null once a field is read as no text
  let modelText: { fields: string[]; clauses: string[]; words: string[] } | null = { fields: [], clauses: [], words: [] };
  const found = new Map<number, ReasonEvidence>();
  const negated: FieldEvidence = new Map();
  const praised: FieldEvidence = new Map();
  for (let fieldIndex = 0; fieldIndex < TEXT_FIELDS.length; fieldIndex++) {
    const field = TEXT_FIELDS[fieldIndex]!;
    const value = fields[field];
    if (value === null || value === undefined || value === '') continue;
    const text = normalizeText(value);
    const structured = STRUCTURED_FIELDS.has(field);
    const named = structured ? matcher.categories.get(text) : undefined;
    // A value that names reasons is a label, not a text to search
    if (named) {
      for (const reason of named) noteComplaint(found, field, fieldIndex, { reason, term: value.trim(), confidence: CONFIDENCE.namedByField, order: 0, named: true });
      modelText = null;
      continue;
    }
    const reading = readText(matcher, text);
    if (modelText) {
      modelText.fields.push(text);
      for (const clause of reading.clauses) modelText.clauses.push(clause);
      for (const word of reading.words) modelText.words.push(word);
    }
    const confidence = structured ? CONFIDENCE.structuredWord : CONFIDENCE.textWord;
    for (const complaint of reading.complaints) {
      noteComplaint(found, field, fieldIndex, { reason: complaint.reason, term: complaint.text, confidence, order: complaint.start, span: { start: complaint.start, end: complaint.end } });
    }
    for (const item of reading.negated) collect(negated, field, item.text, { start: item.start, end: item.end });
    for (const item of reading.praises) if (!found.has(item.reason)) collect(praised, field, item.text, { start: item.start, end: item.end });
  }
  const lowRating = typeof fields.rating === 'number' && Number.isFinite(fields.rating) && fields.rating <= matcher.lowRating;
  const ratingEvidence: Evidence[] = lowRating ? [{ field: 'rating', terms: [String(fields.rating)] }] : [];
  const ranked = [...found].sort(([, a], [, b]) => Number(b.named) - Number(a.named) || b.complaints - a.complaints || a.first - b.first);
  const reasons: ReasonMatch[] = ranked.map(([index, entry]) => {
    const text = Math.min(CONFIDENCE.textMax, CONFIDENCE.textWord + CONFIDENCE.perExtraWord * (entry.complaints - 1));
    const base = Math.max(entry.confidence, entry.named ? 0 : text);
    const confidence = Math.min(CONFIDENCE.namedByField, base + (lowRating ? CONFIDENCE.lowRating : 0));
    return { reason: matcher.taxonomy.reasons[index]!.key, confidence: round(confidence), evidence: [...evidenceList(entry.evidence), ...ratingEvidence], source: 'rules' as const };
  });
  return {
    rules: {
      primary: reasons[0]?.reason ?? UNKNOWN_REASON,
      reasons: reasons.length > 0 ? reasons : [{ reason: UNKNOWN_REASON, confidence: 0, evidence: ratingEvidence, source: 'rules' }],
      negated: evidenceList(negated),
      praised: evidenceList(praised),
    },
    words: modelWords(modelText),
  };
}

/** The words of a text as the classifier reads them (Chinese words, English lemmas): features of the learned model. */
export function textWords(matcher: CompiledTaxonomy, text: string): string[] {
  return segment(normalizeText(text), matcher.known).map((unit) => unit.key);
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
