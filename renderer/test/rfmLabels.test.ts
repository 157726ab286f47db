// RFM grid labels break between words so that a name wider than its cell does not spill into the next one.
import { describe, expect, it } from 'vitest';
import { wrapWords } from '../src/features/customers/CustomersScreen.tsx';

describe('wrapWords', () => {
  it('keeps a name that fits on one line and breaks a longer one between words', () => {
    expect(wrapWords('Champions', 10)).toBe('Champions');
    expect(wrapWords('At risk', 10)).toBe('At risk');
    expect(wrapWords('Potential loyalist', 10)).toBe('Potential<br>loyalist');
    expect(wrapWords("Can't lose them", 10)).toBe("Can't lose<br>them");
    expect(wrapWords('About to sleep', 10)).toBe('About to<br>sleep');
  });

  it('gives a word longer than the width a line of its own and leaves Chinese names, which have no spaces, whole', () => {
    expect(wrapWords('Extraordinarily loyal', 10)).toBe('Extraordinarily<br>loyal');
    expect(wrapWords('重要价值客户', 10)).toBe('重要价值客户');
  });
});
