/**
 * The national warehouse over HTTP: JSON POSTs to the configured endpoints through the configured
 * gateway authentication. Each call is made once (plus one retry with a fresh credential after a
 * 401); every other failure is thrown as a `NationalWarehouseError` that says whether the queue
 * should retry it. The messages are checked before sending, so a bad field is never sent.
 */
import type { z } from 'zod';
import {
  NationalWarehouseError,
  type Dossier,
  type NationalWarehouse,
  type PullRequest,
  type PulledResults,
  type PushOutcome,
  type RemoteDossier,
  type RemoteFileReference,
} from '../core/national-warehouse.ts';
import {
  fileReplySchema,
  interpretFileReply,
  interpretLookupReply,
  interpretPullReply,
  interpretPushReply,
  pullReplySchema,
  pushReplySchema,
  toDossierLookupMessage,
  toDossierMessage,
  toFileRequestMessage,
  toPullRequestMessage,
  type PortalCodes,
} from '../core/portal-messages.ts';
import { createGatewayAuthentication, type GatewayAuthentication } from './gateway-authentication.ts';
import { parseNationalWarehouseConfig, type NationalWarehouseConfigInput } from './national-warehouse-config.ts';
import { checkStatus, parseReplyJson, postToPortal } from './portal-http.ts';

export function createNationalWarehouseHttpClient(configInput: NationalWarehouseConfigInput): NationalWarehouse {
  const config = parseNationalWarehouseConfig(configInput);
  const transport = {
    baseUrl: config.baseUrl,
    timeoutMs: config.requestTimeoutMs,
    maxReplyBytes: config.maxReplyBytes,
  };
  const authentication: GatewayAuthentication = createGatewayAuthentication(config.authentication, transport);
  const codes: PortalCodes = config.codes;

  /** One authenticated call; a 401 drops the credential and tries once more with a new one. */
  const call = async <T>(path: string, message: object, reply: z.ZodType<T>, what: string): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      const credential = await authentication.credential();
      const answer = await postToPortal(
        {
          url: `${transport.baseUrl}${path}`,
          headers: { 'content-type': 'application/json', ...credential.headers },
          body: JSON.stringify({ ...message, ...credential.bodyFields }),
          timeoutMs: transport.timeoutMs,
          maxReplyBytes: transport.maxReplyBytes,
        },
        what,
      );
      if (answer.status === 401 && attempt === 1) {
        authentication.refused(credential);
        continue;
      }
      checkStatus(answer, what);
      const parsed = reply.safeParse(parseReplyJson(answer.text, what));
      if (!parsed.success) {
        throw new NationalWarehouseError('malformed-reply', `${what}: the reply does not have the expected fields`, {
          status: answer.status,
          cause: parsed.error,
        });
      }
      return parsed.data;
    }
  };

  return {
    async findDossier(dossierCode: string): Promise<RemoteDossier | undefined> {
      const message = toDossierLookupMessage(dossierCode);
      const reply = await call(
        config.paths.findDossier,
        message,
        pushReplySchema,
        'national warehouse existence check',
      );
      return interpretLookupReply(reply, dossierCode, codes);
    },
    async createDossier(dossier: Dossier): Promise<PushOutcome> {
      const message = toDossierMessage(dossier, codes);
      const reply = await call(config.paths.createDossier, message, pushReplySchema, 'national warehouse create');
      return interpretPushReply(reply, 'create', codes);
    },
    async updateDossier(dossier: Dossier): Promise<PushOutcome> {
      const message = toDossierMessage(dossier, codes);
      const reply = await call(config.paths.updateDossier, message, pushReplySchema, 'national warehouse update');
      return interpretPushReply(reply, 'update', codes);
    },
    async pullResults(request: PullRequest): Promise<PulledResults> {
      const message = toPullRequestMessage(request);
      const reply = await call(config.paths.pullResults, message, pullReplySchema, 'national warehouse result pull');
      return interpretPullReply(reply, codes);
    },
    async getFile(file: RemoteFileReference): Promise<Uint8Array> {
      const message = toFileRequestMessage(file);
      const reply = await call(config.paths.getFile, message, fileReplySchema, 'national warehouse file download');
      return interpretFileReply(reply, codes);
    },
  };
}
