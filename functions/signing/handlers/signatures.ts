import { awsVaultDeps } from '../../composition/aws-deps.ts';
import type { SignatureProviderName } from '../core/signature-provider.ts';
import { getSigningSettings, importSealCertificates, setTrustAnchors } from '../core/signing-admin.ts';
import {
  completeDocumentSignature, getDocumentSignature, getSignatureFileUrl, listDocumentSignatures, requestDocumentSignature,
  type SignatureCompletion, type SignatureRequestInput,
} from '../core/signatures.ts';
import { verifyDocument } from '../core/verification.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { signatureRoutes } from './routes.ts';
import * as s from './schemas.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

type Id = { id: string };
type SignatureId = { id: string; sid: string };

export function createSignaturesHandler(deps: VaultDeps) {
  return createHttpHandler(signatureRoutes, {
    listSignatures: async ({ context, params }) =>
      ({ body: present(s.signatureList, { items: await listDocumentSignatures(deps, context, (params as Id).id) }) }),
    requestSignature: async ({ context, params, body }) =>
      ({ body: present(s.requestedSignature, await requestDocumentSignature(deps, context, (params as Id).id, body as SignatureRequestInput)) }),
    getSignature: async ({ context, params }) => {
      const { id, sid } = params as SignatureId;
      return { body: present(s.documentSignature, await getDocumentSignature(deps, context, id, sid)) };
    },
    getSignatureFile: async ({ context, params }) => {
      const { id, sid } = params as SignatureId;
      return { headers: { location: await getSignatureFileUrl(deps, context, id, sid) } };
    },
    completeSignature: async ({ context, params, body }) => {
      const { id, sid } = params as SignatureId;
      return { body: present(s.documentSignature, await completeDocumentSignature(deps, context, id, sid, body as SignatureCompletion)) };
    },
    verifyDocument: async ({ context, params, query }) =>
      ({ body: present(s.verification, await verifyDocument(deps, context, (params as Id).id, (query as { version?: number }).version)) }),
    getSigningSettings: async ({ context }) => ({ body: present(s.signingSettings, await getSigningSettings(deps, context)) }),
    setTrustAnchors: async ({ context, params, body }) => ({
      body: present(s.certificateList, {
        items: await setTrustAnchors(deps, context, (params as { provider: SignatureProviderName }).provider, (body as { certificates: string }).certificates),
      }),
    }),
    importSealCertificate: async ({ context, body }) =>
      ({ body: present(s.certificateList, { items: await importSealCertificates(deps, context, (body as { certificateChain: string }).certificateChain) }) }),
  });
}

export const handler = lazyHandler(() => createSignaturesHandler(awsVaultDeps()));
