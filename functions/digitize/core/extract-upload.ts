import { isEnterpriseCode, isPersonalId } from '../../platform/core/principal.ts';
import { InvalidInputError } from '../../platform/core/errors.ts';
import { extractFields } from '../../templates/core/extract.ts';
import { reviewPage } from '../../templates/core/field-correctness.ts';
import type { ProposedRecognition, Recognition, Upload } from './upload-model.ts';
import type { ClassifiedUpload } from './classify-upload.ts';
import { identifyPageOwner } from './identify-owner.ts';
import { readWorkingPages } from './working-pages.ts';
import { loadProcessingUpload, recordStep, type ReadingDeps } from './workflow-upload.ts';

const textKey = (upload: Upload) => `text/${upload.ownerId}/${upload.id}.txt`;

/** Text kept in the payload for the reviewer; the whole text is stored with the document. */
const maxProposedText = 20_000;

export interface ExtractedUpload {
  recognition: Recognition;
  needsReview: boolean;
  proposed: ProposedRecognition;
}

/** The owner an issued document names must be the owner the officer uploaded it for. */
function ownerMismatch(upload: Upload, fields: Recognition['fields']): string | undefined {
  for (const name of ['personalId', 'enterpriseCode'] as const) {
    const value = fields[name];
    if (typeof value !== 'string') continue;
    const isIdentifier = name === 'personalId' ? isPersonalId(value) : isEnterpriseCode(value);
    if (isIdentifier && value !== upload.ownerId)
      return `the document names ${name} ${value}, not the owner ${upload.ownerId}`;
  }
  return undefined;
}

/**
 * Workflow step: extracts the chosen template's fields, stores the recognised text, and
 * decides whether someone must look before filing. An officer's upload is reviewed when it is
 * unclassified, when its calibrated page score (field-correctness.ts: the probability that
 * every field is right) is below the calibrated threshold, when it names another owner, or when
 * its owner is not confirmed by the population database (identify-owner.ts). When the database
 * confirms the owner but the page's name matched only with diacritics folded, the name field
 * takes the database's spelling, with no review reason: the registry is the authority on the
 * owner's name and the page's marks were misread (a page whose base letters differ is a
 * mismatch and goes to review). A citizen's own scan never waits: it is filed with its type
 * when a template matched (the classifier is far surer of the type than the reading of every
 * field), with its fields only when the page passes (the citizen can add them later). The
 * confidence recorded is the page score.
 */
export async function extractUpload(
  deps: ReadingDeps,
  input: { classified: ClassifiedUpload; pageCount: number },
): Promise<ExtractedUpload> {
  const { classified } = input;
  const upload = await recordStep(deps, await loadProcessingUpload(deps, classified.uploadId), 'extract');
  const pages = await readWorkingPages(deps, upload.id, input.pageCount);
  const text = pages.map((page) => page.text).join('\f');
  const textBlobKey = textKey(upload);
  await deps.blobs.write(textBlobKey, new TextEncoder().encode(text), 'text/plain; charset=utf-8');

  const template =
    classified.templateId && classified.templateVersion
      ? await deps.templates.getTemplateVersion(classified.templateId, classified.templateVersion)
      : undefined;
  if (classified.templateId && !template)
    throw new InvalidInputError(`template ${classified.templateId} v${classified.templateVersion} is gone`);
  const extraction = template ? extractFields(template, pages, { today: deps.clock.now() }) : undefined;
  const extracted = extraction?.fields ?? {};
  const review = template && extraction ? reviewPage(template, extraction) : undefined;
  const confidence = review?.score ?? 0;
  const issued = upload.source === 'issued';
  const reasons: string[] = [];
  if (!template && issued) reasons.push('the document matches no template');
  if (review && !review.passes) reasons.push(...review.reasons);
  const mismatch = issued ? ownerMismatch(upload, extracted) : undefined;
  if (mismatch) reasons.push(mismatch);
  const identification = issued ? await identifyPageOwner(deps, upload, extracted) : undefined;
  if (identification) reasons.push(...identification.reasons);
  const fields = identification?.nameAsRegistered
    ? { ...extracted, fullName: identification.nameAsRegistered }
    : extracted;
  const fieldsTrusted = template !== undefined && (issued || review?.passes === true);
  const recognition: Recognition = {
    // The citizen's own file name stays the title unless the page passed.
    ...(template ? { type: template.key } : {}),
    ...(fieldsTrusted ? { title: template.name } : {}),
    fields: fieldsTrusted ? fields : {},
    confidence,
    textBlobKey,
  };
  return {
    recognition,
    needsReview: issued && reasons.length > 0,
    proposed: {
      ...(template ? { type: template.key } : {}),
      fields,
      confidence,
      text: text.slice(0, maxProposedText),
      reasons,
    },
  };
}
