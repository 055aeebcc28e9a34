import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { createPullBody, pull, pullParams, pullReport } from './schemas.ts';

/** Pulls of an owner's papers from the national warehouse (the pulls Lambda). */
export const pullRoutes = [
  defineRoute({
    operationId: 'createPull',
    method: 'POST',
    path: '/v1/national-warehouse/pulls',
    group: 'pulls',
    summary: "Pull the caller's papers for a procedure from the national warehouse into their vault",
    description:
      'Answers at once; the pull runs in the background. Each file is checked like an upload, filed once in the ' +
      'folder "Từ kho dữ liệu quốc gia" (source imported, never sealed by us), and reported already-in-vault when ' +
      'the vault holds the same paper (type, number, issuing body) or the same content.',
    body: createPullBody,
    status: 202,
    response: pull,
  }),
  defineRoute({
    operationId: 'getPull',
    method: 'GET',
    path: '/v1/national-warehouse/pulls/{id}',
    group: 'pulls',
    summary: "A pull's state and each file's outcome (only the requester and the owner see it)",
    params: pullParams,
    status: 200,
    response: pullReport,
  }),
];
