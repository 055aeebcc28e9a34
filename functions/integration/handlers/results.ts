import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';
import { integrationRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { fileResult, getResultStatus, revokeResult, type IntegrationDeps, type ResultStatus } from '../core/results.ts';

/** The wire view of a result: its processing state, the document once filed, never content. */
function statusOf({ result, upload }: ResultStatus) {
  const filed = upload?.status === 'DONE';
  return {
    id: result.id,
    resultType: result.resultType,
    number: result.number,
    ownerId: result.ownerId,
    state: upload?.status ?? 'FAILED',
    ...(upload?.step ? { step: upload.step } : {}),
    ...(upload?.failureReason ? { failureReason: upload.failureReason } : {}),
    ...(filed ? { documentId: upload.documentId, versionNumber: upload.versionNumber } : {}),
    ...(result.replaces ? { replaces: result.replaces } : {}),
    ...(result.replacedBy ? { replacedBy: result.replacedBy } : {}),
    revoked: Boolean(result.revokedAt),
    ...(result.revokedAt ? { revokedAt: result.revokedAt, revocationReason: result.revocationReason } : {}),
    createdAt: result.createdAt,
    updatedAt: result.updatedAt,
  };
}

export function createIntegrationHandler(deps: IntegrationDeps) {
  return createHttpHandler(integrationRoutes, {
    fileResult: async ({ context, body }) => {
      const receipt = await fileResult(deps, context, body);
      return {
        status: receipt.created ? 201 : 200,
        body: present(s.resultReceipt, {
          resultId: receipt.result.id,
          created: receipt.created,
          ...(receipt.presigned ? { upload: receipt.presigned } : {}),
          status: statusOf(receipt),
        }),
      };
    },
    getResult: async ({ context, params: { id } }) => ({
      body: present(s.resultStatus, statusOf(await getResultStatus(deps, context, id))),
    }),
    revokeResult: async ({ context, params: { id }, body }) => ({
      body: present(s.resultStatus, statusOf(await revokeResult(deps, context, id, body.reason))),
    }),
  });
}

export const handler = lazyHandler(() => createIntegrationHandler(awsVaultDeps()));
