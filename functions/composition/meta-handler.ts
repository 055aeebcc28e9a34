import { apiRoutes } from './api-routes.ts';
import { lazyHandler } from '../platform/lazy-handler.ts';
import { createHttpHandler } from '../platform/http/http-handler.ts';
import { metaRoutes } from '../platform/http/meta-routes.ts';
import { openApiDocument } from '../platform/http/openapi.ts';
import { apiReferenceStyleHash, renderApiReference } from '../platform/http/api-reference.ts';

export const apiVersion = '0.1.0';

let reference: string | undefined;

/** Health, the OpenAPI document and the rendered reference: public, and free of vault dependencies. */
export function createMetaHandler() {
  return createHttpHandler(metaRoutes, {
    getHealth: async () => ({ body: { status: 'ok', version: apiVersion } }),
    getOpenApi: async () => ({
      rawBody: JSON.stringify(openApiDocument(apiRoutes, apiVersion)),
      headers: { 'cache-control': 'public, max-age=300' },
    }),
    getDocs: async () => {
      reference ??= renderApiReference(openApiDocument(apiRoutes, apiVersion));
      return {
        rawBody: reference,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'public, max-age=300',
          // No script may run and only the page's own stylesheet applies.
          'content-security-policy': `default-src 'none'; style-src ${apiReferenceStyleHash}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        },
      };
    },
  });
}

export const handler = lazyHandler(createMetaHandler);
