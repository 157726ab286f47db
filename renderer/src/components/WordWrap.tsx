// Text that wraps between words only. Chinese writes no spaces, so a narrow table header broke
// anywhere ("购买次/数"); here the words come from Intl.Segmenter, a <wbr> marks each boundary and
// the `word-wrap` class (word-break: keep-all) forbids the breaks inside words.
import { Fragment } from 'react';
import { useI18n, type Language } from '../i18n/I18nProvider.tsx';

const CJK = /[\u2e80-\u9fff\uf900-\ufaff]/;
const OPENING = /^[（(【「『“‘《〈]$/;
const CLOSING = /^[）)】」』”’》〉，、。：；！？,.:;!?%]$/;

/** One word segmenter per language: a table's headers are cut again at every render. */
const segmenters = new Map<Language, Intl.Segmenter>();
function wordSegmenter(language: Language): Intl.Segmenter {
  let segmenter = segmenters.get(language);
  if (!segmenter) segmenters.set(language, (segmenter = new Intl.Segmenter(language, { granularity: 'word' })));
  return segmenter;
}

/** Characters a piece grows to at most by taking lone characters: a two-character word and two affixes (购买天数). */
const MAX_JOINED = 4;

/**
 * `text` cut at its word boundaries in `language`; text without CJK characters is one piece (spaces
 * already break it). The segmenter's dictionary leaves a lone character where a header adds an affix
 * (流失/率, 购买/天/数, 距/最近): a lone character stays with the word before it, or the one after it
 * when it comes first, so 流失率 and 距最近 hold together. A run of words it does not know comes as
 * lone characters (距/末/单/天/数); those join up to MAX_JOINED characters, and a lone character that
 * no longer fits takes the one before it along (距末单 / 天数, not 距末单天 / 数), so a narrow column
 * still has places to break.
 */
export function wordPieces(text: string, language: Language): string[] {
  if (!CJK.test(text)) return [text];
  const pieces: string[] = [];
  // the last piece is a lone character that no word came before, or an opening bracket: the next word joins it
  let waiting = false;
  // the last piece ends with a lone character (not the end of a dictionary word)
  let endsLone = false;
  for (const { segment } of wordSegmenter(language).segment(text)) {
    const last = pieces.at(-1);
    const lone = [...segment].length === 1 && CJK.test(segment);
    // Brackets and punctuation stay with their word: no line ends on "（" or starts with "）"
    if (last !== undefined && (CLOSING.test(segment) || (waiting && OPENING.test(last.at(-1) ?? '')))) {
      pieces[pieces.length - 1] = last + segment;
      [waiting, endsLone] = [OPENING.test(segment), false];
      continue;
    }
    if (OPENING.test(segment)) {
      pieces.push(segment);
      [waiting, endsLone] = [true, false];
      continue;
    }
    const joins = last !== undefined && CJK.test(segment) && (waiting || (lone && CJK.test(last.at(-1) ?? '')));
    const fits = last !== undefined && [...last].length + [...segment].length <= MAX_JOINED;
    if (joins && fits) {
      pieces[pieces.length - 1] = last + segment;
      waiting = false;
    } else if (joins && lone && endsLone) {
      const characters = [...last];
      pieces[pieces.length - 1] = characters.slice(0, -1).join('');
      pieces.push(`${characters.at(-1)}${segment}`);
      waiting = false;
    } else {
      pieces.push(segment);
      waiting = lone;
    }
    endsLone = lone;
  }
  return pieces;
}

export function WordWrap({ text }: { text: string }) {
  const { language } = useI18n();
  // Other text keeps the header's own wrapping: "anywhere" would cut a Latin word ("Purchase/s") that may overhang a little.
  if (!CJK.test(text)) return text;
  return (
    <span className="word-wrap">
      {wordPieces(text, language).map((piece, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {piece}
        </Fragment>
      ))}
    </span>
  );
}
