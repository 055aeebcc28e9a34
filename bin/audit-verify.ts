/**
 * `npm run audit:verify`: re-computes every audit hash chain (or one, with `--owner <id>`) and
 * prints a JSON report; the exit code is 1 when a chain is broken, 2 when it could not run.
 *
 * It reads the embedded runtime's data (.khoso/data, KHOSO_DATA_DIR to change), which only
 * one process may open at a time: stop `npm start` first. With TABLE_NAME it reads that
 * deployed table instead, with the SDK's usual credentials and endpoint settings.
 *
 * Listing the chains scans the table for their heads and first entries: an offline
 * administrator's tool; no Lambda may Scan.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { verifyAuditChain, type AuditChainVerification } from '../functions/audit/core/audit-chain.ts';
import { DynamoAuditLog } from '../functions/audit/adapters/dynamo-audit-log.ts';
import { startDynamoDbServer, type LocalDynamoDb } from '../lib/local/dynamodb-server.ts';
import { localTableName } from '../lib/local/local-table.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Table {
  documents: DynamoDBDocumentClient;
  name: string;
  close(): Promise<void>;
}

async function openTable(): Promise<Table> {
  const deployed = process.env.TABLE_NAME;
  if (deployed) {
    const client = new DynamoDBClient({});
    return { documents: DynamoDBDocumentClient.from(client), name: deployed, close: async () => client.destroy() };
  }
  const dataDir = resolve(process.env.KHOSO_DATA_DIR ?? '.khoso/data');
  const path = join(dataDir, 'dynamodb');
  await access(path).catch(() => {
    throw new Error(`No embedded runtime data in ${dataDir} (set KHOSO_DATA_DIR, or TABLE_NAME for a deployed table)`);
  });
  const server: LocalDynamoDb = await startDynamoDbServer({ path });
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    documents: DynamoDBDocumentClient.from(client),
    name: localTableName,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** Owners with a chain: from the heads, and from first entries in case a head was deleted. */
async function chainOwners(table: Table): Promise<string[]> {
  const owners = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.documents.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: 'entity = :head OR (entity = :audit AND chainSeq = :first)',
        ExpressionAttributeValues: { ':head': 'audit-chain-head', ':audit': 'audit', ':first': 1 },
        ProjectionExpression: 'ownerId',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) owners.add(String(item.ownerId));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return [...owners].sort();
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { owner: { type: 'string' } } });
  const table = await openTable();
  try {
    const log = new DynamoAuditLog(table.documents, table.name);
    const owners = values.owner ? [values.owner] : await chainOwners(table);
    const results: AuditChainVerification[] = [];
    for (const ownerId of owners) {
      const chain = await log.readChain(ownerId);
      results.push(verifyAuditChain(ownerId, chain.entries, chain.head));
    }
    const broken = results.filter((result) => !result.ok);
    process.stdout.write(
      `${JSON.stringify(
        {
          ok: broken.length === 0,
          chainsChecked: results.length,
          entriesChecked: results.reduce((sum, result) => sum + result.entries, 0),
          broken,
        },
        null,
        2,
      )}\n`,
    );
    return broken.length === 0 ? 0 : 1;
  } finally {
    await table.close();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`audit:verify could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  return 2;
});
