/**
 * `npm run calibrate:review`: fits the calibrated review (field-correctness.ts) and writes its
 * coefficients and page threshold to functions/templates/core/review-calibration.json.
 *
 * The calibration set is drawn from the tuning part of the synthetic corpus with seeds that
 * extraction is not tuned on (11 and 12, two pages of each type per degradation: 264 pages);
 * the held-out part is never read. Pages are read as `bench:extract` reads them (the same OCR
 * cache). The fields of rightly classified pages are the samples; the L2 weight is the one with
 * the least out-of-fold log loss (5 folds by page); the page threshold is chosen on out-of-fold
 * page scores, so the pages it is judged on were not used to fit the scores, then the model is
 * fitted again on all pages. Same pages, same JSON.
 *   CALIBRATION_SEEDS           comma-separated (default 11,12)
 *   CALIBRATION_PAGES_PER_TYPE  (default 2)
 *   OCR_CACHE_DIR               where pages as read are kept (default .khoso/ocr-cache)
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { featureNames, fieldFeatures, scoreFields } from '../../functions/templates/core/field-correctness.ts';
import { allRight, readCorpus, type ReadCorpusPage } from './corpus-reading.ts';
import {
  chooseThreshold,
  fitLogistic,
  logLoss,
  reliabilityCurve,
  type ReliabilityBin,
  type Sample,
} from './review-model-fit.ts';

/** At most this share of pages filed without review may carry a wrong field (issue 13). */
const targetWrongAmongFiled = 0.005;
const folds = 5;
const l2Candidates = [0.01, 0.1, 1, 10];

const seeds = (process.env.CALIBRATION_SEEDS ?? '11,12').split(',').map(Number);
const pagesPerType = Number(process.env.CALIBRATION_PAGES_PER_TYPE ?? 2);
const cacheDir = process.env.OCR_CACHE_DIR ?? '.khoso/ocr-cache';
const outputFile = fileURLToPath(new URL('../../functions/templates/core/review-calibration.json', import.meta.url));
const started = performance.now();

const read = await readCorpus({ parts: ['tuning'], seeds, pagesPerType, cacheDir });
const pages = read.pages;
const foldOf = (index: number) => index % folds;

function samplesOf(page: ReadCorpusPage): Sample[] {
  const template = page.template;
  if (!template) return [];
  return page.readFields.flatMap(({ detail, right }) => {
    const field = template.fields.find((candidate) => candidate.name === detail.name);
    // A required field that was not found scores 0 by rule; the model never sees it.
    if (!field || (detail.value === null && field.required)) return [];
    return [{ features: fieldFeatures(detail, field.normaliser), label: right ? 1 : 0 } satisfies Sample];
  });
}

const samplesByPage = pages.map(samplesOf);
const allSamples = samplesByPage.flat();
const trainingSamples = (fold: number) => samplesByPage.filter((_, i) => foldOf(i) !== fold).flat();

function outOfFoldLoss(l2: number): number {
  let loss = 0;
  for (let fold = 0; fold < folds; fold += 1) {
    const weights = fitLogistic(trainingSamples(fold), l2);
    const held = samplesByPage.filter((_, i) => foldOf(i) === fold).flat();
    loss += logLoss(held, weights) * held.length;
  }
  return loss / allSamples.length;
}

const losses = l2Candidates.map((l2) => ({ l2, loss: outOfFoldLoss(l2) }));
const l2 = losses.reduce((best, candidate) => (candidate.loss < best.loss ? candidate : best)).l2;

// Out-of-fold scores of every page and every field, from models that did not see that page.
const foldWeights = Array.from({ length: folds }, (_, fold) => fitLogistic(trainingSamples(fold), l2));
const oofPages: { score: number; allRight: boolean; page: ReadCorpusPage }[] = [];
const oofFields: { predicted: number; right: boolean; key: string }[] = [];
pages.forEach((page, i) => {
  const weights = foldWeights[foldOf(i)]!;
  if (!page.template || !page.extraction) {
    oofPages.push({ score: 0, allRight: allRight(page), page });
    return;
  }
  const scores = scoreFields(page.template, page.extraction, weights);
  oofPages.push({ score: scores.reduce((product, field) => product * field.score, 1), allRight: allRight(page), page });
  for (const { detail, right } of page.readFields) {
    const score = scores.find((field) => field.name === detail.name)?.score;
    if (score !== undefined) oofFields.push({ predicted: score, right, key: `${page.entry.page.type}.${detail.name}` });
  }
});

const choice = chooseThreshold(oofPages, targetWrongAmongFiled);
const coefficients = fitLogistic(allSamples, l2);
const round = (value: number, digits = 6) => Number(value.toFixed(digits));

// In-sample figures of the final model at the chosen threshold, for comparison with the out-of-fold ones.
const finalScores = pages.map((page) =>
  page.template && page.extraction
    ? scoreFields(page.template, page.extraction, coefficients).reduce((product, field) => product * field.score, 1)
    : 0,
);
const threshold = choice.threshold;
const finalFiled = threshold === null ? [] : pages.filter((_, i) => finalScores[i]! >= threshold);

const calibration = {
  features: featureNames,
  coefficients: coefficients.map((value) => round(value)),
  pageThreshold: threshold === null ? null : round(threshold),
  fitted: {
    command: 'npm run calibrate:review',
    corpus: { part: 'tuning', seeds, pagesPerType },
    engineKey: read.engineKey,
    pages: pages.length,
    fields: allSamples.length,
    l2,
    targetWrongAmongFiled,
  },
};
// Written as the repository formats JSON, so that a refit diffs only in what changed.
const prettierOptions = { ...(await resolveConfig(outputFile)), parser: 'json' };
await writeFile(outputFile, await format(JSON.stringify(calibration), prettierOptions));

const percent = (value: number) => `${(100 * value).toFixed(1)} %`;
function printCurve(title: string, bins: ReliabilityBin[]) {
  console.log(`\n${title}\n  predicted      count  mean predicted  observed right`);
  for (const bin of bins) {
    if (bin.count === 0) continue;
    const range = `${bin.from.toFixed(2)}–${bin.to.toFixed(2)}`.padEnd(13);
    console.log(
      `  ${range}  ${String(bin.count).padStart(5)}  ${bin.meanPredicted.toFixed(3).padStart(14)}  ${bin.observedRight.toFixed(3).padStart(14)}`,
    );
  }
}

console.log(
  `calibrate:review — ${pages.length} pages (tuning part, seeds ${seeds.join(', ')}, ${pagesPerType} per type)`,
);
console.log(`  read by the engine: ${read.pagesReadByEngine}; fields fitted: ${allSamples.length}`);
console.log(
  `  L2 by out-of-fold log loss: ${losses.map((l) => `${l.l2} → ${l.loss.toFixed(4)}`).join(', ')}; chosen ${l2}`,
);
printCurve(
  'Reliability, pages (out of fold): predicted page score vs share of pages with every field right',
  reliabilityCurve(oofPages.map((page) => ({ predicted: page.score, right: page.allRight }))),
);
printCurve(
  'Reliability, fields (out of fold): predicted field score vs share read exactly',
  reliabilityCurve(oofFields.map((field) => ({ predicted: field.predicted, right: field.right }))),
);
console.log('\nPer field (out of fold): mean predicted vs observed right');
for (const key of [...new Set(oofFields.map((field) => field.key))].sort()) {
  const of = oofFields.filter((field) => field.key === key);
  const predicted = of.reduce((sum, field) => sum + field.predicted, 0) / of.length;
  const observed = of.filter((field) => field.right).length / of.length;
  console.log(`  ${key.padEnd(36)} ${String(of.length).padStart(4)}  ${predicted.toFixed(3)}  ${observed.toFixed(3)}`);
}
console.log(
  `\nPage threshold ${threshold === null ? 'none: no score meets the target, every page is reviewed' : round(threshold)}` +
    ` (target: at most ${percent(targetWrongAmongFiled)} wrong among filed)`,
);
console.log(
  `  out of fold: filed without review ${choice.filed}/${pages.length} (${percent(choice.filed / pages.length)}), ` +
    `wrong among filed ${choice.wrongAmongFiled}, model-expected wrong rate ${percent(choice.predictedWrongRate)}, ` +
    `95 % upper bound ${percent(choice.upperBound95)}`,
);
console.log(
  `  final model, same pages: filed ${finalFiled.length}/${pages.length} (${percent(finalFiled.length / pages.length)}), ` +
    `wrong among filed ${finalFiled.filter((page) => !allRight(page)).length}`,
);
console.log(`  pages with every field right: ${pages.filter(allRight).length}/${pages.length}`);
// What keeps the threshold up: wrong pages the model scored highest, with the fields that were wrong.
console.log('\nWrong pages with the highest out-of-fold scores');
for (const { score, page } of oofPages
  .filter((candidate) => !candidate.allRight)
  .sort((a, b) => b.score - a.score)
  .slice(0, 8)) {
  const wrong = page.fields
    .filter((field) => field.got !== field.expected)
    .map((field) => `${field.name}: ${JSON.stringify(field.got)} for ${JSON.stringify(field.expected)}`);
  console.log(`  ${score.toFixed(3)}  ${page.entry.page.id} (${page.entry.degradation})  ${wrong.join('; ')}`);
}
console.log(
  `\nwrote ${calibration.features.length} coefficients in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
