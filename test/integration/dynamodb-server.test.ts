import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { startDynamoDbServer, type LocalDynamoDb } from '../../lib/local/dynamodb-server.ts';
import { createTableInput } from '../../functions/platform/storage/schema.ts';

const TABLE = 'khoso-test';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

function connect(endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { client, documents: DynamoDBDocumentClient.from(client) };
}

/** Runs `action`, expecting it to reject, and returns the error. */
async function failure(action: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await action();
  } catch (error) {
    assert.ok(error instanceof Error);
    return error as Error & Record<string, unknown>;
  }
  assert.fail('expected the call to fail');
}

describe('local DynamoDB server (dynalite + transactions)', () => {
  let server: LocalDynamoDb;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;

  const put = (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: TABLE, Item: item }));
  const get = async (pk: string, sk: string) =>
    (await documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true }))).Item;
  const transact = (items: TransactItems) => documents.send(new TransactWriteCommand({ TransactItems: items }));

  before(async () => {
    server = await startDynamoDbServer({});
    ({ client, documents } = connect(server.endpoint));
    await client.send(new CreateTableCommand(createTableInput(TABLE)));
  });

  after(async () => {
    client.destroy();
    await server.close();
  });

  test('plain PutItem and Query still work', async () => {
    await put({ pk: 'plain', sk: 'a', value: 1 });
    await put({ pk: 'plain', sk: 'b', value: 2 });
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'plain' },
      }),
    );
    assert.deepEqual(
      Items?.map((item) => [item.sk, item.value]),
      [
        ['a', 1],
        ['b', 2],
      ],
    );
  });

  test('a transaction of Put, Update, Delete and ConditionCheck applies every operation', async () => {
    await put({ pk: 'ok', sk: 'update', count: 1 });
    await put({ pk: 'ok', sk: 'delete' });
    await put({ pk: 'ok', sk: 'check', state: 'open' });

    await transact([
      {
        Put: {
          TableName: TABLE,
          Item: { pk: 'ok', sk: 'put', name: 'new' },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: 'ok', sk: 'update' },
          UpdateExpression: 'SET #count = #count + :one',
          ConditionExpression: '#count = :old',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':old': 1 },
        },
      },
      { Delete: { TableName: TABLE, Key: { pk: 'ok', sk: 'delete' }, ConditionExpression: 'attribute_exists(pk)' } },
      {
        ConditionCheck: {
          TableName: TABLE,
          Key: { pk: 'ok', sk: 'check' },
          ConditionExpression: '#state = :open',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':open': 'open' },
        },
      },
    ]);

    assert.deepEqual(await get('ok', 'put'), { pk: 'ok', sk: 'put', name: 'new' });
    assert.deepEqual(await get('ok', 'update'), { pk: 'ok', sk: 'update', count: 2 });
    assert.equal(await get('ok', 'delete'), undefined);
    assert.deepEqual(await get('ok', 'check'), { pk: 'ok', sk: 'check', state: 'open' });
  });

  test('a failing condition cancels the whole transaction with the reasons in order', async () => {
    await put({ pk: 'cancel', sk: 'update', count: 5 });
    await put({ pk: 'cancel', sk: 'delete', keep: true });
    await put({ pk: 'cancel', sk: 'check', state: 'closed' });
    await put({ pk: 'cancel', sk: 'replace', version: 1 });

    const error = await failure(() =>
      transact([
        { Put: { TableName: TABLE, Item: { pk: 'cancel', sk: 'put' } } },
        {
          Update: {
            TableName: TABLE,
            Key: { pk: 'cancel', sk: 'update' },
            UpdateExpression: 'SET #count = #count + :one',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        { Delete: { TableName: TABLE, Key: { pk: 'cancel', sk: 'delete' } } },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: { pk: 'cancel', sk: 'check' },
            ConditionExpression: '#state = :open',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':open': 'open' },
          },
        },
        { Put: { TableName: TABLE, Item: { pk: 'cancel', sk: 'replace', version: 2 } } },
        {
          Put: {
            TableName: TABLE,
            Item: { pk: 'cancel', sk: 'missing-check' },
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ]),
    );

    assert.ok(error instanceof TransactionCanceledException);
    assert.equal(error.name, 'TransactionCanceledException');
    assert.equal(
      error.message,
      'Transaction cancelled, please refer cancellation reasons for specific reasons ' +
        '[None, None, None, ConditionalCheckFailed, None, ConditionalCheckFailed]',
    );
    assert.deepEqual(error.CancellationReasons, [
      { Code: 'None' },
      { Code: 'None' },
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);

    // Every write that had been applied before the failure is undone.
    assert.equal(await get('cancel', 'put'), undefined);
    assert.deepEqual(await get('cancel', 'update'), { pk: 'cancel', sk: 'update', count: 5 });
    assert.deepEqual(await get('cancel', 'delete'), { pk: 'cancel', sk: 'delete', keep: true });
    assert.deepEqual(await get('cancel', 'check'), { pk: 'cancel', sk: 'check', state: 'closed' });
    assert.deepEqual(await get('cancel', 'replace'), { pk: 'cancel', sk: 'replace', version: 1 });
    assert.equal(await get('cancel', 'missing-check'), undefined);
  });

  test('ReturnValuesOnConditionCheckFailure=ALL_OLD returns the old item in its reason', async () => {
    await put({ pk: 'all-old', sk: 'item', version: 3 });

    const error = await failure(() =>
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: { S: 'all-old' }, sk: { S: 'other' } } } },
            {
              Update: {
                TableName: TABLE,
                Key: { pk: { S: 'all-old' }, sk: { S: 'item' } },
                UpdateExpression: 'SET version = :next',
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':next': { N: '5' }, ':expected': { N: '4' } },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      ),
    );

    assert.ok(error instanceof TransactionCanceledException);
    assert.deepEqual(error.CancellationReasons, [
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { pk: { S: 'all-old' }, sk: { S: 'item' }, version: { N: '3' } },
      },
    ]);
    assert.equal(await get('all-old', 'other'), undefined);
  });

  test('two operations on the same item are a ValidationException and change nothing', async () => {
    const error = await failure(() =>
      transact([
        { Put: { TableName: TABLE, Item: { pk: 'dup', sk: 'one', n: 1 } } },
        { Put: { TableName: TABLE, Item: { pk: 'dup', sk: 'two' } } },
        { Delete: { TableName: TABLE, Key: { pk: 'dup', sk: 'one' } } },
      ]),
    );

    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'Transaction request cannot include multiple operations on one item');
    assert.equal(await get('dup', 'one'), undefined);
    assert.equal(await get('dup', 'two'), undefined);
  });

  test('more than 100 operations are a ValidationException and change nothing', async () => {
    const items: TransactItems = Array.from({ length: 101 }, (_, index) => ({
      Put: { TableName: TABLE, Item: { pk: 'too-many', sk: String(index) } },
    }));

    const error = await failure(() => transact(items));

    assert.equal(error.name, 'ValidationException');
    assert.match(error.message, /less than or equal to 100/);
    assert.equal(await get('too-many', '0'), undefined);
  });

  test('an unknown table propagates ResourceNotFoundException', async () => {
    const error = await failure(() => transact([{ Put: { TableName: 'no-such-table', Item: { pk: 'x', sk: 'y' } } }]));
    assert.equal(error.name, 'ResourceNotFoundException');
  });

  test('concurrent conditional increments: exactly the successful transactions are counted', async () => {
    await put({ pk: 'counter', sk: 'value', value: 0 });

    const attempt = async (worker: number) => {
      // Stagger the reads so that some workers see earlier increments.
      await new Promise((resolve) => setTimeout(resolve, (worker % 5) * 15));
      const old = (await get('counter', 'value'))?.value as number;
      try {
        // The shared write comes first, so every cancelled transaction has something to roll back:
        // without serialised writers a rollback would clobber another transaction's write.
        await transact([
          { Put: { TableName: TABLE, Item: { pk: 'counter', sk: 'last', worker } } },
          {
            Update: {
              TableName: TABLE,
              Key: { pk: 'counter', sk: 'value' },
              UpdateExpression: 'SET #value = :new',
              ConditionExpression: '#value = :old',
              ExpressionAttributeNames: { '#value': 'value' },
              ExpressionAttributeValues: { ':old': old, ':new': old + 1 },
            },
          },
          { Put: { TableName: TABLE, Item: { pk: 'counter-success', sk: String(worker) } } },
        ]);
        return true;
      } catch (error) {
        assert.ok(error instanceof TransactionCanceledException);
        assert.deepEqual(
          error.CancellationReasons?.map((reason) => reason.Code),
          ['None', 'ConditionalCheckFailed', 'None'],
        );
        return false;
      }
    };

    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, worker) => attempt(worker)));
    const successes = outcomes.filter(Boolean).length;

    assert.ok(successes >= 1);
    assert.deepEqual(await get('counter', 'value'), { pk: 'counter', sk: 'value', value: successes });
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'counter-success' },
        ConsistentRead: true,
      }),
    );
    const recorded = (Items ?? []).map((item) => Number(item.sk)).sort((a, b) => a - b);
    const succeeded = outcomes.flatMap((ok, worker) => (ok ? [worker] : []));
    assert.deepEqual(recorded, succeeded);
    const last = await get('counter', 'last');
    assert.ok(succeeded.includes(last?.worker as number), `last writer ${String(last?.worker)} did not succeed`);
  });

  test('a GSI query sees items written by a transaction', async () => {
    await transact([
      { Put: { TableName: TABLE, Item: { pk: 'doc#1', sk: 'meta', gsi1pk: 'owner#ada', gsi1sk: '2024-01-01' } } },
      { Put: { TableName: TABLE, Item: { pk: 'doc#2', sk: 'meta', gsi1pk: 'owner#ada', gsi1sk: '2024-02-01' } } },
    ]);

    const { Items } = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :owner',
        ExpressionAttributeValues: { ':owner': 'owner#ada' },
      }),
    );
    assert.deepEqual(
      Items?.map((item) => item.pk),
      ['doc#1', 'doc#2'],
    );
  });

  test('TransactGetItems returns each item in order, and nothing for a missing one', async () => {
    await put({ pk: 'tget', sk: 'a', value: 'A' });
    await put({ pk: 'tget', sk: 'b', value: 'B' });

    const { Responses } = await documents.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: TABLE, Key: { pk: 'tget', sk: 'b' } } },
          { Get: { TableName: TABLE, Key: { pk: 'tget', sk: 'missing' } } },
          { Get: { TableName: TABLE, Key: { pk: 'tget', sk: 'a' } } },
        ],
      }),
    );

    assert.deepEqual(
      Responses?.map((response) => response.Item),
      [{ pk: 'tget', sk: 'b', value: 'B' }, undefined, { pk: 'tget', sk: 'a', value: 'A' }],
    );
  });
});

test('data survives close() and a restart on the same LevelDB directory', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'khoso-dynamodb-'));
  try {
    const first = await startDynamoDbServer({ path: directory });
    const before = connect(first.endpoint);
    await before.client.send(new CreateTableCommand(createTableInput(TABLE)));
    await before.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: { pk: 'persist', sk: 'tx', gsi1pk: 'g', gsi1sk: '1' } } },
          { Put: { TableName: TABLE, Item: { pk: 'persist', sk: 'tx2' } } },
        ],
      }),
    );
    await before.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'persist', sk: 'plain' } }));
    before.client.destroy();
    await first.close();

    const second = await startDynamoDbServer({ path: directory });
    const after = connect(second.endpoint);
    try {
      const { Items } = await after.documents.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'persist' },
        }),
      );
      assert.deepEqual(
        Items?.map((item) => item.sk),
        ['plain', 'tx', 'tx2'],
      );
      const { Items: indexed } = await after.documents.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :g',
          ExpressionAttributeValues: { ':g': 'g' },
        }),
      );
      assert.deepEqual(
        indexed?.map((item) => item.sk),
        ['tx'],
      );
    } finally {
      after.client.destroy();
      await second.close();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
