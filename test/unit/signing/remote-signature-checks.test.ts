import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { createLocalSealKey } from '../../../functions/signing/adapters/local-seal-key.ts';
import { toPem } from '../../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../../functions/pdf-pki/development-ca.ts';
import type { SealKey } from '../../../functions/signing/core/seal-key.ts';
import {
  SignatureProviderUnavailableError,
  type SignatureAttempt,
  type SignatureProvider,
} from '../../../functions/signing/core/signature-provider.ts';
import { checkDueRemoteSignatures, requestDocumentSignature } from '../../../functions/signing/core/signatures.ts';
import { citizen, citizenId, createTestVault, fileDocument, type TestVault } from '../../fakes/vault-test-deps.ts';

/** A remote provider whose answers the test scripts, one per check; it signs with a real key. */
class ScriptedProvider implements SignatureProvider {
  readonly name = 'sim' as const;
  readonly mode = 'remote' as const;
  answers: (SignatureAttempt | 'sign' | 'unavailable')[] = [];
  checks = 0;
  private digest: Uint8Array | undefined;

  constructor(
    private readonly chain: Uint8Array[],
    private readonly key: SealKey,
  ) {}

  async signerCertificates() {
    return this.chain;
  }

  async requestSignature(request: { digest: Uint8Array }): Promise<SignatureAttempt> {
    this.digest = request.digest;
    return { status: 'pending', transactionId: 'tx-1' };
  }

  async checkSignature(): Promise<SignatureAttempt> {
    this.checks += 1;
    const answer = this.answers.shift() ?? { status: 'pending', transactionId: 'tx-1' };
    if (answer === 'unavailable') throw new SignatureProviderUnavailableError('down');
    if (answer === 'sign') return { status: 'signed', signature: await this.key.signDigest(this.digest as Uint8Array) };
    return answer;
  }
}

describe('remote signatures are checked with backoff until a deadline', () => {
  let vault: TestVault;
  let provider: ScriptedProvider;
  let documentId: string;

  beforeEach(async () => {
    vault = createTestVault({
      policy: {
        remoteSignatureFirstCheckSeconds: 2,
        remoteSignatureMaxCheckIntervalSeconds: 30,
        signatureRequestTtlSeconds: 600,
      },
    });
    // Valid around the fake clock's date, not the machine's.
    const validFrom = new Date(vault.clock.now().getTime() - 86_400_000);
    const root = await createRootCa({ commonName: 'SIM test root', validFrom });
    const signer = await issueCertificate({
      issuer: root,
      commonName: 'NGUYỄN VĂN AN',
      subjectSerialNumber: citizenId,
      validFrom,
    });
    provider = new ScriptedProvider([signer.certificate, root.certificate], createLocalSealKey(signer.privateKeyPkcs8));
    vault.signing.providers.sim = provider;
    await vault.signing.settings.saveTrustAnchors('sim', toPem(root.certificate), []);
    documentId = (await fileDocument(vault, citizen())).document.id;
  });

  async function startSigning() {
    const { signature } = await requestDocumentSignature(vault, citizen(), documentId, {
      provider: 'sim',
      account: '0912345678',
    });
    return signature;
  }

  /** Moves the clock to the next check and runs the poller once. */
  async function nextRound(): Promise<number> {
    const [due] = await vault.repository.listDueSignatureChecks('9999', 1);
    if (due?.remote) vault.clock.set(due.remote.nextCheckAt);
    return (await checkDueRemoteSignatures(vault)).checked;
  }

  test('checks come twice as late each time, up to the maximum interval', async () => {
    const signature = await startSigning();
    const gaps: number[] = [];
    let last = Date.parse(
      (await vault.repository.getSignature(citizenId, documentId, signature.id))?.remote?.nextCheckAt ?? '',
    );
    for (let round = 0; round < 6; round += 1) {
      assert.equal(await nextRound(), 1);
      const next = Date.parse(
        (await vault.repository.getSignature(citizenId, documentId, signature.id))?.remote?.nextCheckAt ?? '',
      );
      gaps.push((next - last) / 1000);
      last = next;
    }
    assert.deepEqual(gaps, [4, 8, 16, 30, 30, 30]);
    assert.equal(provider.checks, 6);
  });

  test('nothing is checked before it is due', async () => {
    await startSigning();
    assert.equal((await checkDueRemoteSignatures(vault)).checked, 0);
    assert.equal(provider.checks, 0);
  });

  test('an unreachable provider is asked again later; the signature then completes as a new version', async () => {
    const signature = await startSigning();
    provider.answers = ['unavailable', 'sign'];
    await nextRound();
    assert.equal((await vault.repository.getSignature(citizenId, documentId, signature.id))?.status, 'pending');
    await nextRound();
    const done = await vault.repository.getSignature(citizenId, documentId, signature.id);
    assert.equal(done?.status, 'completed');
    assert.equal(done?.signedVersionNumber, 2);
    assert.equal((await vault.repository.getDocument(citizenId, documentId))?.currentVersion, 2);
    assert.equal(await vault.repository.listDueSignatureChecks('9999', 10).then((due) => due.length), 0);
  });

  test('past its deadline a pending request expires without asking the provider', async () => {
    const signature = await startSigning();
    vault.clock.advance(601_000);
    await checkDueRemoteSignatures(vault);
    const expired = await vault.repository.getSignature(citizenId, documentId, signature.id);
    assert.equal(expired?.status, 'expired');
    assert.equal(provider.checks, 0);
    assert.ok(vault.repository.auditOf(citizenId).some((entry) => entry.action === 'signature.expire'));
    assert.equal((await vault.repository.getDocument(citizenId, documentId))?.versionCount, 1);
  });

  test('a refusal ends the request with the reason', async () => {
    const signature = await startSigning();
    provider.answers = [{ status: 'refused', reason: 'user declined' }];
    await nextRound();
    const refused = await vault.repository.getSignature(citizenId, documentId, signature.id);
    assert.equal(refused?.status, 'failed');
    assert.match(refused?.failureReason ?? '', /user declined/);
  });
});
