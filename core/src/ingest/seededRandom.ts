// A seeded pseudo-random generator for synthetic data (bench exports, the sample's tickets): same seed, same data.

/**
 * mulberry32: a tiny, fast, well-distributed 32-bit PRNG; enough for test data, not for secrets.
 * The state is kept as a signed 32-bit integer (`| 0`) so V8 stores it unboxed: no allocation per call.
 */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks an item by weight; `random` is a seededRandom. */
export function weightedPick<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random() * total;
  for (const [item, weight] of items) {
    draw -= weight;
    if (draw < 0) return item;
  }
  const last = items[items.length - 1];
  if (!last) throw new Error('weightedPick needs at least one item');
  return last[0];
}
