/**
 * Sync end to end on this machine, shared by the sync integration tests and `npm run bench:sync`:
 * dynalite with the vault table, the DynamoDB unit of work and sync store, the national-warehouse
 * simulator behind the real HTTP adapter, the portal links' store, and the
 * embedded runtime's dispatcher and in-process queue running the sync use case.
 */
import { randomUUID } from 'node:crypto';
import { createDynamoRepository } from '../../functions/composition/dynamo-repository.ts';
import { createDynamoSyncStoreWithDocuments } from '../../functions/composition/dynamo-sync-store.ts';
import { systemClock, type Clock } from '../../functions/platform/core/runtime.ts';
import { createNationalWarehouseHttpClient } from '../../functions/sync/adapters/national-warehouse-http-client.ts';
import type { BackoffSettings } from '../../functions/sync/core/backoff.ts';
import type { SyncDeps } from '../../functions/sync/core/sync-document.ts';
import type { SyncPolicyRepository } from '../../functions/sync/core/manage-sync-policy.ts';
import { storedSyncPolicy, type SyncPolicy } from '../../functions/sync/core/sync-policy.ts';
import { createDynamoPortalLinkStore } from '../../functions/sync/adapters/dynamo-portal-link-store.ts';
import { createDynamoSyncStore } from '../../functions/sync/adapters/dynamo-sync-store.ts';
import { DynamoTable } from '../../functions/platform/storage/dynamo-table.ts';
import type { SyncStore } from '../../functions/sync/core/sync-ports.ts';
import { pendingSyncRecord, type SyncRecord, type SyncState } from '../../functions/sync/core/sync-record.ts';
import type { VaultDocument } from '../../functions/vault/core/model.ts';
import type { VaultRepository } from '../../functions/vault/core/vault-deps.ts';
import { startLocalTable } from '../integration/support/local-table.ts';
import { startLocalSync, type LocalSync, type LocalSyncOptions } from '../../lib/local/local-sync.ts';
import {
  startNationalWarehouseSimulator,
  type NationalWarehouseSimulator,
} from '../simulators/national-warehouse-simulator.ts';

export const issuingUnit = '000.00.01.H22';
/** The API origin the pushed links name (nothing serves it here: the links are only stored and pushed). */
export const portalLinkBaseUrl = 'https://vault.example/';
const tableName = 'khoso-sync-test';

export interface SyncHarness {
  simulator: NationalWarehouseSimulator;
  repository: VaultRepository;
  store: SyncStore;
  sync: LocalSync;
  deps: SyncDeps;
  /** The stored sync policy (the dispatcher reads its version; tests save versions directly). */
  policies: SyncPolicyRepository;
  /** Files an issued result as the file step does: document, version and outbox record in one commit. */
  fileIssuedResult(ownerId: string, index: number): Promise<VaultDocument>;
  recordOf(document: VaultDocument): Promise<SyncRecord | undefined>;
  countByState(): Promise<Record<SyncState, number>>;
  /** Resolves once `done` holds, polling every `everyMs` (50); rejects after `timeoutMs`. */
  waitFor(done: () => Promise<boolean>, timeoutMs: number, everyMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface SyncHarnessOptions {
  maxAttempts?: number;
  backoff?: BackoffSettings;
  queue?: LocalSyncOptions;
  policy?: SyncPolicy;
  requestTimeoutMs?: number;
  /** The sync use case's and the dispatcher's clock (hourly batches are tested on a clock the test moves). */
  clock?: Clock;
}

export async function startSyncHarness(options: SyncHarnessOptions = {}): Promise<SyncHarness> {
  const table = await startLocalTable(tableName);
  const db = table.documents;
  const repository = createDynamoRepository(db, tableName);
  const store = createDynamoSyncStoreWithDocuments(db, tableName);
  const simulator = await startNationalWarehouseSimulator();
  const warehouse = createNationalWarehouseHttpClient(
    simulator.clientConfig('client-credentials', { requestTimeoutMs: options.requestTimeoutMs ?? 2000 }),
  );
  const policies = createDynamoSyncStore(new DynamoTable(db, tableName));
  const deps: SyncDeps = {
    store,
    portalLinks: { store: createDynamoPortalLinkStore(new DynamoTable(db, tableName)), baseUrl: portalLinkBaseUrl },
    warehouse,
    policy: options.policy ?? storedSyncPolicy(policies),
    clock: options.clock ?? systemClock,
    defaults: {
      procedureCode: '1.004616.000.00.00.H56',
      procedureName: 'Thủ tục cấp kết quả (số hoá)',
      resultTypeCode: 'KQ.G15.000031',
      processingUnit: issuingUnit,
    },
    maxAttempts: options.maxAttempts ?? 12,
    backoff: options.backoff ?? { baseSeconds: 1, maxSeconds: 30 },
  };
  const sync = startLocalSync({ ...deps, policies }, { dispatchEveryMs: 100, secondsToMs: 100, ...options.queue });

  return {
    simulator,
    repository,
    store,
    sync,
    deps,
    policies,
    async fileIssuedResult(ownerId, index) {
      const id = randomUUID();
      const now = new Date().toISOString();
      const blobKey = `vault/${ownerId}/${id}/${id}`;
      const document: VaultDocument = {
        id,
        ownerId,
        folderId: 'sys-results',
        source: 'issued',
        title: `Giấy phép số ${index}`,
        type: 'KQ.G15.000031',
        number: `${index}/GP-PC06`,
        fields: { ownerName: 'Nguyễn Văn An' },
        fileName: `giay-phep-${index}.pdf`,
        contentType: 'application/pdf',
        size: 1000,
        sha256: 'a'.repeat(64),
        currentVersion: 1,
        versionCount: 1,
        createdAt: now,
        updatedAt: now,
        createdBy: 'officer-pc06-0001',
        issuingUnit,
      };
      await repository.commit({
        ownerId,
        documents: [{ next: document }],
        versions: [
          {
            documentId: id,
            ownerId,
            number: 1,
            blobKey,
            fileName: document.fileName,
            contentType: document.contentType,
            size: document.size,
            sha256: document.sha256,
            createdAt: now,
            createdBy: document.createdBy,
          },
        ],
        syncRecords: [pendingSyncRecord('document.filed', document, 1, now)],
        audit: [],
      });
      return document;
    },
    recordOf: (document) => store.getSyncRecord(document.ownerId, document.id),
    async countByState() {
      const states: SyncState[] = ['pending', 'failed', 'synced', 'dead', 'held'];
      const counts = await Promise.all(states.map((state) => store.listSyncRecords(state, 100_000)));
      return Object.fromEntries(states.map((state, i) => [state, counts[i]?.length ?? 0])) as Record<SyncState, number>;
    },
    async waitFor(done, timeoutMs, everyMs = 50) {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    },
    async close() {
      await sync.stop();
      await simulator.close();
      await table.close();
    },
  };
}
