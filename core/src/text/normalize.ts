// Text normalisation for matching: one form for full- and half-width, upper and lower case, traditional and simplified.
//
// NFKC folds full-width Latin, digits and punctuation onto ASCII (ＡＢＣ１２３！ → ABC123!) and
// compatibility ideographs onto their canonical ones; OpenCC's traditional-to-mainland table then
// maps 質量問題 to 质量问题. The converter is built once (its dictionaries take ~80 ms to load), and
// it runs only on texts with a character it changes: most texts are simplified already, and the
// conversion costs about as much as the rest of classifying them.
import { Converter, type ConverterFunction } from 'opencc-js/t2cn';

let traditionalToSimplified: ConverterFunction | null = null;
/** Whether OpenCC changes a character on its own, by character code: 0 not known yet, 1 no, 2 yes (an array: it is read for every character of every text). */
const changes = new Uint8Array(0x10000);
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function hasTraditional(text: string, convert: ConverterFunction): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < 0x3400) continue;
    if (changes[code] === 0) {
      const char = text[at]!;
      changes[code] = CJK.test(char) && convert(char) !== char ? 2 : 1;
    }
    if (changes[code] === 2) return true;
  }
  return false;
}

/** NFKC, lower case, traditional to simplified, runs of white space to one space, trimmed. */
export function normalizeText(text: string): string {
  traditionalToSimplified ??= Converter({ from: 't', to: 'cn' });
  const folded = text.normalize('NFKC').toLowerCase();
  const simplified = hasTraditional(folded, traditionalToSimplified) ? traditionalToSimplified(folded) : folded;
  return simplified.replace(/\s+/g, ' ').trim();
}
