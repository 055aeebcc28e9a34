import { classifyDocument } from '../../templates/core/classify.ts';
import { usableTemplates } from '../../templates/core/manage-templates.ts';
import { readWorkingPages } from './working-pages.ts';
import { loadProcessingUpload, recordStep, uploaderContext, type ReadingDeps } from './workflow-upload.ts';

export interface ClassifiedUpload {
  uploadId: string;
  templateId?: string;
  templateVersion?: number;
  type?: string;
  score: number;
}

/** Workflow step: picks the best template the uploader may use, by score. */
export async function classifyUpload(
  deps: ReadingDeps,
  input: { uploadId: string; pageCount: number },
): Promise<ClassifiedUpload> {
  const upload = await recordStep(deps, await loadProcessingUpload(deps, input.uploadId), 'classify');
  const context = uploaderContext(upload);
  const pages = await readWorkingPages(deps, upload.id, input.pageCount);
  const { best, candidates } = classifyDocument(pages, await usableTemplates(deps, context), context.principal);
  if (!best) return { uploadId: upload.id, score: candidates[0]?.score ?? 0 };
  return {
    uploadId: upload.id,
    templateId: best.templateId,
    templateVersion: best.templateVersion,
    type: best.key,
    score: best.score,
  };
}
