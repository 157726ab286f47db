import { classifyFields, compileTaxonomy } from './src/analysis/reasonClassify.ts';
import { readTaxonomyFile } from './src/analysis/reasonTaxonomy.ts';
import { segment } from './src/analysis/reasonTokens.ts';
import { normalizeText } from './src/text/normalize.ts';
const m = compileTaxonomy(readTaxonomyFile('/work/wt-reasons/resources/taxonomy/churn-reasons.json'));
for (const t of process.argv.slice(2)) { console.log(segment(normalizeText(t), m.known).map((u) => u.key + (u.prefix ? '*' : '')).join('/')); console.log(JSON.stringify(classifyFields(m, { body: t }))); }
