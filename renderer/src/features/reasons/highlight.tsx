// Matched and negated words marked inside a ticket's text, so an analyst sees why a reason was given.
import type { Classification, ReasonField } from '../../../../core/src/api/reasons.ts';

export type MarkKind = 'match' | 'negated';

export interface TextSegment {
  text: string;
  kind: MarkKind | null;
}

/** The words to mark in one field: matched evidence of every reason, and the negated words. */
export function fieldMarks(classification: Classification, field: ReasonField): { term: string; kind: MarkKind }[] {
  const matched = classification.reasons.flatMap((match) => match.evidence.filter((evidence) => evidence.field === field).flatMap((evidence) => evidence.terms));
  const negated = classification.negated.filter((evidence) => evidence.field === field).flatMap((evidence) => evidence.terms);
  return [...matched.map((term) => ({ term, kind: 'match' as const })), ...negated.map((term) => ({ term, kind: 'negated' as const }))];
}

/**
 * Splits `text` into plain and marked runs. Terms are found case-insensitively (evidence holds them
 * as they appear, but a pattern match may differ in case); where two overlap the earlier, then the
 * longer one wins.
 */
export function highlightSegments(text: string, marks: readonly { term: string; kind: MarkKind }[]): TextSegment[] {
  const lower = text.toLowerCase();
  const found: { start: number; end: number; kind: MarkKind }[] = [];
  for (const { term, kind } of marks) {
    const needle = term.toLowerCase();
    if (!needle) continue;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) found.push({ start: at, end: at + needle.length, kind });
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: TextSegment[] = [];
  let cursor = 0;
  for (const mark of found) {
    if (mark.start < cursor) continue;
    if (mark.start > cursor) segments.push({ text: text.slice(cursor, mark.start), kind: null });
    segments.push({ text: text.slice(mark.start, mark.end), kind: mark.kind });
    cursor = mark.end;
  }
  if (cursor < text.length) segments.push({ text: text.slice(cursor), kind: null });
  return segments;
}

export function HighlightedText({ text, marks }: { text: string; marks: readonly { term: string; kind: MarkKind }[] }) {
  return (
    <>
      {highlightSegments(text, marks).map((segment, index) =>
        segment.kind === null ? (
          segment.text
        ) : (
          <mark key={index} className={segment.kind === 'match' ? 'term-match' : 'term-negated'}>
            {segment.text}
          </mark>
        ),
      )}
    </>
  );
}
