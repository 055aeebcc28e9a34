import { auditRoutes } from '../audit/contract/routes.ts';
import { authRoutes } from '../auth/contract/routes.ts';
import { uploadRoutes } from '../digitize/contract/routes.ts';
import { integrationRoutes } from '../integration/contract/routes.ts';
import { metaRoutes } from '../platform/http/meta-routes.ts';
import { sharingRoutes } from '../sharing/contract/routes.ts';
import { pullRoutes } from '../sync/contract/routes.ts';
import { signatureRoutes } from '../signing/contract/routes.ts';
import { unitSyncRoutes } from '../sync/contract/routes.ts';
import { portalLinkRoutes, pushSyncRoutes } from '../sync/contract/push-routes.ts';
import { templateRoutes } from '../templates/contract/routes.ts';
import { documentRoutes, folderRoutes } from '../vault/contract/routes.ts';

/**
 * The HTTP API, once: each feature declares its routes, and this list of them is what the
 * embedded runtime and CDK route from and /openapi.json is generated from.
 */
export const apiRoutes = [
  ...metaRoutes,
  ...authRoutes,
  ...folderRoutes,
  ...uploadRoutes,
  ...documentRoutes,
  ...templateRoutes,
  ...signatureRoutes,
  ...auditRoutes,
  ...sharingRoutes,
  ...unitSyncRoutes,
  ...pullRoutes,
  ...integrationRoutes,
  ...pushSyncRoutes,
  ...portalLinkRoutes,
] as const;
