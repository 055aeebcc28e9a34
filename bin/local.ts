/**
 * `npm start`: the whole vault in one Node process, no cloud and no Docker.
 * Data lives in .khoso/ (KHOSO_DATA_DIR to change) and survives restarts.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { startLocalVault } from '../lib/local/vault-server.ts';

// Node 20 is fixed by the design card; the SDK's notice that its 2027 releases need Node 22
// is recorded in the README and would otherwise repeat on every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const settings = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    KHOSO_DATA_DIR: z.string().default('.khoso/data'),
  })
  .parse(process.env);
const dataDir = resolve(settings.KHOSO_DATA_DIR);

const startedAt = performance.now();
const vault = await startLocalVault({ dataDir, port: settings.PORT, host: settings.HOST }).catch((error: unknown) => {
  process.stderr.write(`khoso could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
const sso = vault.identityProvider;
const column = (text: string, width: number) => text.padEnd(width);
const people = sso.accounts
  .map((account) => `    ${column(account.name, 24)}${column(account.description.en, 44)}${account.accountId}`)
  .join('\n');
const machines = sso.clients.machines
  .map(
    (client) =>
      `    ${column(client.clientId, 22)}unit ${column(client.unit, 5)}${column(client.scopes.join(' '), 28)}secret ${client.clientSecret}`,
  )
  .join('\n');
const [firstMachine] = sso.clients.machines;

process.stdout.write(`
khoso embedded runtime is up (${seconds} s)
  API            ${vault.url}/v1/...
  health         ${vault.url}/health
  API reference  ${vault.url}/docs   (OpenAPI: ${vault.url}/openapi.json)
  running        HTTP API (same Lambda handlers), DynamoDB (dynalite, LevelDB), object store
                 with presigned URLs, digitize workflow (functions/digitize/digitize.asl.json)
  data           ${dataDir}
  national       issued results are pushed to ${vault.sync.nationalWarehouse.url}
  warehouse      ${vault.sync.nationalWarehouse.simulated ? '(the built-in simulator; set NATIONAL_WAREHOUSE_URL for a real portal)' : ''}
                 admin: GET /v1/admin/sync/status, POST /v1/admin/sync/redrive
  population     officers' pages are confirmed against ${vault.populationDatabase.simulator ? `${vault.populationDatabase.simulator.url} (the built-in simulator;` : 'the configured gateway'}
  database       ${vault.populationDatabase.simulator ? 'set POPULATION_DATABASE_URL for a real one)' : '(POPULATION_DATABASE_URL)'}

Sign in (local OpenID provider, oidc-provider): issuer ${sso.issuer}
  discovery      ${sso.discoveryUrl}
  login          a browser sign-in (${vault.url}/auth/login, client ${sso.clients.vault.clientId}) shows
                 the provider's login page, one button per person:
${people}
  machine clients (client credentials, client_secret_basic; local secrets):
${machines}
  curl -s -u ${firstMachine?.clientId}:${firstMachine?.clientSecret} -d grant_type=client_credentials \\
       -d 'scope=${firstMachine?.scopes.join(' ')}' ${sso.issuer}/token

Or get a token for scripts (local mode only), then call the API:
  curl -s -X POST ${vault.url}/_local/token -H 'content-type: application/json' \\
       -d '{"sub":"citizen-1","role":"citizen","ownerId":"079203001234"}'
  curl -s ${vault.url}/v1/folders -H "authorization: Bearer <accessToken>"
Officers: {"sub":"officer-1","role":"officer","unit":"PC06"}. Stop with Ctrl+C.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void vault.close().then(() => process.exit(0));
  });
}
