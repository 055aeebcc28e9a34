/**
 * Cloud remote signing (SmartCA-style): the signer's keys are held by the CA in an HSM, the
 * service lists the credentials (key + certificate) of a user, and a signature over a hash with
 * one of them is confirmed by the user in the provider's phone app. The account is the user's
 * SmartCA user ID (for a citizen, their personal ID number).
 *
 * Wire API (JSON, `Authorization: Bearer <apiKey>`, paths under the configured endpoint;
 * binary values base64; errors are 4xx/5xx with `{ code, message }`):
 * - `GET /v1/users/{userId}/credentials` → `{ credentials: [{ credentialId, status, certificates:
 *   [DER…] }] }`, each chain leaf first, `status` `active` | `suspended` | `revoked`; 404 for an
 *   unknown user.
 * - `POST /v1/signatures` `{ requestId, userId, credentialId, hashAlgorithm: 'SHA-256', hash,
 *   description }` → 202 `{ transactionId, status: 'pending', expiresAt }`; `description` (at most
 *   500 characters) is shown in the app. The same `requestId` again returns the transaction it
 *   first created.
 * - `GET /v1/signatures/{transactionId}` → `{ transactionId, status, … }`: `pending`, `signed`
 *   (with `signature` over `hash`), `refused` (with `reason`) or `expired`; 404 once purged.
 *
 * A user may hold several credentials (renewed, revoked, not yet valid): the one used is active and
 * valid now, the newest if several are. `requestSignature` signs with the credential whose
 * certificate the caller already embedded (`signer.certificates[0]`, from `signerCertificates`), so
 * a renewal in between cannot make the signature and the certificate disagree.
 */
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError } from '../../platform/core/errors.ts';
import { fromBase64, toBase64 } from '../../pdf-pki/encoding.ts';
import type { SignatureProvider, SignatureRequest, SignerReference } from '../core/signature-provider.ts';
import {
  checkSha256Digest,
  checkRemoteTransaction,
  createRemoteSigningClient,
  createRemoteTransaction,
  isRejectedWith,
  type RemoteSigningClient,
  type RemoteSigningServiceConfig,
} from './remote-signing-client.ts';

export interface SmartCaSigningProviderOptions {
  /** Decides which certificates are valid now. @default () => new Date() */
  now?: () => Date;
}

/** The longest description the service takes; ours name a document and are far shorter. */
const descriptionMaxLength = 500;

const credentialsAnswer = z.object({
  credentials: z.array(
    z.object({
      credentialId: z.string().min(1).max(200),
      status: z.string(),
      certificates: z.array(z.base64().min(1)).min(1),
    }),
  ),
});

interface Credential {
  credentialId: string;
  chain: Uint8Array[];
}

export function createSmartCaSigningProvider(
  config: RemoteSigningServiceConfig,
  options: SmartCaSigningProviderOptions = {},
): SignatureProvider {
  const client = createRemoteSigningClient('smartca', config);
  const now = options.now ?? (() => new Date());

  return {
    name: 'smartca',
    mode: 'remote',

    async signerCertificates(signer) {
      return (await currentCredential(client, userIdOf(signer), now())).chain;
    },

    async requestSignature(request: SignatureRequest) {
      checkSha256Digest(request.digest);
      const userId = userIdOf(request.signer);
      const credential = await currentCredential(client, userId, now(), request.signer.certificates?.[0]);
      const body = {
        requestId: request.requestId,
        userId,
        credentialId: credential.credentialId,
        hashAlgorithm: 'SHA-256',
        hash: toBase64(request.digest),
        description: Array.from(request.description.normalize('NFC')).slice(0, descriptionMaxLength).join(''),
      };
      return createRemoteTransaction(client, body, unknownUserOr);
    },

    checkSignature(transactionId) {
      return checkRemoteTransaction(client, transactionId);
    },
  };
}

/**
 * The active credential valid at `at`, the newest (latest notBefore) if several are; with
 * `leaf`, only the credential whose certificate is exactly that one.
 */
async function currentCredential(
  client: RemoteSigningClient,
  userId: string,
  at: Date,
  leaf?: Uint8Array,
): Promise<Credential> {
  let answer: z.infer<typeof credentialsAnswer>;
  try {
    answer = await client.get(`/v1/users/${encodeURIComponent(userId)}/credentials`, credentialsAnswer);
  } catch (error) {
    throw unknownUserOr(error);
  }
  const usable = answer.credentials
    .filter((credential) => credential.status === 'active')
    .map((credential) => {
      const chain = credential.certificates.map(fromBase64);
      const certificate = new X509Certificate(chain[0] as Uint8Array);
      // Node 20 gives the validity as text ("Mar  1 12:00:05 2026 GMT"), which Date reads exactly.
      return {
        credentialId: credential.credentialId,
        chain,
        notBefore: new Date(certificate.validFrom),
        notAfter: new Date(certificate.validTo),
      };
    })
    .filter((credential) => credential.notBefore <= at && at <= credential.notAfter)
    .filter((credential) => !leaf || Buffer.from(leaf).equals(credential.chain[0] as Uint8Array))
    .sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime());
  const chosen = usable[0];
  if (!chosen) {
    throw new InvalidInputError(
      leaf
        ? 'the SmartCA certificate this signature was prepared with is no longer valid'
        : 'this SmartCA account has no valid certificate',
    );
  }
  return chosen;
}

/** A SmartCA user ID: a personal ID number or the provider's own account name. */
function userIdOf(signer: SignerReference): string {
  const userId = signer.account?.trim();
  if (!userId) throw new InvalidInputError('SmartCA signing needs the signer’s SmartCA user ID');
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(userId)) throw new InvalidInputError('the SmartCA user ID is not valid');
  return userId;
}

function unknownUserOr(error: unknown): unknown {
  return isRejectedWith(error, 404) ? new InvalidInputError('this SmartCA user ID is not known to the service') : error;
}
