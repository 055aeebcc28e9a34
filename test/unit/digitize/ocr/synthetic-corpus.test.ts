import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  builtinTypes,
  corpusPlan,
  heldOutFonts,
  heldOutVariants,
  layoutVariants,
  renderDegraded,
  syntheticPage,
  type CorpusPage,
} from '../../../fixtures/ocr/synthetic-corpus.ts';

const groundTruth = JSON.parse(
  readFileSync(new URL('../../../fixtures/ocr/types/ground-truth.json', import.meta.url), 'utf8'),
) as Record<string, { ownerId: string; fields: Record<string, string | number> }>;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const truthOf = (entry: CorpusPage) => ({
  id: entry.page.id,
  degradation: entry.degradation,
  seed: entry.seed,
  text: entry.page.text,
  fields: entry.page.fields,
  marks: entry.page.spec.marks,
});

describe('synthetic OCR corpus', () => {
  test('the same seed gives the same plan, ground truth and page images', async () => {
    for (const part of ['tuning', 'held-out'] as const) {
      assert.deepEqual(corpusPlan(1, 77, part).map(truthOf), corpusPlan(1, 77, part).map(truthOf));
    }
    assert.notDeepEqual(corpusPlan(1, 77).map(truthOf), corpusPlan(1, 78).map(truthOf));
    // One page per new artefact, drawn twice: byte for byte the same image.
    const plan = corpusPlan(1, 77, 'held-out');
    for (const degradation of ['skew-2-5deg', 'shadow', 'bleed-through', 'fold', 'fax-200dpi-bilevel'] as const) {
      const entry = plan.find((candidate) => candidate.degradation === degradation);
      assert.ok(entry, degradation);
      const [first, second] = [await renderDegraded(entry), await renderDegraded(entry)];
      assert.equal(sha256(first.bytes), sha256(second.bytes), degradation);
      assert.ok(first.bytes.length > 1000, degradation);
    }
  });

  test('variant 0 still draws the committed pages of types/', () => {
    for (const type of builtinTypes) {
      const page = syntheticPage(type, 4242);
      assert.equal(page.ownerId, groundTruth[type]?.ownerId, type);
      assert.deepEqual(page.fields, groundTruth[type]?.fields, type);
    }
  });

  test('every type has every layout, each with the same ground-truth fields whatever the layout', () => {
    for (const type of builtinTypes) {
      const texts = new Set<string>();
      for (let variant = 0; variant < layoutVariants; variant += 1) {
        const page = syntheticPage(type, 99, { variant });
        assert.deepEqual(page.fields, syntheticPage(type, 99).fields, `${type} v${variant}`);
        texts.add(page.text);
      }
      assert.equal(texts.size, layoutVariants, `${type}: the layouts differ`);
    }
  });

  test('the held-out part shares no seed, layout or font it holds back with the tuning part', () => {
    const tuning = corpusPlan(2, 2024, 'tuning');
    const heldOut = corpusPlan(2, 2024, 'held-out');
    const tuningSeeds = new Set(tuning.map((entry) => entry.page.id.replace(/^.*-/u, '')));
    assert.equal(
      heldOut.filter((entry) => tuningSeeds.has(entry.page.id.replace(/^.*-/u, ''))).length,
      0,
      'no page seed in both parts',
    );
    assert.equal(tuning.filter((entry) => heldOutVariants.includes(entry.page.variant)).length, 0);
    assert.equal(tuning.filter((entry) => heldOutFonts.includes(entry.page.spec.font)).length, 0);
    for (const type of builtinTypes) {
      const ofType = heldOut.filter((entry) => entry.page.type === type);
      for (const variant of heldOutVariants)
        assert.ok(
          ofType.some((entry) => entry.page.variant === variant),
          `${type}: held-out layout ${variant} present`,
        );
    }
    assert.ok(heldOut.some((entry) => heldOutFonts.includes(entry.page.spec.font)));
    // Both parts carry the seals and signatures, and a page's truth is its text and fields.
    for (const part of [tuning, heldOut]) {
      assert.ok(part.some((entry) => entry.page.spec.marks?.seal));
      for (const entry of part) assert.ok(Object.keys(entry.page.fields).length >= 4);
    }
  });
});
