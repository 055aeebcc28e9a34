import { dynamoDocumentClient } from '../../platform/adapters/aws-clients.ts';
import { DynamoAuditLog } from '../adapters/dynamo-audit-log.ts';
import { verifyOwnerAuditChain, type AuditLog } from '../core/audit-log.ts';
import { loadLambdaConfig } from '../../composition/config.ts';
import { auditRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

/** Administration of the audit log: verifying an owner's hash chain. Reads only. */
export function createAuditHandler(deps: { auditLog: AuditLog }) {
  return createHttpHandler(auditRoutes, {
    verifyAuditChain: async ({ context, params: { ownerId } }) => ({
      body: present(s.auditChainVerification, await verifyOwnerAuditChain(deps, context, ownerId)),
    }),
  });
}

export const handler = lazyHandler(() =>
  createAuditHandler({ auditLog: new DynamoAuditLog(dynamoDocumentClient(), loadLambdaConfig().TABLE_NAME) }),
);
