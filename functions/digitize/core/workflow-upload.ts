import { roles, type RequestContext } from '../../platform/core/principal.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import type { UnitOfWork } from '../../vault/core/unit-of-work.ts';
import type { DocumentStore, FolderStore } from '../../vault/core/vault-store.ts';
import type { AuditHistory } from '../../audit/core/history.ts';
import type { Upload, WorkflowStep } from './upload-model.ts';
import type { UploadStore } from './upload-store.ts';
import { UploadStateError } from './workflow-errors.ts';

/** What the accept, validate, file and fail steps need: the stores they read, the unit of work and the rest. */
export interface FilingDeps extends Pick<VaultDeps, 'blobs' | 'clock' | 'ids' | 'policy' | 'workflow'> {
  repository: UnitOfWork & FolderStore & DocumentStore & UploadStore;
}

/** What the reading steps (RecognizePage, Classify, Extract) need. */
export interface ReadingDeps extends Pick<
  VaultDeps,
  'blobs' | 'clock' | 'ids' | 'policy' | 'templates' | 'population'
> {
  repository: UnitOfWork & UploadStore & AuditHistory;
}

type StepDeps = Pick<VaultDeps, 'clock'> & { repository: UnitOfWork & UploadStore };

/** Filing is the uploader's act, carried out by the workflow: the audit names the uploader. */
export function uploaderContext(upload: Upload): RequestContext {
  const role = roles.find((candidate) => candidate === upload.createdByRole) ?? 'citizen';
  const ownUpload = role === 'citizen' || role === 'organization';
  return {
    principal: {
      sub: upload.createdBy,
      role,
      ...(ownUpload ? { ownerId: upload.ownerId } : {}),
      ...(upload.createdByUnit ? { unit: upload.createdByUnit } : {}),
    },
    sourceIp: upload.requestedFromIp,
    requestId: `upload:${upload.id}`,
  };
}

/** The upload a step acts on; a step for an unknown upload cannot succeed on retry. */
export async function loadUpload(deps: { repository: UploadStore }, uploadId: string): Promise<Upload> {
  const upload = await deps.repository.getUpload(uploadId);
  if (!upload) throw new UploadStateError(`upload ${uploadId} does not exist`);
  return upload;
}

/** Records which step a PROCESSING upload is at, for its status; no audit entry. */
export async function recordStep(
  deps: Pick<VaultDeps, 'clock'> & { repository: UnitOfWork },
  upload: Upload,
  step: WorkflowStep,
): Promise<Upload> {
  if (upload.status !== 'PROCESSING' || upload.step === step) return upload;
  const next: Upload = { ...upload, step, updatedAt: deps.clock.now().toISOString() };
  await deps.repository.commit({ ownerId: upload.ownerId, uploads: [{ next, previous: upload }], audit: [] });
  return next;
}

/** The upload of a reading step (RecognizePage, Classify, Extract): it must still be PROCESSING. */
export async function loadProcessingUpload(deps: StepDeps, uploadId: string): Promise<Upload> {
  const upload = await loadUpload(deps, uploadId);
  if (upload.status !== 'PROCESSING') throw new UploadStateError(`upload ${uploadId} is ${upload.status}`);
  return upload;
}
