/**
 * The embedded runtime's DynamoDB: dynalite (DynamoDB on LevelDB) plus the two operations
 * dynalite 4 lacks, TransactWriteItems and TransactGetItems, so the data-access code runs
 * unchanged against it and against AWS.
 *
 * One HTTP server sits in front of dynalite's request listener. Every request except the two
 * transaction operations is handed to dynalite untouched. Item writes (including the
 * transactions) are serialised through a single write lock; reads run concurrently.
 *
 * A transaction is emulated with ordinary conditional writes, so dynalite itself evaluates
 * every ConditionExpression and UpdateExpression: under the write lock each touched item is
 * snapshotted, the operations are applied one by one, and if any of them fails every applied
 * item is restored from its snapshot and the client gets DynamoDB's TransactionCanceledException.
 *
 * Limitations (this is a development runtime):
 * - Writers are serialised, but readers are not: a concurrent GetItem/Query may briefly observe
 *   a transaction half-applied, or rolled-back writes before their rollback.
 * - Any ValidationException dynalite raises while applying an operation is reported as that
 *   item's `ValidationError` cancellation reason, even when AWS would reject the whole request
 *   up front (e.g. an unused expression attribute value).
 * - ClientRequestToken (idempotency) and ReturnConsumedCapacity are accepted and ignored.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';

export interface LocalDynamoDb {
  endpoint: string;
  /** The same handler the HTTP endpoint runs, for callers in this process that skip the socket. */
  handleRequest: RequestListener;
  close(): Promise<void>;
}

export interface DynamoDbServerOptions {
  /** LevelDB directory; the store is in memory when absent. */
  path?: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

export async function startDynamoDbServer(options: DynamoDbServerOptions = {}): Promise<LocalDynamoDb> {
  const host = options.host ?? '127.0.0.1';
  const { listener, store } = createDynalite(options.path);
  if (options.path) await openStore(store, options.path);
  const dynalite = new DynaliteClient(listener);
  const writeLock = new WriteLock();

  const handleRequest: RequestListener = (request, response) => {
    const operation = headerValue(request, 'x-amz-target');
    if (operation === TRANSACT_WRITE_ITEMS) {
      void answer(request, response, (input) => writeLock.run(() => transactWriteItems(dynalite, input)));
    } else if (operation === TRANSACT_GET_ITEMS) {
      // Taken under the write lock so that no writer interleaves: the reads are one snapshot.
      void answer(request, response, (input) => writeLock.run(() => transactGetItems(dynalite, input)));
    } else if (ITEM_WRITES.has(operation.split('.')[1] ?? '')) {
      // dynalite tells us it is done only by finishing the response, so hold the lock until then.
      const responseClosed = new Promise<void>((resolve) => response.once('close', resolve));
      void writeLock.run(() => {
        listener(request, response);
        return responseClosed;
      });
    } else {
      listener(request, response);
    }
  };
  const server = createServer(handleRequest);

  try {
    await listen(server, options.port ?? 0, host);
  } catch (error) {
    await closeStore(store);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const endpointHost = host.includes(':') ? `[${host}]` : host;

  return {
    endpoint: `http://${endpointHost}:${port}`,
    handleRequest,
    async close() {
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // Behind the write lock, so no transaction is cut off halfway through its writes.
      await writeLock.run(() => closeStore(store));
    },
  };
}

const TRANSACT_WRITE_ITEMS = 'DynamoDB_20120810.TransactWriteItems';
const TRANSACT_GET_ITEMS = 'DynamoDB_20120810.TransactGetItems';
const ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const MAX_TRANSACTION_ITEMS = 100;

/** A JSON object as DynamoDB puts it on the wire (items are attribute maps in wire format). */
type JsonObject = Record<string, unknown>;
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

// ---------------------------------------------------------------------------------------------
// dynalite

interface DynaliteStore {
  db: { open(): Promise<void>; close(callback: (error?: Error | null) => void): void };
}

const requireCjs = createRequire(import.meta.url);
const dynaliteFactory = requireCjs('dynalite') as (options: object) => Server;
/** dynalite's own store module: the same instance dynalite loads, so we can see the store it creates. */
const dynaliteStoreModule = requireCjs('dynalite/db/index.js') as { create(options: object): DynaliteStore };
/** buffer-crc32 is dynalite's dependency, so resolve it from there rather than rely on hoisting. */
const crc32 = createRequire(requireCjs.resolve('dynalite'))('buffer-crc32') as { unsigned(data: string): number };

/**
 * dynalite's factory returns an http.Server that we never listen on; we only take its request
 * listener. Its close() refuses to close the store of a server that is not listening, and the
 * store is otherwise private, so capture it as dynalite creates it: closing the store is what
 * releases the LevelDB directory for a later server in the same process.
 */
function createDynalite(path: string | undefined): { listener: RequestListener; store: DynaliteStore } {
  const createStore = dynaliteStoreModule.create;
  let store: DynaliteStore | undefined;
  dynaliteStoreModule.create = (storeOptions) => (store = createStore(storeOptions));
  try {
    const server = dynaliteFactory({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const listener = server.listeners('request')[0] as RequestListener | undefined;
    if (!listener || !store) throw new Error('dynalite did not expose its request listener and store');
    return { listener, store };
  } finally {
    dynaliteStoreModule.create = createStore;
  }
}

/**
 * LevelDB admits one process per directory. Opening it up front turns a directory another
 * process holds into a clear error here, instead of a crash on the first request.
 */
async function openStore(store: DynaliteStore, path: string): Promise<void> {
  try {
    await store.db.open();
  } catch (error) {
    const locked = (error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED';
    throw new Error(
      locked
        ? `${path} is in use by another process (is \`npm start\` running on this data?)`
        : `${path} could not be opened`,
      { cause: error },
    );
  }
}

function closeStore(store: DynaliteStore): Promise<void> {
  return new Promise((resolve, reject) => store.db.close((error) => (error ? reject(error) : resolve())));
}

/** An error answered to the client as DynamoDB would: its status code and JSON error body. */
class DynamoDbError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: JsonObject,
  ) {
    super(String(body.message ?? body.Message ?? body.__type));
    this.name = new.target.name;
  }

  /** The error's short type, e.g. `ConditionalCheckFailedException`. */
  get type(): string {
    return (
      String(this.body.__type ?? '')
        .split('#')
        .pop() ?? ''
    );
  }
}

function validationError(message: string): DynamoDbError {
  return new DynamoDbError(400, { __type: 'com.amazon.coral.validate#ValidationException', message });
}

/**
 * Calls dynalite's request listener in process with a synthetic request, so the transaction
 * code works in DynamoDB's wire format and sees dynalite's errors exactly as a client would.
 */
class DynaliteClient {
  constructor(private readonly listener: RequestListener) {}

  async call(operation: string, input: JsonObject): Promise<JsonObject> {
    const { statusCode, body } = await this.send(operation, JSON.stringify(input));
    if (statusCode !== 200) throw new DynamoDbError(statusCode, body);
    return body;
  }

  private send(operation: string, payload: string): Promise<{ statusCode: number; body: JsonObject }> {
    return new Promise((resolve) => {
      const request = Object.assign(new PassThrough(), {
        method: 'POST',
        url: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'x-amz-date': '20200101T000000Z',
          // dynalite checks that a signature is present, never that it is valid.
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
      });
      // The few members of ServerResponse that dynalite uses.
      const response = {
        statusCode: 200,
        setHeader() {},
        end(body?: string) {
          resolve({ statusCode: response.statusCode, body: body ? (JSON.parse(body) as JsonObject) : {} });
        },
      };
      this.listener(request as unknown as IncomingMessage, response as unknown as ServerResponse);
      request.end(payload);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Transactions

type WriteKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
const WRITE_KINDS: readonly WriteKind[] = ['Put', 'Update', 'Delete', 'ConditionCheck'];

/** One element of TransactItems, with its item's key resolved against the table's key schema. */
interface TransactionOperation<Kind extends string> {
  kind: Kind;
  /** The request's Put/Update/Delete/ConditionCheck/Get object. */
  request: JsonObject;
  tableName: string;
  key: JsonObject;
}

interface CancellationReason {
  Code: 'None' | 'ConditionalCheckFailed' | 'ValidationError';
  Message?: string;
  Item?: JsonObject;
}

async function transactWriteItems(dynalite: DynaliteClient, input: JsonObject): Promise<JsonObject> {
  const operations = await resolveOperations(dynalite, input, WRITE_KINDS);
  const snapshots = await Promise.all(operations.map((operation) => readItem(dynalite, operation)));

  // Every operation is applied, even after a failure, so that the reasons report each failing
  // condition as DynamoDB does. The items are distinct, so one write cannot affect another's check.
  const reasons: CancellationReason[] = [];
  const applied: number[] = [];
  try {
    for (const [index, operation] of operations.entries()) {
      const snapshot = snapshots[index];
      try {
        await applyWrite(dynalite, operation as TransactionOperation<WriteKind>, snapshot);
        applied.push(index);
        reasons.push({ Code: 'None' });
      } catch (error) {
        reasons.push(cancellationReason(error, operation.request, snapshot));
      }
    }
  } catch (error) {
    await restore(dynalite, operations, snapshots, applied);
    throw error;
  }

  if (reasons.every((reason) => reason.Code === 'None')) return {};
  await restore(dynalite, operations, snapshots, applied);
  throw new DynamoDbError(400, {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons
      .map((reason) => reason.Code)
      .join(', ')}]`,
    CancellationReasons: reasons,
  });
}

async function transactGetItems(dynalite: DynaliteClient, input: JsonObject): Promise<JsonObject> {
  const operations = await resolveOperations(dynalite, input, ['Get'] as const);
  const responses = [];
  for (const operation of operations) {
    const { ProjectionExpression, ExpressionAttributeNames } = operation.request;
    const { Item } = await dynalite.call('GetItem', {
      TableName: operation.tableName,
      Key: operation.key,
      ConsistentRead: true,
      ProjectionExpression,
      ExpressionAttributeNames,
    });
    responses.push(Item ? { Item } : {});
  }
  return { Responses: responses };
}

/** Validates TransactItems as DynamoDB does and resolves each element's table and item key. */
async function resolveOperations<Kind extends string>(
  dynalite: DynaliteClient,
  input: JsonObject,
  kinds: readonly Kind[],
): Promise<TransactionOperation<Kind>[]> {
  const items = input.TransactItems;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_TRANSACTION_ITEMS) {
    throw validationError(
      "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: " +
        `Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS} and greater than or equal to 1`,
    );
  }

  const keySchemas = new Map<string, string[]>();
  const seenItems = new Set<string>();
  const operations: TransactionOperation<Kind>[] = [];
  for (const element of items as unknown[]) {
    const present = kinds.filter((kind) => isObject(element) && isObject(element[kind]));
    const kind = present[0];
    if (present.length !== 1 || kind === undefined) {
      throw validationError(`Each element of TransactItems must contain exactly one of ${kinds.join(', ')}`);
    }
    const request = (element as JsonObject)[kind] as JsonObject;
    const tableName = request.TableName;
    if (typeof tableName !== 'string') throw validationError(`${kind} must name its TableName`);

    let keyAttributes = keySchemas.get(tableName);
    if (!keyAttributes) {
      keyAttributes = await describeKeyAttributes(dynalite, tableName);
      keySchemas.set(tableName, keyAttributes);
    }
    const key = itemKey(kind, request, keyAttributes);

    const identity = JSON.stringify([tableName, ...keyAttributes.map((name) => key[name])]);
    if (seenItems.has(identity)) {
      throw validationError('Transaction request cannot include multiple operations on one item');
    }
    seenItems.add(identity);
    operations.push({ kind, request, tableName, key });
  }
  return operations;
}

/** The table's key attribute names; a missing table fails with dynalite's ResourceNotFoundException. */
async function describeKeyAttributes(dynalite: DynaliteClient, tableName: string): Promise<string[]> {
  const { Table } = await dynalite.call('DescribeTable', { TableName: tableName });
  const keySchema = (Table as { KeySchema: { AttributeName: string }[] }).KeySchema;
  return keySchema.map((element) => element.AttributeName);
}

function itemKey(kind: string, request: JsonObject, keyAttributes: string[]): JsonObject {
  if (kind === 'Put') {
    const item = isObject(request.Item) ? request.Item : {};
    const missing = keyAttributes.find((name) => item[name] === undefined);
    if (missing)
      throw validationError(`One or more parameter values were invalid: Missing the key ${missing} in the item`);
    return Object.fromEntries(keyAttributes.map((name) => [name, item[name]]));
  }
  const key = isObject(request.Key) ? request.Key : {};
  const matchesSchema =
    Object.keys(key).length === keyAttributes.length && keyAttributes.every((name) => key[name] !== undefined);
  if (!matchesSchema) throw validationError('The provided key element does not match the schema');
  return key;
}

async function readItem(
  dynalite: DynaliteClient,
  operation: TransactionOperation<string>,
): Promise<JsonObject | undefined> {
  const { Item } = await dynalite.call('GetItem', {
    TableName: operation.tableName,
    Key: operation.key,
    ConsistentRead: true,
  });
  return isObject(Item) ? Item : undefined;
}

/** Applies one transaction element as the equivalent single-item conditional write. */
async function applyWrite(
  dynalite: DynaliteClient,
  operation: TransactionOperation<WriteKind>,
  snapshot: JsonObject | undefined,
): Promise<void> {
  const { TableName, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = operation.request;
  const condition = { TableName, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues };
  switch (operation.kind) {
    case 'Put':
      await dynalite.call('PutItem', { ...condition, Item: operation.request.Item });
      return;
    case 'Update':
      await dynalite.call('UpdateItem', {
        ...condition,
        Key: operation.key,
        UpdateExpression: operation.request.UpdateExpression,
      });
      return;
    case 'Delete':
      await dynalite.call('DeleteItem', { ...condition, Key: operation.key });
      return;
    case 'ConditionCheck':
      // A conditional write that cannot change the item: rewrite it as it is, or delete the
      // item that is not there.
      if (snapshot) await dynalite.call('PutItem', { ...condition, Item: snapshot });
      else await dynalite.call('DeleteItem', { ...condition, Key: operation.key });
      return;
  }
}

/** Maps a failed operation to its cancellation reason; anything else aborts the transaction. */
function cancellationReason(error: unknown, request: JsonObject, snapshot: JsonObject | undefined): CancellationReason {
  if (!(error instanceof DynamoDbError)) throw error;
  if (error.type === 'ConditionalCheckFailedException') {
    const reason: CancellationReason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
    if (request.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && snapshot) reason.Item = snapshot;
    return reason;
  }
  if (error.type === 'ValidationException') return { Code: 'ValidationError', Message: error.message };
  throw error;
}

/** Puts every applied item back as it was before the transaction (newest first). */
async function restore(
  dynalite: DynaliteClient,
  operations: TransactionOperation<string>[],
  snapshots: (JsonObject | undefined)[],
  applied: number[],
): Promise<void> {
  for (const index of [...applied].reverse()) {
    const operation = operations[index];
    const snapshot = snapshots[index];
    if (!operation || operation.kind === 'ConditionCheck') continue;
    if (snapshot) await dynalite.call('PutItem', { TableName: operation.tableName, Item: snapshot });
    else await dynalite.call('DeleteItem', { TableName: operation.tableName, Key: operation.key });
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

/** A FIFO async mutex: each task starts when the previous one has settled. */
class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Reads a JSON request, runs the operation and answers with its output or DynamoDB-style error. */
async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  execute: (input: JsonObject) => Promise<JsonObject>,
): Promise<void> {
  try {
    const input = parseRequest(await readBody(request));
    sendJson(response, 200, await execute(input));
  } catch (error) {
    if (error instanceof DynamoDbError) {
      sendJson(response, error.statusCode, error.body);
    } else {
      sendJson(response, 500, {
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

function parseRequest(body: string): JsonObject {
  try {
    const input: unknown = JSON.parse(body);
    if (isObject(input)) return input;
  } catch {
    // Answered below, as DynamoDB answers any unparseable body.
  }
  throw new DynamoDbError(400, { __type: 'com.amazon.coral.service#SerializationException' });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, statusCode: number, body: JsonObject): void {
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    // The SDK rejects a DynamoDB response whose body does not match this checksum.
    'x-amz-crc32': String(crc32.unsigned(payload)),
  });
  response.end(payload);
}

function headerValue(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value : '';
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
