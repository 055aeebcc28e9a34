import { awsPullDeps } from '../../composition/aws-pull-deps.ts';
import { refusedLookupAudit } from '../../audit/core/audit.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { present } from '../../platform/http/present.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { pullRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { getPull, requestPull, type PullDeps } from '../core/pull-results.ts';

export function createPullsHandler(deps: PullDeps) {
  return createHttpHandler(
    pullRoutes,
    {
      createPull: async ({ context, body }) => ({ body: present(s.pull, await requestPull(deps, context, body)) }),
      getPull: async ({ context, params: { id } }) => ({
        body: present(s.pullReport, await getPull(deps, context, id)),
      }),
    },
    { onNotFound: refusedLookupAudit(deps, 'pull') },
  );
}

export const handler = lazyHandler(() => createPullsHandler(awsPullDeps()));
