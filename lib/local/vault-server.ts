import { lazyHandler } from '../../functions/platform/lazy-handler.ts';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoAuditLog } from '../../functions/audit/adapters/dynamo-audit-log.ts';
import { DynamoSigningSettings } from '../../functions/signing/adapters/dynamo-signing-settings.ts';
import { DynamoTemplateRepository } from '../../functions/templates/adapters/dynamo-template-repository.ts';
import { createDynamoRepository } from '../../functions/composition/dynamo-repository.ts';
import { createFsBlobStore } from '../../functions/platform/adapters/fs-blob-store.ts';
import { createLocalSealKey } from '../../functions/signing/adapters/local-seal-key.ts';
import type { RemoteSigningServiceConfig } from '../../functions/signing/adapters/remote-signing-client.ts';
import { createSimSigningProvider } from '../../functions/signing/adapters/sim-signing-provider.ts';
import { createSmartCaSigningProvider } from '../../functions/signing/adapters/smartca-signing-provider.ts';
import { createTesseractOcrEngine } from '../../functions/digitize/adapters/ocr/tesseract-ocr-engine.ts';
import type { OcrEngine } from '../../functions/digitize/core/ocr-engine.ts';
import { createAuditHandler } from '../../functions/audit/handlers/audit.ts';
import { createDocumentsHandler } from '../../functions/vault/handlers/documents.ts';
import { createFoldersHandler } from '../../functions/vault/handlers/folders.ts';
import type { ApiEvent } from '../../functions/platform/http/http-handler.ts';
import { principalClaims } from '../../functions/platform/http/principal-context.ts';
import { HttpProblem, toProblem } from '../../functions/platform/http/problem.ts';
import { createMetaHandler } from '../../functions/composition/meta-handler.ts';
import { createSignaturesHandler } from '../../functions/signing/handlers/signatures.ts';
import { createSharingHandler } from '../../functions/sharing/handlers/sharing.ts';
import { createTemplatesHandler } from '../../functions/templates/handlers/templates.ts';
import { createUploadsHandler } from '../../functions/digitize/handlers/uploads.ts';
import { createIntegrationHandler } from '../../functions/integration/handlers/results.ts';
import { createAuthorizer } from '../../functions/auth/handlers/authorizer.ts';
import { createAuthHandler } from '../../functions/auth/handlers/auth.ts';
import { createDynamoDenyList } from '../../functions/auth/adapters/dynamo-deny-list.ts';
import { createDynamoSessions } from '../../functions/auth/adapters/dynamo-sessions.ts';
import { createOidcConfigurations } from '../../functions/auth/adapters/oidc-configurations.ts';
import { openIdClientRelyingParty } from '../../functions/auth/adapters/openid-client-relying-party.ts';
import {
  accountTypes,
  browserLoginSettingsSchema,
  type AccountType,
  type BrowserLoginSettings,
  type TrustedIssuer,
} from '../../functions/auth/core/identity-providers.ts';
import { cachedDenyList } from '../../functions/auth/core/revocation.ts';
import { cachedSessions } from '../../functions/auth/core/sessions.ts';
import type { AuditEntry } from '../../functions/audit/core/audit-model.ts';
import type { Principal } from '../../functions/platform/core/principal.ts';
import { createRemoteJWKSet } from 'jose';
import { z } from 'zod';
import { createTokenVerifier } from '../../functions/auth/core/token-verifier.ts';
import { randomIds, systemClock } from '../../functions/platform/core/runtime.ts';
import { assembleSigning } from '../../functions/signing/core/built-in-providers.ts';
import type { VaultDeps } from '../../functions/vault/core/vault-deps.ts';
import { defaultVaultPolicy, type VaultPolicy } from '../../functions/vault/core/vault-policy.ts';
import { createOnUploadHandler } from '../../functions/digitize/handlers/on-upload.ts';
import { logger } from '../../functions/platform/observability.ts';
import { createTableInput, entities } from '../../functions/platform/storage/schema.ts';
import { toApiGatewayEvent, writeApiGatewayResult } from './api-gateway-event.ts';
import { createBlobHttpHandler } from './blob-http.ts';
import { installDevelopmentSeal, loadDevelopmentSeal } from './development-seal.ts';
import { startDynamoDbServer } from './dynamodb-server.ts';
import { auditChainedMarker, localTableName } from './local-table.ts';
import { loadLocalIssuer, localClientId, type LocalIssuer } from './local-issuer.ts';
import { createIdentityProvider, type EmbeddedIdentityProvider } from './identity-provider/identity-provider.ts';
import { InProcessHttpHandler } from './in-process-http-handler.ts';
import { startLocalWorkflow, type LocalWorkflow } from './local-workflow.ts';
import { matchRoute } from './route-matcher.ts';
import { startSignaturePoller } from './signature-poller.ts';
import { startLocalUnitSync, type LocalUnitSyncOptions } from './local-unit-sync.ts';
import { createUnitSyncHandler } from '../../functions/sync/handlers/unit-sync.ts';
import {
  configuredNationalWarehouse,
  startLocalNationalWarehouse,
  type LocalNationalWarehouse,
} from './local-national-warehouse.ts';
import {
  configuredPopulationDatabase,
  startLocalPopulationDatabase,
  type LocalPopulationDatabase,
} from './local-population-database.ts';
import type { PopulationDatabaseSettings } from '../../functions/composition/population-database.ts';
import { createLocalPulls, type LocalPulls } from './local-pulls.ts';
import type { NationalWarehouseConfigInput } from '../../functions/sync/adapters/national-warehouse-config.ts';
import type { PullRetryPolicy } from '../../functions/sync/core/pull-results.ts';
import { startEmbeddedSync, type EmbeddedSync } from './embedded-sync.ts';
import { createSyncAdminHandler } from '../../functions/sync/handlers/sync-admin.ts';
import { createPortalLinksHandler } from '../../functions/sync/handlers/portal-links.ts';
import { createDynamoPortalLinkStore } from '../../functions/sync/adapters/dynamo-portal-link-store.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import { dossierDefaultsFrom, type DossierDefaults } from '../../functions/sync/core/dossier-defaults.ts';

export interface LocalVaultOptions {
  /** Where everything persists: LevelDB, objects, keys. */
  dataDir: string;
  port: number;
  host?: string;
  policy?: Partial<VaultPolicy>;
  /** Remote signing services (simulators in tests); none by default. */
  remoteSigning?: { sim?: RemoteSigningServiceConfig; smartca?: RemoteSigningServiceConfig };
  /** How often pending remote signatures are looked at; each keeps its own backoff. */
  signaturePollMs?: number;
  /** Identity providers trusted besides the two embedded ones (a test's second issuer); none by default. */
  identityProviders?: TrustedIssuer[];
  /** The national warehouse to pull from; unset, a seeded simulator stands in for it. */
  nationalWarehouse?: NationalWarehouseConfigInput;
  /** The population database owners are confirmed against; unset, a seeded simulator stands in for it. */
  populationDatabase?: PopulationDatabaseSettings;
  /** How pulls retry the portal (tests shorten the backoff). */
  pullRetry?: PullRetryPolicy;
  /** Narrows the account types the embedded provider (local-sso) may vouch for: tests of a refused account. */
  embeddedProviderAccountTypes?: AccountType[];
  /** Client secrets of browser-login providers by provider id (Secrets Manager's part on AWS). */
  clientSecrets?: Record<string, string>;
  /** Browser-login settings; the public base URL defaults to this server's URL. */
  browserLogin?: Partial<BrowserLoginSettings>;
  /**
   * Import the development seal certificate on first start (the default). False leaves the seal key
   * without a certificate, as on a fresh deployment, until an administrator imports one.
   */
  installDevelopmentSeal?: boolean;
  /** Units' change feed and webhooks: where webhooks may point, the feed's settle time, retry timing. */
  unitSync?: LocalUnitSyncOptions;
  /** What pushed dossiers fall back to; unset, DOSSIER_DEFAULTS (JSON, as on AWS) over the standard ones. */
  dossierDefaults?: Partial<DossierDefaults>;
}

export interface LocalVault {
  url: string;
  issuer: LocalIssuer;
  /** The embedded OpenID provider at `${url}/oidc`: its issuer, clients (with secrets) and seeded accounts. */
  identityProvider: EmbeddedIdentityProvider;
  deps: VaultDeps;
  /** The table in dynalite, for tests that inspect or tamper with stored items. */
  table: { client: DynamoDBDocumentClient; name: string };
  workflow: LocalWorkflow;
  nationalWarehouse: LocalNationalWarehouse;
  populationDatabase: LocalPopulationDatabase;
  /** Pulls from the national warehouse, run in process through a queue; `idle()` waits for those queued or running. */
  pulls: LocalPulls;
  /** Issued results pushed to the national warehouse (the built-in simulator unless NATIONAL_WAREHOUSE_URL is set). */
  sync: EmbeddedSync;
  close(): Promise<void>;
}

const tableName = localTableName;
const bucket = 'khoso-local-vault';
/** API Gateway refuses payloads over 10 MB; the handlers check each route's own, smaller limit. */
const maxRequestBytes = 10 * 1024 * 1024;

async function readOrCreateSecret(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(Buffer.from(await readFile(file, 'utf8'), 'base64'));
  } catch {
    const secret = randomBytes(32);
    await writeFile(file, secret.toString('base64'), { mode: 0o600 });
    return new Uint8Array(secret);
  }
}

/**
 * Creates the table on first start. A table from an older schema (missing an index) is
 * refused with a clear message: derived items such as search entries would be missing
 * from it, so rebuilding the development data is the honest fix.
 */
async function ensureTable(client: DynamoDBClient, documents: DynamoDBDocumentClient, dataDir: string): Promise<void> {
  const wanted = createTableInput(tableName);
  let existing: string[];
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '');
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(wanted));
    return;
  }
  const missing = wanted.GlobalSecondaryIndexes.map((index) => index.IndexName).filter(
    (name) => !existing.includes(name),
  );
  if (missing.length > 0) {
    throw new Error(
      `The data in ${dataDir} was created by an older version (no index ${missing.join(', ')}). Move that folder aside to start afresh.`,
    );
  }
  if (await isMarkedAuditChained(documents)) return;
  if (await hasUnchainedAudit(documents)) {
    throw new Error(
      `The data in ${dataDir} was created by an older version (audit entries without a hash chain). Move that folder aside to start afresh.`,
    );
  }
  await markAuditChained(documents);
}

async function isMarkedAuditChained(documents: DynamoDBDocumentClient): Promise<boolean> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: auditChainedMarker }));
  return Item !== undefined;
}

async function markAuditChained(documents: DynamoDBDocumentClient): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...auditChainedMarker, entity: entities.localLayoutMarker.entity },
    }),
  );
}

/** Audit entries written before they were hash-chained: a full scan, so it runs once per data folder. */
async function hasUnchainedAudit(documents: DynamoDBDocumentClient): Promise<boolean> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :audit AND attribute_not_exists(chainSeq)',
        ExpressionAttributeValues: { ':audit': 'audit' },
        ProjectionExpression: 'pk',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    if ((page.Items ?? []).length > 0) return true;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return false;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client still gets its 413.
      if (size <= maxRequestBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxRequestBytes)
        reject(new HttpProblem('payload-too-large', `Requests are limited to ${maxRequestBytes} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function sendProblem(res: ServerResponse, error: unknown, extraHeaders: Record<string, string> = {}): void {
  const problem = toProblem(error);
  if (problem.status >= 500) logger.error('local runtime error', { error });
  writeApiGatewayResult(res, {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...extraHeaders },
    body: JSON.stringify(problem),
  });
}

/**
 * Requests Node's parser refuses never reach a handler; Node would answer them with a bare
 * status line. A request line or headers over Node's limit get the problem document the
 * contract promises (431); anything else unparseable a 400 problem.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const problem = toProblem(
    tooLarge
      ? new HttpProblem('headers-too-large', 'The request line and headers are limited to 16 KB')
      : new HttpProblem('invalid-request', 'The request is not valid HTTP'),
  );
  const body = JSON.stringify(problem);
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** A system's principal as the claims an authorization server writes (client_id, scope); a person's as is. */
function localTokenClaims(principal: Principal): { sub: string } & Record<string, unknown> {
  if (principal.role !== 'system') return { ...principal };
  return {
    sub: principal.sub,
    client_id: principal.clientId,
    unit: principal.unit,
    scope: principal.scopes?.join(' '),
  };
}

/**
 * The embedded runtime: one Node process that serves the HTTP API through the same Lambda
 * handlers, with dynalite for DynamoDB, a filesystem object store with locally served
 * presigned URLs, and the digitize ASL run in process.
 */
export async function startLocalVault(options: LocalVaultOptions): Promise<LocalVault> {
  await mkdir(options.dataDir, { recursive: true });
  let serve: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server: Server = createServer((req, res) => {
    if (!serve) return sendProblem(res, new Error('starting'));
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendProblem(res, error);
      else res.destroy();
    });
  });
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;

  const dynamo = await startDynamoDbServer({ path: join(options.dataDir, 'dynamodb') });
  const dynamoClient = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    requestHandler: new InProcessHttpHandler(dynamo.handleRequest),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documentClient = DynamoDBDocumentClient.from(dynamoClient, {
    marshallOptions: { removeUndefinedValues: true },
  });
  await ensureTable(dynamoClient, documentClient, options.dataDir);
  const blobs = createFsBlobStore({
    rootDir: join(options.dataDir, 'objects'),
    publicBaseUrl: url,
    signingSecret: await readOrCreateSecret(join(options.dataDir, 'blob-signing.key')),
    bucket,
  });
  let workflow: LocalWorkflow | undefined;
  const signingSettings = new DynamoSigningSettings(documentClient, tableName);
  const developmentSeal = await loadDevelopmentSeal(join(options.dataDir, 'signing'));
  if (options.installDevelopmentSeal ?? true) {
    await installDevelopmentSeal({ clock: systemClock, ids: randomIds }, signingSettings, developmentSeal);
  }
  const populationDatabase = await startLocalPopulationDatabase(
    options.populationDatabase ?? configuredPopulationDatabase(),
  );
  const deps: VaultDeps = {
    repository: createDynamoRepository(documentClient, tableName),
    templates: new DynamoTemplateRepository(documentClient, tableName),
    blobs,
    // The workflow needs these deps to run its steps, so it is reached through them once built.
    workflow: {
      startDigitization: (input) => (workflow as LocalWorkflow).digitize.startDigitization(input),
      resumeAfterReview: (taskToken, decision) =>
        (workflow as LocalWorkflow).digitize.resumeAfterReview(taskToken, decision),
    },
    clock: systemClock,
    ids: randomIds,
    policy: { ...defaultVaultPolicy, ...options.policy },
    population: populationDatabase.database,
    signing: assembleSigning({
      settings: signingSettings,
      sealKey: createLocalSealKey(developmentSeal.sealKeyPkcs8),
      remote: [
        ...(options.remoteSigning?.sim ? [createSimSigningProvider(options.remoteSigning.sim)] : []),
        ...(options.remoteSigning?.smartca ? [createSmartCaSigningProvider(options.remoteSigning.smartca)] : []),
      ],
    }),
  };
  // One Tesseract worker for the process, created when the first page is read.
  let ocr: OcrEngine | undefined;
  const ocrEngine = () => (ocr ??= createTesseractOcrEngine());
  workflow = await startLocalWorkflow(deps, ocrEngine, join(options.dataDir, 'running-executions.json'));

  const issuer = await loadLocalIssuer({
    keyFile: join(options.dataDir, 'issuer-key.json'),
    issuer: `${url}/_local`,
    audience: 'khoso',
  });
  const identityProvider = await createIdentityProvider({ vaultUrl: url, dataDir: options.dataDir });
  // The embedded issuer is one trusted issuer among those configured, mapped by our own claims.
  const trustedIssuers: TrustedIssuer[] = [
    {
      id: 'local',
      issuer: issuer.issuer,
      jwksUrl: `${url}/_local/jwks.json`,
      clientId: localClientId,
      audience: issuer.audience,
      claimMapping: 'vault-claims',
      accountTypes: [...accountTypes],
      tokenKinds: ['user', 'machine'],
      maxTokenLifetimeSeconds: 3600,
    },
    // People sign in through the browser with it: `GET /auth/login?provider=local-sso`.
    {
      ...identityProvider.trustedIssuer,
      ...(options.embeddedProviderAccountTypes ? { accountTypes: options.embeddedProviderAccountTypes } : {}),
      discoveryUrl: identityProvider.discoveryUrl,
      browserLogin: { scopes: ['profile'], authorizationParams: {}, claimsFrom: 'id_token' },
    },
    ...(options.identityProviders ?? []),
  ];
  const clientSecrets: Record<string, string> = {
    [identityProvider.trustedIssuer.id]: identityProvider.clients.vault.clientSecret,
    ...options.clientSecrets,
  };
  const denyList = createDynamoDenyList(documentClient, tableName);
  const remoteKeys = new Map(
    [identityProvider.trustedIssuer, ...(options.identityProviders ?? [])].map((trusted) => [
      trusted.issuer,
      createRemoteJWKSet(new URL(trusted.jwksUrl)),
    ]),
  );
  const sessionStores = createDynamoSessions(documentClient, tableName);
  const authDeps = {
    issuers: trustedIssuers,
    keysFor: (trusted: TrustedIssuer) =>
      trusted.issuer === issuer.issuer ? issuer.keys : remoteKeys.get(trusted.issuer)!,
    // One cache for the authorizer and the logout handler: a logout here is seen at once.
    denyList: cachedDenyList(denyList),
    replays: denyList,
    // Shared by the authorizer and the auth handler too: a logout here is seen at once.
    sessions: cachedSessions(sessionStores.sessions),
    appendAudit: (entry: AuditEntry) => deps.repository.appendAudit(entry),
    clock: systemClock,
    ids: randomIds,
  };
  const loginDeps = {
    ...authDeps,
    settings: browserLoginSettingsSchema.parse({ publicBaseUrl: url, ...options.browserLogin }),
    relyingParty: openIdClientRelyingParty(
      createOidcConfigurations(async (provider) => {
        const secret = clientSecrets[provider.id];
        if (!secret) throw new Error(`No client secret for the identity provider ${provider.id}`);
        return secret;
      }),
    ),
    attempts: sessionStores.attempts,
  };
  const authorize = createAuthorizer(createTokenVerifier(authDeps), {
    audit: authDeps,
    sessions: { sessions: authDeps.sessions, denyList: authDeps.denyList, now: () => Date.now() },
  });
  const unitSync = startLocalUnitSync(
    deps,
    documentClient,
    tableName,
    await readOrCreateSecret(join(options.dataDir, 'webhook-secrets.key')),
    options.unitSync,
  );
  const nationalWarehouse = await startLocalNationalWarehouse(
    options.nationalWarehouse ?? configuredNationalWarehouse(),
  );
  const pulls = createLocalPulls(deps, documentClient, tableName, nationalWarehouse.config, {
    ...(options.pullRetry ? { retry: options.pullRetry } : {}),
  });
  // The same Powertools chain as on Lambda: logs carry the request id as their correlation id.
  const handlers = {
    meta: lazyHandler(() => createMetaHandler()),
    auth: lazyHandler(() => createAuthHandler(authDeps, loginDeps)),
    folders: lazyHandler(() => createFoldersHandler(deps)),
    documents: lazyHandler(() => createDocumentsHandler(deps)),
    uploads: lazyHandler(() => createUploadsHandler(deps)),
    integration: lazyHandler(() => createIntegrationHandler(deps)),
    templates: lazyHandler(() => createTemplatesHandler(deps, ocrEngine)),
    signatures: lazyHandler(() => createSignaturesHandler(deps)),
    sharing: lazyHandler(() => createSharingHandler(deps)),
    unitSync: lazyHandler(() => createUnitSyncHandler(unitSync.deps)),
    audit: lazyHandler(() => createAuditHandler({ auditLog: new DynamoAuditLog(documentClient, tableName) })),
    pulls: pulls.handler,
    sync: lazyHandler(() => createSyncAdminHandler(sync.admin)),
    portalLinks: lazyHandler(() =>
      createPortalLinksHandler({
        links: createDynamoPortalLinkStore(new DynamoTable(documentClient, tableName)),
        repository: deps.repository,
        blobs,
        clock: systemClock,
        ids: randomIds,
        downloadUrlTtlSeconds: deps.policy.downloadUrlTtlSeconds,
      }),
    ),
  };
  const onUpload = createOnUploadHandler(deps);
  const signaturePoller = startSignaturePoller(deps, options.signaturePollMs ?? 1_000);
  const sync = startEmbeddedSync({
    db: documentClient,
    tableName,
    apiUrl: url,
    dossierDefaults: dossierDefaultsFrom(
      options.dossierDefaults ?? (process.env.DOSSIER_DEFAULTS && JSON.parse(process.env.DOSSIER_DEFAULTS)),
    ),
    repository: deps.repository,
    nationalWarehouse,
  });
  const serveBlob = createBlobHttpHandler({
    store: blobs,
    onObjectCreated: (event) => onUpload(event, {} as never),
    log: (message, error) => logger.error(message, { error }),
  });

  serve = async (req, res) => {
    if (await serveBlob(req, res)) return;
    const requestUrl = new URL(req.url ?? '/', url);
    if (identityProvider.handles(requestUrl.pathname)) return identityProvider.serve(req, res);
    const method = req.method ?? 'GET';
    if (requestUrl.pathname === '/_local/token' && method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
      } catch {
        throw new HttpProblem('malformed-json', 'The body could not be parsed as JSON');
      }
      const claims = principalClaims.safeParse(body);
      const session = z.object({ sid: z.string().min(1).max(256).optional() }).safeParse(body);
      if (!claims.success || !session.success) {
        throw new HttpProblem(
          'invalid-request',
          'Give {sub, role, ownerId} (citizen: 12-digit personal ID; organization: enterprise code), ' +
            '{sub, role:"officer", unit} or {sub, role:"system", clientId, unit, scopes}, and optionally a session sid',
        );
      }
      const accessToken = await issuer.issueToken({ ...localTokenClaims(claims.data), ...session.data });
      writeApiGatewayResult(res, {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessToken, tokenType: 'Bearer', expiresIn: 3600 }),
      });
      return;
    }
    if (requestUrl.pathname === '/_local/jwks.json' && method === 'GET') {
      writeApiGatewayResult(res, {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(issuer.jwks),
      });
      return;
    }
    const match = matchRoute(method, requestUrl.pathname);
    if (match.kind === 'not-found')
      throw new HttpProblem('route-not-found', `No route ${method} ${requestUrl.pathname}`);
    if (match.kind === 'method-not-allowed') {
      return sendProblem(res, new HttpProblem('method-not-allowed', `Use ${match.allowed.join(', ')}`), {
        allow: match.allowed.join(', '),
      });
    }
    const body = await readBody(req);
    const authorizer = match.route.public
      ? undefined
      : (
          await authorize({
            headers: {
              ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
              ...(req.headers.cookie ? { cookie: req.headers.cookie } : {}),
              ...(typeof req.headers['x-csrf-token'] === 'string'
                ? { 'x-csrf-token': req.headers['x-csrf-token'] }
                : {}),
            },
            requestContext: { http: { method, sourceIp: req.socket.remoteAddress ?? 'unknown' } },
          })
        ).context;
    const event: ApiEvent = toApiGatewayEvent({
      req,
      url: requestUrl,
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
      body,
      ...(authorizer ? { authorizer } : {}),
    });
    const result = (await handlers[match.route.group](event, {} as never)) as APIGatewayProxyStructuredResultV2;
    writeApiGatewayResult(res, result);
  };

  return {
    url,
    issuer,
    identityProvider,
    deps,
    table: { client: documentClient, name: tableName },
    workflow,
    nationalWarehouse,
    populationDatabase,
    pulls,
    sync,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await signaturePoller.stop();
      await unitSync.stop();
      await pulls.stop();
      await sync.stop();
      await nationalWarehouse.close();
      await workflow.idle();
      await populationDatabase.close();
      await ocr?.close();
      dynamoClient.destroy();
      await dynamo.close();
    },
  };
}
