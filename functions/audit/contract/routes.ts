import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { auditChainParams, auditChainVerification } from './schemas.ts';

/** The audit-administration routes (the audit Lambda). */
export const auditRoutes = [
  defineRoute({
    operationId: 'verifyAuditChain',
    method: 'GET',
    path: '/v1/admin/audit-chains/{ownerId}/verification',
    group: 'audit',
    summary:
      "Re-compute an owner's audit hash chain and report its first broken link (administrators; owner: a personal " +
      'ID, an enterprise code, templates or signing)',
    params: auditChainParams,
    status: 200,
    response: auditChainVerification,
  }),
] as const;
