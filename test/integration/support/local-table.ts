import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '../../../functions/platform/storage/schema.ts';
import { startDynamoDbServer } from '../../../lib/local/dynamodb-server.ts';

/** The vault's table on an in-memory dynalite of this process, for tests of the DynamoDB adapters. */
export interface LocalTable {
  /** The document client the adapters take, as the Lambdas build it. */
  documents: DynamoDBDocumentClient;
  close(): Promise<void>;
}

export async function startLocalTable(tableName: string): Promise<LocalTable> {
  const server = await startDynamoDbServer({});
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    documents: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
