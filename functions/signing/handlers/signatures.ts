import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { getReadiness, getSigningSettings, importSealCertificates, setTrustAnchors } from '../core/signing-admin.ts';
import {
  completeDocumentSignature,
  getDocumentSignature,
  getSignatureFileUrl,
  listDocumentSignatures,
  requestDocumentSignature,
} from '../core/signatures.ts';
import { verifyDocument } from '../core/verification.ts';
import type { VaultDeps } from '../../vault/core/vault-deps.ts';
import { signatureRoutes } from '../contract/routes.ts';
import * as s from '../contract/schemas.ts';
import { createHttpHandler } from '../../platform/http/http-handler.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { present } from '../../platform/http/present.ts';

export function createSignaturesHandler(deps: VaultDeps) {
  return createHttpHandler(signatureRoutes, {
    listSignatures: async ({ context, params: { id } }) => ({
      body: present(s.signatureList, { items: await listDocumentSignatures(deps, context, id) }),
    }),
    requestSignature: async ({ context, params: { id }, body }) => ({
      body: present(s.requestedSignature, await requestDocumentSignature(deps, context, id, body)),
    }),
    getSignature: async ({ context, params: { id, sid } }) => ({
      body: present(s.documentSignature, await getDocumentSignature(deps, context, id, sid)),
    }),
    getSignatureFile: async ({ context, params: { id, sid } }) => ({
      headers: { location: await getSignatureFileUrl(deps, context, id, sid) },
    }),
    completeSignature: async ({ context, params: { id, sid }, body }) => ({
      body: present(s.documentSignature, await completeDocumentSignature(deps, context, id, sid, body)),
    }),
    verifyDocument: async ({ context, params: { id }, query: { version } }) => ({
      body: present(s.verification, await verifyDocument(deps, context, id, version)),
    }),
    getSigningSettings: async ({ context }) => ({
      body: present(s.signingSettings, await getSigningSettings(deps, context)),
    }),
    getReadiness: async ({ context }) => ({ body: present(s.readiness, await getReadiness(deps, context)) }),
    setTrustAnchors: async ({ context, params: { provider }, body: { certificates } }) => ({
      body: present(s.certificateList, { items: await setTrustAnchors(deps, context, provider, certificates) }),
    }),
    importSealCertificate: async ({ context, body: { certificateChain } }) => ({
      body: present(s.certificateList, { items: await importSealCertificates(deps, context, certificateChain) }),
    }),
  });
}

export const handler = lazyHandler(() => createSignaturesHandler(awsVaultDeps()));
