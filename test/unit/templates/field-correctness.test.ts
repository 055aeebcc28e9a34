import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ocrPage } from './ocr-page-fixture.ts';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import {
  featureNames,
  fieldFeatures,
  reviewCalibration,
  reviewPage,
  type ReviewCalibration,
} from '../../../functions/templates/core/field-correctness.ts';
import {
  recognitionTemplateSchema,
  type RecognitionTemplate,
  type TemplateField,
} from '../../../functions/templates/core/template-model.ts';
import {
  chooseThreshold,
  fitLogistic,
  reliabilityCurve,
  upperBound95,
  type Sample,
} from '../../bench/review-model-fit.ts';

const congVan = builtinTemplates('2026-01-01T00:00:00.000Z').find((candidate) => candidate.key === 'cong-van');

function template(fields: TemplateField[]): RecognitionTemplate {
  return recognitionTemplateSchema.parse({ ...congVan, id: 'test', key: 'test', fields, stopLabels: [] });
}

const feature = (values: number[], name: (typeof featureNames)[number]) => values[featureNames.indexOf(name)];

/** A calibration that trusts a field by its least word confidence alone: p = σ(20 × (least − 0.9)). */
function byLeastConfidence(pageThreshold: number): ReviewCalibration {
  const coefficients = featureNames.map((name) => (name === 'bias' ? -18 : name === 'leastWordConfidence' ? 20 : 0));
  return { features: [...featureNames], coefficients, pageThreshold };
}

describe('field features', () => {
  const fields: TemplateField[] = [
    { name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true },
    { name: 'address', labels: ['Nơi thường trú'], maxLines: 3, normaliser: 'text', required: true },
    { name: 'personalId', labels: ['Số định danh cá nhân', 'Số CCCD'], normaliser: 'personal-id', required: true },
    { name: 'note', labels: ['Ghi chú'], normaliser: 'text', required: false },
  ];
  const page = ocrPage([
    { y: 100, x: 60, text: 'Ho va ten: NGUYỄN THỊ HƯƠNG', confidences: { HƯƠNG: 0.7 } },
    { y: 150, x: 60, text: 'Nơi thường trú: Số 12 phố Hàng Bạc, phường Hàng Đào,' },
    { y: 190, x: 60, text: 'quận Hoàn Kiếm, thành phố Hà Nội' },
    { y: 240, x: 60, text: 'Số định dang cá nhân: 001190012345' },
    { y: 290, x: 60, text: 'Số CCCD: 001190012345' },
  ]);
  const extraction = extractFields(template(fields), [page]);
  const detail = (name: string) => extraction.details.find((candidate) => candidate.name === name)!;

  test('extraction tells how each value was found, over how many lines, and whether another reading agrees', () => {
    assert.deepEqual(detail('fullName').foundBy, { kind: 'label', label: 'Họ và tên', editRatio: 0 });
    assert.equal(detail('fullName').recognition.least, 0.7);
    assert.ok(Math.abs(detail('fullName').recognition.mean - (0.96 * 9 + 0.7 * 5) / 14) < 1e-9, 'mean by character');
    assert.equal(detail('address').lines, 2);
    assert.equal(detail('address').value, 'Số 12 phố Hàng Bạc, phường Hàng Đào, quận Hoàn Kiếm, thành phố Hà Nội');
    const personalId = detail('personalId');
    assert.equal(personalId.foundBy?.kind, 'label');
    assert.ok(
      personalId.foundBy?.kind === 'label' && personalId.foundBy.editRatio > 0,
      `approximate label: ${JSON.stringify(personalId.foundBy)}`,
    );
    assert.deepEqual(personalId.agreement, { agreeing: 1, disagreeing: 0 });
  });

  test('features are the extraction facts, in the order of the coefficients', () => {
    const name = fieldFeatures(detail('fullName'), 'name');
    assert.equal(name.length, featureNames.length);
    assert.equal(feature(name, 'bias'), 1);
    assert.equal(feature(name, 'leastWordConfidence'), 0.7);
    assert.equal(feature(name, 'foundByApproximateLabel'), 0);
    assert.equal(feature(name, 'normaliser:name'), 1);
    assert.equal(feature(name, 'normaliser:text'), 0);
    const address = fieldFeatures(detail('address'), 'text');
    assert.equal(feature(address, 'continuedOverLines'), 1);
    assert.equal(feature(address, 'longValue'), Math.min(1, detail('address').raw!.length / 80));
    const personalId = fieldFeatures(detail('personalId'), 'personal-id');
    assert.equal(feature(personalId, 'foundByApproximateLabel'), 1);
    assert.ok(feature(personalId, 'labelEditRatio')! > 0, 'edit ratio');
    assert.equal(feature(personalId, 'agreedByAnotherReading'), 1);
    assert.equal(feature(personalId, 'contradictedByAnotherReading'), 0);
    const note = fieldFeatures(detail('note'), 'text');
    assert.equal(feature(note, 'missing'), 1);
    assert.equal(feature(note, 'leastWordConfidence'), 0);
  });

  test('two readings that disagree are a feature of the field', () => {
    const disagreeing = extractFields(template(fields), [
      ocrPage([
        { y: 240, x: 60, text: 'Số định danh cá nhân: 001190012345' },
        { y: 290, x: 60, text: 'Số CCCD: 001190012346' },
      ]),
    ]).details.find((candidate) => candidate.name === 'personalId')!;
    assert.deepEqual(disagreeing.agreement, { agreeing: 0, disagreeing: 1 });
    assert.equal(feature(fieldFeatures(disagreeing, 'personal-id'), 'contradictedByAnotherReading'), 1);
  });
});

describe('page review', () => {
  const fields: TemplateField[] = [
    { name: 'number', labels: ['Số:'], normaliser: 'code', required: true },
    { name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true },
  ];

  test('the page score is the product of the field scores; the weak field is named with its score', () => {
    const extraction = extractFields(template(fields), [
      ocrPage([
        { y: 100, x: 60, text: 'Số: 125/XN-CAP' },
        { y: 150, x: 60, text: 'Họ và tên: NGUYỄN THỊ HƯƠNG', confidences: { HƯƠNG: 0.85 } },
      ]),
    ]);
    const review = reviewPage(template(fields), extraction, byLeastConfidence(0.5));
    const expected = [1 / (1 + Math.exp(-20 * (0.96 - 0.9))), 1 / (1 + Math.exp(-20 * (0.85 - 0.9)))];
    assert.deepEqual(
      review.fields.map((field) => field.name),
      ['number', 'fullName'],
    );
    review.fields.forEach((field, i) => assert.ok(Math.abs(field.score - expected[i]!) < 1e-12, field.name));
    assert.ok(Math.abs(review.score - expected[0]! * expected[1]!) < 1e-12, 'product');
    assert.equal(review.passes, false);
    assert.deepEqual(review.reasons, [
      `field fullName: score ${expected[1]!.toFixed(2)}`,
      `page score ${review.score.toFixed(2)} is below 0.500`,
    ]);
  });

  test('a missing required field scores 0 and keeps the page from passing any threshold', () => {
    const extraction = extractFields(template(fields), [ocrPage([{ y: 100, x: 60, text: 'Số: 125/XN-CAP' }])]);
    const review = reviewPage(template(fields), extraction, byLeastConfidence(0.01));
    assert.equal(review.score, 0);
    assert.ok(review.reasons.includes('field fullName: not found'), review.reasons.join('; '));
  });

  test('a page whose fields are all sure passes, with no reasons', () => {
    const extraction = extractFields(template(fields), [
      ocrPage([
        { y: 100, x: 60, text: 'Số: 125/XN-CAP', confidences: { '125/XN-CAP': 0.99 } },
        { y: 150, x: 60, text: 'Họ và tên: NGUYỄN THỊ HƯƠNG', confidences: { NGUYỄN: 0.99, THỊ: 0.99, HƯƠNG: 0.99 } },
      ]),
    ]);
    const review = reviewPage(template(fields), extraction, byLeastConfidence(0.7));
    // σ(20 × (0.99 − 0.9))² ≈ 0.736
    assert.ok(review.score > 0.7, `score ${review.score}`);
    assert.deepEqual([review.passes, review.reasons], [true, []]);
  });

  test('the committed calibration matches the features and was fitted', () => {
    const calibration = reviewCalibration();
    assert.deepEqual(calibration.features, [...featureNames]);
    const threshold = calibration.pageThreshold;
    assert.ok(threshold === null || (threshold > 0 && threshold <= 1), 'a threshold in (0, 1], or none');
    assert.ok(
      calibration.coefficients.some((value) => value !== 0),
      'coefficients written by calibrate:review',
    );
  });
});

describe('fitting the review model', () => {
  /** A deterministic pseudo-random sequence, so the synthetic set is the same on every run. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
  }

  test('recovers the coefficients of a known logistic model', () => {
    const next = random(7);
    const truth = [-2, 5];
    const samples: Sample[] = Array.from({ length: 4000 }, () => {
      const x = next();
      const p = 1 / (1 + Math.exp(-(truth[0]! + truth[1]! * x)));
      return { features: [1, x], label: next() < p ? 1 : 0 };
    });
    const weights = fitLogistic(samples, 0.01);
    assert.ok(Math.abs(weights[0]! - truth[0]!) < 0.35, `bias ${weights[0]}`);
    assert.ok(Math.abs(weights[1]! - truth[1]!) < 0.6, `slope ${weights[1]}`);
    assert.deepEqual(fitLogistic(samples, 0.01), weights, 'same data, same coefficients');
  });

  test('L2 keeps a feature that separates a few samples perfectly from running away', () => {
    const samples: Sample[] = [
      ...Array.from({ length: 50 }, (_, i) => ({ features: [1, 0], label: (i % 5 === 0 ? 0 : 1) as 0 | 1 })),
      { features: [1, 1], label: 1 },
      { features: [1, 1], label: 1 },
    ];
    const weights = fitLogistic(samples, 1);
    assert.ok(weights[1]! > 0 && weights[1]! < 3, `rare feature weight ${weights[1]}`);
  });

  test('the threshold is the lowest score with no wrong page filed and an expected wrong rate within the target', () => {
    const pages = [
      { score: 0.999, allRight: true },
      { score: 0.998, allRight: true },
      { score: 0.997, allRight: true },
      { score: 0.99, allRight: true },
      { score: 0.98, allRight: false },
      { score: 0.5, allRight: true },
    ];
    // Mean of 1 − score over the first four: (0.001 + 0.002 + 0.003 + 0.01) / 4 = 0.004 ≤ 0.005.
    const choice = chooseThreshold(pages, 0.005);
    assert.equal(choice.threshold, 0.99);
    assert.equal(choice.filed, 4);
    assert.equal(choice.wrongAmongFiled, 0);
    assert.ok(Math.abs(choice.predictedWrongRate - 0.004) < 1e-12, `${choice.predictedWrongRate}`);
    // A tighter target stops before the page at 0.99: (0.001 + 0.002 + 0.003) / 3 = 0.002.
    assert.equal(chooseThreshold(pages, 0.003).threshold, 0.997);
    // The wrong page at the top: nothing can be filed.
    assert.deepEqual(chooseThreshold([{ score: 0.999, allRight: false }, ...pages], 0.005), {
      threshold: null,
      filed: 0,
      wrongAmongFiled: 0,
      predictedWrongRate: 0,
      upperBound95: 1,
    });
  });

  test('the 95 % upper bound of 0 wrong in n is 1 − 0.05^(1/n), about 3/n', () => {
    assert.ok(Math.abs(upperBound95(0, 100) - (1 - Math.pow(0.05, 1 / 100))) < 1e-9, `${upperBound95(0, 100)}`);
    assert.ok(upperBound95(0, 600) < 0.005 && upperBound95(0, 590) > 0.005, 'about 600 pages show 0.5 %');
    assert.ok(upperBound95(2, 100) > upperBound95(0, 100), 'more wrong, higher bound');
  });

  test('the reliability curve bins predictions and counts what was right', () => {
    const bins = reliabilityCurve([
      { predicted: 0.05, right: false },
      { predicted: 0.97, right: true },
      { predicted: 0.96, right: false },
      { predicted: 1, right: true },
    ]);
    const bin = (from: number) => bins.find((candidate) => candidate.from === from)!;
    assert.deepEqual([bin(0).count, bin(0).observedRight], [1, 0]);
    assert.deepEqual([bin(0.95).count, bin(0.95).observedRight, bin(0.95).meanPredicted], [2, 0.5, 0.965]);
    assert.equal(bin(0.99).count, 1);
  });
});

describe('the committed model', () => {
  const fields: TemplateField[] = [
    { name: 'fullName', labels: ['Họ và tên'], normaliser: 'name', required: true },
    { name: 'dateOfBirth', labels: ['Ngày sinh'], normaliser: 'date', required: true },
    { name: 'personalId', labels: ['Số định danh cá nhân'], normaliser: 'personal-id', required: true },
  ];
  const read = (personalId: string) =>
    extractFields(template(fields), [
      ocrPage([
        { y: 100, x: 60, text: 'Họ và tên: NGUYỄN THỊ HƯƠNG' },
        { y: 150, x: 60, text: 'Ngày sinh: 15/03/1990' },
        { y: 200, x: 60, text: `Số định danh cá nhân: ${personalId}` },
      ]),
    ]);

  test('a field its validator finds invalid scores below the same field found valid, and is named', () => {
    const valid = read('001190012345');
    // Its birth year (1985) is not the date of birth's: the value is kept, marked invalid.
    const invalid = read('001185012345');
    const personalId = (extraction: typeof valid) => extraction.details.find((field) => field.name === 'personalId')!;
    assert.equal(personalId(valid).validation.outcome, 'valid');
    assert.equal(personalId(invalid).validation.outcome, 'invalid');
    // The threshold at the valid page's score: the same page with the ID found invalid falls below it.
    const threshold = reviewPage(template(fields), valid, { ...reviewCalibration(), pageThreshold: 0 }).score;
    const calibration = { ...reviewCalibration(), pageThreshold: threshold };
    const scoreOf = (extraction: typeof valid) =>
      reviewPage(template(fields), extraction, calibration).fields.find((field) => field.name === 'personalId')!.score;
    assert.ok(scoreOf(invalid) < scoreOf(valid), `invalid ${scoreOf(invalid)}, valid ${scoreOf(valid)}`);
    assert.ok(reviewPage(template(fields), valid, calibration).passes, 'the valid page passes');
    const review = reviewPage(template(fields), invalid, calibration);
    assert.equal(review.passes, false);
    assert.match(review.reasons[0]!, /^field personalId: score 0\.\d\d$/);
  });
});
