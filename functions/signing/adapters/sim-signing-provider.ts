/**
 * SIM PKI signing (mobile signature, MSSP-style): the signer's key lives on their SIM card,
 * the mobile signature service provider (MSSP) pushes the request to the phone, and the signer
 * confirms with their PIN. The account is the signer's Vietnamese mobile number.
 *
 * Wire API (JSON, `Authorization: Bearer <apiKey>`, paths under the configured endpoint;
 * binary values base64; errors are 4xx/5xx with `{ code, message }`):
 * - `GET /v1/subscribers/{msisdn}/certificates` → `{ msisdn, certificates: [DER…] }`, leaf first;
 *   404 when the number has no mobile signature.
 * - `POST /v1/signatures` `{ requestId, msisdn, hashAlgorithm: 'SHA-256', hash, message }` → 202
 *   `{ transactionId, status: 'pending', expiresAt }`. `message` is what the phone shows (at most
 *   160 characters). The same `requestId` again returns the transaction it first created.
 * - `GET /v1/signatures/{transactionId}` → `{ transactionId, status, … }`: `pending`, `signed`
 *   (with `signature`: PKCS#1 v1.5 or DER ECDSA over `hash`), `refused` (with `reason`) or
 *   `expired`. A transaction purged after its expiry answers 404.
 */
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
  type RemoteSigningServiceConfig,
} from './remote-signing-client.ts';

/** What a phone shows of the request: one SMS-sized message. */
export const simMessageMaxLength = 160;

const certificatesAnswer = z.object({ certificates: z.array(z.base64().min(1)).min(1) });

export function createSimSigningProvider(config: RemoteSigningServiceConfig): SignatureProvider {
  const client = createRemoteSigningClient('sim', config);

  return {
    name: 'sim',
    mode: 'remote',

    async signerCertificates(signer) {
      const msisdn = mobileNumberOf(signer);
      try {
        const answer = await client.get(`/v1/subscribers/${msisdn}/certificates`, certificatesAnswer);
        return answer.certificates.map(fromBase64);
      } catch (error) {
        throw unknownSubscriberOr(error);
      }
    },

    async requestSignature(request: SignatureRequest) {
      checkSha256Digest(request.digest);
      const body = {
        requestId: request.requestId,
        msisdn: mobileNumberOf(request.signer),
        hashAlgorithm: 'SHA-256',
        hash: toBase64(request.digest),
        message: truncateMessage(request.description, simMessageMaxLength),
      };
      return createRemoteTransaction(client, body, unknownSubscriberOr);
    },

    checkSignature(transactionId) {
      return checkRemoteTransaction(client, transactionId);
    },
  };
}

/**
 * A Vietnamese mobile number in international form without the plus (`84` and nine digits), from
 * `0xxxxxxxxx`, `84xxxxxxxxx` or `+84xxxxxxxxx`; spaces, dots and hyphens between digits are ignored.
 * Mobile numbers start with 3, 5, 7, 8 or 9 after the trunk or country code.
 */
export function normaliseVietnameseMobileNumber(input: string): string {
  const compact = input.trim().replace(/[\s.-]/g, '');
  const match = /^(?:0|\+84|84)([35789]\d{8})$/.exec(compact);
  if (!match)
    throw new InvalidInputError(
      'the SIM signing account must be a Vietnamese mobile number (0xxxxxxxxx or +84xxxxxxxxx)',
    );
  return `84${match[1]}`;
}

function mobileNumberOf(signer: SignerReference): string {
  if (!signer.account) throw new InvalidInputError('SIM signing needs the signer’s mobile number');
  return normaliseVietnameseMobileNumber(signer.account);
}

function unknownSubscriberOr(error: unknown): unknown {
  return isRejectedWith(error, 404) ? new InvalidInputError('this mobile number has no SIM signature service') : error;
}

/** Cut by code points after NFC, so a Vietnamese letter and its diacritics are never split apart. */
function truncateMessage(text: string, maxLength: number): string {
  const characters = Array.from(text.normalize('NFC'));
  return characters.length <= maxLength ? characters.join('') : `${characters.slice(0, maxLength - 1).join('')}…`;
}
