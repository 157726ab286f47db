import { classifyFields, compileTaxonomy } from './src/analysis/reasonClassify.ts';
import { readTaxonomyFile } from './src/analysis/reasonTaxonomy.ts';
import { evaluateClassifications, readEvaluationSet } from './src/analysis/reasonEvaluation.ts';
import { blendWithModel, modelWeight, predictLabels, textFeatures, trainReasonModel } from './src/analysis/reasonModel.ts';
const all = await readEvaluationSet('/work/wt-reasons/resources/taxonomy/evaluation/labels.csv', '/work/shared/data');
const m = compileTaxonomy(readTaxonomyFile('/work/wt-reasons/resources/taxonomy/churn-reasons.json'));
const prep = all.map((t) => { const rules = classifyFields(m, { body: t.text }); return { t, rules, features: textFeatures(t.text, m.known, rules) }; });
const t0 = performance.now();
const model = trainReasonModel(prep.filter((p) => p.t.part === 'train').map((p) => ({ features: p.features, label: p.t.primary })))!;
console.log('train ms', performance.now() - t0, 'weight', modelWeight(model));
const f = (x: number | null) => (x === null ? '-' : x.toFixed(3));
for (const part of [process.argv[2] ?? 'test']) {
  const items = prep.filter((p) => p.t.part === part);
  const rulesE = evaluateClassifications(items.map((p) => ({ gold: p.t, classification: p.rules, language: p.t.language, praiseOnly: p.t.praiseOnly })));
  const blended = items.map((p) => ({ gold: p.t, classification: blendWithModel(p.rules, predictLabels(model, p.features), modelWeight(model)), language: p.t.language, praiseOnly: p.t.praiseOnly }));
  const bE = evaluateClassifications(blended);
  for (const [name, e] of [['rules', rulesE], ['blend', bE]] as const) for (const [k, s] of [['all', e], ['zh', e.byLanguage.zh], ['en', e.byLanguage.en]] as const) console.log(part, name, k, s.texts, 'top', f(s.topAccuracy), 'praise', s.praiseOnly.noReason + '/' + s.praiseOnly.texts);
  if (process.argv[3]) for (const s of blended) { const c = s.classification; const g = s.gold.primary; const p = c.primary === 'unknown' ? 'none' : c.primary; if (p !== g) console.log(`${g} <- ${p}\t${s.gold.text.slice(0, 80)}`); }
}
