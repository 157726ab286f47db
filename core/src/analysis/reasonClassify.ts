// Matching texts to churn reasons: the taxonomy compiled once, then applied to a ticket's fields.
//
// Every field is normalised (NFKC, lower case, traditional to simplified) and so is every keyword,
// so 質量問題, ＱＵＡＬＩＴＹ and quality meet. Chinese has no spaces, so Chinese keywords match as
// substrings; Latin keywords match whole words. Keywords are indexed by their first character and
// tried at every position of the text, longest first, so overlapping words are all found in one
// pass (one regular expression of ~1,000 alternatives was five times slower on 60k reviews).
//
// Negation: a keyword counts as negated when a negation word ends shortly before it in the same
// clause (two characters for Chinese, three words for English): "没有质量问题", "并没有发现质量问题",
// "no quality issue", "not late". Clause breaks (punctuation, 但是, but) stop the look back, so in
// "没有质量问题，就是发货太慢" only the quality complaint is negated. A match inside a longer
// match is dropped ("无法退款" is one complaint, not 退款 negated by 无).
//
// Precedence: a category or refund-reason value that names a reason outright gives it the highest
// confidence; keywords in those fields come next; subject and body words after, more distinct
// words giving more confidence. A low rating adds to a matched reason's confidence and, alone,
// is kept as evidence on `unknown`: dissatisfaction without a named reason.
import { UNKNOWN_REASON, type Classification, type Evidence, type ReasonField, type ReasonMatch, type Taxonomy } from '../api/reasons.ts';
import { normalizeText } from '../text/normalize.ts';
import { DEFAULT_LOW_RATING, taxonomyHash } from './reasonTaxonomy.ts';

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
  /** A keyword inside a category or refund-reason text. */
  structuredWord: 0.85,
  /** One keyword in subject or body; each further distinct word adds `perExtraWord`, up to `textMax`. */
  textWord: 0.6,
  perExtraWord: 0.1,
  textMax: 0.85,
  /** Added when the ticket's rating is low. */
  lowRating: 0.1,
} as const;

const CJK_NEGATION_GAP = 2;
const LATIN_NEGATION_WORDS = 3;
/** Ends of a clause: negation does not reach across them. */
const CLAUSE_BREAK = /[,.;:!?，。；：！？、\n()（）]|但是|可是|不过|就是|只是|\bbut\b|\bhowever\b/g;
const LATIN_TERM = /^[\x20-\x7e]+$/;

interface Term {
  text: string;
  latin: boolean;
  reasons: number[];
}

export interface CompiledTaxonomy {
  taxonomy: Taxonomy;
  lowRating: number;
  /** Keywords by the UTF-16 code of their first character, longest first. */
  termsByFirst: Map<number, Term[]>;
  patterns: { reason: number; regex: RegExp }[];
  /** Normalised category and refund-reason values that name reasons. */
  categories: Map<string, number[]>;
  cjkNegations: string[];
  latinNegations: Set<string>;
}

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
  const terms = new Map<string, Term>();
  const categories = new Map<string, number[]>();
  const patterns: CompiledTaxonomy['patterns'] = [];
  taxonomy.reasons.forEach((reason, index) => {
    for (const keyword of [...reason.keywords.zh, ...reason.keywords.en]) {
      const text = normalizeText(keyword);
      const term = terms.get(text) ?? { text, latin: LATIN_TERM.test(text), reasons: [] };
      if (!term.reasons.includes(index)) term.reasons.push(index);
      terms.set(text, term);
    }
    for (const pattern of reason.patterns ?? []) patterns.push({ reason: index, regex: new RegExp(pattern, 'giu') });
    for (const category of reason.categories ?? []) addTo(categories, normalizeText(category), index);
  });
  const termsByFirst = new Map<number, Term[]>();
  for (const term of [...terms.values()].sort((a, b) => b.text.length - a.text.length)) {
    const first = term.text.charCodeAt(0);
    termsByFirst.set(first, [...(termsByFirst.get(first) ?? []), term]);
  }
  const result: CompiledTaxonomy = {
    taxonomy,
    lowRating: taxonomy.lowRating ?? DEFAULT_LOW_RATING,
    termsByFirst,
    patterns,
    categories,
    cjkNegations: taxonomy.negations.zh.map(normalizeText).filter((word) => !LATIN_TERM.test(word)),
    latinNegations: new Set([...taxonomy.negations.en, ...taxonomy.negations.zh].map(normalizeText).filter((word) => LATIN_TERM.test(word))),
  };
  compiled.set(hash, result);
  if (compiled.size > COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
  return result;
}

interface Hit {
  start: number;
  end: number;
  text: string;
  reasons: number[];
  latin: boolean;
}

/** The part of the text's clause that lies before `start`. */
function clauseBefore(text: string, start: number): string {
  const before = text.slice(Math.max(0, start - 40), start);
  let cut = 0;
  for (const match of before.matchAll(CLAUSE_BREAK)) cut = match.index + match[0].length;
  return before.slice(cut);
}

function isNegated(matcher: CompiledTaxonomy, text: string, hit: Hit): boolean {
  const clause = clauseBefore(text, hit.start);
  if (hit.latin) {
    const words = clause.trim().split(/\s+/).slice(-LATIN_NEGATION_WORDS);
    return words.some((word) => matcher.latinNegations.has(word) || word.endsWith("n't"));
  }
  const compact = clause.replace(/\s+/g, '');
  return matcher.cjkNegations.some((word) => {
    const at = compact.lastIndexOf(word);
    return at >= 0 && compact.length - (at + word.length) <= CJK_NEGATION_GAP;
  });
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && ((char >= 'a' && char <= 'z') || (char >= '0' && char <= '9'));
}

function findHits(matcher: CompiledTaxonomy, text: string): Hit[] {
  const hits: Hit[] = [];
  for (let start = 0; start < text.length; start++) {
    const candidates = matcher.termsByFirst.get(text.charCodeAt(start));
    if (!candidates) continue;
    for (const term of candidates) {
      const end = start + term.text.length;
      if (!text.startsWith(term.text, start)) continue;
      if (term.latin && (isWordChar(text[start - 1]) || isWordChar(text[end]))) continue;
      hits.push({ start, end, text: term.text, reasons: term.reasons, latin: term.latin });
      break;
    }
  }
  for (const { reason, regex } of matcher.patterns) {
    for (const match of text.matchAll(regex)) {
      if (match[0] === '') continue;
      hits.push({ start: match.index, end: match.index + match[0].length, text: match[0], reasons: [reason], latin: LATIN_TERM.test(match[0]) });
    }
  }
  // Earliest and longest first, so a hit inside a longer one is dropped: "无法退款" is one complaint, not 退款 negated by 无
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Hit[] = [];
  for (const hit of hits) if (!kept.some((other) => other.start <= hit.start && other.end >= hit.end)) kept.push(hit);
  return kept;
}

interface ReasonEvidence {
  confidence: number;
  evidence: Map<ReasonField, Set<string>>;
  /** Subject and body words that overlap no earlier one: "客服态度" and "态度恶劣" in "客服态度恶劣" are one piece of evidence. */
  independentWords: number;
  lastEnd: Map<ReasonField, number>;
}

function evidenceList(map: Map<ReasonField, Set<string>>): Evidence[] {
  return [...map].map(([field, terms]) => ({ field, terms: [...terms] }));
}

/** Classifies one ticket's fields. */
export function classifyFields(matcher: CompiledTaxonomy, fields: TicketFields): Classification {
  const found = new Map<number, ReasonEvidence>();
  const negated = new Map<ReasonField, Set<string>>();
  const note = (reason: number, field: ReasonField, term: string, confidence: number, span?: Hit) => {
    const entry = found.get(reason) ?? { confidence: 0, evidence: new Map(), independentWords: 0, lastEnd: new Map() };
    entry.confidence = Math.max(entry.confidence, confidence);
    const terms = entry.evidence.get(field) ?? new Set<string>();
    if (span && !STRUCTURED_FIELDS.has(field) && !terms.has(term) && span.start >= (entry.lastEnd.get(field) ?? 0)) entry.independentWords++;
    if (span) entry.lastEnd.set(field, Math.max(entry.lastEnd.get(field) ?? 0, span.end));
    terms.add(term);
    entry.evidence.set(field, terms);
    found.set(reason, entry);
  };
  for (const field of TEXT_FIELDS) {
    const value = fields[field];
    if (value === null || value === undefined || value === '') continue;
    const text = normalizeText(value);
    const structured = STRUCTURED_FIELDS.has(field);
    const named = structured ? matcher.categories.get(text) : undefined;
    // A value that names reasons is a label, not a text to search
    if (named) {
      for (const reason of named) note(reason, field, value.trim(), CONFIDENCE.namedByField);
      continue;
    }
    for (const hit of findHits(matcher, text)) {
      if (isNegated(matcher, text, hit)) {
        const terms = negated.get(field) ?? new Set<string>();
        terms.add(hit.text);
        negated.set(field, terms);
        continue;
      }
      for (const reason of hit.reasons) note(reason, field, hit.text, structured ? CONFIDENCE.structuredWord : CONFIDENCE.textWord, hit);
    }
  }
  const lowRating = typeof fields.rating === 'number' && Number.isFinite(fields.rating) && fields.rating <= matcher.lowRating;
  const ratingEvidence: Evidence[] = lowRating ? [{ field: 'rating', terms: [String(fields.rating)] }] : [];
  const reasons: ReasonMatch[] = [...found]
    .map(([index, entry]) => {
      const text = Math.min(CONFIDENCE.textMax, CONFIDENCE.textWord + CONFIDENCE.perExtraWord * (entry.independentWords - 1));
      const base = Math.max(entry.confidence, entry.independentWords > 0 ? text : 0);
      const confidence = Math.min(CONFIDENCE.namedByField, base + (lowRating ? CONFIDENCE.lowRating : 0));
      return { index, match: { reason: matcher.taxonomy.reasons[index]!.key, confidence: round(confidence), evidence: [...evidenceList(entry.evidence), ...ratingEvidence] } };
    })
    .sort((a, b) => b.match.confidence - a.match.confidence || a.index - b.index)
    .map((entry) => entry.match);
  return {
    reasons: reasons.length > 0 ? reasons : [{ reason: UNKNOWN_REASON, confidence: 0, evidence: ratingEvidence }],
    negated: evidenceList(negated),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
