// RFM grid labels break between words so that a name wider than its cell does not spill into the next one.
import { describe, expect, it } from 'vitest';
import { emptyScores, wrapWords } from '../src/features/customers/CustomersScreen.tsx';

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

describe('emptyScores', () => {
  it('names the scores no customer holds (quintile ties skip one), ignoring cells of zero customers', () => {
    const cell = (r: number, f: number, customers: number) => ({ r, f, customers, revenue: 0, segments: [] });
    const grid = [cell(1, 1, 40), cell(5, 1, 12), cell(3, 3, 7), cell(2, 4, 3), cell(4, 5, 9), cell(4, 2, 0)];
    expect(emptyScores(grid, 'f')).toEqual([2]);
    expect(emptyScores(grid, 'r')).toEqual([]);
    expect(emptyScores([], 'r')).toEqual([1, 2, 3, 4, 5]);
  });
});
