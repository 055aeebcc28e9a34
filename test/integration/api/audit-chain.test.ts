import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { entities, primaryKey } from '../../../functions/platform/storage/schema.ts';
import { startDynamoDbServer } from '../../../lib/local/dynamodb-server.ts';
import { localTableName } from '../../../lib/local/local-table.ts';
import { startLocalVault, type LocalVault } from '../../../lib/local/vault-server.ts';
import { projectRoot } from '../../../lib/project-paths.ts';
import { assertProblem, createApi, type Api } from '../support/http-client.ts';
import { personas } from '../support/test-vault.ts';

const run = promisify(execFile);
const citizenId = personas.citizen.ownerId;
/** The citizen's second audit entry: the folder created after the vault was provisioned. */
const corruptedSeq = 2;

interface VerifyRun {
  code: number;
  stdout: string;
  stderr: string;
  report?: {
    ok: boolean;
    chainsChecked: number;
    entriesChecked: number;
    broken: { ownerId: string; firstBrokenLink: { seq: number; reason: string } }[];
  };
}

/** `npm run audit:verify` on a data directory, as an operator would run it. */
async function auditVerify(dataDir: string, ...args: string[]): Promise<VerifyRun> {
  const options = { cwd: projectRoot, env: { ...process.env, KHOSO_DATA_DIR: dataDir, TABLE_NAME: '' } };
  try {
    const { stdout, stderr } = await run(
      join(projectRoot, 'node_modules/.bin/tsx'),
      ['bin/audit-verify.ts', ...args],
      options,
    );
    return { code: 0, stdout, stderr, report: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return {
      code: failed.code,
      stdout: failed.stdout,
      stderr: failed.stderr,
      ...(failed.code === 1 ? { report: JSON.parse(failed.stdout) } : {}),
    };
  }
}

/** Changes one field of a stored audit entry behind the application's back. */
function corruptEntry(documents: DynamoDBDocumentClient, ownerId: string, seq: number) {
  return documents.send(
    new UpdateCommand({
      TableName: localTableName,
      Key: primaryKey(entities.auditEntry, { ownerId, block: 0, seq }),
      UpdateExpression: 'SET sourceIp = :ip',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':ip': '198.51.100.66' },
    }),
  );
}

/** Opens the data directory's table while no vault holds it. */
async function withStoredTable(
  dataDir: string,
  action: (documents: DynamoDBDocumentClient) => Promise<unknown>,
): Promise<void> {
  const server = await startDynamoDbServer({ path: join(dataDir, 'dynamodb') });
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await action(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
    await server.close();
  }
}

describe('tamper-evident audit: admin endpoint and npm run audit:verify', () => {
  let dataDir: string;
  let vault: LocalVault | undefined;
  let api: Api;
  const tokens: Record<string, string> = {};

  const start = async () => {
    vault = await startLocalVault({ dataDir, port: 0 });
    api = createApi(vault.url);
    for (const persona of ['citizen', 'admin'] as const) {
      const response = await api<{ accessToken: string }>('POST', '/_local/token', { body: personas[persona] });
      tokens[persona] = response.json.accessToken;
    }
  };
  const stop = async () => {
    await vault?.close();
    vault = undefined;
  };
  const verification = (ownerId: string, persona: 'citizen' | 'admin' = 'admin') =>
    api('GET', `/v1/admin/audit-chains/${ownerId}/verification`, { token: tokens[persona] ?? '' });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khoso-audit-test-'));
    await start();
    // Provisioning the vault, then a folder: at least two entries in the citizen's chain.
    assert.equal((await api('GET', '/v1/folders', { token: tokens.citizen ?? '' })).status, 200);
    assert.equal(
      (await api('POST', '/v1/folders', { token: tokens.citizen ?? '', body: { name: 'Hồ sơ đất đai' } })).status,
      201,
    );
  });

  after(async () => {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("the endpoint verifies a citizen's chain and the pseudo-owners' chains, for administrators only", async () => {
    const citizen = await verification(citizenId);
    assert.equal(citizen.status, 200, citizen.text);
    assert.equal(citizen.json.ok, true);
    assert.ok(citizen.json.entries >= 2, citizen.text);
    const signing = await verification('signing');
    assert.equal(signing.json.ok, true);
    assert.equal(signing.json.entries, 2, "the development seal's installation");

    assertProblem(await verification(citizenId, 'citizen'), 403, 'forbidden-role');
    assertProblem(await verification('not-an-owner'), 400, 'invalid-request');
  });

  test('audit:verify cannot open the data while the vault runs, and says why', async () => {
    const result = await auditVerify(dataDir);
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, /in use by another process \(is `npm start` running/);
  });

  test('audit:verify reports every chain intact once the vault is stopped', async () => {
    await stop();
    const result = await auditVerify(dataDir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.report?.ok, true);
    assert.equal(result.report?.chainsChecked, 2, "the citizen's and the signing settings'");
    assert.deepEqual(result.report?.broken, []);
  });

  test('an entry changed in the table is reported by the endpoint and by audit:verify as the first broken link', async () => {
    await start();
    await corruptEntry((vault as LocalVault).table.client, citizenId, corruptedSeq);
    const broken = await verification(citizenId);
    assert.equal(broken.status, 200);
    assert.equal(broken.json.ok, false);
    assert.equal(broken.json.firstBrokenLink.seq, corruptedSeq);
    assert.equal(broken.json.firstBrokenLink.reason, 'hash-mismatch');
    assert.equal((await verification('signing')).json.ok, true, 'other chains are unaffected');
    await stop();

    const result = await auditVerify(dataDir);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.report?.ok, false);
    assert.deepEqual(
      result.report?.broken.map(({ ownerId, firstBrokenLink }) => [
        ownerId,
        firstBrokenLink.seq,
        firstBrokenLink.reason,
      ]),
      [[citizenId, corruptedSeq, 'hash-mismatch']],
    );
    const one = await auditVerify(dataDir, '--owner', 'signing');
    assert.equal(one.code, 0);
    assert.equal(one.report?.chainsChecked, 1);
  });

  test('data from before the hash chain is refused at start with a clear message', async () => {
    const oldDir = await mkdtemp(join(tmpdir(), 'khoso-audit-old-'));
    try {
      const first = await startLocalVault({ dataDir: oldDir, port: 0 });
      await first.close();
      await withStoredTable(oldDir, (documents) =>
        documents.send(
          new PutCommand({
            TableName: localTableName,
            Item: {
              pk: `AUDIT#${citizenId}#2026-01-01`,
              sk: '2026-01-01T00:00:00.000Z#old',
              entity: 'audit',
              ownerId: citizenId,
            },
          }),
        ),
      );
      const started = await run(join(projectRoot, 'node_modules/.bin/tsx'), ['bin/local.ts'], {
        cwd: projectRoot,
        env: { ...process.env, KHOSO_DATA_DIR: oldDir, PORT: '0' },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(started.code, 1);
      assert.match(started.stderr, /audit entries without a hash chain\)\. Move that folder aside/);
    } finally {
      await rm(oldDir, { recursive: true, force: true });
    }
  });
});
