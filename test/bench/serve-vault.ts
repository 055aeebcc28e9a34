/**
 * Benchmark fixture: starts the embedded vault in a fresh data dir, seeds one citizen with
 * a folder of 1,000 documents, and prints what the load generator needs as one JSON line.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditEntry } from '../../functions/audit/core/audit.ts';
import { createFolder } from '../../functions/vault/core/folders.ts';
import type { DocumentVersion, VaultDocument } from '../../functions/vault/core/model.ts';
import type { RequestContext } from '../../functions/platform/core/principal.ts';
import { startLocalVault } from '../../lib/local/vault-server.ts';

const documentCount = 1000;
const creatorCount = 200;
const vault = await startLocalVault({ dataDir: await mkdtemp(join(tmpdir(), 'khoso-bench-')), port: 0 });
const ownerId = '079203001234';
const context: RequestContext = {
  principal: { sub: 'bench-citizen', role: 'citizen', ownerId },
  sourceIp: '127.0.0.1',
  requestId: 'bench',
};
const folder = await createFolder(vault.deps, context, { name: 'Hồ sơ đo hiệu năng' });

// Seeded through the repository (not the upload workflow) so setup takes seconds, not minutes.
const seeded: string[] = [];
for (let start = 0; start < documentCount; start += 30) {
  const documents: VaultDocument[] = [];
  const versions: DocumentVersion[] = [];
  for (let index = start; index < Math.min(start + 30, documentCount); index += 1) {
    const id = vault.deps.ids.newId();
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString();
    documents.push({
      id,
      ownerId,
      folderId: folder.id,
      source: 'self',
      title: `Giấy tờ số ${index}`,
      fileName: `giay-to-${index}.pdf`,
      contentType: 'application/pdf',
      size: 1024,
      sha256: '0'.repeat(64),
      currentVersion: 1,
      versionCount: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: 'bench-citizen',
    });
    versions.push({
      documentId: id,
      ownerId,
      number: 1,
      blobKey: `vault/${ownerId}/${id}/seed`,
      fileName: `giay-to-${index}.pdf`,
      contentType: 'application/pdf',
      size: 1024,
      sha256: '0'.repeat(64),
      createdAt: at,
      createdBy: 'bench-citizen',
    });
    seeded.push(id);
  }
  await vault.deps.repository.commit({
    ownerId,
    documents: documents.map((next) => ({ next })),
    versions,
    audit: [
      auditEntry(vault.deps, context, { ownerId, action: 'bench.seed', resourceType: 'folder', resourceId: folder.id }),
    ],
  });
}
const token = await vault.issuer.issueToken({ sub: 'bench-citizen', role: 'citizen', ownerId }, 3600);
// Folder creation is measured across many citizens, as in real use: each vault holds a handful of folders.
const creatorTokens = await Promise.all(
  Array.from({ length: creatorCount }, async (_, index) => {
    const creatorOwnerId = `0792030${String(index).padStart(5, '0')}`;
    const creator: RequestContext = {
      principal: { sub: `bench-creator-${index}`, role: 'citizen', ownerId: creatorOwnerId },
      sourceIp: '127.0.0.1',
      requestId: 'bench',
    };
    await createFolder(vault.deps, creator, { name: 'Khởi tạo' });
    return vault.issuer.issueToken({ sub: `bench-creator-${index}`, role: 'citizen', ownerId: creatorOwnerId }, 3600);
  }),
);
process.stdout.write(
  `${JSON.stringify({ url: vault.url, token, creatorTokens, folderId: folder.id, documentId: seeded[500] })}\n`,
);
process.on('SIGTERM', () => void vault.close().then(() => process.exit(0)));
