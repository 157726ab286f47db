// Generated hostile text: encodings with and without BOMs, line ends, quoting, damaged and mislabelled bytes.
import { expect, it } from 'vitest';
import { structureCases, textCases } from './hostileCases.ts';
import { runHostileCases } from './hostileRun.ts';

it('the two hostile suites generate at least 120 cases between them', () => {
  expect(textCases().length + structureCases().length).toBeGreaterThanOrEqual(120);
});

runHostileCases('hostile text', textCases());
