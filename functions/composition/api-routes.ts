import { auditRoutes } from '../audit/handlers/routes.ts';
import { uploadRoutes } from '../digitize/handlers/routes.ts';
import { metaRoutes } from '../platform/http/meta-routes.ts';
import { sharingRoutes } from '../sharing/handlers/routes.ts';
import { signatureRoutes } from '../signing/handlers/routes.ts';
import { templateRoutes } from '../templates/handlers/routes.ts';
import { documentRoutes, folderRoutes } from '../vault/handlers/routes.ts';

/**
 * The HTTP API, once: each feature declares its routes, and this list of them is what the
 * embedded runtime and CDK route from and /openapi.json is generated from.
 */
export const apiRoutes = [
  ...metaRoutes,
  ...folderRoutes,
  ...uploadRoutes,
  ...documentRoutes,
  ...templateRoutes,
  ...signatureRoutes,
  ...auditRoutes,
  ...sharingRoutes,
] as const;
