import { defineRoute } from '../../platform/http/contract/route-contract.ts';
import { idParams } from '../../platform/http/contract/schemas.ts';
import { contentQuery } from '../../vault/contract/schemas.ts';
import {
  certificateList,
  completeSignatureBody,
  documentSignature,
  providerParams,
  readiness,
  requestSignatureBody,
  requestedSignature,
  sealCertificateBody,
  signatureList,
  signatureParams,
  signingSettings,
  trustAnchorsBody,
  verification,
} from './schemas.ts';

/** The signing routes (the signatures Lambda). */
export const signatureRoutes = [
  defineRoute({
    operationId: 'listSignatures',
    method: 'GET',
    path: '/v1/documents/{id}/signatures',
    group: 'signatures',
    summary: 'Signing history: who signed which version, when, with which certificate, and how it ended',
    params: idParams,
    status: 200,
    response: signatureList,
  }),
  defineRoute({
    operationId: 'requestSignature',
    method: 'POST',
    path: '/v1/documents/{id}/signatures',
    group: 'signatures',
    summary:
      "Start signing a version: a challenge for a token (ca-token, ban-co-yeu), or a prompt on the signer's phone " +
      '(sim, smartca)',
    description:
      'Refused with 422 (invalid-input): a provider this deployment is not configured for (deployment ' +
      'configuration, not part of the schema).',
    params: idParams,
    body: requestSignatureBody,
    status: 201,
    response: requestedSignature,
  }),
  defineRoute({
    operationId: 'getSignature',
    method: 'GET',
    path: '/v1/documents/{id}/signatures/{sid}',
    group: 'signatures',
    summary: 'One signature and where it stands',
    params: signatureParams,
    status: 200,
    response: documentSignature,
  }),
  defineRoute({
    operationId: 'getSignatureFile',
    method: 'GET',
    path: '/v1/documents/{id}/signatures/{sid}/content',
    group: 'signatures',
    summary: 'Redirect to a presigned download of a detached signature (.p7s)',
    params: signatureParams,
    status: 302,
  }),
  defineRoute({
    operationId: 'completeSignature',
    method: 'POST',
    path: '/v1/documents/{id}/signatures/{sid}/complete',
    group: 'signatures',
    summary: "Bring the token's signature; a PDF gets a new, signed version",
    params: signatureParams,
    body: completeSignatureBody,
    status: 200,
    response: documentSignature,
    maxBodyBytes: 128 * 1024,
  }),
  defineRoute({
    operationId: 'verifyDocument',
    method: 'GET',
    path: '/v1/documents/{id}/verification',
    group: 'signatures',
    summary:
      'Check every signature of a version: integrity, cryptography, trust, validity at signing time, later changes',
    params: idParams,
    query: contentQuery,
    status: 200,
    response: verification,
  }),
  defineRoute({
    operationId: 'getSigningSettings',
    method: 'GET',
    path: '/v1/signing/settings',
    group: 'signatures',
    summary: 'Seal certificate and trust anchors per provider (administrators)',
    description:
      'The seal is `configured` only while its certificate is valid now, as `GET /v1/admin/readiness` judges it: ' +
      'an imported certificate that has expired or is not yet valid is listed, with `status` and `reason` saying why ' +
      'the seal cannot seal.',
    status: 200,
    response: signingSettings,
  }),
  defineRoute({
    operationId: 'getReadiness',
    method: 'GET',
    path: '/v1/admin/readiness',
    group: 'signatures',
    summary: 'Whether this stage can issue results, and what an administrator must do if not (administrators)',
    description:
      'Every issued result is sealed, so the agency seal must have a certificate valid now; while it has not, ' +
      "officers' uploads are refused with 409 (seal-not-configured) and `seal.action` names the import to do. " +
      'Public certificate facts only, never key material.',
    status: 200,
    response: readiness,
  }),
  defineRoute({
    operationId: 'setTrustAnchors',
    method: 'PUT',
    path: '/v1/signing/trust-anchors/{provider}',
    group: 'signatures',
    summary: 'Replace the trust anchors of a provider (administrators)',
    description:
      'Refused with 422 (invalid-input): a certificate that is not a valid X.509 certificate in PEM or ' +
      'base64 DER.',
    params: providerParams,
    body: trustAnchorsBody,
    status: 200,
    response: certificateList,
  }),
  defineRoute({
    operationId: 'importSealCertificate',
    method: 'PUT',
    path: '/v1/signing/seal-certificate',
    group: 'signatures',
    summary: "Import the agency seal's certificate chain; it must certify the seal key (administrators)",
    description:
      'Refused with 422 (invalid-input): a chain that is not valid X.509 PEM or base64 DER, or does not ' +
      'certify the seal key.',
    body: sealCertificateBody,
    status: 200,
    response: certificateList,
  }),
] as const;
