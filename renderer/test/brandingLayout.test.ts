// The branding panel's fields line up at their labels: aligned at the bottom, the logo cell (image,
// buttons) stood taller than Title and Client and pushed them out of line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../src/styles.css', import.meta.url), 'utf8');

function rule(selector: string): string {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`(^|\\n)${escaped} \\{([^}]*)\\}`).exec(css);
  if (!found) throw new Error(`no rule ${selector} in styles.css`);
  return found[2]!;
}

describe('branding panel layout', () => {
  it('aligns its fields at the top and keeps the logo on one row no taller than an input', () => {
    expect(rule('.branding-grid')).toContain('align-items: start');
    expect(rule('.branding-logo')).toContain('flex-wrap: nowrap');
    expect(rule('.branding-logo img')).toContain('max-height: 32px');
  });
});
