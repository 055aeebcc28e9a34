import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { fileResultBody, resultIdParams, resultReceipt, resultStatus, revokeResultBody } from './schemas.ts';

/** The routes of business systems filing results (the integration Lambda). Only machine clients reach them. */
export const integrationRoutes = [
  defineRoute({
    operationId: 'fileResult',
    method: 'POST',
    path: '/v1/integration/results',
    group: 'integration',
    machineScope: 'results:write',
    summary: "A business system files a procedure's result and gets a presigned POST for its file",
    description:
      'Machine clients with results:write only (403 otherwise). A result is identified by (resultType, number, ' +
      'issuer, ownerId): the same identity with the same file.sha256 answers 200 with the same result (a fresh ' +
      'POST if the file never arrived); with another sha256 it is refused with 409 (conflict) unless it is a ' +
      'replacement. Refused with 422 (invalid-input): an owner ID that is not a personal ID or an enterprise ' +
      'code, codes or numbers not in their form or with control characters, dates that are not calendar dates, ' +
      'a content type or size the upload policy refuses, replaces naming no result of this owner. 409 also when ' +
      'the result it replaces is not filed yet, and with 409 (seal-not-configured) while the agency seal has no ' +
      'certificate valid now (results are sealed; the problem names what an administrator must import).',
    body: fileResultBody,
    status: 201,
    repeatStatus: { status: 200, description: 'The same result (identity and content) was filed before' },
    response: resultReceipt,
  }),
  defineRoute({
    operationId: 'getResult',
    method: 'GET',
    path: '/v1/integration/results/{id}',
    group: 'integration',
    machineScope: 'results:read',
    summary: "Processing state of one of the client's own results (never the document's content)",
    description: "Machine clients with results:read only; another client's result answers 404.",
    params: resultIdParams,
    status: 200,
    response: resultStatus,
  }),
  defineRoute({
    operationId: 'revokeResult',
    method: 'POST',
    path: '/v1/integration/results/{id}/revocation',
    group: 'integration',
    machineScope: 'results:write',
    summary: 'The issuing system revokes a result: its document is kept and shown as revoked',
    description:
      "Machine clients with results:write, for their own results only (another client's answers 404). 409 " +
      '(conflict) while the result is not filed yet, and for a result another one replaced (revoke that one). Revoking again answers the result unchanged.',
    params: resultIdParams,
    body: revokeResultBody,
    status: 200,
    response: resultStatus,
  }),
] as const;
