/**
 * The pull worker as the pulls queue invokes it on AWS, over the real use case: pulls and vault in
 * dynalite, a filesystem blob store, the real HTTP adapter and the national warehouse simulator.
 * Only SQS itself is absent: the dispatcher's sends and the worker's visibility changes are
 * recorded, and messages carry the receive count SQS would give them. Storage failures are
 * injected (nothing else makes a real store fail on cue).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient, SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createDynamoRepository } from '../../../functions/composition/dynamo-repository.ts';
import { createFsBlobStore } from '../../../functions/platform/adapters/fs-blob-store.ts';
import type { RequestContext } from '../../../functions/platform/core/principal.ts';
import { randomIds, systemClock } from '../../../functions/platform/core/runtime.ts';
import { DynamoTable } from '../../../functions/platform/storage/dynamo-table.ts';
import { createTableInput } from '../../../functions/platform/storage/schema.ts';
import { createDynamoPullStore } from '../../../functions/sync/adapters/dynamo-pull-store.ts';
import { createNationalWarehouseHttpClient } from '../../../functions/sync/adapters/national-warehouse-http-client.ts';
import { createSqsPullDispatcher } from '../../../functions/sync/adapters/sqs-pull-dispatcher.ts';
import { pullMaxReceiveCount } from '../../../functions/sync/core/pull-delivery.ts';
import { requestPull, type PullDeps } from '../../../functions/sync/core/pull-results.ts';
import { createPullWorker } from '../../../functions/sync/handlers/pull-worker.ts';
import { defaultVaultPolicy } from '../../../functions/vault/core/vault-policy.ts';
import { startDynamoDbServer, type LocalDynamoDb } from '../../../lib/local/dynamodb-server.ts';
import { createLocalPulls } from '../../../lib/local/local-pulls.ts';
import {
  startNationalWarehouseSimulator,
  type NationalWarehouseSimulator,
  type SeededResult,
} from '../../simulators/national-warehouse-simulator.ts';
import { makePdf } from '../support/fixtures.ts';

const tableName = 'khoso-pull-worker-test';
const procedureCode = '1.004616.000.00.00.H56';

let dynamo: LocalDynamoDb;
let client: DynamoDBClient;
let db: DynamoDBDocumentClient;
let vaultRepository: ReturnType<typeof createDynamoRepository>;
let blobRoot: string;
let simulator: NationalWarehouseSimulator;
let deps: PullDeps;
/** What the dispatcher handed to SQS. */
const sent: SendMessageCommandInput[] = [];
/** The worker's visibility changes (its backoff). */
const delays: { receiptHandle: string; delaySeconds: number }[] = [];
/** Injected failures: after `pass` more calls succeed, the next `fail` calls throw. */
const faults = { blobWrites: { pass: 0, fail: 0 }, commits: { pass: 0, fail: 0 } };
function injected(fault: { pass: number; fail: number }, what: string): void {
  if (fault.pass > 0) fault.pass -= 1;
  else if (fault.fail > 0) {
    fault.fail -= 1;
    throw new Error(`injected: ${what} unavailable`);
  }
}
let work: ReturnType<typeof createPullWorker>;
let owners = 0;

/** A fresh owner with `count` one-file papers at the portal. */
async function ownerWithPapers(count: number): Promise<string> {
  owners += 1;
  const ownerId = `0792030${String(owners).padStart(5, '0')}`;
  const papers: SeededResult[] = await Promise.all(
    Array.from({ length: count }, async (_, index) => ({
      resultTypeCode: `KQ.G15.${String(index).padStart(6, '0')}`,
      name: `Giấy chứng nhận số ${index}`,
      number: `${index}/2024/GCN`,
      issuingBody: '000.00.01.H22',
      files: [
        {
          name: `giay-${index}.pdf`,
          path: `/kho/${ownerId}/${index}.pdf`,
          content: await makePdf(`Paper ${index} of ${ownerId}`),
        },
      ],
    })),
  );
  simulator.seedResults(ownerId, papers);
  return ownerId;
}

const contextOf = (ownerId: string): RequestContext => ({
  principal: { sub: `citizen-${ownerId}`, role: 'citizen', ownerId },
  sourceIp: '203.0.113.7',
  requestId: `request-${ownerId}`,
});

/** Records a pull as the API does; answers the body of the message the dispatcher sent. */
async function recordPull(ownerId: string): Promise<{ pullId: string; body: string }> {
  const pull = await requestPull(deps, contextOf(ownerId), { procedureCode });
  const body = sent.at(-1)?.MessageBody;
  assert.ok(body);
  return { pullId: pull.id, body };
}

const message = (id: string, body: string, receiveCount = 1): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: `receipt-${id}-${receiveCount}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    eventSource: 'aws:sqs',
  }) as unknown as SQSRecord;
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

async function report(pullId: string) {
  const pull = await deps.repository.getPull(pullId);
  const files = await deps.repository.listPullFiles(pullId);
  const documents = (await deps.repository.listOwnerDocuments(pull!.ownerId)).filter((d) => d.source === 'imported');
  return { pull: pull!, files, documents };
}

before(async () => {
  dynamo = await startDynamoDbServer({});
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  blobRoot = await mkdtemp(join(tmpdir(), 'khoso-pulls-'));
  const blobs = createFsBlobStore({
    rootDir: blobRoot,
    publicBaseUrl: 'http://127.0.0.1:3000',
    signingSecret: randomBytes(32),
    bucket: tableName,
  });
  simulator = await startNationalWarehouseSimulator();
  const repository = createDynamoRepository(db, tableName);
  vaultRepository = {
    ...repository,
    commit: async (changes) => {
      injected(faults.commits, 'DynamoDB');
      return repository.commit(changes);
    },
  };
  deps = {
    repository: { ...vaultRepository, ...createDynamoPullStore(new DynamoTable(db, tableName)) },
    blobs: {
      ...blobs,
      write: async (...args) => {
        injected(faults.blobWrites, 'S3');
        return blobs.write(...args);
      },
    },
    clock: systemClock,
    ids: randomIds,
    policy: defaultVaultPolicy,
    warehouse: createNationalWarehouseHttpClient(
      simulator.clientConfig('client-credentials', { requestTimeoutMs: 2000 }),
    ),
    dispatcher: createSqsPullDispatcher({
      sqs: {
        send: async (command: { input: SendMessageCommandInput }) => void sent.push(command.input),
      } as unknown as SQSClient,
      queueUrl: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/khoso-dev-pulls',
    }),
    retry: { attempts: 2, baseDelayMs: 1 },
  };
  work = createPullWorker({
    pulls: deps,
    retryAfter: async (receiptHandle, delaySeconds) => void delays.push({ receiptHandle, delaySeconds }),
  });
});
after(async () => {
  await simulator.close();
  client.destroy();
  await dynamo.close();
  await rm(blobRoot, { recursive: true, force: true });
});

describe('the pull worker on the pulls queue', () => {
  test('the API sends the pull id to the pulls queue; one delivery runs the pull to done', async () => {
    const ownerId = await ownerWithPapers(3);
    const { pullId, body } = await recordPull(ownerId);
    assert.equal(sent.at(-1)?.QueueUrl, 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/khoso-dev-pulls');
    assert.deepEqual(JSON.parse(body), { pullId });
    assert.equal((await report(pullId)).pull.state, 'running');

    const response = await work(batch(message('m-1', body)));
    assert.deepEqual(response.batchItemFailures, []);
    const { pull, files, documents } = await report(pullId);
    assert.equal(pull.state, 'done', pull.reason);
    assert.equal(pull.fileCount, 3);
    assert.deepEqual(
      files.map((file) => file.outcome),
      ['filed', 'filed', 'filed'],
    );
    assert.equal(documents.length, 3);
  });

  test('a duplicate message, later or at once, files nothing twice', async () => {
    const ownerId = await ownerWithPapers(4);
    const { pullId, body } = await recordPull(ownerId);
    // Two copies delivered to two workers at the same time (SQS is at least once).
    const responses = await Promise.all([work(batch(message('d-1', body))), work(batch(message('d-2', body)))]);
    for (const response of responses) assert.deepEqual(response.batchItemFailures, []);
    const first = await report(pullId);
    assert.equal(first.pull.state, 'done', first.pull.reason);
    assert.equal(first.documents.length, 4);
    assert.deepEqual(
      first.files.map((file) => file.outcome),
      ['filed', 'filed', 'filed', 'filed'],
    );

    const listings = simulator.requestCount('pullResults');
    assert.deepEqual((await work(batch(message('d-3', body)))).batchItemFailures, []);
    const again = await report(pullId);
    assert.equal(again.documents.length, 4);
    assert.deepEqual(again.files, first.files);
    assert.equal(simulator.requestCount('pullResults'), listings, 'a finished pull does not ask the portal again');
  });

  test('a portal outage on the last receive fails the pull with the portal reason, and settles the message', async () => {
    const ownerId = await ownerWithPapers(2);
    const { pullId, body } = await recordPull(ownerId);
    await simulator.goDown();
    let response;
    try {
      response = await work(batch(message('o-1', body, pullMaxReceiveCount)));
    } finally {
      await simulator.comeBack();
    }
    assert.deepEqual(response.batchItemFailures, []);
    const { pull, documents } = await report(pullId);
    assert.equal(pull.state, 'failed');
    assert.match(pull.reason ?? '', /could not list the papers after several attempts \(unreachable\)/);
    assert.equal(documents.length, 0);
  });

  test('a run that throws is retried after 30 s, then 60 s; on the last receive the pull is failed, its files kept', async () => {
    const ownerId = await ownerWithPapers(3);
    const { pullId, body } = await recordPull(ownerId);
    const before = delays.length;

    // First receive: paper 0 is filed, then storage fails on paper 1.
    faults.blobWrites = { pass: 1, fail: 1 };
    const first = await work(batch(message('r-1', body, 1)));
    assert.deepEqual(first.batchItemFailures, [{ itemIdentifier: 'r-1' }]);
    assert.deepEqual(delays.slice(before), [{ receiptHandle: 'receipt-r-1-1', delaySeconds: 30 }]);
    let state = await report(pullId);
    assert.equal(state.pull.state, 'running', 'a run to retry leaves the pull running');
    assert.equal(state.documents.length, 1);

    faults.blobWrites = { pass: 0, fail: 1 };
    assert.deepEqual((await work(batch(message('r-1', body, 2)))).batchItemFailures, [{ itemIdentifier: 'r-1' }]);
    assert.deepEqual(delays.slice(before + 1), [{ receiptHandle: 'receipt-r-1-2', delaySeconds: 60 }]);
    assert.equal((await report(pullId)).pull.state, 'running');

    faults.blobWrites = { pass: 0, fail: 1 };
    const last = await work(batch(message('r-1', body, pullMaxReceiveCount)));
    assert.deepEqual(last.batchItemFailures, [], 'the last receive settles the message: nothing for the DLQ');
    assert.equal(delays.length, before + 2);
    state = await report(pullId);
    assert.equal(state.pull.state, 'failed');
    assert.match(state.pull.reason ?? '', /stopped before it could finish/);
    assert.deepEqual(
      state.files.map((file) => [file.index, file.outcome]),
      [[0, 'filed']],
    );
    assert.equal(state.documents.length, 1);
  });

  test('a message that could not even fail its pull goes to the DLQ; the redriven message finishes it, filing nothing twice', async () => {
    const ownerId = await ownerWithPapers(3);
    const { pullId, body } = await recordPull(ownerId);
    // First receive: paper 0 is filed, then storage fails.
    faults.blobWrites = { pass: 1, fail: 1 };
    assert.deepEqual((await work(batch(message('x-1', body, 1)))).batchItemFailures, [{ itemIdentifier: 'x-1' }]);

    // The last receive: the table is down, for the run and for failing the pull alike.
    faults.commits = { pass: 0, fail: 10 };
    let response;
    try {
      response = await work(batch(message('x-1', body, pullMaxReceiveCount)));
    } finally {
      faults.commits = { pass: 0, fail: 0 };
    }
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'x-1' }], 'reported: SQS dead-letters it');
    assert.equal((await report(pullId)).pull.state, 'running');

    // An operator's redrive: the same body, its receive count reset.
    assert.deepEqual((await work(batch(message('x-1', body, 1)))).batchItemFailures, []);
    const { pull, files, documents } = await report(pullId);
    assert.equal(pull.state, 'done', pull.reason);
    assert.equal(documents.length, 3);
    assert.deepEqual(
      files.map((file) => file.outcome),
      ['filed', 'filed', 'filed'],
    );
  });

  test('a body that is no pull is dropped, not retried', async () => {
    const response = await work(
      batch(message('b-1', 'not json'), message('b-2', JSON.stringify({ pullId: 'p', extra: true }))),
    );
    assert.deepEqual(response.batchItemFailures, []);
  });
});

describe('the same delivery on the embedded runtime (in-process queue)', () => {
  test('a run that throws is retried by the queue and the pull failed on its last receive; a sound one is done', async () => {
    // Queue waits in milliseconds instead of seconds: the 30 s and 60 s backoffs take 90 ms.
    const local = createLocalPulls(
      {
        repository: vaultRepository,
        blobs: deps.blobs,
        clock: systemClock,
        ids: randomIds,
        policy: defaultVaultPolicy,
      },
      db,
      tableName,
      simulator.clientConfig('client-credentials', { requestTimeoutMs: 2000 }),
      { retry: { attempts: 2, baseDelayMs: 1 }, secondsToMs: 1 },
    );
    try {
      const failing = await ownerWithPapers(2);
      faults.blobWrites = { pass: 0, fail: pullMaxReceiveCount };
      const doomed = await requestPull(local.deps, contextOf(failing), { procedureCode });
      await local.idle();
      assert.equal(faults.blobWrites.fail, 0, 'one failed write per receive');
      const failed = await local.deps.repository.getPull(doomed.id);
      assert.equal(failed?.state, 'failed');
      assert.match(failed?.reason ?? '', /stopped before it could finish/);
      assert.deepEqual(local.queue.depth(), { queued: 0, inFlight: 0, deadLetters: 0 });

      const sound = await ownerWithPapers(2);
      const pull = await requestPull(local.deps, contextOf(sound), { procedureCode });
      await local.idle();
      const done = await local.deps.repository.getPull(pull.id);
      assert.equal(done?.state, 'done', done?.reason);
      assert.deepEqual(
        (await local.deps.repository.listPullFiles(pull.id)).map((file) => file.outcome),
        ['filed', 'filed'],
      );
    } finally {
      faults.blobWrites = { pass: 0, fail: 0 };
      await local.stop();
    }
  });
});
