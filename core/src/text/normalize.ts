// Text normalisation for matching: one form for full- and half-width, upper and lower case, traditional and simplified.
//
// NFKC folds full-width Latin, digits and punctuation onto ASCII (ＡＢＣ１２３！ → ABC123!) and
// compatibility ideographs onto their canonical ones; OpenCC's traditional-to-mainland table then
// maps 質量問題 to 质量问题. The converter is built once (its dictionaries take ~80 ms to load).
import { Converter, type ConverterFunction } from 'opencc-js/t2cn';

let traditionalToSimplified: ConverterFunction | null = null;

/** NFKC, lower case, traditional to simplified, runs of white space to one space, trimmed. */
export function normalizeText(text: string): string {
  traditionalToSimplified ??= Converter({ from: 't', to: 'cn' });
  return traditionalToSimplified(text.normalize('NFKC').toLowerCase()).replace(/\s+/g, ' ').trim();
}
